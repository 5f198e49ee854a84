"""Extra coded answers for `soc-coder train --extra`: validation of the file, training with them, determinism."""

import numpy as np
import pandas as pd
import pytest

from model.artifact import sha256_of
from ons_fixtures import FIXTURE_UNIT_GROUPS
from training.examples import training_examples
from training.extra import EXTRA, ExtraColumns, ExtraDataError, read_extra
from training.ons_readers import load_sources
from training.train import TrainingConfig, fit_coder, held_out_rows, with_extra_examples

UNIT_GROUPS = set(FIXTURE_UNIT_GROUPS)
CONFIG = TrainingConfig(holdout_fraction=0.2)
# "Sandwich artist" is in no fixture index entry: only the extra answers teach it (to 9263, kitchen assistants)
EXTRA_ROWS = pd.DataFrame({
    "id": ["e1", "e2", "e3", "e4"],
    "job_title": ["Sandwich artist", "sandwich artist", "Sandwich artist", "Head chef"],
    "job_description": ["make sandwiches to order", "", "prepare fillings and serve", "run the kitchen"],
    "industry": ["sandwich bar", "cafe", "", "hotel"],
    "gold_codes": ["9263", "9263", "9263;5434", "5434"],
})


def write_csv(frame: pd.DataFrame, path):
    frame.to_csv(path, index=False)
    return path


# ---------------------------------------------------------------- validation of the extra file


def test_extra_file_becomes_weighted_examples(tmp_path):
    extra = read_extra(write_csv(EXTRA_ROWS, tmp_path / "coded.csv"), UNIT_GROUPS, weight=2.5)
    assert len(extra) == 4
    assert extra.examples["label"].tolist() == ["9263", "9263", "9263", "5434"]  # the first, preferred code
    assert extra.examples["text"].tolist()[0] == "Sandwich artist; make sandwiches to order; industry: sandwich bar"
    assert extra.examples["title"].tolist()[1] == "sandwich artist"
    assert set(extra.examples["source"]) == {EXTRA} and set(extra.examples["weight"]) == {2.5}
    assert extra.summary() == {"extra_file": "coded.csv", "extra_sha256": sha256_of(tmp_path / "coded.csv"), "extra_rows": 4,
                               "extra_unit_groups": 2, "extra_weight": 2.5, "extra_gold_column": "gold_codes"}


def test_codes_that_are_not_unit_groups_are_named_and_the_file_refused(tmp_path):
    bad = EXTRA_ROWS.assign(gold_codes=["9263", "9999", "21", ""], id=["ok1", "r7", "r8", "r9"])
    with pytest.raises(ExtraDataError) as error:
        read_extra(write_csv(bad, tmp_path / "bad.csv"), UNIT_GROUPS)
    message = str(error.value)
    assert "refused, nothing trained on it" in message
    assert "2 row(s) with codes in gold_codes that are not SOC 2020 unit groups: r7 ('9999'), r8 ('21')" in message
    assert "1 row(s) with no code in gold_codes: r9" in message
    assert "ok1" not in message


def test_a_second_code_that_is_not_a_unit_group_is_named_too(tmp_path):
    bad = EXTRA_ROWS.assign(gold_codes=["9263", "9263", "9263;1234", "5434"])
    with pytest.raises(ExtraDataError, match=r"1 row\(s\) with codes .*: e3 \('1234'\)"):
        read_extra(write_csv(bad, tmp_path / "bad.csv"), UNIT_GROUPS)


def test_rows_without_any_answer_text_are_refused(tmp_path):
    bad = EXTRA_ROWS.assign(job_title=["Chef", " ", "Chef", "Chef"], job_description=["", "", "", ""], industry=["", "", "", ""])
    with pytest.raises(ExtraDataError, match=r"1 row\(s\) with no answer text .*: e2"):
        read_extra(write_csv(bad, tmp_path / "bad.csv"), UNIT_GROUPS)


@pytest.mark.parametrize(
    "drop, message",
    [("gold_codes", "no gold code column 'gold_codes'"), ("job_title", "no job_title column 'job_title'"), ("id", "no id column 'id'")],
)
def test_missing_columns_are_refused(tmp_path, drop, message):
    with pytest.raises(ExtraDataError, match=message):
        read_extra(write_csv(EXTRA_ROWS.drop(columns=drop), tmp_path / "bad.csv"), UNIT_GROUPS)


def test_a_renamed_gold_column_is_read(tmp_path):
    path = write_csv(EXTRA_ROWS.rename(columns={"gold_codes": "soc2020"}), tmp_path / "coded.csv")
    assert read_extra(path, UNIT_GROUPS, ExtraColumns(gold="soc2020")).examples["label"].tolist()[-1] == "5434"


@pytest.mark.parametrize("content, message", [(b"", "the file is empty"), (b"id,job_title,gold_codes\n", "no rows: nothing to train on")])
def test_empty_files_are_refused(tmp_path, content, message):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(ExtraDataError, match=message):
        read_extra(path, UNIT_GROUPS)


def test_weight_must_be_positive(tmp_path):
    with pytest.raises(ExtraDataError, match="must be > 0"):
        read_extra(write_csv(EXTRA_ROWS, tmp_path / "coded.csv"), UNIT_GROUPS, weight=0)


# ---------------------------------------------------------------- training with extra examples


def test_extra_examples_are_never_held_out_and_leave_the_split_alone(ons_fixture_dir, tmp_path):
    index, volume1 = load_sources(ons_fixture_dir)
    examples = training_examples(index.entries, volume1.unit_groups)
    extra = read_extra(write_csv(EXTRA_ROWS, tmp_path / "coded.csv"), UNIT_GROUPS, weight=3.0)
    combined, weights = with_extra_examples(examples, extra.examples)
    assert len(combined) == len(examples) + 4 and "weight" not in combined.columns
    assert weights.tolist() == [1.0] * len(examples) + [3.0] * 4
    held = held_out_rows(combined, CONFIG)
    assert not held[len(examples):].any()
    np.testing.assert_array_equal(held[: len(examples)], held_out_rows(examples, CONFIG))


def test_extra_answers_teach_the_model_a_title_the_index_lacks(ons_fixture_dir, tmp_path, encoder, tiny_coder):
    index, volume1 = load_sources(ons_fixture_dir)
    extra = read_extra(write_csv(EXTRA_ROWS, tmp_path / "coded.csv"), UNIT_GROUPS, weight=2.0)
    with_extra = fit_coder(index, volume1, CONFIG, encoder=encoder, extra=extra.examples).coder
    assert tiny_coder.code_one("Sandwich artist").soc2020_code != "9263"  # the index alone does not know it
    assert with_extra.code_one("Sandwich artist").soc2020_code == "9263"
    assert with_extra.code_one("Head chef", "", "hotel").soc2020_code == "5434"
    assert len(with_extra.neighbours.entries) == len(tiny_coder.neighbours.entries)  # explanations cite the index alone


# ---------------------------------------------------------------- determinism


def test_same_data_parameters_and_seed_give_identical_predictions(ons_fixture_dir, tmp_path, encoder):
    index, volume1 = load_sources(ons_fixture_dir)
    extra = read_extra(write_csv(EXTRA_ROWS, tmp_path / "coded.csv"), UNIT_GROUPS, weight=2.0).examples
    first, second = (fit_coder(index, volume1, CONFIG, encoder=encoder, extra=extra) for _ in range(2))
    other_seed = fit_coder(index, volume1, TrainingConfig(holdout_fraction=0.2, seed=1), encoder=encoder, extra=extra)
    answers = [{"job_title": "Sandwich artist"}, {"job_title": "Finisher", "industry": "bookbinding"}, "Staff nurse", "Web developer"]
    np.testing.assert_array_equal(first.coder.predict_proba(answers), second.coder.predict_proba(answers))
    np.testing.assert_array_equal(first.coder.head.coef_, second.coder.head.coef_)
    assert first.coder.auto_code_threshold == second.coder.auto_code_threshold
    assert [r.as_record() for r in first.coder.code(answers)] == [r.as_record() for r in second.coder.code(answers)]
    assert {k: v for k, v in first.metrics.items() if not k.endswith("seconds")} == \
           {k: v for k, v in second.metrics.items() if not k.endswith("seconds")}
    # the seed matters: another seed gives another head
    assert not np.array_equal(first.coder.head.coef_, other_seed.coder.head.coef_)
    # and the saved arrays are byte for byte the same
    a, b = first.coder.save(tmp_path / "a"), second.coder.save(tmp_path / "b")
    for name in ("head_coef.npy", "head_intercept.npy", "index_embeddings.npy", "index_entries.json"):
        assert sha256_of(a / name) == sha256_of(b / name)
