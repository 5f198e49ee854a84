"""End to end: a tiny model trained on the fixture workbooks, scored with its peers, reported and logged to mlflow."""

import json

import mlflow
import numpy as np
import pytest

from evaluation.benchmarks import read_benchmark
from evaluation.evaluate import evaluate, load_peer_sources
from evaluation.metrics import agreement
from evaluation.report import FIGURES, REPORT, write_report
from evaluation.tracking import find_registered_version, log_evaluation, manifest_sha256
from model import SocCoder
from training.ons_readers import load_sources
from training.train import TrainingConfig

BENCHMARK = """id,kind,job_title,job_description,industry,gold_codes,codable,status
b01,t,Software developer,write code for the web team,bank,2134,yes,occupation
b02,t,Staff nurse,ward work,hospital,2237,yes,occupation
b03,t,Finisher,,bookbinding,5423,yes,occupation
b04,t,Finisher,,furniture mfr,5442,yes,occupation
b05,t,Head chef,run the kitchen,restaurant,5434,yes,occupation
b06,t,Till operator,till and shelves,supermarket,7111,yes,occupation
b07,t,Delivery driver,parcels,courier,8214;9263,yes,occupation
b08,t,Kitchen porter,washing up,hotel,9263,yes,occupation
b09,t,Retired,,,,no,not_in_employment
b10,t,manager,,,,no,uncodable
b11,t,cook,,,5434,no,occupation
"""


@pytest.fixture(scope="module")
def tiny_model(tiny_training, tiny_model_dir, ons_fixture_dir):
    """(coder, model_dir, index, outcome): conftest's tiny model (MiniLM + head on the fixture workbooks)."""
    index, _ = load_sources(ons_fixture_dir)
    return SocCoder.load(tiny_model_dir, encoder=tiny_training.coder.encoder), tiny_model_dir, index, tiny_training


@pytest.fixture(scope="module")
def benchmark(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "tiny-cases.csv"
    path.write_text(BENCHMARK, encoding="utf-8")
    return read_benchmark(path)


@pytest.fixture(scope="module")
def evaluated(tiny_model, benchmark, tmp_path_factory):
    coder, model_dir, index, _ = tiny_model
    evaluation = evaluate([benchmark], coder, model_dir, index, peers=["exact", "tfidf"], n_resamples=200, command="test")
    output = tmp_path_factory.mktemp("report")
    return evaluation, write_report(evaluation, output), output


def test_figures_match_the_model_s_own_codes(tiny_model, benchmark, evaluated):
    coder, *_ = tiny_model
    evaluation, _, _ = evaluated
    results = coder.code(benchmark.answers())
    golds = benchmark.rows["golds"].tolist()
    codable = benchmark.rows["codable"].to_numpy(bool)
    first = [[r.candidates[0]["code"]] if r.status in ("coded", "referred") else [] for r in results]
    expected_top1 = agreement(first, golds, 1)[codable].mean()
    ours = evaluation["benchmarks"]["tiny-cases"]["coders"]["soc-coder"]
    assert ours["codable"]["rows"] == 8 and ours["all"]["rows"] == 9  # b09, b10 have no gold code
    assert ours["codable"]["agreement"]["unit_group"]["top1"] == pytest.approx(expected_top1)
    low, high = ours["codable"]["intervals"]["unit_group_top1"]
    assert low <= expected_top1 <= high
    status = ours["status"]
    assert status["rows"] == 3  # not_in_employment, uncodable, and the codable = no "cook"
    assert status["by_reason"]["not_in_employment"]["same_status"] == 1.0  # "Retired" is ruled not_in_employment
    assert status["by_reason"]["uncodable"]["same_status"] == 1.0  # "manager" alone is too vague
    assert status["not_auto_coded"] >= 2 / 3


def test_peers_are_scored_on_the_same_rows(evaluated):
    evaluation, _, _ = evaluated
    coders = evaluation["benchmarks"]["tiny-cases"]["coders"]
    assert list(coders) == ["soc-coder", "exact lookup", "TF-IDF nearest entry"]
    exact = coders["exact lookup"]
    # every codable title but "Till operator" is an index title; the IND qualifier tells the two Finishers apart
    assert exact["codable"]["operating_point"]["n_auto_coded"] == 7
    assert exact["codable"]["operating_point"]["agreement"] == 1.0
    assert exact["status"]["not_auto_coded"] == 1.0  # Retired, manager and cook are not index titles
    assert all(c["codable"]["rows"] == 8 for c in coders.values())


def test_report_json_and_plots_are_written(evaluated):
    evaluation, report, output = evaluated
    text = report.read_text(encoding="utf-8")
    assert report.name == REPORT
    for heading in ("## Summary: codable rows", "## Definitions", "### Coverage at target agreement", "most frequent confusions"):
        assert heading in text
    for coder in ("soc-coder", "exact lookup", "TF-IDF nearest entry"):
        assert f"| tiny-cases | {coder} | 8 |" in text
    figures = json.loads((output / FIGURES).read_text(encoding="utf-8"))
    assert figures["benchmarks"]["tiny-cases"]["coders"]["soc-coder"]["codable"]["agreement"] == \
        evaluation["benchmarks"]["tiny-cases"]["coders"]["soc-coder"]["codable"]["agreement"]
    for image in ("coverage-tiny-cases.png", "reliability-tiny-cases.png"):
        assert (output / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"]({image})" in text


def test_peer_sources_follow_the_model_s_coding_index(tiny_model, ons_fixture_dir):
    coder, *_ = tiny_model
    index, _ = load_peer_sources({**coder.metadata, "coding_index_file": "missing.xlsx"}, ons_fixture_dir)
    assert index.sha256 == coder.metadata["coding_index_sha256"]  # falls back to the newest, which it was trained on
    older = sorted(p.name for p in ons_fixture_dir.glob("*.xlsx") if p.name != coder.metadata["coding_index_file"])
    for name in older:
        try:
            picked, _ = load_peer_sources({"coding_index_file": name}, ons_fixture_dir)
        except ValueError:
            continue  # a Volume 1 file named as an index
        if picked.path.name == name:
            return
    pytest.fail("naming the model's index file did not pick it")


def test_evaluation_is_logged_against_the_registered_model_version(tiny_model, evaluated, tmp_path, monkeypatch):
    from training.tracking import log_training

    _, model_dir, _, outcome = tiny_model
    evaluation, _, output = evaluated
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("SOC_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    trained = log_training(outcome, TrainingConfig(holdout_fraction=0.2), model_dir, tracking_uri=uri)
    logged = log_evaluation(evaluation, output, model_dir, tracking_uri=uri)
    assert logged["registered_version"] == trained["registered_version"]
    run = mlflow.get_run(logged["run_id"])
    assert run.data.tags["evaluated_model_sha256"] == manifest_sha256(model_dir)
    assert run.data.tags["evaluated_model_version"] == trained["registered_version"]
    key = "tiny-cases/soc_coder/codable/unit_group_top1"
    assert run.data.metrics[key] == pytest.approx(evaluation["benchmarks"]["tiny-cases"]["coders"]["soc-coder"]["codable"]["agreement"]["unit_group"]["top1"])
    version = find_registered_version(manifest_sha256(model_dir))
    assert version.tags["last_evaluation_run_id"] == logged["run_id"]
    assert find_registered_version("0" * 64) is None
    artifacts = {a.path for a in mlflow.MlflowClient().list_artifacts(logged["run_id"], "evaluation")}
    assert "evaluation/report.md" in artifacts and np.isfinite(run.data.metrics[key])
