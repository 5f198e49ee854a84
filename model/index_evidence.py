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
from .segments import edges, row_dots, segment_softmax
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
        self._qualified = np.array([bool(words) for words in self._qualifier_words])  # has qualifier words to fit

    def knn(self, X: np.ndarray) -> np.ndarray:
        """Codes of the k most similar index entries, weighted by a softmax of their similarity."""
        w = self.weights
        out = np.zeros((len(X), len(self.classes_)))
        if len(X) == 0:
            return out
        similarity, nearest = self.neighbours.top_k(X, w.knn_k)
        weights = np.exp((similarity - similarity.max(axis=1, keepdims=True)) / w.knn_temperature)
        weights /= weights.sum(axis=1, keepdims=True)
        classes = self._entry_class[nearest]
        known = classes >= 0
        np.add.at(out, (np.nonzero(known)[0], classes[known]), weights[known])
        partly = known.any(axis=1) & ~known.all(axis=1)  # entries coded outside the head's classes left out
        out[partly] /= out[partly].sum(axis=1, keepdims=True)
        return out

    def qualifier_fit(self, rows: np.ndarray, words: set[str]) -> np.ndarray:
        """For each entry, the share of its qualifier words the answer uses (0 for an entry with none)."""
        return np.array([len(self._qualifier_words[r] & words) / len(self._qualifier_words[r]) if self._qualifier_words[r] else 0.0
                         for r in rows])

    def lookup(self, X: np.ndarray, matches: list[TitleMatch | None], texts: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(distribution, strength): the matched title's entries chosen among by qualifier fit, in meaning
        (embedding similarity) and in words (`texts`, the answers as the encoder read them); strength 0 when none.
        All answers' entries are scored together as one flat list (model.segments)."""
        w = self.weights
        out = np.zeros((len(X), len(self.classes_)))
        answers, rows = edges([m.rows if m is not None else None for m in matches])
        if len(rows) == 0:
            return out, np.zeros(len(X))
        scores = row_dots(X[answers], self.neighbours.embeddings[rows]) + w.unqualified_bonus * self._unqualified[rows]
        if texts is not None:
            # an entry whose qualifier the answer uses gains; one whose qualifier it negates loses
            scores = scores + self._qualifier_scores(answers, rows, texts)
        weights = segment_softmax(scores, answers, w.lookup_temperature)
        classes = self._entry_class[rows]
        known = classes >= 0
        np.add.at(out, (answers[known], classes[known]), weights[known])
        partly = np.zeros(len(X), dtype=bool)
        partly[answers[~known]] = True
        partly &= out.sum(axis=1) > 0  # entries coded outside the head's classes left out
        out[partly] /= out[partly].sum(axis=1, keepdims=True)
        factor = np.array([0.0 if m is None else w.last_words_factor if m.kind == LAST_WORDS else
                           m.similarity if m.kind == NEAR_SPELLING else 1.0 for m in matches])
        strength = np.where(out.sum(axis=1) > 0, w.lookup_weight * factor, 0.0)
        return out, strength

    def _qualifier_scores(self, answers: np.ndarray, rows: np.ndarray, texts: list[str]) -> np.ndarray:
        """Per (answer, entry) edge: the qualifier-words bonus minus the penalty for a negated qualifier; only
        answers with a qualified entry among theirs read their words."""
        w = self.weights
        scores = np.zeros(len(rows))
        qualified = self._qualified[rows]
        for i in np.unique(answers[qualified]).tolist():
            mine = np.flatnonzero(answers == i)
            used, negated = answer_words(texts[i]), negated_words(texts[i])
            scores[mine] = (w.qualifier_words_bonus * self.qualifier_fit(rows[mine], used)
                            - w.contradicted_qualifier_penalty * (self.qualifier_fit(rows[mine], negated) > 0))
        return scores

    def combine(self, proba: np.ndarray, X: np.ndarray, matches: list[TitleMatch | None], texts: list[str] | None = None) -> np.ndarray:
        """The head's probabilities blended with both index scores; rows still sum to one."""
        return self.blend(proba, X, matches, texts).proba

    def blend(self, proba: np.ndarray, X: np.ndarray, matches: list[TitleMatch | None], texts: list[str] | None = None) -> "Blend":
        """The blended probabilities with the title lookup's own distribution (the calibrator reads both)."""
        blended = (1 - self.weights.knn_weight) * proba + self.weights.knn_weight * self.knn(X)
        found, strength = self.lookup(X, matches, texts)
        return Blend((1 - strength[:, None]) * blended + strength[:, None] * found, found)
