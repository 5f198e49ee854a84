"""Agreement, coverage, calibration and bootstrap figures: pure functions on arrays, one definition each.

Definitions (the report repeats them):
- a row agrees at top-k when any of the k best unit groups is one of its acceptable gold codes; at minor,
  sub-major and major group level the 3-, 2- and 1-digit prefixes of the k best are compared with those of
  the gold codes. A row with no ranking (no code given) never agrees.
- coverage at threshold t = share of all rows that are offered a code with confidence >= t (auto-coded at t);
  agreement at t = top-1 agreement on those rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy.stats import bootstrap
from sklearn.calibration import calibration_curve

LEVELS = {"unit_group": 4, "minor_group": 3, "sub_major_group": 2, "major_group": 1}
TOP_KS = (1, 3, 5)
TARGET_AGREEMENTS = (0.90, 0.95, 0.97, 0.98)


def _padded(lists: Sequence[Sequence[str]], width: int | None = None) -> np.ndarray:
    """Ragged code lists as an (n, width) array of 4-character strings, "" where a list is short."""
    width = max([width or 0, 1, *(len(codes) for codes in lists)])
    array = np.full((len(lists), width), "", dtype="<U4")
    for i, codes in enumerate(lists):
        array[i, : len(codes)] = list(codes)[:width]
    return array


def agreement(ranked: Sequence[Sequence[str]], golds: Sequence[Sequence[str]], k: int = 1, digits: int = 4) -> np.ndarray:
    """Per row: does any of the first k ranked codes share its first `digits` digits with any gold code?"""
    if len(ranked) != len(golds):
        raise ValueError(f"{len(ranked)} rankings for {len(golds)} gold rows")
    if len(ranked) == 0:
        return np.zeros(0, dtype=bool)
    predicted = _padded(ranked)[:, :k].astype(f"<U{digits}")  # casting to a shorter width keeps the prefix
    gold = _padded(golds).astype(f"<U{digits}")
    hits = (predicted[:, :, None] == gold[:, None, :]) & (predicted[:, :, None] != "")
    return hits.any(axis=(1, 2))


def agreement_table(ranked, golds, ks: Sequence[int] = TOP_KS) -> dict[str, dict[str, float]]:
    """{'unit_group': {'top1': 0.8, 'top3': ..., 'top5': ...}, 'minor_group': {...}, ...}; NaN with no rows."""
    return {
        level: {f"top{k}": _mean(agreement(ranked, golds, k, digits)) for k in ks}
        for level, digits in LEVELS.items()
    }


def _mean(values: np.ndarray) -> float:
    return float(np.mean(values)) if len(values) else float("nan")


def _curve_arrays(confidence, offered, correct) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    confidence, offered, correct = np.asarray(confidence, float), np.asarray(offered, bool), np.asarray(correct, bool)
    scores, hits = confidence[offered], correct[offered]
    order = np.argsort(-scores, kind="stable")
    scores, hits = scores[order], hits[order]
    last_of_value = np.r_[scores[1:] != scores[:-1], True] if len(scores) else np.zeros(0, dtype=bool)
    n_coded = np.arange(1, len(scores) + 1)[last_of_value]
    n_agree = np.cumsum(hits)[last_of_value]
    coverage = n_coded / len(confidence) if len(confidence) else n_coded.astype(float)
    return scores[last_of_value], coverage, n_agree / n_coded, n_coded


def coverage_curve(confidence: np.ndarray, offered: np.ndarray, correct: np.ndarray) -> pd.DataFrame:
    """Coverage and agreement at each distinct confidence among offered rows, highest threshold first.

    Rows with equal confidence are auto-coded together, so each threshold is one distinct confidence value.
    Coverage's denominator is every row (offered or not).
    """
    threshold, coverage, agreement_, n_coded = _curve_arrays(confidence, offered, correct)
    return pd.DataFrame({"threshold": threshold, "coverage": coverage, "agreement": agreement_, "n_auto_coded": n_coded})


def coverage_at_agreement(curve: pd.DataFrame, target: float) -> dict[str, float | None]:
    """The largest coverage whose auto-coded rows agree at >= target, and the threshold that gives it.

    When no threshold reaches the target, coverage is 0 and threshold None (nothing can be auto-coded).
    """
    reached = curve[curve["agreement"] >= target - 1e-12]
    if reached.empty:
        return {"target": target, "threshold": None, "coverage": 0.0, "agreement": None}
    best = reached.loc[reached["coverage"].idxmax()]
    return {"target": target, "threshold": float(best["threshold"]), "coverage": float(best["coverage"]), "agreement": float(best["agreement"])}


def coverage_for(confidence, offered, correct, target: float) -> float:
    """Just the coverage of coverage_at_agreement (numpy only: fast enough to bootstrap)."""
    _, coverage, agreement_, _ = _curve_arrays(confidence, offered, correct)
    reached = agreement_ >= target - 1e-12
    return float(coverage[reached].max()) if reached.any() else 0.0


def operating_point(auto_coded: np.ndarray, correct: np.ndarray) -> dict[str, float]:
    """A coder at its own decision rule: the share it auto-codes and how often those agree."""
    auto_coded, correct = np.asarray(auto_coded, bool), np.asarray(correct, bool)
    return {"coverage": _mean(auto_coded), "agreement": _mean(correct[auto_coded]), "n_auto_coded": int(auto_coded.sum())}


def not_auto_coded_share(auto_coded: np.ndarray) -> float:
    """Share of rows left for a person (the right outcome for rows that should not get a code)."""
    return _mean(~np.asarray(auto_coded, bool))


def calibration(correct: np.ndarray, confidence: np.ndarray, n_bins: int = 10) -> dict:
    """Expected calibration error over `n_bins` equal-width bins, with the reliability-diagram points.

    ECE = sum over non-empty bins of (rows in bin / rows) * |agreement in bin - mean confidence in bin|,
    binned exactly as sklearn.calibration.calibration_curve bins.
    """
    correct, confidence = np.asarray(correct, int), np.clip(np.asarray(confidence, float), 0.0, 1.0)
    if len(correct) == 0:
        return {"ece": float("nan"), "n_bins": n_bins, "bins": []}
    observed, predicted = calibration_curve(correct, confidence, n_bins=n_bins, strategy="uniform", pos_label=1)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], confidence), minlength=n_bins)
    counts = counts[counts > 0]
    ece = float(np.sum(counts / counts.sum() * np.abs(observed - predicted)))
    bins = [{"mean_confidence": float(p), "agreement": float(o), "rows": int(c)} for p, o, c in zip(predicted, observed, counts)]
    return {"ece": ece, "n_bins": n_bins, "bins": bins}


def per_major_group(ranked, golds) -> pd.DataFrame:
    """Top-1 agreement at unit-group and major-group level, by the major group of the preferred gold code."""
    major = np.array([g[0][0] if g else "" for g in golds])
    unit = agreement(ranked, golds, 1, 4)
    group = agreement(ranked, golds, 1, 1)
    frame = pd.DataFrame({"major_group": major, "unit_group_top1": unit, "major_group_top1": group})
    frame = frame[frame["major_group"] != ""]
    table = frame.groupby("major_group").agg(rows=("unit_group_top1", "size"), unit_group_top1=("unit_group_top1", "mean"),
                                             major_group_top1=("major_group_top1", "mean"))
    return table.reset_index()


def confusions(ranked, golds, top: int = 10) -> pd.DataFrame:
    """The most frequent (preferred gold, first predicted) pairs among rows that got a code and disagree."""
    wrong = ~agreement(ranked, golds, 1, 4)
    pairs = [(g[0], r[0]) for r, g, w in zip(ranked, golds, wrong) if w and r and g]
    frame = pd.DataFrame(pairs, columns=["gold", "predicted"])
    counts = frame.value_counts().rename("rows").reset_index()
    return counts.sort_values(["rows", "gold", "predicted"], ascending=[False, True, True]).head(top).reset_index(drop=True)


def bootstrap_interval(statistic: Callable[..., float], *arrays: np.ndarray, n_resamples: int = 1000,
                       seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of statistic(*arrays), resampling rows (the arrays stay paired)."""
    arrays = tuple(np.asarray(a) for a in arrays)
    if len(arrays[0]) < 2:
        return (float("nan"), float("nan"))
    result = bootstrap(arrays, statistic, n_resamples=n_resamples, paired=True, vectorized=False,
                       confidence_level=level, method="percentile", rng=np.random.default_rng(seed))
    interval = result.confidence_interval
    return (float(interval.low), float(interval.high))


def bootstrap_mean_interval(values: np.ndarray, n_resamples: int = 1000, seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of a share (the mean of a boolean array)."""
    values = np.asarray(values, float)
    if len(values) < 2:
        return (float("nan"), float("nan"))
    result = bootstrap((values,), np.mean, n_resamples=n_resamples, vectorized=True, confidence_level=level,
                       method="percentile", rng=np.random.default_rng(seed))
    return (float(result.confidence_interval.low), float(result.confidence_interval.high))
