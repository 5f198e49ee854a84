"""Coding-index entries as embeddings: the nearest entry explains a code in the index's own words."""

from __future__ import annotations

import numpy as np

from .nearest_search import TopKSearch


class IndexNeighbours:
    """Embeddings of coding-index entries with their code, title and qualifiers."""

    def __init__(self, embeddings: np.ndarray, entries: list[dict]):
        if len(embeddings) != len(entries):
            raise ValueError(f"{len(embeddings)} embeddings for {len(entries)} index entries")
        self.embeddings = np.asarray(embeddings, dtype=np.float32)
        self.entries = entries
        codes = np.array([e["code"] for e in entries], dtype=str)
        self._codes = codes
        self._search: TopKSearch | None = None
        self._by_code: GroupedEmbeddings | None = None

    def top_k(self, X: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(similarities, entry rows) of the k entries most similar to each row of X, best first
        (model.nearest_search: exact, in whichever product is faster on this CPU)."""
        if self._search is None:
            self._search = TopKSearch(self.embeddings)
        return self._search.search(X, k)

    def top_k_within_codes(self, X: np.ndarray, codes: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """For each row of X, the k entries coded to codes[i] most similar to it: (entry rows, similarities),
        each (len(X), k), best first, padded with -1 and -inf where the code has fewer entries."""
        if self._by_code is None:
            self._by_code = GroupedEmbeddings(self.embeddings, self._codes)
        return self._by_code.top_k(X, codes, k)

    def nearest(self, X: np.ndarray, codes: list[str], within: tuple[np.ndarray, np.ndarray] | None = None) -> list[dict | None]:
        """For each row of X, the most similar entry coded to codes[i] (any entry when the code has none).
        `within`: top_k_within_codes(X, codes, k) when already computed."""
        rows, similarity = within if within is not None else self.top_k_within_codes(X, codes, 1)
        found: list[dict | None] = []
        for i, (best, closeness) in enumerate(zip(rows[:, 0].tolist(), similarity[:, 0].tolist()) if len(rows) else []):
            if best < 0:  # a code without index entries: the nearest entry of all
                best = int((self.embeddings @ X[i]).argmax())
                closeness = float(self.embeddings[best] @ X[i])
            found.append({**self.entries[best], "similarity": closeness})
        return found


def positions_by_value(values) -> list[tuple[str, np.ndarray]]:
    """[(value, the ascending positions holding it), ...] for each distinct value (as text), in sorted order."""
    values = np.asarray(values).astype(str)
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(values) else np.zeros(0, dtype=np.int64)
    return [(str(ordered[start]), order[start:stop]) for start, stop in zip(starts, np.r_[starts[1:], len(order)])]


class GroupedEmbeddings:
    """Embeddings with a group each (entries with their unit group), kept sorted by group so each group's block is
    one contiguous slice: a batch's answers are scored against their own group's block without copying it."""

    def __init__(self, embeddings: np.ndarray, groups):
        groups = np.asarray(groups).astype(str)
        order = np.argsort(groups, kind="stable")
        self._sorted = np.ascontiguousarray(embeddings[order])
        self._blocks = {group: (order[positions], slice(int(positions[0]), int(positions[-1]) + 1))
                        for group, positions in positions_by_value(groups[order])}

    def top_k(self, X: np.ndarray, groups, k: int) -> tuple[np.ndarray, np.ndarray]:
        """For each row of X, the k rows of the embeddings in its group (groups[i]) most similar to it:
        (rows, similarities), each (len(X), k), best first, padded with -1 and -inf.

        One matrix product per distinct group in the batch, not one per answer."""
        rows_out = np.full((len(X), k), -1, dtype=np.int64)
        similarity_out = np.full((len(X), k), -np.inf, dtype=np.float32)
        if len(X) == 0 or k == 0:
            return rows_out, similarity_out
        for group, answers in positions_by_value(groups):
            block = self._blocks.get(group)
            if block is None:
                continue
            entry_rows, where = block
            similarity = X[answers] @ self._sorted[where].T
            kept = min(k, len(entry_rows))
            if kept < len(entry_rows):
                top = np.argpartition(-similarity, kept - 1, axis=1)[:, :kept]
                similarity = np.take_along_axis(similarity, top, axis=1)
            else:
                top = np.broadcast_to(np.arange(kept), similarity.shape)
            ranked = np.argsort(-similarity, axis=1, kind="stable")
            rows_out[answers, :kept] = entry_rows[np.take_along_axis(top, ranked, axis=1)]
            similarity_out[answers, :kept] = np.take_along_axis(similarity, ranked, axis=1)
        return rows_out, similarity_out


def describe_entry(entry: dict | None) -> str:
    """'Finisher [add: print] [ind: bookbinding] (5423)': an index entry the way coders cite it."""
    if not entry:
        return ""
    text = entry["title"]
    if entry.get("add"):
        text += f" [add: {entry['add']}]"
    if entry.get("ind"):
        text += f" [ind: {entry['ind']}]"
    return f"{text} ({entry['code']})"
