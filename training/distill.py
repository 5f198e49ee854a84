"""Fast mode's encoder: static token vectors learned from the sentence-transformers encoder (model2vec-style).

Three steps, all offline, from the encoder the project ships:
1. distil: every token of the encoder's vocabulary, and every word of the ONS texts as a whole token, is passed
   through the encoder alone (model2vec's distill, without PCA or weighting);
2. fit: the vectors are refitted so that the sum of a text's token vectors comes as close as it can to the
   encoder's embedding of the whole text, over the training texts (ridge regression towards the distilled
   vectors, the idea of model2vec's tokenlearn, solved exactly by a sparse factorisation in a few seconds);
3. reduce: the vectors are projected onto the 256 directions that carry most of the training texts' embeddings
   (98.5% of them): scoring an answer against every coding-index entry, most of fast mode's coding time, costs
   two thirds of what it did in 384, and the dev top-1 held (0.936 / 0.937 / 0.968 against 0.936 / 0.934 / 0.979).

With distilled vectors alone the fast model's dev top-1 was 0.83; after the fit 0.936, against 0.953 for MiniLM
itself. At run time an answer costs a dictionary lookup per word and a sparse sum: no transformer.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from model.encoder import StaticEncoder, TextEncoder

log = logging.getLogger(__name__)

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
BAG_SCALE = 128.0  # token_bags' counts are divided by this: it sets the scale `l2` is measured against


def domain_vocabulary(texts: Iterable[str], min_length: int = 3) -> list[str]:
    """The words of `texts` (lower-cased), most frequent first: each becomes a whole token of the static model,
    so "phlebotomist" gets a vector of its own rather than the average of its word pieces."""
    counts = Counter(word for text in texts for word in _WORD.findall(str(text).lower()))
    return [word for word, _ in counts.most_common() if len(word) >= min_length]


def distill_static_encoder(base: TextEncoder, vocabulary: list[str]) -> StaticEncoder:
    """Step 1: token vectors from the transformer inside `base` (already in memory), `vocabulary` added."""
    from model2vec.distill import distill_from_model
    from transformers import AutoTokenizer

    transformer = base.model[0]  # sentence-transformers' Transformer module: the Hugging Face model and tokenizer
    log.info("distilling token vectors from %s with %d domain words", base.name, len(vocabulary))
    # The tokenizer as saved, loaded afresh, never `base`'s own: distill_from_model rewrites the tokenizer it is
    # given, and what it builds depends on the tokenizer's padding, which sentence-transformers changes whenever
    # `base` encodes. (model2vec tests whether "a, ," tokenizes to 3 tokens to decide how to space punctuation;
    # the saved MiniLM tokenizer pads to 128, so punctuation becomes "; " rather than " ; ". A copy of `base`'s
    # tokenizer gave "; " on a fresh encoder and " ; " once it had encoded anything: the same training then gave
    # other vectors.)
    tokenizer = AutoTokenizer.from_pretrained(transformer.tokenizer.name_or_path)
    static = distill_from_model(transformer.auto_model, tokenizer, vocabulary=vocabulary, pca_dims=None,
                                sif_coefficient=None, device="cpu")
    return StaticEncoder(np.asarray(static.embedding, dtype=np.float32), json.loads(static.tokenizer.to_str()), base.name,
                         {"method": "model2vec.distill_from_model", "domain_words": len(vocabulary)})


def token_bags(encoder: StaticEncoder, texts: list[str]) -> sp.csr_matrix:
    """(texts x vocabulary) token counts, scaled by 1/BAG_SCALE: a text's row times the vectors is the sum of its
    tokens' vectors, which the encoder's average, once normalised, points the same way as.

    Fitting sums rather than averages lets a token's weight be learned with its vector: words every text has
    ("a", "of", "industry") end up short, telling words long, as IDF weighting would make them. Fitted to
    averages instead, dev top-1 was 0.84; to sums, 0.92.
    """
    return (encoder.token_counts(texts) * (1.0 / BAG_SCALE)).astype(np.float32)


def fit_token_vectors(encoder: StaticEncoder, texts: list[str], targets: np.ndarray, l2: float = 1e-4) -> StaticEncoder:
    """Step 2: token vectors whose sums over `texts` best match `targets` (the encoder's embeddings of them).

    Minimises ||B W - targets||^2 + l2 ||W - P||^2, B = token_bags(texts), P the distilled vectors, exactly: the
    normal equations (B^T B + l2 I) D = B^T (targets - B P) for the change D = W - P are solved by a sparse LU
    factorisation (scipy's SuperLU, minimum-degree ordering), once for all columns. Only the tokens the texts use
    are in the system (10,734 of 34,533 for the ONS texts): the others' rows of B^T B are zero, so they keep
    their distilled vector exactly. On the ONS texts this takes about 3 s where conjugate gradients over the
    whole vocabulary took 99 s (298 steps) for the same vectors (equal after float16 storage).
    """
    bags = token_bags(encoder, texts).tocsc()
    used = np.flatnonzero(np.diff(bags.indptr))  # tokens that occur in some text
    if not len(used):
        raise ValueError(f"none of the {len(texts)} texts has a token to fit the static token vectors to")
    bags = bags[:, used].astype(np.float64).tocsr()
    targets = np.asarray(targets, dtype=np.float64)
    prior = encoder.vectors.astype(np.float64)
    system = (bags.T @ bags + l2 * sp.identity(len(used), format="csr")).tocsc()
    # symmetric positive definite: a symmetric fill-reducing ordering and no pivoting keep the factors sparse
    factors = splu(system, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
    change = factors.solve(np.asarray(bags.T @ (targets - bags @ prior[used])))
    if not np.isfinite(change).all() or np.abs(change).max() > 1e4:
        raise ValueError(f"fitting the static token vectors failed (largest change {np.abs(change).max():g}); "
                         "are the targets finite? try a larger l2")
    vectors = prior.copy()
    vectors[used] += change
    fitted = bags @ vectors[used]
    fitted /= np.linalg.norm(fitted, axis=1, keepdims=True) + 1e-12
    similarity = float((fitted * targets).sum(axis=1).mean())
    log.info("token vectors fitted (%d of %d tokens occur in the texts; sparse LU with %d nonzeros): "
             "mean cosine to the encoder on %d texts %.3f", len(used), len(prior), factors.L.nnz + factors.U.nnz,
             len(texts), similarity)
    settings = {**encoder.settings, "fit": "ridge towards the distilled vectors", "l2": l2, "fit_texts": len(texts),
                "fit_tokens": int(len(used)), "fit_cosine": round(similarity, 4)}
    return StaticEncoder(vectors.astype(np.float32), encoder.tokenizer_json, encoder.base_encoder, settings)


def principal_directions(embedded: np.ndarray, dimensions: int) -> np.ndarray:
    """(embedding dimension x `dimensions`): orthonormal directions along which the rows spread most (uncentred),
    the most first."""
    _, directions = np.linalg.eigh(embedded.T @ embedded)  # ascending eigenvalues: the last columns carry most
    return directions[:, ::-1][:, :dimensions]


def reduce_dimensions(encoder: StaticEncoder, texts: list[str], dimensions: int) -> StaticEncoder:
    """Step 3: the token vectors projected onto the `dimensions` directions that carry most of the embeddings of
    `texts` (uncentred principal components): a text's embedding is the projection of its full one, so scoring it
    against the 32,000 index entries costs dimensions/384 as much. Embeddings being sums of token vectors, projecting
    the vectors projects every embedding."""
    if dimensions >= encoder.dimension:
        return encoder
    embedded = encoder.encode(texts).astype(np.float64)
    projection = principal_directions(embedded, dimensions)
    kept = float(np.linalg.norm(embedded @ projection) ** 2 / np.linalg.norm(embedded) ** 2)
    log.info("static vectors reduced from %d to %d dimensions, keeping %.1f%% of the training texts' embeddings",
             encoder.dimension, dimensions, 100 * kept)
    settings = {**encoder.settings, "dimensions": dimensions, "reduced_from": encoder.dimension,
                "reduction": "uncentred principal directions of the training texts' embeddings", "variance_kept": round(kept, 4)}
    return StaticEncoder((encoder.vectors.astype(np.float64) @ projection).astype(np.float32), encoder.tokenizer_json,
                         encoder.base_encoder, settings)


def build_static_encoder(base: TextEncoder, texts: list[str], l2: float = 1e-4, dimensions: int = 256,
                         progress: bool = False) -> StaticEncoder:
    """Fast mode's encoder for a training set: distilled from `base`, fitted to its embeddings of `texts`, reduced
    to `dimensions`."""
    texts = sorted({t for t in texts if t})
    distilled = distill_static_encoder(base, domain_vocabulary(texts))
    log.info("embedding %d training texts with %s to fit the static encoder to", len(texts), base.name)
    fitted = fit_token_vectors(distilled, texts, base.encode(texts, show_progress=progress), l2)
    return reduce_dimensions(fitted, texts, dimensions)
