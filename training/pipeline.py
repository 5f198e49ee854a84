"""`soc-coder train` in one call: read the ONS volumes, fit, save the model directory, log to mlflow."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from model import paths
from model.coder import SocCoder
from model.encoder import TextEncoder

from .ons_readers import load_sources
from .tracking import log_training
from .train import TrainingConfig, fit_coder

log = logging.getLogger(__name__)


@dataclass
class TrainedModel:
    coder: SocCoder
    model_dir: Path
    metrics: dict[str, float]
    mlflow: dict[str, str]


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
) -> TrainedModel:
    """Train on the newest ONS volumes found (or the files named), save to `output_dir`, log and register."""
    index, volume1 = load_sources(data_dir, index_file, volume1_file)
    log.info("training on coding index version %s (%s) and Volume 1 of %s", index.version, index.path.name, volume1.version)
    outcome = fit_coder(index, volume1, config, encoder=encoder, progress=progress)
    model_dir = Path(output_dir) if output_dir else paths.default_model_dir()
    outcome.coder.save(model_dir)
    logged = log_training(outcome, config, model_dir, tracking_uri=tracking_uri, register=register)
    return TrainedModel(outcome.coder, model_dir, outcome.metrics, logged)
