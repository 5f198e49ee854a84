"""Reading benchmark files: the shared layout, a plain one-gold-column file, and files that cannot be scored."""

import pandas as pd
import pytest

from evaluation.benchmarks import BenchmarkColumns, BenchmarkError, read_benchmark

CASES = """id,kind,job_title,job_description,industry,gold_codes,codable,status
c1,relational_title,Widow of a coal miner,,,,no,not_in_employment
c2,vague,manager,,,,no,uncodable
c3,acronym,HCA,obs and personal care,NHS,6131,yes,occupation
"""


def test_reads_the_shared_layout_with_several_gold_codes(tmp_path):
    path = tmp_path / "dev.csv"
    path.write_text("id,job_title,job_description,industry,gold_codes,codable,style\n"
                    "r1,data scientist,models,bank,2433;2133,yes,terse\n"
                    "r2,manager,,,1150,no,vague\n", encoding="utf-8")
    bench = read_benchmark(path)
    assert bench.name == "dev" and len(bench) == 2 and len(bench.sha256) == 64
    assert bench.rows["golds"].tolist() == [["2433", "2133"], ["1150"]]
    assert bench.rows["codable"].tolist() == [True, False]
    assert bench.rows["gold_status"].tolist() == ["occupation", "occupation"]
    assert bench.answers()[0] == {"job_title": "data scientist", "job_description": "models", "industry": "bank"}


def test_reads_a_status_column_and_empty_gold_codes(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(CASES, encoding="utf-8")
    rows = read_benchmark(path).rows
    assert rows["gold_status"].tolist() == ["not_in_employment", "uncodable", "occupation"]
    assert rows["golds"].tolist() == [[], [], ["6131"]]
    assert rows["codable"].tolist() == [False, False, True]


def test_plain_file_with_one_gold_column_named_by_options(tmp_path):
    path = tmp_path / "survey.xlsx"
    pd.DataFrame({"ref": ["a", "b"], "occ": ["Nurse", "Retired"], "soc": [2237, None]}).to_excel(path, index=False)
    columns = BenchmarkColumns(id="ref", job_title="occ", gold="soc")
    bench = read_benchmark(path, columns)
    assert bench.rows["golds"].tolist() == [["2237"], []]
    assert bench.rows["codable"].tolist() == [True, False]  # no codable column: codable = has a gold code
    assert bench.rows["job_description"].tolist() == ["", ""]


@pytest.mark.parametrize(
    "body, message",
    [
        ("r1,nurse,,,22370,yes\n", "'22370' in gold_codes is not a 4-digit"),
        ("r1,nurse,,,2237,maybe\n", "codable is 'maybe'"),
        ("r1,nurse,,,,yes\n", "row r1 is codable but has no gold code"),
    ],
)
def test_rejects_rows_it_cannot_score_naming_the_row(tmp_path, body, message):
    path = tmp_path / "bad.csv"
    path.write_text("id,job_title,job_description,industry,gold_codes,codable\n" + body, encoding="utf-8")
    with pytest.raises(BenchmarkError, match=message):
        read_benchmark(path)


def test_missing_gold_column_is_named(tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("id,job_title\n1,nurse\n", encoding="utf-8")
    with pytest.raises(BenchmarkError, match="no gold column 'gold_codes'"):
        read_benchmark(path)
