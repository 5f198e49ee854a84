"""Evidence from the coding index itself, blended with the head's probabilities.

The head generalises from index titles to new wording but blurs titles it has seen; the index is exact about
them. Two index scores are blended in: the codes of the answer's nearest index entries (embedding k-NN), and,
when the job title is found in the index (model.title_lookup), the codes of that title's entries, chosen among
by how well each entry's qualifiers fit the answer, in meaning and in words ("Picker [ind: retail trade]" for a
supermarket answer; not "Accountant [add: qualified]" for one that says "not qualified"). An entry with no
qualifier gets a small head start: it is the index's general sense of the title ("Gardener" 5113, not
"Gardener [ind: market gardening]"). The index's D flag was tried for this and did not pay: some of its "M"
defaults are qualified entries ("Customer service adviser [ind: local government]").
"""

from __future__ import annotations

import re
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
    qualifier_words_bonus: float = 0.05
    contradicted_qualifier_penalty: float = 0.2
    last_words_factor: float = 0.5

    def to_dict(self) -> dict:
        return asdict(self)


# Qualifier words that say nothing about which entry fits ("nos" = not otherwise specified, "mfr" = manufacture).
_QUALIFIER_STOP_WORDS = {"nos", "mfr", "and", "the", "for", "with", "trade", "service", "services", "industry", "work", "works"}
_NEGATED = re.compile(r"\b(?:not|non|no|never|without)[\s-]+(\w+)")


def content_words(text: str) -> set[str]:
    """Lower-case words of three letters or more, less those that never tell entries apart."""
    return {w for w in re.findall(r"[a-z]{3,}", text.lower()) if w not in _QUALIFIER_STOP_WORDS}


def answer_words(text: str) -> set[str]:
    """An answer's content words, less any that it negates: "not qualified" does not say "qualified"."""
    return content_words(_NEGATED.sub(" ", text.lower()))


def negated_words(text: str) -> set[str]:
    """The content words an answer negates: {"qualified"} for "not qualified"."""
    return content_words(" ".join(m.group(1) for m in _NEGATED.finditer(text.lower())))


@dataclass
class Blend:
    proba: np.ndarray   # head, k-NN and title lookup blended; rows sum to one
    lookup: np.ndarray  # the title lookup's distribution alone; all zero where the title was not found


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
        self._qualifier_words = [content_words(f"{e.get('add', '')} {e.get('ind', '')}") for e in neighbours.entries]
        self._unqualified = np.array([not e.get("add") and not e.get("ind") for e in neighbours.entries])

    def knn(self, X: np.ndarray) -> np.ndarray:
        """Codes of the k most similar index entries, weighted by a softmax of their similarity."""
        w = self.weights
        out = np.zeros((len(X), len(self.classes_)))
        if len(X) == 0:
            return out
        similarity, nearest = self.neighbours.top_k(X, w.knn_k)
        for i, rows in enumerate(nearest):
            self._add(out[i], rows, _softmax(similarity[i], w.knn_temperature))
        return out

    def qualifier_fit(self, rows: np.ndarray, words: set[str]) -> np.ndarray:
        """For each entry, the share of its qualifier words the answer uses (0 for an entry with none)."""
        return np.array([len(self._qualifier_words[r] & words) / len(self._qualifier_words[r]) if self._qualifier_words[r] else 0.0
                         for r in rows])

    def lookup(self, X: np.ndarray, matches: list[TitleMatch | None], texts: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(distribution, strength): the matched title's entries chosen among by qualifier fit, in meaning
        (embedding similarity) and in words (`texts`, the answers as the encoder read them); strength 0 when none."""
        w = self.weights
        out = np.zeros((len(X), len(self.classes_)))
        strength = np.zeros(len(X))
        for i, match in enumerate(matches):
            if match is None:
                continue
            rows = np.asarray(match.rows)
            scores = self.neighbours.embeddings[rows] @ X[i] + w.unqualified_bonus * self._unqualified[rows]
            if texts is not None:
                # an entry whose qualifier the answer uses gains; one whose qualifier it negates loses
                scores = scores + w.qualifier_words_bonus * self.qualifier_fit(rows, answer_words(texts[i]))
                scores = scores - w.contradicted_qualifier_penalty * (self.qualifier_fit(rows, negated_words(texts[i])) > 0)
            self._add(out[i], rows, _softmax(scores, w.lookup_temperature))
            factor = w.last_words_factor if match.kind == LAST_WORDS else 1.0
            if match.kind == NEAR_SPELLING:
                factor = match.similarity
            strength[i] = w.lookup_weight * factor if out[i].sum() > 0 else 0.0
        return out, strength

    def combine(self, proba: np.ndarray, X: np.ndarray, matches: list[TitleMatch | None], texts: list[str] | None = None) -> np.ndarray:
        """The head's probabilities blended with both index scores; rows still sum to one."""
        return self.blend(proba, X, matches, texts).proba

    def blend(self, proba: np.ndarray, X: np.ndarray, matches: list[TitleMatch | None], texts: list[str] | None = None) -> "Blend":
        """The blended probabilities with the title lookup's own distribution (the calibrator reads both)."""
        blended = (1 - self.weights.knn_weight) * proba + self.weights.knn_weight * self.knn(X)
        found, strength = self.lookup(X, matches, texts)
        return Blend((1 - strength[:, None]) * blended + strength[:, None] * found, found)

    def _add(self, row: np.ndarray, entry_rows: np.ndarray, weights: np.ndarray) -> None:
        classes = self._entry_class[entry_rows]
        known = classes >= 0
        np.add.at(row, classes[known], weights[known])
        if known.any() and not known.all():
            row /= row.sum()
