"""Fitting a SocCoder on the ONS volumes: embed the examples once, hold out index titles, fit the heads."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupShuffleSplit

from model.coder import SocCoder
from model.encoder import DEFAULT_ENCODER, Encoder, TextEncoder
from model.features import embed_answers
from model.head import SoftmaxHead
from model.neighbours import IndexNeighbours
from model.schemes import SCHEMES, DualCoder, SchemeHead, usable_code

from .calibration import KNOWN_TITLE, UNSEEN_TITLE, fit_calibration, holdout_answers
from .classification import build_classification
from .examples import INDEX, strip_list_marker, training_examples
from .ons_readers import CodingIndex, Volume1, unit_group_titles

log = logging.getLogger(__name__)


@dataclass
class TrainingConfig:
    """Everything that decides the trained model; logged to mlflow as parameters."""

    encoder: str = DEFAULT_ENCODER
    C: float = 20.0
    epochs: int = 20
    learning_rate: float = 0.01
    holdout_fraction: float = 0.1
    target_agreement: float = 0.97
    seed: int = 0
    fast: bool = False  # fast mode: a static encoder distilled from `encoder` (training.distill)
    static_l2: float = 1e-4  # fast mode: how strongly token vectors keep to their distilled values
    static_dimensions: int = 256  # fast mode: the static vectors' dimensions after reduction (MiniLM's: 384)


@dataclass
class TrainingOutcome:
    coder: SocCoder
    metrics: dict[str, float]
    n_examples: int


def new_head(config: TrainingConfig) -> SoftmaxHead:
    """An unfitted head with the parameters `config` sets: the one place that maps config to head."""
    return SoftmaxHead(C=config.C, epochs=config.epochs, learning_rate=config.learning_rate, random_state=config.seed)


def fit_dual_coder(X: np.ndarray, text_vectors: np.ndarray, examples: pd.DataFrame, rows: np.ndarray,
                   config: TrainingConfig) -> DualCoder:
    """Scheme heads (model.schemes) on the index examples `rows` (a mask), on the features already computed for the
    unit-group head, with those entries' codes and embeddings as its index evidence."""
    units = examples["label"].to_numpy(dtype=str)[rows]
    codes = {scheme: examples[scheme].to_numpy(dtype=str)[rows] for scheme in SCHEMES}
    heads = {scheme: SchemeHead().fit(X[rows], units, codes[scheme]) for scheme in SCHEMES}
    return DualCoder(heads, units, codes, text_vectors[rows])


def scheme_holdout_metrics(dual: DualCoder, X: np.ndarray, text_vectors: np.ndarray, predicted_units: np.ndarray,
                           units: np.ndarray, golds: dict[str, np.ndarray]) -> dict[str, float]:
    """Per scheme, top-1 agreement of held-out entries' codes within the unit group the model chose: on every entry
    with a code in the scheme, and on those whose unit group was chosen right (`_given_unit`)."""
    metrics = {}
    unit_right = predicted_units == units
    assigned = dual.assign(X, text_vectors, predicted_units)
    for scheme in dual.heads:
        gold = golds[scheme]
        coded = np.array([usable_code(c) for c in gold], dtype=bool)
        right = np.array([a.code for a in assigned[scheme]]) == gold
        metrics[f"holdout_{scheme}_top1"] = float(right[coded].mean()) if coded.any() else float("nan")
        given = coded & unit_right
        metrics[f"holdout_{scheme}_top1_given_unit"] = float(right[given].mean()) if given.any() else float("nan")
    return metrics


def training_encoder(config: TrainingConfig, examples: pd.DataFrame, encoder: TextEncoder | None = None,
                     progress: bool = False) -> Encoder:
    """The encoder the model is trained with: `encoder` (or config.encoder loaded), or in fast mode a static
    encoder learned from it on the training texts (training.distill)."""
    from .distill import build_static_encoder

    base = encoder or TextEncoder(config.encoder)
    if not config.fast:
        return base
    return build_static_encoder(base, examples["title"].tolist() + examples["text"].tolist(), config.static_l2,
                                config.static_dimensions, progress)


def example_features(encoder: Encoder, examples: pd.DataFrame, progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(head features, whole-text embeddings) of training examples, exactly as answers are embedded at run time."""
    return embed_answers(encoder, examples["title"].tolist(), examples["text"].tolist(), progress)


def held_out_rows(examples: pd.DataFrame, config: TrainingConfig) -> np.ndarray:
    """Boolean mask of the index examples held out to measure the model and fit its threshold.

    A share `config.holdout_fraction` of index titles, grouped by normalised bare title and drawn with
    `config.seed`; other sources (Volume 1, extra data) are never held out. The split depends only on the
    index rows, so extra examples appended after them leave it unchanged.
    """
    index_rows = np.flatnonzero((examples["source"] == INDEX).to_numpy())
    splitter = GroupShuffleSplit(n_splits=1, test_size=config.holdout_fraction, random_state=config.seed)
    _, held = next(splitter.split(index_rows, groups=examples["group"].to_numpy()[index_rows]))
    held_out = np.zeros(len(examples), dtype=bool)
    held_out[index_rows[held]] = True
    return held_out


def with_extra_examples(examples: pd.DataFrame, extra: pd.DataFrame | None) -> tuple[pd.DataFrame, np.ndarray]:
    """(examples with `extra` appended after them, per-example weights: 1 for the ONS examples)."""
    if extra is None or extra.empty:
        return examples, np.ones(len(examples), dtype=np.float32)
    weights = np.concatenate([np.ones(len(examples)), extra["weight"].to_numpy(dtype=float)]).astype(np.float32)
    combined = pd.concat([examples, extra.drop(columns="weight")], ignore_index=True)
    return combined.fillna({scheme: "" for scheme in SCHEMES}), weights  # extra answers carry SOC 2020 codes only


def holdout_metrics(classes: np.ndarray, proba: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Top-1/top-5 unit-group and major-group agreement of held-out probabilities (auto-coding is measured on
    the calibrated model: training.calibration)."""
    top = np.argsort(-proba, axis=1)[:, :5]
    predicted = classes[top]
    top1 = predicted[:, 0] == labels
    metrics = {
        "holdout_top1": float(top1.mean()),
        "holdout_top5": float((predicted == labels[:, None]).any(axis=1).mean()),
        "holdout_major_top1": float(np.mean([p[0] == g[0] for p, g in zip(predicted[:, 0], labels)])),
        "holdout_rows": float(len(labels)),
    }
    return metrics


def fit_coder(
    index: CodingIndex,
    volume1: Volume1,
    config: TrainingConfig = TrainingConfig(),
    encoder: TextEncoder | None = None,
    progress: bool = False,
    extra: pd.DataFrame | None = None,
) -> TrainingOutcome:
    """Train on all examples; before that, fit on a split grouped by title to measure and set the threshold.

    `extra`: more examples in the same frame shape (training.extra), with a `weight` column; never held out.
    """
    started = time.perf_counter()
    examples, weights = with_extra_examples(training_examples(index.entries, volume1.unit_groups), extra)
    encoder = training_encoder(config, examples, encoder, progress)
    log.info("embedding %d training examples with %s", len(examples), encoder.name)
    X, text_vectors = example_features(encoder, examples, progress)
    y = examples["label"].to_numpy(dtype=str)
    embedded = time.perf_counter()

    is_index = (examples["source"] == INDEX).to_numpy()
    index_rows = np.flatnonzero(is_index)
    held_out = held_out_rows(examples, config)

    kept = examples.iloc[index_rows]
    neighbour_entries = [
        {"code": c, "title": t, "add": a, "ind": i}
        for c, t, a, i in zip(kept["label"], kept["entry_title"], kept["entry_add"], kept["entry_ind"])
    ]
    titles = unit_group_titles(volume1)

    log.info("fitting the head on %d examples, %d index entries held out", (~held_out).sum(), held_out.sum())
    trial = new_head(config).fit(X[~held_out], y[~held_out], weights[~held_out])
    trial_proba = trial.predict_proba(X[held_out])
    metrics = holdout_metrics(trial.classes_, trial_proba, y[held_out])
    schemes_started = time.perf_counter()
    trial_dual = fit_dual_coder(X, text_vectors, examples, is_index & ~held_out, config)
    metrics.update(scheme_holdout_metrics(trial_dual, X[held_out], text_vectors[held_out], trial.classes_[trial_proba.argmax(axis=1)],
                                          y[held_out], {scheme: examples[scheme].to_numpy(dtype=str)[held_out] for scheme in SCHEMES}))
    scheme_seconds = time.perf_counter() - schemes_started

    log.info("refitting the head on all %d examples", len(examples))
    head = new_head(config).fit(X, y, weights)
    schemes_started = time.perf_counter()
    dual = fit_dual_coder(X, text_vectors, examples, is_index, config)  # its entries are the neighbours' rows, in order
    scheme_seconds += time.perf_counter() - schemes_started
    neighbours = IndexNeighbours(text_vectors[index_rows], neighbour_entries)

    log.info("fitting the confidence calibrator and threshold on the held-out entries")
    seen = ~held_out[index_rows]
    trial_coders = {
        # a title the index lacks: neither the head nor the index evidence has seen it
        UNSEEN_TITLE: SocCoder(encoder, trial, IndexNeighbours(text_vectors[index_rows[seen]],
                                                               [e for e, s in zip(neighbour_entries, seen) if s]), titles),
        # a title the index has: the model as shipped, answered in other words than the entry's
        KNOWN_TITLE: SocCoder(encoder, head, neighbours, titles),
    }
    tasks_by_code = {str(g.code): [strip_list_marker(t) for t in g.tasks] for g in volume1.unit_groups.itertuples(index=False)}
    answers = holdout_answers(examples[held_out], tasks_by_code, config.seed)
    calibration = fit_calibration(trial_coders, answers, y[held_out], config.target_agreement)
    threshold = calibration.threshold
    metrics.update(calibration.metrics)
    finished = time.perf_counter()

    metadata = {
        "soc_coder_model": "embedding + softmax head",
        "encoder": encoder.name,
        "fast": config.fast,
        "training_config": asdict(config),
        "coding_index_version": index.version,
        "coding_index_file": index.path.name,
        "coding_index_sha256": index.sha256,
        "volume1_version": volume1.version,
        "volume1_file": volume1.path.name,
        "volume1_sha256": volume1.sha256,
        "n_training_examples": int(len(examples)),
        "trained_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
    }
    coder = SocCoder(encoder, head, neighbours, titles, threshold, metadata, calibrator=calibration.calibrator,
                     classification=build_classification(index, volume1), dual=dual)
    metrics.update(
        auto_code_threshold=threshold,
        embed_seconds=embedded - started,
        fit_seconds=finished - embedded,
        scheme_fit_seconds=scheme_seconds,
        train_seconds=finished - started,
    )
    return TrainingOutcome(coder, metrics, len(examples))

