"""`soc-coder evaluate` in one call: our model and every peer, coded on the same benchmark rows, then scored.

The peers use the coding index the model was trained on when it is in the data directory (matched by file
name and checksum from the model's manifest), else the newest found, and the report says which.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from model import paths
from model.artifact import MANIFEST, sha256_of
from model.coder import SocCoder
from training.ons_readers import CodingIndex, Volume1, load_sources, resolve_data_dir

from .benchmarks import Benchmark, BenchmarkColumns, BenchmarkError, read_benchmark
from .peers import exact_lookup, socmapper, tfidf
from .predictions import Predictions, model_predictions
from .report import write_report
from .tracking import log_evaluation
from .scoring import score

log = logging.getLogger(__name__)

MODEL_CODER = "soc-coder"
FAST_CODER = "soc-coder --fast"
DEFAULT_BESIDE_FAST = "soc-coder (default model)"
PEERS = ("exact", "tfidf", "socmapper")


def load_peer_sources(metadata: dict, data_dir=None, index_file=None, volume1_file=None) -> tuple[CodingIndex, Volume1]:
    """The ONS volumes for the peers: files named explicitly, else the model's own files if present, else the newest."""
    directory = resolve_data_dir(data_dir)
    if index_file is None and metadata.get("coding_index_file") and (directory / metadata["coding_index_file"]).is_file():
        index_file = directory / metadata["coding_index_file"]
    if volume1_file is None and metadata.get("volume1_file") and (directory / metadata["volume1_file"]).is_file():
        volume1_file = directory / metadata["volume1_file"]
    return load_sources(directory, index_file, volume1_file)


def build_peers(index: CodingIndex, names: Sequence[str] = PEERS, encoder: str | None = None) -> tuple[dict, dict[str, str]]:
    """(peer name -> fitted peer, peer name -> why it was not run)."""
    peers, skipped = {}, {}
    for name in names:
        if name == "exact":
            peers[exact_lookup.NAME] = exact_lookup.ExactLookup(index.entries)
        elif name == "tfidf":
            peers[tfidf.NAME] = tfidf.TfidfNearest(index.entries)
        elif name == "socmapper":
            reason = socmapper.unavailable_reason()
            if reason:
                skipped[socmapper.NAME] = reason
                continue
            log.info("loading SOCMapper: it embeds every coding-index title (a few minutes on a CPU)")
            started = time.perf_counter()
            peers[socmapper.NAME] = socmapper.SocMapperPeer(index.entries, index.path, **({"encoder": encoder} if encoder else {}),
                                                            cache_dir=paths.artifacts_dir() / "cache")
            cached = " (index embeddings from cache)" if peers[socmapper.NAME].from_cache else ""
            log.info("SOCMapper loaded in %.0f s%s", time.perf_counter() - started, cached)
        else:
            raise ValueError(f"unknown peer '{name}': choose from {', '.join(PEERS)}")
    return peers, skipped


def model_summary(coder: SocCoder, model_dir: str | Path) -> dict:
    meta = coder.metadata
    keys = ("coding_index_version", "coding_index_file", "coding_index_sha256", "volume1_version", "volume1_file", "trained_at", "encoder")
    return {
        "directory": str(Path(model_dir).resolve()),
        "manifest_sha256": sha256_of(Path(model_dir) / MANIFEST),
        "auto_code_threshold": float(coder.auto_code_threshold),
        **{k: meta[k] for k in keys if k in meta},
    }


def evaluate(
    benchmarks: Sequence[Benchmark],
    coder: SocCoder,
    model_dir: str | Path,
    index: CodingIndex | None = None,
    peers: Sequence[str] = PEERS,
    n_resamples: int = 1000,
    seed: int = 0,
    command: str | None = None,
    progress: bool = False,
    model_coder: str = MODEL_CODER,
    alongside: Mapping[str, SocCoder] | None = None,
) -> dict:
    """Every figure for our model and each peer on each benchmark, as one JSON-ready dict.

    `alongside`: other soc-coder models (by the name to report them under) scored beside ours, before the
    peers: how fast mode is compared with the default model.
    """
    fitted, skipped = build_peers(index, peers) if (index is not None and peers) else ({}, {})
    if peers and index is None:
        skipped.update({name: "no coding index given" for name in peers})
    evaluation = new_evaluation(model_summary(coder, model_dir), _index_note(index, coder.metadata) if index is not None else "–",
                                n_resamples, skipped, command)
    for benchmark in benchmarks:
        log.info("scoring %s (%d rows)", benchmark.name, len(benchmark))
        predictions = [model_predictions(coder, benchmark, model_coder, progress=progress)]
        predictions += [model_predictions(other, benchmark, name, progress=progress) for name, other in (alongside or {}).items()]
        predictions += [peer.predict(benchmark) for peer in fitted.values()]
        add_benchmark(evaluation, benchmark, predictions, n_resamples, seed, model_coder)
    return evaluation


def new_evaluation(model: dict, peer_index: str, n_resamples: int, skipped: dict | None = None, command: str | None = None) -> dict:
    """The evaluation record before any benchmark is added (see add_benchmark)."""
    return {
        "created_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
        "command": command,
        "model": model,
        "peer_index": peer_index,
        "bootstrap_resamples": n_resamples,
        "coders": {},
        "skipped": dict(skipped or {}),
        "benchmarks": {},
    }


def add_benchmark(evaluation: dict, benchmark: Benchmark, predictions: Sequence[Predictions], n_resamples: int = 1000,
                  seed: int = 0, model_coder: str = MODEL_CODER) -> dict:
    """Score each coder's predictions on the benchmark into the evaluation record (the first is our model)."""
    coders = {}
    for p in predictions:
        evaluation["coders"][p.coder] = p.description
        coders[p.coder] = score(p, benchmark, n_resamples=n_resamples, seed=seed)
    evaluation["benchmarks"][benchmark.name] = {
        "file": str(benchmark.path), "sha256": benchmark.sha256, "rows": len(benchmark),
        "model_coder": model_coder, "coders": coders,
    }
    return evaluation


def run_evaluation(
    benchmark_files: Sequence[str | Path],
    output_dir: str | Path,
    model_dir: str | Path | None = None,
    columns: BenchmarkColumns = BenchmarkColumns(),
    peers: Sequence[str] = PEERS,
    data_dir=None,
    index_file=None,
    volume1_file=None,
    n_resamples: int = 1000,
    tracking_uri: str | None = None,
    log_to_mlflow: bool = True,
    command: str | None = None,
    progress: bool = False,
    fast: bool = False,
) -> tuple[Path, dict, dict]:
    """Read the benchmarks, load the model and the ONS volumes, evaluate, write the report, log to mlflow.

    `fast`: the model is the fast one (artifacts/models/fast unless `model_dir` says otherwise), scored side by
    side with the default model when that exists.
    Returns (report path, the evaluation record, what was logged to mlflow).
    """
    model_dir = Path(model_dir) if model_dir else paths.default_model_dir(fast)
    benchmarks = [read_benchmark(path, columns) for path in benchmark_files]
    names = [b.name for b in benchmarks]
    if len(set(names)) != len(names):
        raise BenchmarkError(f"benchmark files need distinct names (file stems): {', '.join(names)}")
    coder = SocCoder.load(model_dir)
    index, volume1 = load_peer_sources(coder.metadata, data_dir, index_file, volume1_file) if peers else (None, None)
    alongside = {}
    default_dir = paths.default_model_dir()
    if fast and (default_dir / MANIFEST).is_file() and default_dir.resolve() != model_dir.resolve():
        alongside[DEFAULT_BESIDE_FAST] = SocCoder.load(default_dir)
    evaluation = evaluate(benchmarks, coder, model_dir, index, peers, n_resamples=n_resamples, command=command, progress=progress,
                          model_coder=FAST_CODER if fast else MODEL_CODER, alongside=alongside)
    titles = dict(coder.unit_group_titles)
    if volume1 is not None:
        titles.update(zip(volume1.groups["code"], volume1.groups["title"]))
    report = write_report(evaluation, output_dir, titles)
    logged = log_evaluation(evaluation, output_dir, model_dir, tracking_uri) if log_to_mlflow else {}
    return report, evaluation, logged


def _index_note(index: CodingIndex, metadata: dict) -> str:
    note = f"v{index.version} ({index.path.name})"
    if metadata.get("coding_index_sha256") and metadata["coding_index_sha256"] != index.sha256:
        note += f" — not the index the model was trained on ({metadata.get('coding_index_file', '?')})"
    return note
