"""Where trained models and the local mlflow store live by default."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

_CHECKOUT = Path(__file__).resolve().parent.parent


def artifacts_dir() -> Path:
    """SOC_ARTIFACTS_DIR, else artifacts/ of the source checkout this package runs from, else the user data dir."""
    if os.environ.get("SOC_ARTIFACTS_DIR"):
        return Path(os.environ["SOC_ARTIFACTS_DIR"]).expanduser().resolve()
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "artifacts").is_dir():
        return _CHECKOUT / "artifacts"
    return Path(user_data_dir("soc-coder")) / "artifacts"


def default_model_dir(fast: bool = False) -> Path:
    """Where `soc-coder code` looks for (and trains) the default model, or with fast=True the fast one."""
    return artifacts_dir() / "models" / ("fast" if fast else "default")


def default_tracking_uri() -> str:
    """MLFLOW_TRACKING_URI when set, else a sqlite store beside the models."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{artifacts_dir() / 'mlflow.db'}"
