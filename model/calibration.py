"""Confidence that means what it says: the probability that the top code is right.

The blended score of the top code is not that probability: a title found verbatim in the index whose entries
all carry one code is far more often right than an embedding guess with the same score. A logistic model over
the top score, its lead over the runner-up, how the title was found in the index and whether the head alone
agrees turns them into one calibrated confidence. Training fits it on held-out coding-index entries
(training.calibration), never on benchmark rows; unfitted, it passes the top score through.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .title_lookup import EXACT, LAST_WORDS, NEAR_SPELLING, RELAXED, TitleMatch

FEATURES = (
    "logit_top_score", "logit_lead", "title_exact", "title_relaxed", "title_near_spelling", "title_last_words",
    "head_agrees", "one_code_for_title", "lookup_agrees", "lookup_top_share",
)
_EPS = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p / (1 - p))


def confidence_features(proba: np.ndarray, head_proba: np.ndarray, lookup_proba: np.ndarray,
                        matches: Sequence[TitleMatch | None], match_codes: Sequence[int]) -> np.ndarray:
    """One row of FEATURES per answer: from the blended, head-only and title-lookup distributions and the title
    match. `match_codes[i]` is how many distinct codes the matched title has (0: none)."""
    n = len(proba)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    ranked = np.sort(proba, axis=1)
    top, second = ranked[:, -1], ranked[:, -2] if proba.shape[1] > 1 else np.zeros(n)
    kinds = [m.kind if m is not None else "" for m in matches]
    return np.column_stack([
        _logit(top),
        _logit(np.clip(top - second, 0, 1)),
        [k == EXACT for k in kinds],
        [k == RELAXED for k in kinds],
        [k == NEAR_SPELLING for k in kinds],
        [k == LAST_WORDS for k in kinds],
        proba.argmax(axis=1) == head_proba.argmax(axis=1),
        np.asarray(match_codes) == 1,
        (lookup_proba.sum(axis=1) > 0) & (lookup_proba.argmax(axis=1) == proba.argmax(axis=1)),
        lookup_proba.max(axis=1),
    ]).astype(float)


class ConfidenceCalibrator:
    """P(top code right | features): logistic regression, stored as plain numbers (no pickle)."""

    def __init__(self, C: float = 1.0):
        self.C = C

    def fit(self, features: np.ndarray, correct: np.ndarray) -> "ConfidenceCalibrator":
        from sklearn.linear_model import LogisticRegression

        correct = np.asarray(correct, dtype=bool)
        if correct.all() or not correct.any():
            raise ValueError("calibration needs held-out rows that are both right and wrong")
        model = LogisticRegression(C=self.C, max_iter=1000).fit(features, correct)
        self.coef_ = model.coef_[0].astype(float)
        self.intercept_ = float(model.intercept_[0])
        return self

    @property
    def fitted(self) -> bool:
        return hasattr(self, "coef_")

    def predict(self, features: np.ndarray, top_score: np.ndarray) -> np.ndarray:
        """Calibrated confidence; the top score itself when the calibrator was never fitted (older models)."""
        if not self.fitted:
            return np.asarray(top_score, dtype=float)
        return 1.0 / (1.0 + np.exp(-(features @ self.coef_ + self.intercept_)))

    def to_dict(self) -> dict:
        if not self.fitted:
            return {}
        return {"features": list(FEATURES), "coef": self.coef_.tolist(), "intercept": self.intercept_, "C": self.C}

    @classmethod
    def from_dict(cls, values: dict | None) -> "ConfidenceCalibrator":
        calibrator = cls(C=(values or {}).get("C", 1.0))
        if values:
            if list(values["features"]) != list(FEATURES):
                raise ValueError(f"the model's calibrator uses features {values['features']}, this code reads {list(FEATURES)}")
            calibrator.coef_ = np.asarray(values["coef"], dtype=float)
            calibrator.intercept_ = float(values["intercept"])
        return calibrator
