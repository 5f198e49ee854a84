"""Evidence from the coding index itself, blended with the head's probabilities.

The head generalises from index titles to new wording but blurs titles it has seen; the index is exact about
them. Two index scores are blended in: the codes of the answer's nearest index entries (embedding k-NN), and,
when the job title is found in the index (model.title_lookup), the codes of that title's entries, chosen among
by how well each entry's qualifiers fit the answer ("Picker [ind: retail trade]" for a supermarket answer). An
entry with no qualifier gets a small head start: it is the index's general sense of the title.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .neighbours import IndexNeighbours
from .title_lookup import LAST_WORDS, NEAR_SPELLING, TitleMatch


@dataclass(frozen=True)
class EvidenceWeights:
    """How much each score counts; saved with the model (config.json)."""

    knn_weight: float = 0.3
    knn_k: int = 20
    knn_temperature: float = 0.03
    lookup_weight: float = 0.5
    lookup_temperature: float = 0.05
    unqualified_bonus: float = 0.05
    last_words_factor: float = 0.5

    def to_dict(self) -> dict:
        return asdict(self)


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    weights = np.exp((scores - scores.max()) / temperature)
    return weights / weights.sum()


class IndexEvidence:
    """Turns answer embeddings and title matches into distributions over the head's classes."""

    def __init__(self, neighbours: IndexNeighbours, classes: np.ndarray, weights: EvidenceWeights = EvidenceWeights()):
        self.neighbours = neighbours
        self.weights = weights
        self.classes_ = np.asarray(classes).astype(str)
        position = {code: i for i, code in enumerate(self.classes_)}
        self._entry_class = np.array([position.get(e["code"], -1) for e in neighbours.entries])
        self._unqualified = np.array([not e.get("add") and not e.get("ind") for e in neighbours.entries])

    def knn(self, X: np.ndarray) -> np.ndarray:
        """Codes of the k most similar index entries, weighted by a softmax of their similarity."""
        w = self.weights
        out = np.zeros((len(X), len(self.classes_)))
        if len(X) == 0:
            return out
        similarity = X @ self.neighbours.embeddings.T
        k = min(w.knn_k, similarity.shape[1])
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        for i, rows in enumerate(nearest):
            self._add(out[i], rows, _softmax(similarity[i, rows], w.knn_temperature))
        return out

    def lookup(self, X: np.ndarray, matches: list[TitleMatch | None]) -> tuple[np.ndarray, np.ndarray]:
        """(distribution, strength): the matched title's entries chosen among by qualifier fit; strength 0 when none."""
        w = self.weights
        out = np.zeros((len(X), len(self.classes_)))
        strength = np.zeros(len(X))
        for i, match in enumerate(matches):
            if match is None:
                continue
            rows = np.asarray(match.rows)
            scores = self.neighbours.embeddings[rows] @ X[i] + w.unqualified_bonus * self._unqualified[rows]
            self._add(out[i], rows, _softmax(scores, w.lookup_temperature))
            factor = w.last_words_factor if match.kind == LAST_WORDS else 1.0
            if match.kind == NEAR_SPELLING:
                factor = match.similarity
            strength[i] = w.lookup_weight * factor if out[i].sum() > 0 else 0.0
        return out, strength

    def combine(self, proba: np.ndarray, X: np.ndarray, matches: list[TitleMatch | None]) -> np.ndarray:
        """The head's probabilities blended with both index scores; rows still sum to one."""
        blended = (1 - self.weights.knn_weight) * proba + self.weights.knn_weight * self.knn(X)
        found, strength = self.lookup(X, matches)
        return (1 - strength[:, None]) * blended + strength[:, None] * found

    def _add(self, row: np.ndarray, entry_rows: np.ndarray, weights: np.ndarray) -> None:
        classes = self._entry_class[entry_rows]
        known = classes >= 0
        np.add.at(row, classes[known], weights[known])
        if known.any() and not known.all():
            row /= row.sum()
