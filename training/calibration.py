"""Fitting the confidence calibrator and the auto-coding threshold on held-out coding-index entries.

Benchmarks must not set thresholds, so the hold-out has to look like the answers the model will meet. Two kinds
of answer are simulated from held-out index entries:

- an *unseen title*: the entry's title (with its ADD qualifier) and its IND qualifier as the industry, looked up
  in an index without that title — how the model does on wording the index lacks;
- a *known title*: the title and the industry, scored by the model as shipped (head and index evidence from
  every entry) — it must choose among the title's entries, as for the many answers that repeat an index title.
  Half keep the ADD qualifier in the title ("Teacher, art"), half drop it ("Electrical engineer" for the
  professional entry), as respondents do.

Half of each get a task of the entry's unit group (Volume 1) as the job description, as many answers have one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.calibration import ConfidenceCalibrator
from model.coder import SocCoder

from .examples import index_title
from .thresholds import threshold_for_agreement

UNSEEN_TITLE, KNOWN_TITLE = "unseen_title", "known_title"
log = logging.getLogger(__name__)
_BATCH = 512


@dataclass
class CalibrationOutcome:
    calibrator: ConfidenceCalibrator
    threshold: float
    metrics: dict[str, float]


def holdout_answers(held: pd.DataFrame, tasks_by_code: dict[str, list[str]], seed: int) -> dict[str, list[dict]]:
    """Answers of each kind made from held-out index entries (columns entry_title, entry_add, entry_ind, label)."""
    rng = np.random.default_rng(seed)
    descriptions = []
    for code in held["label"]:
        tasks = tasks_by_code.get(code) or [""]
        descriptions.append(tasks[rng.integers(len(tasks))] if rng.random() < 0.5 else "")
    keep_add = rng.random(len(held)) < 0.5
    titles, adds, industries = held["entry_title"].tolist(), held["entry_add"].tolist(), held["entry_ind"].tolist()
    return {
        UNSEEN_TITLE: [
            {"job_title": index_title(t, a), "job_description": d, "industry": i}
            for t, a, i, d in zip(titles, adds, industries, descriptions)
        ],
        KNOWN_TITLE: [
            {"job_title": index_title(t, a) if keep else t, "job_description": d, "industry": i}
            for t, a, i, d, keep in zip(titles, adds, industries, descriptions, keep_add)
        ],
    }


def fit_calibration(coders: dict[str, SocCoder], answers: dict[str, list[dict]], labels: np.ndarray,
                    target_agreement: float) -> CalibrationOutcome:
    """Fit the calibrator on both kinds pooled, then the lowest threshold whose auto-coded share agrees >= target.

    `coders[kind]` scores `answers[kind]`.
    """
    features, top_scores, correct, kinds = [], [], [], []
    for kind, coder in coders.items():
        for start in range(0, len(labels), _BATCH):  # batches bound the k-NN similarity matrix's memory
            scored = coder.scores(answers[kind][start:start + _BATCH])
            features.append(scored.calibration_features)
            top_scores.append(scored.proba.max(axis=1))
            correct.append(coder.classes_[scored.proba.argmax(axis=1)] == labels[start:start + _BATCH])
        kinds.extend([kind] * len(labels))
    X, top_score, y, kinds = np.vstack(features), np.concatenate(top_scores), np.concatenate(correct), np.array(kinds)
    calibrator = ConfidenceCalibrator()
    if y.all() or not y.any():
        # a hold-out with no wrong (or no right) answers, as on tiny data, cannot be calibrated: keep the top score
        log.warning("calibration hold-out is all %s; confidence is left uncalibrated", "right" if y.all() else "wrong")
    else:
        calibrator.fit(X, y)
    confidence = calibrator.predict(X, top_score)
    threshold = threshold_for_agreement(confidence, y, target_agreement)
    metrics = {}
    for kind in coders:
        mask = kinds == kind
        coded = confidence[mask] >= threshold
        metrics[f"holdout_{kind}_top1"] = float(y[mask].mean())
        metrics[f"holdout_{kind}_auto_coded_share"] = float(coded.mean())
        metrics[f"holdout_{kind}_auto_coded_agreement"] = float(y[mask][coded].mean()) if coded.any() else float("nan")
    metrics["holdout_calibration_brier"] = float(np.mean((confidence - y) ** 2))
    return CalibrationOutcome(calibrator, threshold, metrics)

