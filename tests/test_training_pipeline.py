"""`soc-coder train` on the fixture workbooks: examples, mlflow logging, registry and the pyfunc flavour."""

import mlflow
import pandas as pd
import pytest

from training.examples import INDEX, VOLUME1_TASK, index_answer, training_examples
from training.ons_readers import load_sources
from training.pipeline import train_model
from training.train import TrainingConfig


def test_examples_use_natural_order_titles_with_qualifiers(ons_fixture_dir):
    index, volume1 = load_sources(ons_fixture_dir)
    examples = training_examples(index.entries, volume1.unit_groups)
    texts = set(examples.loc[examples["source"] == INDEX, "text"])
    assert index_answer("Finisher", "", "bookbinding") in texts
    assert "Finisher; industry: bookbinding" in texts
    tasks = examples[examples["source"] == VOLUME1_TASK]
    assert len(tasks) > 0 and not tasks["text"].str.startswith("~").any()
    assert set(examples["label"]) == set(index.entries["soc2020"])
    assert not examples.duplicated(["text", "label"]).any()


@pytest.fixture(scope="module")
def trained(ons_fixture_dir, tmp_path_factory, encoder):
    root = tmp_path_factory.mktemp("train")
    return train_model(
        ons_fixture_dir,
        output_dir=root / "model",
        config=TrainingConfig(holdout_fraction=0.2),
        tracking_uri=f"sqlite:///{root / 'mlflow.db'}",
        encoder=encoder,
        progress=False,
    )


def test_training_logs_parameters_versions_and_holdout_metrics(trained):
    run = mlflow.get_run(trained.mlflow["run_id"])
    assert run.data.params["C"] == "20.0" and run.data.params["seed"] == "0"
    assert run.data.tags["coding_index_version"] == "13"
    assert len(run.data.tags["coding_index_sha256"]) == 64
    assert run.data.tags["volume1_version"] == "2025-04-07"
    metrics = run.data.metrics
    assert 0.0 <= metrics["holdout_top1"] <= metrics["holdout_top5"] <= 1.0
    assert metrics["holdout_rows"] > 0
    assert 0.0 <= metrics["auto_code_threshold"] <= 1.0 + 1e-9
    for scheme in ("soc2010", "isco08", "soc2020_ext"):  # dual coding, measured on the same held-out titles
        assert 0.0 < metrics[f"holdout_{scheme}_top1"] <= 1.0 and 0.0 < metrics[f"holdout_{scheme}_top1_given_unit"] <= 1.0
    card = (trained.model_dir / "model_card.md").read_text()
    assert "holdout_soc2020_ext_top1" in card and "holdout_isco08_top1_given_unit" in card


def test_model_is_registered_and_loads_as_pyfunc(trained):
    client = mlflow.MlflowClient()
    versions = client.search_model_versions("name='soc-coder'")
    assert [str(v.version) for v in versions] == [trained.mlflow["registered_version"]]
    pyfunc = mlflow.pyfunc.load_model(f"models:/soc-coder/{trained.mlflow['registered_version']}")
    frame = pd.DataFrame({"job_title": ["Head chef", "Retired"], "job_description": ["hotel kitchen", ""], "industry": ["hotel", ""]})
    coded = pyfunc.predict(frame)
    assert coded["soc2020_code"].tolist() == ["5434", ""]
    from model import RESULT_COLUMNS

    assert list(coded.columns) == RESULT_COLUMNS
    assert coded["soc2020_ext_code"].tolist() == ["5434/00", ""] and coded["isco08_code"].tolist() == ["3434", ""]
    assert coded["status"].tolist()[1] == "not_in_employment"


def test_saved_model_records_the_index_it_was_trained_on(trained):
    import json

    manifest = json.loads((trained.model_dir / "manifest.json").read_text())
    assert manifest["coding_index_version"] == "13"
    assert manifest["coding_index_file"].endswith(".xlsx")
    assert manifest["training_config"]["seed"] == 0
