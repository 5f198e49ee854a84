"""Peer (a): look the answer's normalised job title up in the coding index, as a clerical coder's first step.

Among index entries whose title (natural word order) normalises to the answer's title, prefer those whose
IND qualifier matches the answer's industry; with no such match, prefer the unqualified entries (no ADD or
IND), which are the index's default for a bare title. If the preferred entries agree on one unit group it is
auto-coded with confidence 1.0; otherwise the codes are ranked by how many preferred entries carry them,
confidence = the first code's share, and the row is left for a person. No match: no code.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from model.text import normalise_title

from ..benchmarks import Benchmark
from ..predictions import TOP_K, Predictions, peer_predictions

NAME = "exact lookup"


def _qualifier_matches(qualifier: str, industry: str) -> bool:
    """IND 'coal mine: below ground' matches industry 'coal mine'; words, not letters, must line up."""
    if not qualifier or not industry:
        return False
    q, i = f" {normalise_title(qualifier.replace(':', ' '))} ", f" {normalise_title(industry)} "
    return q.strip() != "" and (q in i or i in q)


class ExactLookup:
    """Normalised title -> index entries (code, ADD, IND)."""

    def __init__(self, entries: pd.DataFrame):
        self.by_title: dict[str, list[tuple[str, str, str]]] = {}
        for title, add, ind, code in zip(entries["title"], entries["add"], entries["ind"], entries["soc2020"]):
            self.by_title.setdefault(normalise_title(title), []).append((str(code), str(add), str(ind)))

    def rank(self, job_title: str, industry: str = "") -> tuple[list[str], float]:
        """(codes best first, confidence); ([], 0.0) when the title is not in the index."""
        found = self.by_title.get(normalise_title(job_title), [])
        if not found:
            return [], 0.0
        preferred = [code for code, _, ind in found if _qualifier_matches(ind, industry)]
        if not preferred:
            preferred = [code for code, add, ind in found if not add and not ind]
        if not preferred:
            preferred = [code for code, _, _ in found]
        counts = Counter(preferred).most_common()
        ranked = [code for code, _ in counts]
        ranked += [code for code, _ in Counter(c for c, _, _ in found).most_common() if code not in ranked]
        return ranked[:TOP_K], counts[0][1] / len(preferred)

    def predict(self, benchmark: Benchmark) -> Predictions:
        ranked, confidence = zip(*(self.rank(t, i) for t, i in zip(benchmark.rows["job_title"], benchmark.rows["industry"]))) if len(benchmark) else ((), ())
        confidence = list(confidence)
        return peer_predictions(
            NAME, list(ranked), confidence, auto_coded=[c == 1.0 for c in confidence],
            description="normalised title looked up in the coding index, IND qualifier used when it matches the industry",
        )
