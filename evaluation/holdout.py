"""Index hold-out: k-fold over coding-index entries, for data scientists without a manually coded benchmark.

Folds are grouped by normalised bare title (sklearn GroupKFold), so every qualified variant of a title
("Finisher" [ind: bookbinding], "Finisher" [ind: furniture mfr]) is held out together and near-duplicates do not
leak between training and scoring. The training examples are embedded once; per fold a head is fitted on the
other folds' index entries plus the Volume 1 examples (less any Volume 1 title that normalises to a held-out
title), and the held-out entries are scored as answers: title with ADD qualifier, IND qualifier as industry.
Each entry's own unit group is its one gold code. The TF-IDF peer is refitted per fold on the same entries;
the exact lookup is not run, since held-out titles are by construction absent from the training folds.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from model.coder import N_CANDIDATES
from model.encoder import TextEncoder
from model.text import normalise_title
from training.examples import INDEX, VOLUME1_RELATED, VOLUME1_TITLE, index_answer, training_examples
from training.ons_readers import CodingIndex, Volume1
from training.train import TrainingConfig, example_features, new_head

from .benchmarks import OCCUPATION, Benchmark
from .evaluate import MODEL_CODER, add_benchmark, new_evaluation
from .peers.tfidf import NAME as TFIDF_NAME
from .peers.tfidf import TfidfNearest
from .predictions import Predictions, peer_predictions

log = logging.getLogger(__name__)
HOLDOUT_NAME = "index-holdout"


def holdout_benchmark(index: CodingIndex, rows: pd.DataFrame) -> Benchmark:
    """Index entries as benchmark rows (codable, one gold code each)."""
    frame = pd.DataFrame({
        "id": rows["unique_id"].tolist(),
        "job_title": [f"{t}, {a}" if a else t for t, a in zip(rows["title"], rows["add"])],
        "job_description": "",
        "industry": rows["ind"].tolist(),
        "golds": [[str(c)] for c in rows["soc2020"]],
        "codable": True,
        "gold_status": OCCUPATION,
    })
    return Benchmark(name=HOLDOUT_NAME, path=index.path, rows=frame, sha256=index.sha256)


def kfold_predictions(
    index: CodingIndex,
    volume1: Volume1,
    n_splits: int = 5,
    config: TrainingConfig = TrainingConfig(),
    encoder: TextEncoder | None = None,
    threshold: float = 0.5,
    with_tfidf: bool = True,
    progress: bool = False,
) -> tuple[Benchmark, list[Predictions]]:
    """Out-of-fold predictions for every coded index entry: our head's and (optionally) the TF-IDF peer's."""
    encoder = encoder or TextEncoder(config.encoder)
    examples = training_examples(index.entries, volume1.unit_groups)
    X, _ = example_features(encoder, examples, progress)
    y = examples["label"].to_numpy(dtype=str)
    is_index = (examples["source"] == INDEX).to_numpy()
    index_rows = np.flatnonzero(is_index)
    groups = examples["group"].to_numpy()[index_rows]
    volume1_key = np.array([normalise_title(t) if s in (VOLUME1_TITLE, VOLUME1_RELATED) else "" for t, s in zip(examples["text"], examples["source"])])
    entry_rows = examples.iloc[index_rows]
    entries = pd.DataFrame({
        "unique_id": [f"entry-{i}" for i in range(len(index_rows))],
        "title": entry_rows["entry_title"].tolist(), "add": entry_rows["entry_add"].tolist(),
        "ind": entry_rows["entry_ind"].tolist(), "soc2020": entry_rows["label"].tolist(),
    })

    ranked: list[list[str]] = [[] for _ in index_rows]
    confidence = np.zeros(len(index_rows))
    tfidf_ranked: list[list[str]] = [[] for _ in index_rows]
    tfidf_best = np.zeros(len(index_rows))
    folds = np.zeros(len(index_rows), dtype=int)
    splitter = GroupKFold(n_splits=n_splits)
    for fold, (train_pos, test_pos) in enumerate(splitter.split(index_rows, groups=groups)):
        folds[test_pos] = fold
        held_titles = set(groups[test_pos])
        train = ~is_index & ~np.isin(volume1_key, list(held_titles))
        train[index_rows[train_pos]] = True
        log.info("fold %d/%d: fitting on %d examples, scoring %d held-out entries", fold + 1, n_splits, train.sum(), len(test_pos))
        head = new_head(config).fit(X[train], y[train])
        proba = head.predict_proba(X[index_rows[test_pos]])
        top = np.argsort(-proba, axis=1)[:, :N_CANDIDATES]
        for position, best in zip(test_pos, top):
            ranked[position] = [str(head.classes_[j]) for j in best]
        confidence[test_pos] = proba.max(axis=1)
        if with_tfidf:
            peer = TfidfNearest(entries.iloc[train_pos])
            codes, best_cosine = peer.rank([index_answer(t, a, i) for t, a, i in entries.iloc[test_pos][["title", "add", "ind"]].itertuples(index=False)])
            for position, c in zip(test_pos, codes):
                tfidf_ranked[position] = c
            tfidf_best[test_pos] = best_cosine

    benchmark = holdout_benchmark(index, entries)
    benchmark.rows["fold"] = folds
    ours = Predictions(
        coder=MODEL_CODER, ranked=ranked, confidence=confidence, offered=np.ones(len(ranked), bool),
        auto_coded=confidence >= threshold, status=["coded" if c >= threshold else "referred" for c in confidence],
        description=f"embedding + softmax head refitted per fold ({n_splits}-fold, grouped by title); auto-codes at >= {threshold:.3f}",
    )
    predictions = [ours]
    if with_tfidf:
        predictions.append(peer_predictions(TFIDF_NAME, tfidf_ranked, tfidf_best, description="TF-IDF nearest entry, refitted per fold"))
    return benchmark, predictions


def evaluate_holdout(
    index: CodingIndex,
    volume1: Volume1,
    n_splits: int = 5,
    config: TrainingConfig = TrainingConfig(),
    encoder: TextEncoder | None = None,
    threshold: float = 0.5,
    with_tfidf: bool = True,
    n_resamples: int = 1000,
    seed: int = 0,
    command: str | None = None,
) -> dict:
    """The evaluation record (same shape and figures as `soc-coder evaluate`) of a k-fold index hold-out."""
    benchmark, predictions = kfold_predictions(index, volume1, n_splits, config, encoder, threshold, with_tfidf)
    return holdout_record(index, volume1, benchmark, predictions, n_splits, config, threshold, n_resamples, seed, command)


def holdout_record(index: CodingIndex, volume1: Volume1, benchmark: Benchmark, predictions: list[Predictions], n_splits: int,
                   config: TrainingConfig, threshold: float, n_resamples: int = 1000, seed: int = 0, command: str | None = None) -> dict:
    """Score out-of-fold predictions into an evaluation record, with what was held out and how."""
    model = {
        "directory": f"none: {n_splits} heads fitted per fold", "manifest_sha256": "–", "auto_code_threshold": float(threshold),
        "coding_index_version": index.version, "coding_index_file": Path(index.path).name, "coding_index_sha256": index.sha256,
        "volume1_version": volume1.version, "encoder": config.encoder, "training_config": asdict(config),
    }
    evaluation = new_evaluation(model, f"v{index.version} ({Path(index.path).name}), training folds only", n_resamples, command=command)
    evaluation["holdout"] = {"n_splits": n_splits, "grouped_by": "normalised bare title", "entries": len(benchmark)}
    return add_benchmark(evaluation, benchmark, predictions, n_resamples, seed)
