"""Per-answer softmaxes over variable-length lists of index entries, as flat arrays: one array operation for a whole
batch instead of a loop over answers (the title lookup gives each answer its own list of entries)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def edges(rows_per_answer: Sequence[np.ndarray | None]) -> tuple[np.ndarray, np.ndarray]:
    """(answer of each edge, entry row of each edge): every answer's rows laid end to end; None or empty gives none."""
    lengths = np.fromiter((0 if r is None else len(r) for r in rows_per_answer), dtype=np.int64, count=len(rows_per_answer))
    answers = np.repeat(np.arange(len(rows_per_answer)), lengths)
    kept = [np.asarray(r, dtype=np.int64) for r in rows_per_answer if r is not None and len(r)]
    rows = np.concatenate(kept) if kept else np.zeros(0, dtype=np.int64)
    return answers, rows


def segment_softmax(scores: np.ndarray, answers: np.ndarray, temperature: float) -> np.ndarray:
    """Softmax of scores / temperature within each answer's edges (`answers` ascending, as `edges` gives them)."""
    if len(scores) == 0:
        return np.zeros(0)
    starts = np.flatnonzero(np.r_[True, answers[1:] != answers[:-1]])
    counts = np.diff(np.r_[starts, len(answers)])
    top = np.repeat(np.maximum.reduceat(scores, starts), counts)
    weights = np.exp((scores - top) / temperature)
    return weights / np.repeat(np.add.reduceat(weights, starts), counts)


def row_dots(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """The dot product of each row of A with the same row of B."""
    return np.einsum("ij,ij->i", A, B)
