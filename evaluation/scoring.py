"""Every figure for one coder on one benchmark, as plain JSON-ready values (the report only formats them).

Row sets: `codable` = rows marked codable with a gold code (the headline); `all` = every row with a gold
code. Rows with no gold code (cases.csv rows whose right answer is a status) enter only the status figures.
"""

from __future__ import annotations

import numpy as np

from .benchmarks import NOT_IN_EMPLOYMENT, UNCODABLE, Benchmark
from .metrics import (
    TARGET_AGREEMENTS,
    agreement,
    agreement_table,
    bootstrap_interval,
    bootstrap_mean_interval,
    calibration,
    confusions,
    coverage_at_agreement,
    coverage_curve,
    coverage_for,
    not_auto_coded_share,
    operating_point,
    per_major_group,
)
from .predictions import Predictions

HEADLINE_TARGETS = (0.95, 0.97)


def row_sets(benchmark: Benchmark) -> dict[str, np.ndarray]:
    has_gold = np.array([bool(g) for g in benchmark.rows["golds"]], dtype=bool)
    return {"codable": has_gold & benchmark.rows["codable"].to_numpy(bool), "all": has_gold}


def score_rows(predictions: Predictions, golds: list[list[str]]) -> dict:
    """Agreement, coverage curve, operating point, calibration, per major group and confusions on these rows."""
    correct = agreement(predictions.ranked, golds, 1)
    curve = coverage_curve(predictions.confidence, predictions.offered, correct)
    offered = predictions.offered
    return {
        "rows": len(golds),
        "agreement": agreement_table(predictions.ranked, golds),
        "coverage_at_agreement": [coverage_at_agreement(curve, t) for t in TARGET_AGREEMENTS],
        "operating_point": operating_point(predictions.auto_coded, correct),
        "offered_share": float(offered.mean()) if len(offered) else float("nan"),
        "calibration": calibration(correct[offered], predictions.confidence[offered]),
        "per_major_group": per_major_group(predictions.ranked, golds).to_dict("records"),
        "confusions": confusions(predictions.ranked, golds).to_dict("records"),
        "curve": curve.to_dict("list"),
    }


def status_figures(predictions: Predictions, benchmark: Benchmark) -> dict:
    """For rows that should not be auto-coded (gold status not_in_employment/uncodable, or codable = no):
    the share the coder left un-auto-coded, overall and per reason; for our model also the share given
    exactly the gold status."""
    rows = benchmark.rows
    gold_status = rows["gold_status"].to_numpy(str)
    reasons = {
        NOT_IN_EMPLOYMENT: gold_status == NOT_IN_EMPLOYMENT,
        UNCODABLE: gold_status == UNCODABLE,
        "codable_no": ~rows["codable"].to_numpy(bool),
    }
    should_not = np.logical_or.reduce(list(reasons.values()))
    auto = predictions.auto_coded
    status = np.array(predictions.status, dtype=object)
    figures = {"rows": int(should_not.sum()), "not_auto_coded": not_auto_coded_share(auto[should_not]), "by_reason": {}}
    for reason, mask in reasons.items():
        entry = {"rows": int(mask.sum()), "not_auto_coded": not_auto_coded_share(auto[mask])}
        if reason in (NOT_IN_EMPLOYMENT, UNCODABLE):
            entry["same_status"] = float(np.mean(status[mask] == reason)) if mask.any() else float("nan")
        figures["by_reason"][reason] = entry
    return figures


def headline_intervals(predictions: Predictions, golds: list[list[str]], n_resamples: int = 1000, seed: int = 0) -> dict:
    """Bootstrap 95% intervals of the headline figures on these rows."""
    top1 = agreement(predictions.ranked, golds, 1)
    intervals = {
        "unit_group_top1": bootstrap_mean_interval(top1, n_resamples, seed),
        "unit_group_top5": bootstrap_mean_interval(agreement(predictions.ranked, golds, 5), n_resamples, seed),
        "major_group_top1": bootstrap_mean_interval(agreement(predictions.ranked, golds, 1, 1), n_resamples, seed),
    }
    for target in HEADLINE_TARGETS:
        statistic = lambda c, o, k, target=target: coverage_for(c, o, k, target)  # noqa: E731
        intervals[f"coverage_at_{round(target * 100)}"] = bootstrap_interval(
            statistic, predictions.confidence, predictions.offered, top1, n_resamples=n_resamples, seed=seed)
    return {name: list(bounds) for name, bounds in intervals.items()}


def score(predictions: Predictions, benchmark: Benchmark, n_resamples: int = 1000, seed: int = 0) -> dict:
    """All figures for one coder on one benchmark."""
    if len(predictions) != len(benchmark):
        raise ValueError(f"{predictions.coder}: {len(predictions)} predictions for {len(benchmark)} benchmark rows")
    figures = {"coder": predictions.coder, "description": predictions.description, "details": predictions.details}
    for name, mask in row_sets(benchmark).items():
        golds = [benchmark.rows["golds"].iloc[i] for i in np.flatnonzero(mask)]
        figures[name] = score_rows(predictions.subset(mask), golds)
        if name == "codable":
            figures[name]["intervals"] = headline_intervals(predictions.subset(mask), golds, n_resamples, seed)
    figures["status"] = status_figures(predictions, benchmark)
    return figures


def headline(figures: dict) -> dict[str, float]:
    """The closing-note figures of one coder on codable rows."""
    rows = figures["codable"]
    coverage = {round(c["target"] * 100): c["coverage"] for c in rows["coverage_at_agreement"]}
    return {
        "rows": rows["rows"],
        "unit_group_top1": rows["agreement"]["unit_group"]["top1"],
        "unit_group_top5": rows["agreement"]["unit_group"]["top5"],
        "major_group_top1": rows["agreement"]["major_group"]["top1"],
        "coverage_at_95": coverage[95],
        "coverage_at_97": coverage[97],
    }
