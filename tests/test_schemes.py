"""Dual coding: SOC 2010, ISCO-08 and SOC 2020 extension codes within the chosen unit group (model.schemes)."""

import json

import numpy as np
import pandas as pd
import pytest

from model import RESULT_COLUMNS, SocCoder
from model.batch import code_file
from model.results import SCHEME_COLUMNS
from model.schemes import SchemeHead, usable_code

CODED_STATUSES = {"coded", "referred"}


def _clusters(seed: int = 0):
    """Two unit groups: 1111 splits into 1111/01 and 1111/02 by the first feature, 2222 has one code; plus a row
    with the index's `}}}}` placeholder, which must not be learned."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0, 0.1, size=(90, 4)).astype(np.float32)
    X[:30, 0] += 2.0
    X[30:60, 0] -= 2.0
    units = ["1111"] * 60 + ["2222"] * 30
    codes = ["1111/01"] * 30 + ["1111/02"] * 30 + ["2222/00"] * 29 + ["}}}}"]
    return X, units, codes


def test_scheme_head_learns_codes_within_each_unit_group_only():
    X, units, codes = _clusters()
    head = SchemeHead().fit(X, units, codes)
    assert head.pair_codes_.tolist() == ["1111/01", "1111/02", "2222/00"]  # the placeholder is not a code
    assert head.codes_of("1111").tolist() == ["1111/01", "1111/02"]
    assert head.codes_of("9999").tolist() == []
    probe = np.array([[2.0, 0, 0, 0], [-2.0, 0, 0, 0], [2.0, 0, 0, 0]], dtype=np.float32)
    (codes1, p1), (codes2, p2), (codes3, p3) = head.conditional_proba(probe, ["1111", "1111", "2222"])
    assert codes1[p1.argmax()] == "1111/01" and p1.max() > 0.9
    assert codes2[p2.argmax()] == "1111/02" and p2.max() > 0.9
    # a unit group with one code gets it for certain, whatever the features say
    assert codes3.tolist() == ["2222/00"] and p3.tolist() == [1.0]
    assert np.allclose(p1.sum(), 1.0) and np.allclose(p2.sum(), 1.0)
    unknown_codes, unknown_p = head.conditional_proba(probe[:1], ["9999"])[0]
    assert len(unknown_codes) == 0 and len(unknown_p) == 0


def test_scheme_head_with_several_codes_per_unit_group_and_codes_shared_between_groups():
    rng = np.random.default_rng(1)
    centres = np.eye(3, dtype=np.float32) * 3
    X = np.vstack([centres[i] + rng.normal(0, 0.2, size=(20, 3)) for i in range(3)] * 2).astype(np.float32)
    units = ["1111"] * 60 + ["2222"] * 60
    codes = ["A"] * 20 + ["B"] * 20 + ["C"] * 20 + ["A"] * 20 + ["B"] * 20 + ["D"] * 20
    head = SchemeHead().fit(X, units, codes)
    assert head.codes_of("1111").tolist() == ["A", "B", "C"] and head.codes_of("2222").tolist() == ["A", "B", "D"]
    (c1, p1), (c2, p2) = head.conditional_proba(centres[[2, 2]], ["1111", "2222"])
    assert (c1[p1.argmax()], c2[p2.argmax()]) == ("C", "D")  # the same answer, a different code in each group


def test_scheme_head_arrays_round_trip():
    X, units, codes = _clusters()
    head = SchemeHead().fit(X, units, codes)
    again = SchemeHead.from_arrays(head.to_arrays("s"), "s", head.params())
    for (c1, p1), (c2, p2) in zip(head.conditional_proba(X, units), again.conditional_proba(X, units)):
        assert c1.tolist() == c2.tolist()
        np.testing.assert_allclose(p1, p2)


def test_placeholder_codes_are_not_codes():
    assert not usable_code("}}}}") and not usable_code("") and usable_code("2313/11") and usable_code("2314")


# -- on the tiny model trained from the fixture workbooks


def test_every_coded_answer_gets_codes_consistent_with_its_unit_group(tiny_coder, ons_fixture_dir):
    from training.ons_readers import load_sources

    entries = load_sources(ons_fixture_dir)[0].entries
    pairs = {scheme: set(zip(entries["soc2020"], entries[scheme])) for scheme in ("soc2010", "isco08", "soc2020_ext")}
    answers = ["Web developer", "Cabinet maker", "French polisher", "Motorcycle courier", "Staff nurse", "Head chef",
               "Shop assistant", "Kitchen porter", "Bookbinder", "Programmer", "makes wooden chairs", "delivers parcels by van"]
    for result in tiny_coder.code([{"job_title": a} for a in answers]):
        assert result.status in CODED_STATUSES
        unit = result.soc2020_code
        assert result.soc2020_ext_code.startswith(unit + "/")
        for scheme in pairs:
            assert (unit, getattr(result, f"{scheme}_code")) in pairs[scheme]
            assert 0.0 <= getattr(result, f"{scheme}_confidence") <= result.confidence + 1e-9


@pytest.mark.parametrize("title, unit, ext, soc2010, isco08", [
    ("Cabinet maker", "5442", "5442/01", "5442", "7522"),
    ("Furniture restorer", "5442", "5442/03", "5442", "7522"),
    ("Motorcycle courier", "8214", "8214/01", "9211", "8321"),
    ("Computer programmer", "2134", "2134/02", "2136", "2514"),
    ("Web developer", "2134", "2134/03", "2137", "2513"),
])
def test_an_answer_that_names_a_sub_group_gets_its_codes(tiny_coder, title, unit, ext, soc2010, isco08):
    result = tiny_coder.code_one(title)
    assert (result.soc2020_code, result.soc2020_ext_code, result.soc2010_code, result.isco08_code) == (unit, ext, soc2010, isco08)


def test_a_unit_group_with_one_code_gets_it_with_the_unit_groups_confidence(tiny_coder):
    result = tiny_coder.code_one("Head chef", "run the kitchen of a hotel restaurant", "hotel")
    assert (result.soc2020_code, result.soc2020_ext_code, result.soc2010_code, result.isco08_code) == ("5434", "5434/00", "5434", "3434")
    assert result.soc2020_ext_confidence == result.soc2010_confidence == result.isco08_confidence == result.confidence


def test_a_sub_group_code_is_less_certain_than_its_unit_group_when_the_group_has_several(tiny_coder):
    result = tiny_coder.code_one("Furniture maker")
    assert result.soc2020_code == "5442"
    assert 0 < result.soc2020_ext_confidence < result.confidence


@pytest.mark.parametrize("title", ["retired", "", "n/a"])
def test_scheme_columns_are_empty_when_no_unit_group_is_given(tiny_coder, title):
    row = tiny_coder.code_one(title).as_row()
    assert row["soc2020_code"] == ""
    assert [row[c] for c in SCHEME_COLUMNS] == ["", 0.0, "", 0.0, "", 0.0]


def test_coded_files_carry_the_scheme_columns_in_order(tiny_coder, tmp_path):
    source = tmp_path / "answers.csv"
    pd.DataFrame({"id": ["a", "b", "c"], "job_title": ["Cabinet maker", "retired", "Motorcycle courier"]}).to_csv(source, index=False)
    for suffix in (".csv", ".parquet"):
        out = tmp_path / f"coded{suffix}"
        code_file(tiny_coder, source, out)
        coded = pd.read_csv(out, dtype=str, keep_default_na=False) if suffix == ".csv" else pd.read_parquet(out)
        assert list(coded.columns) == ["id", "job_title", *RESULT_COLUMNS]
        assert RESULT_COLUMNS[-6:] == SCHEME_COLUMNS
        assert coded["soc2020_ext_code"].tolist() == ["5442/01", "", "8214/01"]
        assert coded["soc2010_code"].tolist() == ["5442", "", "9211"]
        if suffix == ".parquet":
            assert all(coded[c].dtype == float for c in RESULT_COLUMNS if c.endswith("confidence"))


def test_save_load_round_trip_keeps_the_scheme_codes(tiny_coder, tiny_model_dir, encoder):
    loaded = SocCoder.load(tiny_model_dir, encoder=encoder)
    answers = [{"job_title": t} for t in ("Cabinet maker", "Furniture maker", "Courier", "Web developer", "Nurse")]
    for ours, theirs in zip(tiny_coder.code(answers), loaded.code(answers)):
        for column in SCHEME_COLUMNS:
            if column.endswith("confidence"):
                assert getattr(theirs, column) == pytest.approx(getattr(ours, column), abs=2e-4)
            else:
                assert getattr(theirs, column) == getattr(ours, column)
    config = json.loads((tiny_model_dir / "config.json").read_text())
    assert set(config["dual_coding"]["schemes"]) == {"soc2010", "isco08", "soc2020_ext"}
    assert (tiny_model_dir / "scheme_soc2020_ext_coef.npy").is_file()


def test_a_model_saved_before_dual_coding_codes_soc2020_and_leaves_the_scheme_columns_empty(tiny_coder, encoder, tmp_path):
    older = SocCoder(tiny_coder.encoder, tiny_coder.head, tiny_coder.neighbours, tiny_coder.unit_group_titles,
                     tiny_coder.auto_code_threshold, tiny_coder.metadata, calibrator=tiny_coder.calibrator)
    directory = older.save(tmp_path / "older")
    assert "dual_coding" not in json.loads((directory / "config.json").read_text())
    assert not list(directory.glob("scheme_*.npy"))
    loaded = SocCoder.load(directory, encoder=encoder)
    assert loaded.dual is None
    result, full = loaded.code_one("Cabinet maker"), tiny_coder.code_one("Cabinet maker")
    assert (result.soc2020_code, result.confidence, result.status) == (full.soc2020_code, full.confidence, full.status)
    assert [result.as_row()[c] for c in SCHEME_COLUMNS] == ["", 0.0, "", 0.0, "", 0.0]


def test_training_measures_each_scheme_on_the_held_out_titles(tiny_training):
    metrics = tiny_training.metrics
    for scheme in ("soc2010", "isco08", "soc2020_ext"):
        assert 0.0 <= metrics[f"holdout_{scheme}_top1"] <= 1.0
        assert 0.0 <= metrics[f"holdout_{scheme}_top1_given_unit"] <= 1.0
    # an extension code is right only when its unit group is: never more often than the unit group itself
    assert metrics["holdout_soc2020_ext_top1"] <= metrics["holdout_top1"]
    assert metrics["holdout_soc2020_ext_top1_given_unit"] >= metrics["holdout_soc2020_ext_top1"]
    assert metrics["scheme_fit_seconds"] > 0
