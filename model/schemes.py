"""Dual coding: the SOC 2010, ISCO-08 and SOC 2020 extension (6-digit) codes of an answer, inside its unit group.

A SOC 2020 unit group maps to several codes of each other scheme (2313 secondary teachers: ten extension
sub-groups by subject, several SOC 2010 and ISCO-08 groups), so these codes are learned from the coding index,
which gives all of them for every entry, not looked up. Per scheme a `SchemeHead` gives p(code | answer, unit
group) over only the codes the index pairs with that unit group: the extension code always lies inside the chosen
unit group and the SOC 2010 and ISCO-08 codes are ones the index uses with it. A unit group with one such code
gets it with conditional probability 1. The nearest index entries of the unit group and, when the answer's title is
found in the index (model.title_lookup), that title's entries add their own codes (`DualCoder`), so "mathematics
teacher" gets the extension code of the index's mathematics teachers.

The confidence of a scheme code is the SOC 2020 confidence (the calibrated chance the unit group is right) times
this conditional probability: the chance both are right, if the conditional probability is itself honest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from .neighbours import GroupedEmbeddings, positions_by_value
from .segments import edges, row_dots, segment_softmax
from .title_lookup import LAST_WORDS, NEAR_SPELLING, TitleMatch

# scheme (the coding-index entry column, and the prefix of its output columns) -> what it is
SCHEMES = {
    "soc2010": "SOC 2010 unit group",
    "isco08": "ISCO-08 unit group (ONS's mapping from SOC 2020)",
    "soc2020_ext": "SOC 2020 extension sub-unit group (NNNN/NN)",
}
NO_CODE = "}}}}"  # what the index holds where an entry has no code in a scheme


def usable_code(code: str) -> bool:
    """A code to learn from: not empty and not the index's `}}}}` placeholder."""
    return bool(code) and "}" not in code


def _softmax_rows(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _softmax_padded(similarity: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise softmax of similarity / temperature over the finite entries; 0 for the -inf padding."""
    finite = np.isfinite(similarity)
    top = np.where(finite.any(axis=1), np.where(finite, similarity, -np.inf).max(axis=1), 0.0)[:, None]
    weights = np.where(finite, np.exp((np.where(finite, similarity, 0.0) - top) / temperature), 0.0)
    totals = weights.sum(axis=1, keepdims=True)
    return np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)


def _votes(answers: np.ndarray, positions: np.ndarray, weights: np.ndarray, n: int, width: int) -> np.ndarray:
    """(n, width): the weights of each answer's entries summed by the position of the entry's code among its unit
    group's codes (-1: not one of them, or padding), each row normalised; rows with no vote all zero."""
    votes = np.zeros((n, width))
    valid = positions >= 0
    np.add.at(votes, (answers[valid], positions[valid]), weights[valid])
    totals = votes.sum(axis=1, keepdims=True)
    return np.divide(votes, totals, out=votes, where=totals > 0)


def _blend_in(blended: np.ndarray, votes: np.ndarray, weight) -> None:
    """blended = (1 - weight) * blended + weight * votes, in place, on the rows that have votes and a weight."""
    weight = np.broadcast_to(np.asarray(weight, dtype=float).reshape(-1, 1) if np.ndim(weight) else weight, (len(blended), 1))
    rows = votes.any(axis=1) & (weight[:, 0] != 0)
    blended[rows] = (1 - weight[rows]) * blended[rows] + weight[rows] * votes[rows]


class SchemeHead:
    """p(code | answer, unit group) over the codes the index pairs with each unit group.

    Every (unit group, code) pair is a prototype: the direction of the mean features of its index entries, scored
    by cosine similarity over `temperature`, plus the log of the pair's share of its unit group's entries (weighted
    by `prior_weight`), softmaxed within the unit group. Fitting is one pass of sums (seconds); per-unit-group
    logistic regressions were about one point better on held-out titles for ISCO-08 and the extension but took
    five minutes per fit on shared cores. Kept as plain arrays: `pair_codes_` (each pair's code), `coef_` /
    `intercept_` (each pair's weights), `allowed_[u]` (unit group u's pairs, padded with -1).
    """

    def __init__(self, temperature: float = 0.05, prior_weight: float = 1.0):
        self.temperature = temperature
        self.prior_weight = prior_weight
        self._unit_blocks: dict[str, tuple | None] = {}  # unit group -> (codes, coefficients, intercepts), made on use

    def fit(self, X: np.ndarray, units, codes) -> "SchemeHead":
        """Learn from rows with a usable code; `units[i]` is row i's SOC 2020 unit group, `codes[i]` its code."""
        self._unit_blocks = {}
        units, codes = np.asarray(units).astype(str), np.asarray(codes).astype(str)
        keep = np.array([usable_code(c) for c in codes], dtype=bool)
        X, units, codes = np.asarray(X, dtype=np.float32)[keep], units[keep], codes[keep]
        self.unit_groups_ = np.unique(units)
        pair_codes, coefs, intercepts, allowed = [], [], [], []
        for unit in self.unit_groups_:
            rows = np.flatnonzero(units == unit)
            own, pair = np.unique(codes[rows], return_inverse=True)
            centres = np.zeros((len(own), X.shape[1]), dtype=np.float32)
            np.add.at(centres, pair, X[rows])
            centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
            counts = np.bincount(pair, minlength=len(own))
            allowed.append(np.arange(len(pair_codes), len(pair_codes) + len(own)))
            pair_codes.extend(own)
            coefs.append(centres / self.temperature)
            intercepts.append((self.prior_weight * np.log(counts / counts.sum())).astype(np.float32))
        width = max((len(a) for a in allowed), default=1)
        self.allowed_ = np.full((len(allowed), width), -1, dtype=np.int64)
        for position, own in enumerate(allowed):
            self.allowed_[position, : len(own)] = own
        self.pair_codes_ = np.asarray(pair_codes, dtype=str)
        self.coef_ = np.vstack(coefs) if coefs else np.zeros((0, X.shape[1]), dtype=np.float32)
        self.intercept_ = np.concatenate(intercepts) if intercepts else np.zeros(0, dtype=np.float32)
        return self

    def unit_row(self, unit: str) -> int | None:
        """The row of `allowed_` that lists `unit`'s pairs; None for a unit group the index never coded."""
        position = int(np.searchsorted(self.unit_groups_, unit))
        if position >= len(self.unit_groups_) or self.unit_groups_[position] != unit:
            return None
        return position

    def _pairs(self, unit: str) -> np.ndarray | None:
        position = self.unit_row(unit)
        if position is None:
            return None
        own = self.allowed_[position]
        return own[own >= 0]

    def codes_of(self, unit: str) -> np.ndarray:
        """The codes the index pairs with `unit` (empty for a unit group the index never coded)."""
        pairs = self._pairs(unit)
        return self.pair_codes_[pairs] if pairs is not None else np.zeros(0, dtype=str)

    def proba_within(self, X: np.ndarray, unit: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(the codes `unit` pairs with, each row's probabilities over them) for rows all given that unit group;
        None for a unit group the index has no codes for."""
        block = self._unit_blocks.get(unit)
        if block is None:
            pairs = self._pairs(unit)
            block = None if pairs is None or len(pairs) == 0 else \
                (self.pair_codes_[pairs], np.ascontiguousarray(self.coef_[pairs].T), self.intercept_[pairs])
            self._unit_blocks[unit] = block
        if block is None:
            return None
        codes, coef, intercept = block
        return codes, _softmax_rows(X @ coef + intercept)

    def conditional_proba(self, X: np.ndarray, units: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per row, (the unit group's codes, their probabilities given that unit group); both empty for a unit
        group the index has no codes for."""
        out: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0, dtype=str), np.zeros(0))] * len(units)
        for unit, rows in positions_by_value(units):
            within = self.proba_within(X[rows], unit)
            if within is not None:
                for row, p in zip(rows, within[1]):
                    out[row] = (within[0], p)
        return out

    # -- arrays in, arrays out
    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_coef": self.coef_, f"{prefix}_intercept": self.intercept_, f"{prefix}_pair_codes": self.pair_codes_,
                f"{prefix}_unit_groups": self.unit_groups_, f"{prefix}_allowed": self.allowed_}

    def params(self) -> dict:
        return {"temperature": self.temperature, "prior_weight": self.prior_weight}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str, params: dict) -> "SchemeHead":
        head = cls(**params)
        head.coef_ = arrays[f"{prefix}_coef"]
        head.intercept_ = arrays[f"{prefix}_intercept"]
        head.pair_codes_ = arrays[f"{prefix}_pair_codes"].astype(str)
        head.unit_groups_ = arrays[f"{prefix}_unit_groups"].astype(str)
        head.allowed_ = arrays[f"{prefix}_allowed"].astype(np.int64)
        return head


@dataclass(frozen=True)
class SchemeCode:
    """One scheme's code of an answer and the chance it is right given its unit group."""

    code: str
    conditional: float


_NO_CODE = SchemeCode("", 0.0)  # a unit group the index gives no code in the scheme


@dataclass(frozen=True)
class DualWeights:
    """How the head, the nearest index entries of the unit group and a title found in the index are blended."""

    knn_weight: float = 0.5  # 0.3-0.5 best on held-out index titles
    knn_k: int = 20
    knn_temperature: float = 0.03
    lookup_weight: float = 0.5
    lookup_temperature: float = 0.05
    # a title found by its last words ("secondary school maths teacher" -> "maths teacher") counts in full here:
    # its entries may be the wrong unit group, but among those of the chosen unit group they name the sub-group
    last_words_factor: float = 1.0

    def to_dict(self) -> dict:
        return asdict(self)


class DualCoder:
    """The scheme heads with the index entries' own codes, applied to answers whose unit group is chosen.

    Within the chosen unit group three views are blended, as for the unit group itself (model.index_evidence):
    the head, the codes of the answer's nearest index entries of that unit group (embedding k-NN: on held-out index
    titles it beat the head alone, and the blend beat both), and, when the answer's title is found in the
    index, the codes of that title's entries in the unit group.

    `entry_units[r]`, `entry_codes[scheme][r]` and `entry_embeddings[r]` describe index entry r: the rows of
    model.neighbours.IndexNeighbours, which the title lookup's matches point into.
    """

    def __init__(self, heads: Mapping[str, SchemeHead], entry_units: np.ndarray, entry_codes: Mapping[str, np.ndarray],
                 entry_embeddings: np.ndarray, weights: DualWeights = DualWeights()):
        unknown = set(heads) - set(SCHEMES)
        if unknown:
            raise ValueError(f"unknown scheme(s) {sorted(unknown)}: choose from {sorted(SCHEMES)}")
        self.heads = dict(heads)
        self.entry_units = np.asarray(entry_units).astype(str)
        self.entry_codes = {scheme: np.asarray(entry_codes[scheme]).astype(str) for scheme in self.heads}
        self.entry_embeddings = entry_embeddings
        if len({len(self.entry_units), len(entry_embeddings), *map(len, self.entry_codes.values())}) > 1:
            raise ValueError("entry units, codes and embeddings must describe the same index entries")
        self.weights = weights
        self._rows_by_unit = {unit: rows for unit, rows in positions_by_value(self.entry_units)}
        self._by_unit: GroupedEmbeddings | None = None  # made when assign() must find the nearest entries itself
        # per scheme, the position of each entry's code among its unit group's codes (-1: not one of them)
        self._entry_position = {scheme: self._code_positions(head, self.entry_codes[scheme]) for scheme, head in self.heads.items()}

    def _code_positions(self, head: "SchemeHead", codes: np.ndarray) -> np.ndarray:
        position = np.full(len(codes), -1, dtype=np.int64)
        for unit, rows in self._rows_by_unit.items():
            index = {code: j for j, code in enumerate(head.codes_of(unit).tolist())}
            position[rows] = [index.get(code, -1) for code in codes[rows].tolist()]
        return position

    def assign(self, features: np.ndarray, embeddings: np.ndarray, units: Sequence[str],
               matches: Sequence[TitleMatch | None] | None = None,
               nearest: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, list[SchemeCode]]:
        """Per scheme, each answer's code within `units[i]` and its probability given that unit group.

        `nearest`: each answer's nearest entries of its unit group, (rows, similarities) as
        model.neighbours.GroupedEmbeddings.top_k gives them for these entries, when already computed.
        Each view is an (answers x codes of the unit group) array, padded to the widest unit group, so a batch is
        blended in a few array operations; only the head's product is taken a unit group at a time.
        """
        w = self.weights
        units = np.asarray(units).astype(str)
        n = len(units)
        if n == 0:
            return {scheme: [] for scheme in self.heads}
        if nearest is None:
            if self._by_unit is None:
                self._by_unit = GroupedEmbeddings(self.entry_embeddings, self.entry_units)
            nearest = self._by_unit.top_k(embeddings, units, w.knn_k)
        near_rows, near_similarity = nearest
        near_weights = _softmax_padded(near_similarity, w.knn_temperature)
        found_answers, found_rows, found_strength = self._found_edges(units, matches)
        found_weights = segment_softmax(row_dots(embeddings[found_answers], self.entry_embeddings[found_rows]),
                                        found_answers, w.lookup_temperature)
        groups = [(unit, answers, features[answers]) for unit, answers in positions_by_value(units)]
        out = {}
        for scheme, head in self.heads.items():
            width = head.allowed_.shape[1]
            blended = np.zeros((n, width))
            pair_rows = np.full(n, -1, dtype=np.int64)  # each answer's unit group's row of head.allowed_
            for unit, answers, unit_features in groups:
                within = head.proba_within(unit_features, unit)
                if within is not None:
                    blended[answers, : len(within[0])] = within[1]
                    pair_rows[answers] = head.unit_row(unit)
            position = self._entry_position[scheme]
            _blend_in(blended, _votes(np.arange(n).repeat(near_rows.shape[1]), np.where(near_rows >= 0, position[near_rows], -1).ravel(),
                                      near_weights.ravel(), n, width), w.knn_weight)
            _blend_in(blended, _votes(found_answers, position[found_rows], found_weights, n, width), found_strength[:, None])
            best = blended.argmax(axis=1)
            conditional = blended[np.arange(n), best]
            has_codes = pair_rows >= 0
            codes = np.where(has_codes, head.pair_codes_[head.allowed_[np.maximum(pair_rows, 0), best]], "")
            out[scheme] = [SchemeCode(code, p) if coded else _NO_CODE
                           for code, p, coded in zip(codes.tolist(), conditional.tolist(), has_codes.tolist())]
        return out

    def _found_edges(self, units: np.ndarray, matches: Sequence[TitleMatch | None] | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(answer, entry row) for each entry of an answer's matched title in its unit group, and each answer's
        weight for this view (0 without such entries)."""
        strength = np.zeros(len(units))
        if matches is None:
            return *edges([]), strength
        w = self.weights
        in_unit: dict[tuple, np.ndarray] = {}
        rows_per_answer: list[np.ndarray | None] = []
        for i, (unit, match) in enumerate(zip(units.tolist(), matches)):
            rows = None
            if match is not None:
                key = (match.rows, unit)
                rows = in_unit.get(key)
                if rows is None:
                    rows = in_unit[key] = np.asarray(match.rows)[self.entry_units[np.asarray(match.rows)] == unit]
                if len(rows):
                    factor = w.last_words_factor if match.kind == LAST_WORDS else match.similarity if match.kind == NEAR_SPELLING else 1.0
                    strength[i] = w.lookup_weight * factor
            rows_per_answer.append(rows)
        return *edges(rows_per_answer), strength

    # -- arrays and JSON, through SocCoder.save/load (the entry embeddings are the model's index_embeddings)
    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {"scheme_entry_units": self.entry_units}
        for scheme, head in self.heads.items():
            arrays.update(head.to_arrays(f"scheme_{scheme}"))
            arrays[f"scheme_{scheme}_entry_codes"] = self.entry_codes[scheme]
        return arrays

    def config(self) -> dict:
        return {"schemes": {scheme: head.params() for scheme, head in self.heads.items()}, "weights": self.weights.to_dict()}

    @classmethod
    def from_saved(cls, arrays: Mapping[str, np.ndarray], config: Mapping, entry_embeddings: np.ndarray) -> "DualCoder":
        heads = {scheme: SchemeHead.from_arrays(arrays, f"scheme_{scheme}", params) for scheme, params in config["schemes"].items()}
        codes = {scheme: arrays[f"scheme_{scheme}_entry_codes"] for scheme in heads}
        return cls(heads, arrays["scheme_entry_units"], codes, entry_embeddings, DualWeights(**config.get("weights", {})))
