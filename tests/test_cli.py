"""The soc-coder command on small files, with the tiny fixture model."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from soc_coder.cli import app

runner = CliRunner()
RESULT_COLUMNS = ["soc2020_code", "soc2020_title", "confidence", "status", "candidates", "explanation",
                  "soc2010_code", "soc2010_confidence", "isco08_code", "isco08_confidence", "soc2020_ext_code", "soc2020_ext_confidence"]


@pytest.fixture
def answers():
    return pd.DataFrame(
        {
            "id": ["r9", "r2", "r5", "r1", "r7"],
            "job_title": ["Head chef", "", "Retired", "Delivery driver", "Staff nurse"],
            "job_description": ["run a hotel kitchen", "", "", "parcels to homes", "surgical ward"],
            "industry": ["hotel", "", "", "courier", "NHS hospital"],
            "region": ["N", "S", "E", "W", "N"],
        }
    )


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_code_keeps_every_row_in_order_with_the_result_columns(tiny_model_dir, answers, tmp_path, suffix):
    source = tmp_path / f"answers{suffix}"
    {".csv": answers.to_csv, ".xlsx": answers.to_excel, ".parquet": answers.to_parquet}[suffix](source, index=False)
    target = tmp_path / f"coded{suffix}"
    outcome = runner.invoke(app, ["code", str(source), "--output", str(target), "--model", str(tiny_model_dir)])
    assert outcome.exit_code == 0, outcome.output
    if suffix == ".parquet":
        coded = pd.read_parquet(target).astype(str)
    else:
        coded = {".csv": pd.read_csv, ".xlsx": pd.read_excel}[suffix](target, dtype=str, keep_default_na=False)
    assert list(coded.columns) == list(answers.columns) + RESULT_COLUMNS
    assert coded["id"].tolist() == answers["id"].tolist()
    assert coded["region"].tolist() == answers["region"].tolist()
    assert coded["status"].tolist()[1:3] == ["uncodable", "not_in_employment"]
    assert coded.loc[0, "soc2020_code"] == "5434"
    for row in coded.itertuples():
        assert row.status in {"coded", "referred", "uncodable", "not_in_employment"}
        assert 0.0 <= float(row.confidence) <= 1.0
        candidates = json.loads(row.candidates)
        assert all(set(c) == {"code", "title", "score"} for c in candidates)
        if row.status in {"coded", "referred"}:
            assert row.soc2020_code == candidates[0]["code"] and len(row.soc2020_code) == 4
            assert row.soc2020_ext_code.startswith(row.soc2020_code + "/") and len(row.isco08_code) == len(row.soc2010_code) == 4
            assert row.soc2020_title and row.explanation
        else:
            assert row.soc2020_code == row.soc2020_ext_code == row.isco08_code == row.soc2010_code == ""
    assert "coded 5 rows" in outcome.output


def test_code_with_renamed_columns(tiny_model_dir, tmp_path):
    source = tmp_path / "survey.csv"
    pd.DataFrame({"case": [10, 11], "occupation": ["Kitchen porter", "Sales assistant"]}).to_csv(source, index=False)
    target = tmp_path / "out.csv"
    outcome = runner.invoke(
        app, ["code", str(source), "-o", str(target), "--model", str(tiny_model_dir), "--id-column", "case", "--title-column", "occupation"]
    )
    assert outcome.exit_code == 0, outcome.output
    coded = pd.read_csv(target, dtype=str)
    assert coded["case"].tolist() == ["10", "11"]
    assert coded["soc2020_code"].tolist() == ["9263", "7111"]


def test_missing_id_column_is_a_clear_error(tiny_model_dir, tmp_path):
    source = tmp_path / "answers.csv"
    pd.DataFrame({"job_title": ["Chef"]}).to_csv(source, index=False)
    outcome = runner.invoke(app, ["code", str(source), "-o", str(tmp_path / "out.csv"), "--model", str(tiny_model_dir)])
    assert outcome.exit_code == 2
    assert "no id column 'id'" in outcome.output
    assert not (tmp_path / "out.csv").exists()


def test_code_trains_the_default_model_when_absent(ons_fixture_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("SOC_ARTIFACTS_DIR", str(tmp_path / "artifacts"))
    source = tmp_path / "answers.csv"
    pd.DataFrame({"id": [1], "job_title": ["Chef de partie"], "industry": ["restaurant"]}).to_csv(source, index=False)
    outcome = runner.invoke(app, ["code", str(source), "-o", str(tmp_path / "out.csv"), "--data-dir", str(ons_fixture_dir)])
    assert outcome.exit_code == 0, outcome.output
    assert "training the default model first" in outcome.output
    assert (tmp_path / "artifacts" / "models" / "default" / "manifest.json").is_file()
    assert pd.read_csv(tmp_path / "out.csv", dtype=str)["soc2020_code"].tolist() == ["5434"]


def test_write_example_writes_answers_without_ons_data(tmp_path):
    outcome = runner.invoke(app, ["write-example", str(tmp_path / "ex.csv")])
    assert outcome.exit_code == 0
    example = pd.read_csv(tmp_path / "ex.csv", dtype=str, keep_default_na=False)
    assert list(example.columns) == ["id", "job_title", "job_description", "industry"]
    assert example["id"].is_unique and len(example) >= 10


def test_fetch_data_offline_says_how_to_use_local_copies(tmp_path):
    outcome = runner.invoke(app, ["fetch-data", "--data-dir", str(tmp_path), "--base-url", "http://127.0.0.1:9/"])
    assert outcome.exit_code == 2
    assert "SOC_DATA_DIR" in outcome.output


def _code(model_dir, source, target, *options):
    return runner.invoke(app, ["code", str(source), "-o", str(target), "--model", str(model_dir), *options])


def test_unknown_output_type_fails_before_coding(tiny_model_dir, tmp_path):
    source = tmp_path / "answers.csv"
    pd.DataFrame({"id": [1], "job_title": ["Chef"]}).to_csv(source, index=False)
    outcome = _code(tiny_model_dir, source, tmp_path / "out.json")
    assert outcome.exit_code == 2
    assert "unknown file type '.json'" in outcome.output
    assert "coded" not in outcome.output


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"id,job_title\n1,Nurse,extra,more\n2,Chef\n", "line 2 has 4 fields, the header has 2"),
    ],
)
def test_unreadable_csv_is_a_clear_error(tiny_model_dir, tmp_path, content, message):
    source = tmp_path / "answers.csv"
    source.write_bytes(content)
    outcome = _code(tiny_model_dir, source, tmp_path / "out.csv")
    assert outcome.exit_code == 2
    assert message in outcome.output
    assert not (tmp_path / "out.csv").exists()


def test_windows_1252_csv_is_read(tiny_model_dir, tmp_path):
    source = tmp_path / "answers.csv"
    source.write_bytes("id,job_title\n1,Café chef\n".encode("cp1252"))
    outcome = _code(tiny_model_dir, source, tmp_path / "out.csv")
    assert outcome.exit_code == 0, outcome.output
    coded = pd.read_csv(tmp_path / "out.csv", dtype=str)
    assert coded["job_title"].tolist() == ["Café chef"]
    assert coded["soc2020_code"].tolist() == ["5434"]


def test_a_named_column_that_is_missing_is_an_error(tiny_model_dir, tmp_path):
    source = tmp_path / "answers.csv"
    pd.DataFrame({"id": [1], "job_title": ["Chef"]}).to_csv(source, index=False)
    outcome = _code(tiny_model_dir, source, tmp_path / "out.csv", "--title-column", "title")
    assert outcome.exit_code == 2
    assert "no job_title column 'title'" in outcome.output


def test_header_only_file_gives_an_empty_coded_file(tiny_model_dir, tmp_path):
    source = tmp_path / "answers.csv"
    source.write_text("id,job_title\n")
    outcome = _code(tiny_model_dir, source, tmp_path / "out.csv")
    assert outcome.exit_code == 0, outcome.output
    assert "the file has no rows" in outcome.output
    assert list(pd.read_csv(tmp_path / "out.csv").columns) == ["id", "job_title"] + RESULT_COLUMNS
