"""Shared pytest fixtures."""

import pytest

from ons_fixtures import write_fixture_dir


@pytest.fixture(scope="session")
def ons_fixture_dir(tmp_path_factory):
    """Dir with invented workbooks in the ONS layouts: v13 and v12 indexes, two Volume 1 releases
    (file names in ons_fixtures.FIXTURE_FILES; deliberately misleading)."""
    directory = tmp_path_factory.mktemp("ons")
    write_fixture_dir(directory)
    return directory


import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def isolated_artifacts(tmp_path_factory):
    """Tests never write to the checkout's artifacts/ or a user's mlflow server."""
    directory = tmp_path_factory.mktemp("artifacts")
    saved = {k: os.environ.get(k) for k in ("SOC_ARTIFACTS_DIR", "MLFLOW_TRACKING_URI")}
    os.environ["SOC_ARTIFACTS_DIR"] = str(directory)
    os.environ.pop("MLFLOW_TRACKING_URI", None)
    yield directory
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def encoder():
    """The packaged MiniLM encoder, loaded once for every test."""
    from model.encoder import TextEncoder

    return TextEncoder()


@pytest.fixture(scope="session")
def tiny_training(ons_fixture_dir, encoder):
    """A real model (MiniLM + softmax head) trained on the fixture workbooks: seconds, not minutes."""
    from training.ons_readers import load_sources
    from training.train import TrainingConfig, fit_coder

    index, volume1 = load_sources(ons_fixture_dir)
    return fit_coder(index, volume1, TrainingConfig(holdout_fraction=0.2), encoder=encoder)


@pytest.fixture(scope="session")
def tiny_coder(tiny_training):
    return tiny_training.coder


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_coder, tmp_path_factory):
    return tiny_coder.save(tmp_path_factory.mktemp("tiny-model") / "model")


def _real_data_dir() -> Path | None:
    directory = os.environ.get("SOC_DATA_DIR")
    if not directory or not any(Path(directory).glob("*.xlsx")):
        return None
    return Path(directory)


@pytest.fixture(scope="session")
def benchmark_dir() -> Path:
    directory = Path(os.environ.get("SOC_BENCHMARK_DIR", REPO.parent / "shared" / "benchmarks"))
    if not (directory / "dev.csv").is_file():
        pytest.skip(f"no benchmarks at {directory} (set SOC_BENCHMARK_DIR)")
    return directory


@pytest.fixture(scope="session")
def real_trained(tmp_path_factory, encoder):
    """The real model, trained once per test session on the ONS workbooks in SOC_DATA_DIR, logged to a temporary
    mlflow store exactly as `soc-coder train` does."""
    data_dir = _real_data_dir()
    if data_dir is None:
        pytest.skip("SOC_DATA_DIR does not point at the ONS workbooks")
    from training.pipeline import train_model

    root = tmp_path_factory.mktemp("real-model")
    return train_model(data_dir, output_dir=root / "model", tracking_uri=f"sqlite:///{root / 'mlflow.db'}", encoder=encoder, progress=False)


@pytest.fixture(scope="session")
def real_coder(real_trained):
    return real_trained.coder


@pytest.fixture(scope="session")
def real_fast_trained(tmp_path_factory, encoder):
    """The real fast model (static encoder learned from MiniLM), trained once per session like `real_trained`."""
    data_dir = _real_data_dir()
    if data_dir is None:
        pytest.skip("SOC_DATA_DIR does not point at the ONS workbooks")
    from training.pipeline import train_model
    from training.train import TrainingConfig

    root = tmp_path_factory.mktemp("real-fast-model")
    return train_model(data_dir, output_dir=root / "model", config=TrainingConfig(fast=True),
                       tracking_uri=f"sqlite:///{root / 'mlflow.db'}", encoder=encoder, progress=False)
