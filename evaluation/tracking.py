"""Logging an evaluation to mlflow against the exact model version it evaluated.

A model is identified by the sha256 of its manifest.json (which holds every file's checksum), so the same
model trained twice, or moved to another directory, is still recognised. The registered `soc-coder` version
whose logged model directory has that manifest is found by reading the manifests of the registered versions;
the evaluation run is tagged with that version and its metrics are linked to its logged model, and the version
gets tags pointing back to the evaluation run.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import mlflow
from mlflow.tracking import MlflowClient

from model.artifact import MANIFEST, sha256_of
from model.registry import download_model_dir
from training.tracking import REGISTERED_MODEL_NAME, use_tracking_store

log = logging.getLogger(__name__)
MAX_VERSIONS_SEARCHED = 100


def manifest_sha256(model_dir: str | Path) -> str:
    return sha256_of(Path(model_dir) / MANIFEST)


def _version_manifest_sha256(version) -> str | None:
    """sha256 of the manifest.json inside a registered version's logged pyfunc (None if it has none)."""
    with tempfile.TemporaryDirectory() as scratch:
        try:
            manifest = download_model_dir(f"models:/{version.name}/{version.version}", scratch, file=MANIFEST)
        except Exception as error:  # a version logged some other way: not ours to match
            log.debug("version %s of %s has no readable model_dir manifest: %s", version.version, version.name, error)
            return None
        return sha256_of(manifest)


def find_registered_version(sha256: str, name: str = REGISTERED_MODEL_NAME, client: MlflowClient | None = None):
    """The newest registered version of `name` whose model directory's manifest has this sha256, else None."""
    client = client or MlflowClient()
    try:
        versions = client.search_model_versions(f"name='{name}'")
    except Exception as error:  # no registry, or the name was never registered
        log.debug("no registered versions of %s: %s", name, error)
        return None
    for version in sorted(versions, key=lambda v: -int(v.version))[:MAX_VERSIONS_SEARCHED]:
        if _version_manifest_sha256(version) == sha256:
            return version
    return None


def flat_metrics(evaluation: dict) -> dict[str, float]:
    """'<benchmark>/<coder>/<rows>/<figure>' -> value, for mlflow (NaN figures left out)."""
    metrics = {}
    for bench_name, bench in evaluation["benchmarks"].items():
        for coder, figures in bench["coders"].items():
            slug = "".join(c if c.isalnum() else "_" for c in coder.lower()).strip("_")
            for subset in ("codable", "all"):
                rows = figures[subset]
                prefix = f"{bench_name}/{slug}/{subset}"
                for level, ks in rows["agreement"].items():
                    for k, value in ks.items():
                        metrics[f"{prefix}/{level}_{k}"] = value
                for point in rows["coverage_at_agreement"]:
                    metrics[f"{prefix}/coverage_at_{round(point['target'] * 100)}"] = point["coverage"]
                metrics[f"{prefix}/auto_coded_share"] = rows["operating_point"]["coverage"]
                metrics[f"{prefix}/auto_coded_agreement"] = rows["operating_point"]["agreement"]
                metrics[f"{prefix}/ece"] = rows["calibration"]["ece"]
            if figures["status"]["rows"]:
                metrics[f"{bench_name}/{slug}/status/not_auto_coded"] = figures["status"]["not_auto_coded"]
    for scheme, figures in evaluation.get("holdout", {}).get("schemes", {}).items():
        for name in ("top1", "top1_given_unit", "commonest_code_given_unit"):
            metrics[f"index-holdout/schemes/{scheme}/{name}"] = figures[name]
    return {k: float(v) for k, v in metrics.items() if v is not None and v == v}


def log_evaluation(evaluation: dict, output_dir: str | Path, model_dir: str | Path | None, tracking_uri: str | None = None,
                   task: str = "evaluation") -> dict[str, str]:
    """One mlflow run with every figure, the report files as artifacts, and links to the evaluated model.

    `model_dir` None (the index hold-out, which fits heads per fold and saves none) logs the figures alone.
    """
    use_tracking_store(tracking_uri)
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    model = evaluation["model"]
    tags = {
        "soc_coder_task": task,
        "coding_index_version": str(model.get("coding_index_version", "")),
        "benchmarks": ", ".join(evaluation["benchmarks"]),
        **{f"benchmark_sha256/{name}": bench["sha256"] for name, bench in evaluation["benchmarks"].items()},
    }
    version, logged = None, {}
    if model_dir is not None:
        sha = manifest_sha256(model_dir)
        version = find_registered_version(sha)
        tags.update(evaluated_model_sha256=sha, evaluated_model_dir=str(Path(model_dir).resolve()))
        logged["evaluated_model_sha256"] = sha
    if version is not None:
        tags.update(evaluated_model_name=version.name, evaluated_model_version=str(version.version), evaluated_model_run_id=version.run_id or "")
    model_id = getattr(version, "model_id", None) if version is not None else None
    with mlflow.start_run(run_name=f"{task}-{'-'.join(evaluation['benchmarks'])}") as run:
        mlflow.set_tags(tags)
        mlflow.log_params({"coders": ", ".join(evaluation["coders"]), "bootstrap_resamples": evaluation["bootstrap_resamples"]})
        mlflow.log_metrics(flat_metrics(evaluation), model_id=model_id)
        mlflow.log_artifacts(str(output_dir), artifact_path="evaluation")
    logged["run_id"] = run.info.run_id
    if version is not None:
        MlflowClient().set_model_version_tag(version.name, version.version, "last_evaluation_run_id", run.info.run_id)
        logged["registered_version"] = str(version.version)
    return logged
