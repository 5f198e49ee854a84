"""Index hold-out: k-fold over the fixture coding index, grouped by normalised title."""

import pytest

from evaluation.holdout import holdout_record, kfold_predictions
from evaluation.metrics import agreement
from evaluation.report import scheme_section
from model.text import normalise_title
from training.ons_readers import load_sources
from training.train import TrainingConfig


@pytest.fixture(scope="module")
def sources(ons_fixture_dir):
    return load_sources(ons_fixture_dir)


@pytest.fixture(scope="module")
def kfold(sources, encoder):
    index, volume1 = sources
    return kfold_predictions(index, volume1, n_splits=3, encoder=encoder, threshold=0.3)


def test_every_entry_is_scored_once_and_titles_never_straddle_folds(sources, kfold):
    index, _ = sources
    benchmark, predictions = kfold
    assert len(benchmark) == len(index.entries)
    rows = benchmark.rows
    bare_title = rows["job_title"].str.split(",").str[0].map(normalise_title)
    assert (bare_title.groupby(bare_title).transform(lambda s: rows.loc[s.index, "fold"].nunique()) == 1).all()
    finishers = rows[bare_title == "finisher"]
    assert len(finishers) == 3 and finishers["fold"].nunique() == 1 and set(rows["fold"]) == {0, 1, 2}
    assert [p.coder for p in predictions] == ["soc-coder", "TF-IDF nearest entry"]
    assert all(len(p) == len(benchmark) for p in predictions)


def test_held_out_entries_are_scored_by_heads_that_never_saw_their_title(kfold):
    benchmark, (ours, tfidf) = kfold
    golds = benchmark.rows["golds"].tolist()
    top1, top5 = agreement(ours.ranked, golds, 1).mean(), agreement(ours.ranked, golds, 5).mean()
    assert 1 / 8 < top1 <= top5 <= 1.0  # better than chance over the fixture's 8 unit groups
    assert top1 < 1.0  # held-out titles are genuinely unseen: a perfect score would mean leakage
    assert ours.auto_coded.tolist() == (ours.confidence >= 0.3).tolist()
    assert tfidf.offered.any()


def test_holdout_record_reports_the_same_figures_as_a_benchmark(sources, kfold):
    index, volume1 = sources
    evaluation = holdout_record(index, volume1, *kfold, n_splits=3, config=TrainingConfig(), threshold=0.3, n_resamples=100)
    figures = evaluation["benchmarks"]["index-holdout"]["coders"]["soc-coder"]
    assert figures["codable"]["rows"] == len(index.entries) == figures["all"]["rows"]
    assert {"agreement", "coverage_at_agreement", "calibration", "per_major_group", "confusions", "intervals"} <= set(figures["codable"])
    assert figures["codable"]["agreement"]["unit_group"]["top1"] == pytest.approx(agreement(kfold[1][0].ranked, kfold[0].rows["golds"].tolist(), 1).mean())
    holdout = evaluation["holdout"]
    assert {k: holdout[k] for k in ("n_splits", "grouped_by", "entries")} == {"n_splits": 3, "grouped_by": "normalised bare title",
                                                                             "entries": len(index.entries)}
    assert "Other schemes" in scheme_section(holdout["schemes"])
    assert list(evaluation["benchmarks"]["index-holdout"]["coders"]) == ["soc-coder", "TF-IDF nearest entry"]


def test_holdout_scores_each_schemes_codes_within_the_unit_group_the_fold_chose(sources, kfold):
    index, volume1 = sources
    benchmark, predictions = kfold
    rows = benchmark.rows
    ext = rows["predicted_soc2020_ext"]
    chosen = [r[0] for r in predictions[0].ranked]
    assert all(code.startswith(unit + "/") for code, unit in zip(ext, chosen))
    schemes = holdout_record(index, volume1, *kfold, n_splits=3, config=TrainingConfig(), threshold=0.3, n_resamples=50)["holdout"]["schemes"]
    unit_right = [c == g[0] for c, g in zip(chosen, rows["golds"])]
    ext_right = (ext == rows["gold_soc2020_ext"]).to_numpy()
    assert schemes["soc2020_ext"]["top1"] == pytest.approx(ext_right.mean())
    assert schemes["soc2020_ext"]["entries_unit_right"] == sum(unit_right)
    assert schemes["soc2020_ext"]["top1_given_unit"] == pytest.approx(ext_right[unit_right].mean())
    assert schemes["soc2020_ext"]["top1"] <= sum(unit_right) / len(rows)  # an extension code is right only with its unit group
    for scheme in ("soc2010", "isco08"):
        assert 0 < schemes[scheme]["top1"] <= 1 and 0 < schemes[scheme]["top1_given_unit"] <= 1
