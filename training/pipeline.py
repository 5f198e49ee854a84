"""`soc-coder train` in one call: read and check every input, fit, save the model directory, log to mlflow.

Everything given is read and checked before anything is fitted: the ONS volumes, the extra coded answers (a bad
row refuses the whole file) and the benchmarks. Before the new model is saved over an old one, the coding index
it was trained on is compared with that of the model it replaces (training.index_changes).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from model import paths
from model.artifact import MANIFEST
from model.coder import SocCoder
from model.encoder import TextEncoder
from model.registry import REGISTERED_MODEL_NAME, fetch_model_dir, is_model_uri

from .extra import ExtraColumns, read_extra
from .index_changes import changes_since, describe_changes
from .ons_readers import load_sources
from .tracking import log_training, use_tracking_store
from .train import TrainingConfig, fit_coder

log = logging.getLogger(__name__)
PRODUCTION = "production"


@dataclass
class TrainedModel:
    coder: SocCoder
    model_dir: Path
    metrics: dict[str, float]
    mlflow: dict[str, str]
    index_changes: dict | None = None
    benchmark: dict | None = None


def replaced_model(replaces: str | Path | None, model_dir: Path) -> tuple[str, Path] | None:
    """(label, local model directory) of the model a new one replaces, or None for a first model.

    `replaces` names it (a directory or a registry URI); else the registry's `production` alias, else the model
    already at `model_dir`, else the newest registered version.
    """
    if replaces is not None:
        return str(replaces), fetch_model_dir(str(replaces)) if is_model_uri(replaces) else Path(replaces)
    from mlflow.exceptions import MlflowException
    from mlflow.tracking import MlflowClient

    client = MlflowClient()
    try:
        version = client.get_model_version_by_alias(REGISTERED_MODEL_NAME, PRODUCTION)
        uri = f"models:/{REGISTERED_MODEL_NAME}@{PRODUCTION}"
        return f"{uri} (version {version.version})", fetch_model_dir(uri)
    except MlflowException:
        pass
    if (model_dir / MANIFEST).is_file():
        return str(model_dir), model_dir
    try:
        versions = client.search_model_versions(f"name='{REGISTERED_MODEL_NAME}'")
    except MlflowException:
        versions = []
    if versions:
        newest = max(versions, key=lambda v: int(v.version))
        uri = f"models:/{REGISTERED_MODEL_NAME}/{newest.version}"
        return uri, fetch_model_dir(uri)
    return None


def _warn_of_benchmark_rows(extra, benchmarks) -> int:
    """Warn when extra answers repeat benchmark answers word for word (benchmarks are for measuring only)."""
    from model.text import answer_text, normalise_title

    extra_texts = {normalise_title(text) for text in extra.examples["text"]}
    repeated = 0
    for bench in benchmarks:
        texts = [normalise_title(answer_text(a["job_title"], a["job_description"], a["industry"])) for a in bench.answers()]
        found = sum(text in extra_texts for text in texts if text)
        if found:
            log.warning("%d answer(s) of benchmark %s also appear in the extra file %s: its figures flatter the model",
                        found, bench.name, extra.path.name)
        repeated += found
    return repeated


def train_model(
    data_dir: str | Path | None = None,
    index_file: str | Path | None = None,
    volume1_file: str | Path | None = None,
    output_dir: str | Path | None = None,
    config: TrainingConfig = TrainingConfig(),
    tracking_uri: str | None = None,
    register: bool = True,
    progress: bool = True,
    encoder: TextEncoder | None = None,
    extra_file: str | Path | None = None,
    extra_columns: ExtraColumns = ExtraColumns(),
    extra_weight: float = 1.0,
    benchmark_files: Sequence[str | Path] = (),
    benchmark_columns=None,
    replaces: str | Path | None = None,
) -> TrainedModel:
    """Train on the newest ONS volumes found (or the files named) and any extra coded answers, save to
    `output_dir`, score any benchmarks, log the run and register the model."""
    from evaluation.benchmarks import BenchmarkColumns, read_benchmark

    index, volume1 = load_sources(data_dir, index_file, volume1_file)
    extra = read_extra(extra_file, volume1.unit_groups["code"], extra_columns, extra_weight) if extra_file else None
    benchmarks = [read_benchmark(path, benchmark_columns or BenchmarkColumns()) for path in benchmark_files]
    if extra and benchmarks:
        _warn_of_benchmark_rows(extra, benchmarks)
    model_dir = Path(output_dir) if output_dir else paths.default_model_dir(config.fast)
    use_tracking_store(tracking_uri)
    previous = replaced_model(replaces, model_dir)
    changes = changes_since(previous[1], previous[0], index) if previous else None
    log.info("training on coding index version %s (%s) and Volume 1 of %s%s", index.version, index.path.name, volume1.version,
             f", with {len(extra)} extra examples from {extra.path.name}" if extra else "")
    log.info("%s", describe_changes(changes))

    outcome = fit_coder(index, volume1, config, encoder=encoder, progress=progress, extra=extra.examples if extra else None)
    if extra:
        outcome.coder.metadata["extra_data"] = extra.summary()
    if changes:
        outcome.coder.metadata["index_changes"] = {k: v for k, v in changes.items() if k != "entries"}
    outcome.coder.save(model_dir)

    sources = {"coding_index": index.path, "volume1": volume1.path, **({"extra": extra.path} if extra else {})}
    evaluation = None
    with tempfile.TemporaryDirectory() as report_dir:
        if benchmarks:
            from evaluation.evaluate import evaluate
            from evaluation.report import write_report

            evaluation = evaluate(benchmarks, outcome.coder, model_dir, index=None, peers=())
            write_report(evaluation, report_dir, outcome.coder.unit_group_titles)
        logged = log_training(outcome, config, model_dir, tracking_uri=tracking_uri, register=register, sources=sources,
                              changes=changes, benchmark=(evaluation, Path(report_dir)) if evaluation else None)
    return TrainedModel(outcome.coder, model_dir, outcome.metrics, logged, changes, evaluation)
