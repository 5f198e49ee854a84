"""Exact top-k inner-product search over the coding index's entry embeddings, as fast as the CPU allows.

Scoring every answer against all 32,000 index entries is most of fast mode's coding time. Where the CPU multiplies
bfloat16 matrices natively (AMX, AVX512-BF16) that product is several times faster than float32, but rounds each
similarity by up to `bfloat16_error` (three units in the last place of bfloat16, for unit vectors). So the bfloat16
scores only pick candidates: the best CANDIDATES per answer are rescored in float32, and an answer is done when the
k-th best float32 score beats every candidate left out by more than that error, which makes its top k exactly
float32's (rows where it does not, rare, are scored again in float32 in full). The answers are therefore the same
on every CPU; which product is used is decided by timing both once, on the first search.
"""

from __future__ import annotations

import os
import time

import numpy as np

CANDIDATES = 64  # per answer, rescored in float32 after the bfloat16 screen
PRECISION_ENV = "SOC_CODER_SEARCH"  # "float32" or "bfloat16" forces a product; unset: the faster on this CPU
_UNIT_ROUNDOFF = 2.0 ** -8  # bfloat16 keeps 8 significant bits


def bfloat16_error(dimension: int) -> float:
    """A bound on |bfloat16 score - float32 score| for unit vectors: both inputs rounded (2u + u^2), the result
    rounded (u), float32 accumulation over `dimension` terms."""
    return 3 * _UNIT_ROUNDOFF + _UNIT_ROUNDOFF ** 2 + dimension * 2.0 ** -23


class TopKSearch:
    """`search(X, k)` -> (similarities, rows) of the k rows of `embeddings` with the largest inner product with
    each row of X, best first, identical to a float32 product and torch.topk."""

    def __init__(self, embeddings: np.ndarray):
        import torch

        self.embeddings = torch.from_numpy(np.ascontiguousarray(embeddings, dtype=np.float32))
        self._norm = float(self.embeddings.norm(dim=1).max()) if len(self.embeddings) else 0.0
        self._bfloat16 = None  # the embeddings in bfloat16, made when that product is chosen
        self.precision: str | None = os.environ.get(PRECISION_ENV) or None
        if self.precision not in (None, "float32", "bfloat16"):
            raise ValueError(f"{PRECISION_ENV} must be float32 or bfloat16, not {self.precision!r}")

    def search(self, X: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        import torch

        queries = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
        k = min(k, len(self.embeddings))
        if k == 0 or len(queries) == 0:
            return np.zeros((len(queries), k), dtype=np.float32), np.zeros((len(queries), k), dtype=np.int64)
        if self.precision is None:
            self.precision = self._faster_precision()
        if self.precision == "bfloat16" and k < CANDIDATES < len(self.embeddings):
            values, rows = self._screened(queries, k)
        else:
            values, rows = self._float32(queries, k)
        return values.numpy(), rows.numpy()

    def _float32(self, queries, k: int):
        import torch

        return torch.topk(queries @ self.embeddings.T, k, dim=1)

    def _screened(self, queries, k: int):
        import torch

        if self._bfloat16 is None:
            self._bfloat16 = self.embeddings.to(torch.bfloat16)
        screen_values, candidates = torch.topk(queries.to(torch.bfloat16) @ self._bfloat16.T, CANDIDATES, dim=1)
        rescored = torch.einsum("nd,ncd->nc", queries, self.embeddings[candidates])
        values, picked = torch.topk(rescored, k, dim=1)
        rows = torch.gather(candidates, 1, picked)
        # an entry left out scored at most the last candidate's bfloat16 score, so at most that plus the error in float32
        error = bfloat16_error(queries.shape[1]) * queries.norm(dim=1) * self._norm
        unsure = screen_values[:, -1].float() + error >= values[:, -1]
        if bool(unsure.any()):
            values[unsure], rows[unsure] = self._float32(queries[unsure], k)
        return values, rows

    def _faster_precision(self) -> str:
        """Time both products once on the entries themselves; bfloat16 only when it is clearly faster."""
        import torch

        # answer-like probes: two entries' embeddings averaged
        half = min(256, len(self.embeddings))
        probe = self.embeddings[:half] + self.embeddings.flip(0)[:half]
        probe = probe / probe.norm(dim=1, keepdim=True).clamp_min(1e-12)
        k = min(20, len(self.embeddings))
        if not k < CANDIDATES < len(self.embeddings):
            return "float32"
        seconds = {}
        for precision, run in (("float32", self._float32), ("bfloat16", self._screened)):
            run(probe, k)  # warm up: first calls allocate and pick kernels
            started = time.perf_counter()
            run(probe, k)
            seconds[precision] = time.perf_counter() - started
        return "bfloat16" if seconds["bfloat16"] < 0.8 * seconds["float32"] else "float32"
