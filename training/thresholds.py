"""The auto-coding threshold, fitted on held-out coding-index entries (never on benchmark rows)."""

from __future__ import annotations

import numpy as np


def threshold_for_agreement(confidence: np.ndarray, correct: np.ndarray, target: float) -> float:
    """The lowest confidence threshold at which the auto-coded share still agrees with gold at >= target.

    Rows are auto-coded when confidence >= threshold. When even the most confident row misses the target,
    the threshold is set above every confidence (nothing auto-coded).
    """
    if len(confidence) == 0:
        raise ValueError("no held-out rows to fit a threshold on")
    order = np.argsort(-confidence, kind="stable")
    sorted_conf = confidence[order]
    agreement = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    # Only cut between distinct confidence values: rows with equal confidence are coded together.
    last_of_value = np.r_[sorted_conf[1:] != sorted_conf[:-1], True]
    ok = np.flatnonzero((agreement >= target) & last_of_value)
    if len(ok) == 0:
        return float(np.nextafter(sorted_conf[0], np.inf))
    return float(sorted_conf[ok[-1]])
