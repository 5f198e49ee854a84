"""Evaluation metrics on small cases computed by hand."""

import numpy as np
import pytest

from evaluation.metrics import (
    agreement,
    agreement_table,
    bootstrap_interval,
    bootstrap_mean_interval,
    calibration,
    confusions,
    coverage_at_agreement,
    coverage_curve,
    coverage_for,
    operating_point,
    per_major_group,
)

# four rows: several gold codes, a right answer in second place, an empty prediction, a wrong major group
RANKED = [["2134", "2136"], ["5442", "5423", "9263"], [], ["9263", "5434"]]
GOLDS = [["2136", "2134"], ["5423"], ["7111"], ["5434", "5436"]]


def test_top_k_agreement_accepts_any_gold_code_and_counts_empty_predictions_as_misses():
    assert agreement(RANKED, GOLDS, k=1).tolist() == [True, False, False, False]
    assert agreement(RANKED, GOLDS, k=2).tolist() == [True, True, False, True]
    assert agreement(RANKED, GOLDS, k=5).tolist() == [True, True, False, True]


def test_group_levels_compare_prefixes_of_ranked_and_gold_codes():
    # row 2: 5442 vs 5423 share "54" (sub-major) but not "544"/"542" (minor); row 4: 9263 vs 5434 share nothing
    assert agreement(RANKED, GOLDS, k=1, digits=3).tolist() == [True, False, False, False]
    assert agreement(RANKED, GOLDS, k=1, digits=2).tolist() == [True, True, False, False]
    assert agreement(RANKED, GOLDS, k=1, digits=1).tolist() == [True, True, False, False]
    assert agreement(RANKED, GOLDS, k=2, digits=1).tolist() == [True, True, False, True]


def test_rows_without_gold_never_agree_and_lengths_must_match():
    assert agreement([["1111"]], [[]], k=1).tolist() == [False]
    with pytest.raises(ValueError):
        agreement([["1111"]], [["1111"], ["2222"]])


def test_agreement_table_has_every_level_and_k():
    table = agreement_table(RANKED, GOLDS)
    assert table["unit_group"] == {"top1": 0.25, "top3": 0.75, "top5": 0.75}
    assert table["sub_major_group"]["top1"] == 0.5
    assert table["major_group"]["top3"] == 0.75


def test_coverage_curve_codes_ties_together_and_counts_every_row_in_coverage():
    confidence = np.array([0.9, 0.8, 0.8, 0.5, 0.3, 0.0])
    offered = np.array([True, True, True, True, True, False])
    correct = np.array([True, True, False, True, False, False])
    curve = coverage_curve(confidence, offered, correct)
    assert curve["threshold"].tolist() == [0.9, 0.8, 0.5, 0.3]  # the two 0.8 rows enter together
    assert curve["n_auto_coded"].tolist() == [1, 3, 4, 5]
    assert curve["coverage"].tolist() == pytest.approx([1 / 6, 3 / 6, 4 / 6, 5 / 6])
    assert curve["agreement"].tolist() == pytest.approx([1.0, 2 / 3, 3 / 4, 3 / 5])


def test_coverage_at_agreement_takes_the_largest_coverage_that_reaches_the_target():
    curve = coverage_curve(np.array([0.9, 0.8, 0.8, 0.5, 0.3]), np.ones(5, bool), np.array([True, True, False, True, False]))
    assert coverage_at_agreement(curve, 0.75) == {"target": 0.75, "threshold": 0.5, "coverage": 0.8, "agreement": 0.75}
    assert coverage_at_agreement(curve, 0.95)["coverage"] == pytest.approx(0.2)
    assert coverage_for(np.array([0.9, 0.8, 0.8, 0.5, 0.3]), np.ones(5, bool), np.array([True, True, False, True, False]), 0.75) == 0.8


def test_coverage_at_agreement_is_zero_when_no_threshold_reaches_it():
    curve = coverage_curve(np.array([0.9, 0.4]), np.array([True, True]), np.array([False, True]))
    assert coverage_at_agreement(curve, 0.9) == {"target": 0.9, "threshold": None, "coverage": 0.0, "agreement": None}
    empty = coverage_curve(np.zeros(3), np.zeros(3, bool), np.zeros(3, bool))
    assert empty.empty and coverage_at_agreement(empty, 0.9)["coverage"] == 0.0


def test_operating_point():
    point = operating_point(np.array([True, True, False, True]), np.array([True, False, True, True]))
    assert point == {"coverage": 0.75, "agreement": pytest.approx(2 / 3), "n_auto_coded": 3}


def test_expected_calibration_error_by_hand():
    # bins of width 0.5: [0.2, 0.4] -> agreement 1/2, mean 0.3; [0.9, 0.9, 0.6] -> agreement 2/3, mean 0.8
    result = calibration(np.array([1, 0, 1, 1, 0]), np.array([0.2, 0.4, 0.9, 0.9, 0.6]), n_bins=2)
    expected = 2 / 5 * abs(0.5 - 0.3) + 3 / 5 * abs(2 / 3 - 0.8)
    assert result["ece"] == pytest.approx(expected)
    assert [b["rows"] for b in result["bins"]] == [2, 3]
    assert calibration(np.array([1, 1]), np.array([1.0, 1.0]))["ece"] == pytest.approx(0.0)


def test_per_major_group_groups_by_the_preferred_gold_code():
    table = per_major_group(RANKED, GOLDS).set_index("major_group")
    assert table.loc["2", "rows"] == 1 and table.loc["2", "unit_group_top1"] == 1.0
    assert table.loc["5", "rows"] == 2 and table.loc["5", "unit_group_top1"] == 0.0 and table.loc["5", "major_group_top1"] == 0.5
    assert table.loc["7", "major_group_top1"] == 0.0


def test_confusions_count_pairs_of_preferred_gold_and_first_code_skipping_empty_predictions():
    ranked = [["5442"], ["5442"], ["9263"], [], ["2134"]]
    golds = [["5423"], ["5423"], ["5434"], ["7111"], ["2134"]]
    table = confusions(ranked, golds)
    assert table.to_dict("records") == [{"gold": "5423", "predicted": "5442", "rows": 2}, {"gold": "5434", "predicted": "9263", "rows": 1}]


def test_bootstrap_intervals_bracket_the_estimate_and_collapse_on_constant_data():
    values = np.array([1] * 80 + [0] * 20)
    low, high = bootstrap_mean_interval(values, n_resamples=500, seed=1)
    assert 0.68 < low < 0.8 < high < 0.9
    assert bootstrap_mean_interval(np.ones(10), n_resamples=200) == (1.0, 1.0)
    rng = np.random.default_rng(0)
    confidence, correct = rng.random(200), rng.random(200) < 0.9
    low, high = bootstrap_interval(lambda c, o, k: coverage_for(c, o, k, 0.9), confidence, np.ones(200, bool), correct, n_resamples=300)
    point = coverage_for(confidence, np.ones(200, bool), correct, 0.9)
    assert low <= point <= high and high - low > 0.05


def test_status_figures_and_row_sets_for_rows_that_should_not_be_auto_coded():
    import pandas as pd

    from evaluation.benchmarks import Benchmark
    from evaluation.predictions import Predictions
    from evaluation.scoring import row_sets, status_figures

    rows = pd.DataFrame({
        "id": list("abcde"), "job_title": "", "job_description": "", "industry": "",
        "golds": [["2134"], [], [], ["1150"], ["5434"]],
        "codable": [True, False, False, False, True],
        "gold_status": ["occupation", "not_in_employment", "uncodable", "occupation", "occupation"],
    })
    bench = Benchmark("t", None, rows, "")
    ours = Predictions("ours", [["2134"], [], ["9263"], ["1150"], []], [0.9, 0.0, 0.2, 0.95, 0.0],
                       offered=[True, False, True, True, False], auto_coded=[True, False, False, True, False],
                       status=["coded", "not_in_employment", "referred", "coded", "uncodable"])
    sets = row_sets(bench)
    assert sets["codable"].tolist() == [True, False, False, False, True]
    assert sets["all"].tolist() == [True, False, False, True, True]  # rows without gold only count for status
    figures = status_figures(ours, bench)
    assert figures["rows"] == 3  # b (not in employment), c (uncodable), d (codable = no)
    assert figures["not_auto_coded"] == pytest.approx(2 / 3)  # d was auto-coded
    assert figures["by_reason"]["not_in_employment"] == {"rows": 1, "not_auto_coded": 1.0, "same_status": 1.0}
    assert figures["by_reason"]["uncodable"] == {"rows": 1, "not_auto_coded": 1.0, "same_status": 0.0}  # referred, not uncodable
    assert figures["by_reason"]["codable_no"] == {"rows": 3, "not_auto_coded": pytest.approx(2 / 3)}
