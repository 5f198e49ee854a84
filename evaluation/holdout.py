"""Index hold-out: k-fold over coding-index entries, for data scientists without a manually coded benchmark.

Folds are grouped by normalised bare title (sklearn GroupKFold), so every qualified variant of a title
("Finisher" [ind: bookbinding], "Finisher" [ind: furniture mfr]) is held out together and near-duplicates do not
leak between training and scoring. The training examples are embedded once; per fold a head is fitted on the
other folds' index entries plus the Volume 1 examples (less any Volume 1 title that normalises to a held-out
title), and the held-out entries are scored as answers: title with ADD qualifier, IND qualifier as industry.
Each entry's own unit group is its one gold code. The TF-IDF peer is refitted per fold on the same entries;
the exact lookup is not run, since held-out titles are by construction absent from the training folds.

Per fold the scheme heads (model.schemes) are fitted on the same training entries, and each held-out entry's
SOC 2010, ISCO-08 and extension codes are chosen within the unit group the fold's head gave it first, then
compared with the entry's own codes (`scheme_agreement`), on every entry and on those whose unit group was right.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from model.coder import N_CANDIDATES
from model.schemes import SCHEMES, usable_code
from model.encoder import TextEncoder
from model.text import normalise_title
from training.examples import INDEX, VOLUME1_RELATED, VOLUME1_TITLE, index_answer, training_examples
from training.ons_readers import CodingIndex, Volume1
from training.train import TrainingConfig, example_features, fit_dual_coder, new_head

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
    X, text_vectors = example_features(encoder, examples, progress)
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
        **{scheme: entry_rows[scheme].tolist() for scheme in SCHEMES},
    })
    scheme_codes = {scheme: [""] * len(index_rows) for scheme in SCHEMES}

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
        train_index = np.zeros(len(examples), dtype=bool)
        train_index[index_rows[train_pos]] = True
        chosen_units = head.classes_[proba.argmax(axis=1)]
        dual = fit_dual_coder(X, text_vectors, examples, train_index, config)
        assigned = dual.assign(X[index_rows[test_pos]], text_vectors[index_rows[test_pos]], chosen_units)
        for scheme in SCHEMES:
            for position, code in zip(test_pos, assigned[scheme]):
                scheme_codes[scheme][position] = code.code
        if with_tfidf:
            peer = TfidfNearest(entries.iloc[train_pos])
            codes, best_cosine = peer.rank([index_answer(t, a, i) for t, a, i in entries.iloc[test_pos][["title", "add", "ind"]].itertuples(index=False)])
            for position, c in zip(test_pos, codes):
                tfidf_ranked[position] = c
            tfidf_best[test_pos] = best_cosine

    benchmark = holdout_benchmark(index, entries)
    benchmark.rows["fold"] = folds
    for scheme in SCHEMES:
        benchmark.rows[f"gold_{scheme}"] = entries[scheme].tolist()
        benchmark.rows[f"predicted_{scheme}"] = scheme_codes[scheme]
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
    if f"predicted_{next(iter(SCHEMES))}" in benchmark.rows:
        evaluation["holdout"]["schemes"] = scheme_agreement(benchmark.rows, [r[0] if r else "" for r in predictions[0].ranked])
    return add_benchmark(evaluation, benchmark, predictions, n_resamples, seed)


def scheme_agreement(rows: pd.DataFrame, chosen_units: list[str]) -> dict[str, dict]:
    """Per scheme, top-1 agreement of the held-out entries' predicted codes with their own, on every entry with a
    code in the scheme and on those whose unit group was chosen right; and, for scale, how often the most common
    code of the entry's own unit group among all entries would be right on the latter."""
    unit_right = np.array([c in g for c, g in zip(chosen_units, rows["golds"])], dtype=bool)
    units = np.array([g[0] for g in rows["golds"]])
    out = {}
    for scheme in SCHEMES:
        gold = rows[f"gold_{scheme}"].to_numpy(dtype=str)
        coded = np.array([usable_code(c) for c in gold], dtype=bool)
        right = rows[f"predicted_{scheme}"].to_numpy(dtype=str) == gold
        common = pd.Series(gold[coded]).groupby(units[coded]).agg(lambda codes: codes.value_counts().index[0])
        commonest = pd.Series(units).map(common).fillna("").to_numpy(dtype=str) == gold
        given = coded & unit_right
        out[scheme] = {
            "entries": int(coded.sum()),
            "top1": float(right[coded].mean()) if coded.any() else float("nan"),
            "entries_unit_right": int(given.sum()),
            "top1_given_unit": float(right[given].mean()) if given.any() else float("nan"),
            "commonest_code_given_unit": float(commonest[given].mean()) if given.any() else float("nan"),
        }
    return out
