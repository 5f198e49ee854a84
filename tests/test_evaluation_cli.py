"""`soc-coder evaluate` on a small benchmark with the tiny fixture model and fixture workbooks."""

import json

import pandas as pd
from typer.testing import CliRunner

from soc_coder.cli import app

runner = CliRunner()

BENCHMARK = """id,job_title,job_description,industry,gold_codes,codable
a1,Head chef,run the kitchen,hotel,5434,yes
a2,Finisher,,bookbinding,5423,yes
a3,Till operator,till and shelves,supermarket,7111,yes
a4,Retired,,,,no
"""


def test_evaluate_writes_the_report_and_prints_the_summary(tiny_model_dir, ons_fixture_dir, tmp_path):
    bench = tmp_path / "mini.csv"
    bench.write_text(BENCHMARK, encoding="utf-8")
    out = tmp_path / "report"
    outcome = runner.invoke(app, ["evaluate", str(bench), "--output", str(out), "--model", str(tiny_model_dir),
                                  "--data-dir", str(ons_fixture_dir), "--peers", "exact,tfidf", "--bootstrap", "50", "--no-mlflow"])
    assert outcome.exit_code == 0, outcome.output
    assert "| mini | exact lookup | 3 | 66.7% |" in outcome.output  # Head chef and Finisher [bookbinding] found
    figures = json.loads((out / "evaluation.json").read_text(encoding="utf-8"))
    assert list(figures["benchmarks"]["mini"]["coders"]) == ["soc-coder", "exact lookup", "TF-IDF nearest entry"]
    assert (out / "report.md").is_file() and (out / "coverage-mini.png").is_file()


def test_evaluate_reads_a_plain_file_with_named_columns(tiny_model_dir, tmp_path):
    bench = tmp_path / "plain.xlsx"
    pd.DataFrame({"ref": ["1", "2"], "occupation": ["Head chef", "Staff nurse"], "soc": ["5434", "2237"]}).to_excel(bench, index=False)
    outcome = runner.invoke(app, ["evaluate", str(bench), "--output", str(tmp_path / "out"), "--model", str(tiny_model_dir),
                                  "--id-column", "ref", "--title-column", "occupation", "--gold-column", "soc",
                                  "--peers", "none", "--bootstrap", "20", "--no-mlflow"])
    assert outcome.exit_code == 0, outcome.output
    assert "| plain | soc-coder | 2 |" in outcome.output


def test_evaluate_names_what_is_wrong(tiny_model_dir, tmp_path):
    bench = tmp_path / "bad.csv"
    bench.write_text("id,job_title,gold_codes\n1,nurse,22x7\n", encoding="utf-8")
    outcome = runner.invoke(app, ["evaluate", str(bench), "--output", str(tmp_path / "o"), "--model", str(tiny_model_dir), "--peers", "none", "--no-mlflow"])
    assert outcome.exit_code == 2 and "'22x7' in gold_codes is not a 4-digit" in outcome.output
    outcome = runner.invoke(app, ["evaluate", str(bench), "--output", str(tmp_path / "o"), "--peers", "casscot"])
    assert outcome.exit_code == 2 and "unknown peer(s) casscot" in outcome.output
