"""The one shape every scored coder (ours and each peer) is turned into, so all are measured by the same code.

Per benchmark row a coder gives:
- `ranked`: up to five unit-group codes, best first; empty when it gives no code at all;
- `confidence` in [0, 1]: its own score for the first code (our model: the softmax probability; peers: their
  similarity, 1.0 for an exact index hit); 0 when it gives no code;
- `offered`: it proposes a code at all (ours: status `coded` or `referred`; a peer: a non-empty ranking).
  Only offered rows can be auto-coded, whatever the threshold, and the coverage curve sweeps thresholds
  over the confidence of offered rows;
- `auto_coded`: its own decision at its own operating point (ours: status == `coded`; a peer: what its
  own rule codes);
- `status`: ours: coded / referred / uncodable / not_in_employment; a peer: coded or no_code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.coder import SocCoder
from model.results import CODED, REFERRED

from .benchmarks import Benchmark

TOP_K = 5
NO_CODE = "no_code"


@dataclass(eq=False)
class Predictions:
    coder: str
    ranked: list[list[str]]
    confidence: np.ndarray
    offered: np.ndarray
    auto_coded: np.ndarray
    status: list[str]
    description: str = ""
    details: dict = field(default_factory=dict)

    def __post_init__(self):
        self.ranked = [list(r)[:TOP_K] for r in self.ranked]
        self.confidence = np.asarray(self.confidence, dtype=float)
        self.offered = np.asarray(self.offered, dtype=bool)
        self.auto_coded = np.asarray(self.auto_coded, dtype=bool) & self.offered
        n = len(self.ranked)
        if not (len(self.confidence) == len(self.offered) == len(self.auto_coded) == len(self.status) == n):
            raise ValueError(f"{self.coder}: predictions of unequal lengths")
        if np.any(self.offered & ~np.array([bool(r) for r in self.ranked], dtype=bool)):
            raise ValueError(f"{self.coder}: a row is offered a code with an empty ranking")

    def __len__(self) -> int:
        return len(self.ranked)

    def subset(self, mask: np.ndarray) -> "Predictions":
        keep = np.flatnonzero(mask)
        return Predictions(
            self.coder, [self.ranked[i] for i in keep], self.confidence[keep], self.offered[keep],
            self.auto_coded[keep], [self.status[i] for i in keep], self.description, self.details,
        )


def peer_predictions(coder: str, ranked: list[list[str]], confidence, auto_coded=None, description: str = "") -> Predictions:
    """A peer's rankings as Predictions: offered when its ranking is non-empty; auto-coded = offered unless told."""
    offered = np.array([bool(r) for r in ranked], dtype=bool)
    auto = offered if auto_coded is None else np.asarray(auto_coded, dtype=bool) & offered
    confidence = np.where(offered, np.asarray(confidence, dtype=float), 0.0)
    status = [CODED if a else NO_CODE for a in auto]
    return Predictions(coder, ranked, confidence, offered, auto, status, description)


def model_predictions(coder: SocCoder, benchmark: Benchmark, name: str = "soc-coder", progress: bool = False) -> Predictions:
    """Our model's CodingResults as Predictions: rows it rules not_in_employment or uncodable get no ranking."""
    results = coder.code(benchmark.answers(), progress=progress)
    offered = np.array([r.status in (CODED, REFERRED) for r in results], dtype=bool)
    ranked = [[c["code"] for c in r.candidates] if o else [] for r, o in zip(results, offered)]
    return Predictions(
        coder=name,
        ranked=ranked,
        confidence=np.array([r.confidence if o else 0.0 for r, o in zip(results, offered)]),
        offered=offered,
        auto_coded=np.array([r.status == CODED for r in results], dtype=bool),
        status=[r.status for r in results],
        description=f"embedding + softmax head; auto-codes at confidence >= {coder.auto_code_threshold:.3f}",
    )
