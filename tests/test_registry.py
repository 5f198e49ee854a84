"""Retraining end to end on the fixture workbooks: a new index version and extra answers, what changed, the run's
mlflow record and model card, the registry (list, compare, promote, load by alias, roll back), the pyfunc served."""

import json
import shutil
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from model import load_model
from model.artifact import sha256_of
from ons_fixtures import FIXTURE_ROWS, _e, write_coding_index, write_volume1
from soc_coder.cli import app
from test_extra_data import CONFIG, EXTRA_ROWS, write_csv
from training.index_changes import BY_TEXT, compare_entries
from training.pipeline import train_model

runner = CliRunner()


def test_train_refuses_a_bad_extra_file_before_training(ons_fixture_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SOC_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    bad = write_csv(EXTRA_ROWS.assign(gold_codes=["9263", "2136", "9263", "5434"]), tmp_path / "bad.csv")
    outcome = runner.invoke(app, ["train", "--data-dir", str(ons_fixture_dir), "--extra", str(bad), "-o", str(tmp_path / "model"),
                                  "--tracking-uri", f"sqlite:///{tmp_path / 'mlflow.db'}"])
    assert outcome.exit_code == 2
    assert "e2 ('2136')" in outcome.output and "not SOC 2020 unit groups" in outcome.output
    assert not (tmp_path / "model").exists()


# ---------------------------------------------------------------- index changes


def test_index_changes_by_title_when_there_is_no_unique_id():
    old = pd.DataFrame({"code": ["5434", "5434", "9263"], "title": ["Chef", "Grill chef", "Kitchen porter"], "add": "", "ind": ""})
    new = pd.DataFrame({"code": ["5434", "9263", "9263"], "title": ["Chef", "Kitchen porter", "Barista"], "add": ["", "", ""],
                        "ind": ["", "", "coffee shop"]})
    new.loc[1, "code"] = "9264"
    changes = compare_entries(old, new)
    assert changes["matched_by"] == BY_TEXT
    assert (changes["added"], changes["removed"], changes["recoded"]) == (1, 1, 1)
    assert changes["entries"]["added"][0]["title"] == "Barista"
    assert changes["entries"]["removed"][0]["title"] == "Grill chef"
    assert changes["entries"]["recoded"][0] == {"title": "Kitchen porter", "add": "", "ind": "", "codes": "9264", "old_codes": "9263"}


# ---------------------------------------------------------------- the registry workflow end to end


def _rows_with_ids():
    """The fixture rows with stable UNIQUE IDs, as ONS keeps them across releases."""
    return [{**row, "unique_id": f"u{n:03d}"} for n, row in enumerate(FIXTURE_ROWS)]


@pytest.fixture(scope="module")
def registry(tmp_path_factory, encoder):
    """v12 trained and promoted to production; then a v14 index placed in the data directory and a retrain with
    extra answers and a benchmark, registered as version 2. No code changes between the two."""
    root = tmp_path_factory.mktemp("registry")
    data = root / "data"
    data.mkdir()
    write_coding_index(data / "soc2020volume2thecodingindexexcel16042025.xlsx", version=12, rows=_rows_with_ids())
    write_volume1(data / "volume1.xlsx")
    uri = f"sqlite:///{root / 'mlflow.db'}"
    first = train_model(data, output_dir=root / "v12", config=CONFIG, tracking_uri=uri, encoder=encoder, progress=False)
    promoted = runner.invoke(app, ["models", "promote", "1", "--alias", "production", "--tracking-uri", uri])
    assert promoted.exit_code == 0, promoted.output

    rows = [row for row in _rows_with_ids() if row["indexocc"] != "Chef, grill"]  # removed
    rows = [{**row, "soc2020": "9263"} if row["indexocc"] == "Chef, commis" else row for row in rows]  # recoded
    rows.append({**_e("9263", "Barista", ind="coffee shop"), "unique_id": "u900"})  # added
    write_coding_index(data / "soc2020volume2thecodingindexexcel03122025.xlsx", version=14, rows=rows)
    extra = write_csv(EXTRA_ROWS, root / "coded.csv")
    bench = write_csv(pd.DataFrame({"id": ["b1", "b2", "b3"], "job_title": ["Sandwich artist", "Head chef", "Retired"],
                                 "job_description": ["", "", ""], "industry": ["", "hotel", ""],
                                 "gold_codes": ["9263", "5434", ""], "codable": ["yes", "yes", "no"]}), root / "bench.csv")
    second = train_model(data, output_dir=root / "v14", config=CONFIG, tracking_uri=uri, encoder=encoder, progress=False,
                         extra_file=extra, extra_weight=2.0, benchmark_files=[bench])
    return {"root": root, "uri": uri, "first": first, "second": second, "bench": bench}


def test_new_index_version_trains_and_logs_what_changed(registry):
    first, second = registry["first"], registry["second"]
    assert first.index_changes is None and first.coder.metadata["coding_index_version"] == "12"
    assert second.coder.metadata["coding_index_version"] == "14"
    changes = second.index_changes
    assert changes["replaces"] == "models:/soc-coder@production (version 1)"
    assert (changes["from_version"], changes["to_version"], changes["matched_by"]) == ("12", "14", "UNIQUE ID")
    assert (changes["added"], changes["removed"], changes["recoded"], changes["reworded"]) == (1, 1, 1, 0)
    assert changes["entries"]["added"][0]["title"] == "Barista"
    assert changes["entries"]["removed"][0]["title"] == "Grill chef"
    assert changes["entries"]["recoded"][0]["title"] == "Commis chef"
    assert changes["entries"]["recoded"][0]["old_code"] == "5434" and changes["entries"]["recoded"][0]["code"] == "9263"
    run = mlflow.get_run(second.mlflow["run_id"])
    assert run.data.tags["coding_index_version"] == "14" and run.data.tags["replaces_coding_index_version"] == "12"
    assert "1 entries added, 1 removed, 1 recoded, 0 reworded" in run.data.tags["index_changes"]
    assert run.data.metrics["index_entries_added"] == 1 and run.data.metrics["index_entries_recoded"] == 1
    logged = mlflow.artifacts.load_dict(f"runs:/{second.mlflow['run_id']}/index_changes.json")
    removed_id = next(row["unique_id"] for row in _rows_with_ids() if row["indexocc"] == "Chef, grill")
    assert logged["entries"]["removed"] == [{"unique_id": removed_id, "code": "5434", "title": "Grill chef", "add": "", "ind": ""}]


def test_run_logs_extra_data_checksums_benchmark_and_model_card(registry):
    second = registry["second"]
    run = mlflow.get_run(second.mlflow["run_id"])
    assert run.data.params["extra_rows"] == "4" and run.data.params["extra_weight"] == "2.0"
    assert run.data.tags["extra_sha256"] == sha256_of(registry["root"] / "coded.csv")
    assert len(run.data.tags["coding_index_sha256"]) == 64 and len(run.data.tags["volume1_sha256"]) == 64
    datasets = {d.dataset.name: d.dataset.digest for d in run.inputs.dataset_inputs}
    assert datasets == {"ons-coding-index-v14": run.data.tags["coding_index_sha256"][:36],
                        "ons-volume1-2025-04-07": run.data.tags["volume1_sha256"][:36],
                        "extra-coded": run.data.tags["extra_sha256"][:36]}
    assert run.data.metrics["bench/soc_coder/codable/unit_group_top1"] == 1.0  # both codable rows right
    assert run.data.metrics["bench/soc_coder/codable/unit_group_top1"] == second.benchmark["benchmarks"]["bench"]["coders"]["soc-coder"]["codable"]["agreement"]["unit_group"]["top1"]
    assert 0 <= run.data.metrics["holdout_top1"] <= 1
    card = mlflow.artifacts.load_text(f"runs:/{second.mlflow['run_id']}/model_card.md")
    assert card == (second.model_dir / "model_card.md").read_text()
    for words in ("## Training data", "coded.csv", "4 rows, 2 unit groups, weight 2", "## Metrics", "holdout_top1",
                  "bench/soc_coder/codable/unit_group_top1 | 1 |", "## Intended use", "## Known limits", "v12", "1 entries added"):
        assert words in card
    client = mlflow.MlflowClient()
    assert "index v14 + 4 extra rows (coded.csv)" in client.get_model_version("soc-coder", "2").description


def test_models_load_by_alias_and_roll_back(registry):
    uri = registry["uri"]
    production = load_model("models:/soc-coder@production", tracking_uri=uri)
    assert production.metadata["coding_index_version"] == "12" and "extra_data" not in production.metadata
    outcome = runner.invoke(app, ["models", "promote", "2", "--alias", "production", "--tracking-uri", uri])
    assert outcome.exit_code == 0, outcome.output
    assert "production: version 1 -> version 2" in outcome.output
    assert "to roll back: soc-coder models promote 1 --alias production" in outcome.output
    promoted = load_model("models:/soc-coder@production", tracking_uri=uri)
    assert promoted.metadata["coding_index_version"] == "14" and promoted.metadata["extra_data"]["extra_rows"] == 4
    assert promoted.code_one("Sandwich artist").soc2020_code == "9263"
    np.testing.assert_array_equal(promoted.head.coef_, registry["second"].coder.head.coef_)

    listed = runner.invoke(app, ["models", "list", "--tracking-uri", uri])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert any(line.startswith("| 2 | production |") and "| 14 | 4 |" in line and "bench 1.000" in line for line in lines), listed.output
    assert any(line.startswith("| 1 | – |") and "| 12 | 0 |" in line for line in lines), listed.output
    assert "production history: 1 -> 2" in listed.output

    rolled = runner.invoke(app, ["models", "promote", "1", "--alias", "production", "--tracking-uri", uri])
    assert rolled.exit_code == 0 and "production: version 2 -> version 1" in rolled.output
    assert load_model("models:/soc-coder@production", tracking_uri=uri).metadata["coding_index_version"] == "12"
    runner.invoke(app, ["models", "promote", "2", "--alias", "production", "--tracking-uri", uri])


def test_models_compare_shows_data_metrics_and_scores_both_on_a_benchmark(registry, tmp_path):
    outcome = runner.invoke(app, ["models", "compare", "1", "2", "--benchmark", str(registry["bench"]), "--bootstrap", "20",
                                  "--output", str(tmp_path / "report"), "--tracking-uri", registry["uri"]])
    assert outcome.exit_code == 0, outcome.output
    lines = outcome.output.splitlines()
    assert "| coding_index_version | 12 | 14 | ≠ |" in lines
    assert "| extra_rows | 0 | 4 | ≠ |" in lines
    assert "| seed | 0 | 0 |  |" in lines
    assert any(line.startswith("| holdout_top1 |") for line in lines)
    # both scored afresh on the benchmark: only version 2 learned "Sandwich artist" from the extra answers
    assert any(line.startswith("| bench | version 1 | 2 | 50.0% |") for line in lines), outcome.output
    assert any(line.startswith("| bench | version 2 | 2 | 100.0% |") for line in lines), outcome.output
    assert (tmp_path / "report" / "report.md").is_file()


def test_unknown_versions_and_aliases_are_clear_errors(registry):
    for spec in ("99", "staging"):
        outcome = runner.invoke(app, ["models", "promote", spec, "--tracking-uri", registry["uri"]])
        assert outcome.exit_code == 2
        assert f"'{spec}'" in outcome.output


def test_code_and_evaluate_take_a_registry_uri(registry, tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", registry["uri"])
    mlflow.set_tracking_uri(registry["uri"])
    source = write_csv(pd.DataFrame({"id": [1, 2], "job_title": ["Sandwich artist", "Retired"]}), tmp_path / "answers.csv")
    outcome = runner.invoke(app, ["code", str(source), "-o", str(tmp_path / "out.csv"), "--model", "models:/soc-coder/2"])
    assert outcome.exit_code == 0, outcome.output
    coded = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert coded["soc2020_code"].tolist() == ["9263", ""]
    evaluated = runner.invoke(app, ["evaluate", str(registry["bench"]), "-o", str(tmp_path / "eval"), "--model", "models:/soc-coder/1",
                                    "--peers", "none", "--bootstrap", "20", "--tracking-uri", registry["uri"]])
    assert evaluated.exit_code == 0, evaluated.output
    assert "(evaluates soc-coder version 1)" in evaluated.output
    missing = runner.invoke(app, ["code", str(source), "-o", str(tmp_path / "x.csv"), "--model", "models:/soc-coder@nowhere"])
    assert missing.exit_code == 2 and "cannot load models:/soc-coder@nowhere" in missing.output


# ---------------------------------------------------------------- the pyfunc flavour


def test_pyfunc_is_a_model_from_code_that_loads_by_alias_and_serves(registry):
    from mlflow.models import Model
    from mlflow.pyfunc import scoring_server
    from starlette.testclient import TestClient

    mlflow.set_tracking_uri(registry["uri"])
    local = mlflow.artifacts.download_artifacts("models:/soc-coder/2")
    flavor = Model.load(local).flavors["python_function"]
    assert flavor["loader_module"] == "mlflow.pyfunc.loaders.code_model"  # the python model is a file, not a pickle
    assert not list(Path(local).rglob("*.pkl"))
    pyfunc = mlflow.pyfunc.load_model("models:/soc-coder@production")
    frame = pd.DataFrame({"job_title": ["Sandwich artist", "Head chef", "retired"], "job_description": ["", "", ""],
                          "industry": ["", "hotel", ""]})
    predicted = pyfunc.predict(frame)
    assert predicted["soc2020_code"].tolist() == ["9263", "5434", ""]
    assert predicted["status"].tolist()[2] == "not_in_employment"
    assert json.loads(predicted.loc[0, "candidates"])[0]["code"] == "9263"
    # what `mlflow models serve` runs, in process: the scoring server's /invocations
    client = TestClient(scoring_server.init(pyfunc))
    response = client.post("/invocations", json={"dataframe_split": frame.to_dict(orient="split")})
    assert response.status_code == 200, response.text
    served = response.json()["predictions"]
    assert [row["soc2020_code"] for row in served] == ["9263", "5434", ""]
    assert served[1]["soc2020_title"] == "Chefs"


def test_cached_registry_copy_is_checked_like_any_model_dir(registry):
    from model.artifact import ModelArtifactError
    from model.registry import fetch_model_dir

    cached = fetch_model_dir("models:/soc-coder/1", registry["uri"])
    assert (cached / "manifest.json").is_file() and (cached / "model_card.md").is_file()
    backup = cached.parent / "backup"
    shutil.copytree(cached, backup)
    try:
        np.save(cached / "head_intercept.npy", np.zeros(3))
        with pytest.raises(ModelArtifactError, match="head_intercept.npy has sha256"):
            load_model("models:/soc-coder/1", tracking_uri=registry["uri"])
    finally:
        shutil.rmtree(cached)
        backup.rename(cached)


def test_extra_answers_that_repeat_a_benchmark_answer_are_warned_of(tmp_path, caplog):
    from evaluation.benchmarks import read_benchmark
    from ons_fixtures import FIXTURE_UNIT_GROUPS
    from training.extra import read_extra
    from training.pipeline import _warn_of_benchmark_rows

    extra = read_extra(write_csv(EXTRA_ROWS, tmp_path / "coded.csv"), set(FIXTURE_UNIT_GROUPS))
    bench = read_benchmark(write_csv(EXTRA_ROWS.iloc[[1, 3]].assign(job_title=["Sandwich Artist", "Head chef"]), tmp_path / "bench.csv"))
    with caplog.at_level("WARNING"):
        assert _warn_of_benchmark_rows(extra, [bench]) == 2
    assert "2 answer(s) of benchmark bench also appear in the extra file coded.csv" in caplog.text
