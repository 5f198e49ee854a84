"""Coding-index entries as embeddings: the nearest entry explains a code in the index's own words."""

from __future__ import annotations

import numpy as np


class IndexNeighbours:
    """Embeddings of coding-index entries with their code, title and qualifiers."""

    def __init__(self, embeddings: np.ndarray, entries: list[dict]):
        if len(embeddings) != len(entries):
            raise ValueError(f"{len(embeddings)} embeddings for {len(entries)} index entries")
        self.embeddings = np.asarray(embeddings, dtype=np.float32)
        self.entries = entries
        codes = np.array([e["code"] for e in entries], dtype=str)
        self._rows_by_code = {code: np.flatnonzero(codes == code) for code in np.unique(codes)}

    def nearest(self, X: np.ndarray, codes: list[str]) -> list[dict | None]:
        """For each row of X, the most similar entry coded to codes[i] (any entry when the code has none)."""
        if len(X) == 0:
            return []
        similarity = X @ self.embeddings.T
        found: list[dict | None] = []
        for i, code in enumerate(codes):
            rows = self._rows_by_code.get(code)
            if rows is None or len(rows) == 0:
                best = int(similarity[i].argmax())
            else:
                best = int(rows[similarity[i, rows].argmax()])
            found.append({**self.entries[best], "similarity": float(similarity[i, best])})
        return found


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
