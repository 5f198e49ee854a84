"""Models by registry URI: `models:/soc-coder@production`, `models:/soc-coder/3`, `runs:/<run id>/model`.

A logged soc-coder model is an mlflow pyfunc whose artifact `model_dir` is the saved model directory (arrays,
JSON and the checksummed manifest). Loading by URI downloads that directory — nothing else, and nothing is
unpickled — and loads it as a directory. Registered versions and run artifacts never change, so they are cached
under artifacts/cache/registry; an alias is first resolved to the version it points at.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

from . import paths
from .artifact import MANIFEST

REGISTERED_MODEL_NAME = "soc-coder"
MODEL_DIR_ARTIFACT = "model_dir"
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:/")
_REGISTERED = re.compile(r"^models:/(?P<name>[^/@]+)(?:@(?P<alias>[^/]+)|/(?P<version>\d+))/?$")


def is_model_uri(source: object) -> bool:
    """True for an mlflow URI (models:/, runs:/, ...); False for a local path (Windows drive letters included)."""
    text = str(source)
    return bool(_SCHEME.match(text)) and not re.match(r"^[a-zA-Z]:[\\/]", text)


def use_tracking_uri(tracking_uri: str | None = None) -> str:
    """`tracking_uri`, else the one this process already set, else $MLFLOW_TRACKING_URI or the local store."""
    import mlflow
    from mlflow.tracking._tracking_service.utils import is_tracking_uri_set

    if tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)
    elif not is_tracking_uri_set():
        mlflow.set_tracking_uri(paths.default_tracking_uri())
    return mlflow.get_tracking_uri()


def registered_version(uri: str):
    """The ModelVersion a `models:/name@alias` or `models:/name/N` URI names, else None (other URIs)."""
    from mlflow.tracking import MlflowClient

    match = _REGISTERED.match(uri)
    if not match:
        return None
    client = MlflowClient()
    if match["alias"]:
        return client.get_model_version_by_alias(match["name"], match["alias"])
    return client.get_model_version(match["name"], match["version"])


def model_dir_path(uri: str, scratch: str | Path) -> str:
    """Where the model directory lies inside the logged pyfunc at `uri` (read from its MLmodel)."""
    import mlflow
    from mlflow.models import Model

    mlmodel = mlflow.artifacts.download_artifacts(artifact_uri=f"{uri.rstrip('/')}/MLmodel", dst_path=str(scratch))
    flavor = Model.load(mlmodel).flavors["python_function"]
    return flavor["artifacts"][MODEL_DIR_ARTIFACT]["path"]


def download_model_dir(uri: str, destination: str | Path, file: str | None = None) -> Path:
    """Download the model directory (or one `file` of it) of the logged pyfunc at `uri` into `destination`."""
    import mlflow

    uri = uri.rstrip("/")
    with tempfile.TemporaryDirectory() as scratch:
        inside = model_dir_path(uri, scratch)
    target = f"{uri}/{inside}" + (f"/{file}" if file else "")
    return Path(mlflow.artifacts.download_artifacts(artifact_uri=target, dst_path=str(destination)))


def fetch_model_dir(uri: str, tracking_uri: str | None = None) -> Path:
    """A local copy of the model directory that `uri` names, downloaded once per registered version or run."""
    store = use_tracking_uri(tracking_uri)
    version = registered_version(uri)
    if version is not None:
        uri, key = f"models:/{version.name}/{version.version}", f"{version.name}/{version.version}"
    elif uri.startswith("runs:/"):
        key = "runs/" + uri[len("runs:/"):].strip("/")
    else:  # e.g. models:/name/latest: may change, so never cached
        return download_model_dir(uri, tempfile.mkdtemp(prefix="soc-coder-model-"))
    store_key = hashlib.sha256(store.encode()).hexdigest()[:12]
    cached = paths.artifacts_dir() / "cache" / "registry" / store_key / key
    if not (cached / MANIFEST).is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cached.parent) as scratch:
            downloaded = download_model_dir(uri, scratch)
            if cached.exists():  # a partial copy from an interrupted download
                import shutil

                shutil.rmtree(cached)
            downloaded.rename(cached)
    return cached


def resolve_model_dir(source: str | Path, tracking_uri: str | None = None) -> Path:
    """A model directory for a path or a registry URI."""
    return fetch_model_dir(str(source), tracking_uri) if is_model_uri(source) else Path(source)
