"""Coding on Spark (local[2]) gives what the single-machine path gives, row for row, with row_index in input order.

One SparkSession for the module and few tests: starting Spark and a model in each Python worker costs seconds.
"""

import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java 17: no java on PATH", allow_module_level=True)

from model.artifact import ModelArtifactError, model_fingerprint  # noqa: E402
from model.results import RESULT_COLUMNS  # noqa: E402
from model.spark import (ROW_INDEX, WorkerPlan, code_spark_dataframe, find_model_dir, local_session,  # noqa: E402
                         read_spark_answers, with_row_index)
from model.tables import AnswerColumns, AnswerFileError  # noqa: E402
from soc_coder.cli import app  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module")
def spark():
    session = local_session("local[2]", "soc-coder-tests", {
        "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2",
        # small Arrow batches: a task codes several, so the worker's model and answer cache are reused
        "spark.sql.execution.arrow.maxRecordsPerBatch": "16",
    })
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def mixed_answers() -> pd.DataFrame:
    """50 rows: good answers, vague, empty, refusals, non-occupations, non-English, symbols, a long one, repeats."""
    distinct = [
        ("Care assistant", "help residents wash and dress", "care home"),
        ("HGV driver", "deliver goods across the UK", "haulage"),
        ("Staff nurse", "surgical ward", "NHS hospital"),
        ("Head chef", "run a hotel kitchen", "hotel"),
        ("Primary school teacher", "teach year 3", "school"),
        ("Software developer", "write code for web apps", "bank"),
        ("Electrician", "", ""),
        ("snr sparky", "", "construction"),
        ("manager", "", ""),
        ("", "", ""),
        ("   ", "\t", ""),
        ("n/a", "", ""),
        ("don't know", "", ""),
        ("retired", "", ""),
        ("student", "", "university"),
        ("Krankenschwester", "Pflege von Patienten", "Krankenhaus"),
        ("infirmière", "soins aux patients", "hôpital"),
        ("12345", "", ""),
        ("🙂", "", ""),
        ("=HYPERLINK(\"x\")", "", ""),
        ("Cleaner", "clean offices\nat night", "contract cleaning"),
        ("Cashier", "tills " * 600, "supermarket"),  # over 2,000 characters: coded on its start
        ("Delivery driver", "parcels to homes", "courier"),
        ("Plumber", "fit boilers and pipes", "self employed"),
        ("Receptionist", "greet visitors, answer phones", "GP surgery"),
    ]
    rng = np.random.default_rng(3)
    picks = list(range(len(distinct))) + rng.integers(0, len(distinct), size=25).tolist()
    rows = [distinct[i] for i in picks]
    frame = pd.DataFrame(rows, columns=["job_title", "job_description", "industry"])
    frame.insert(0, "id", [f"r{i:03d}" for i in range(len(frame))])
    frame.loc[7, "id"] = frame.loc[3, "id"]  # a duplicate id: both rows kept
    frame["region"] = rng.choice(["N", "S", "Wales"], size=len(frame))
    return frame


def test_spark_engine_codes_every_row_as_the_local_engine_does(spark, tiny_model_dir, tmp_path):
    answers = mixed_answers()
    source = tmp_path / "answers.csv"
    answers.to_csv(source, index=False)
    local_out, spark_out = tmp_path / "local.parquet", tmp_path / "spark-out"
    for engine, target in (("local", local_out), ("spark", spark_out)):
        outcome = runner.invoke(app, ["code", str(source), "-o", str(target), "--model", str(tiny_model_dir),
                                      "--engine", engine, "--partition-rows", "20"])
        assert outcome.exit_code == 0, outcome.output
    local = pd.read_parquet(local_out)
    parts = sorted(spark_out.glob("part-*.parquet"))
    assert len(parts) == 3  # 50 rows at 20 a part
    coded = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)  # part files in name order = input order
    assert coded[ROW_INDEX].tolist() == list(range(len(answers)))
    assert list(coded.columns) == list(answers.columns) + [ROW_INDEX] + RESULT_COLUMNS
    for column in list(answers.columns) + RESULT_COLUMNS:
        assert coded[column].tolist() == local[column].tolist(), column
    statuses = set(coded["status"])
    assert {"uncodable", "not_in_employment"} <= statuses and statuses & {"coded", "referred"}
    assert coded.loc[9, "explanation"] == "empty answer" and coded.loc[9, "soc2020_code"] == ""
    assert coded.loc[21, "job_description"] == "tills " * 600  # kept whole

    again = runner.invoke(app, ["code", str(source), "-o", str(spark_out), "--model", str(tiny_model_dir), "--engine", "spark"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_row_index_is_file_path_then_row_order_whatever_spark_packs(spark, tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    sizes = {"part-a.parquet": 6, "part-b.parquet": 40, "part-c.parquet": 3}
    expected = []
    for name, n in sizes.items():
        ids = [f"{name}:{i}" for i in range(n)]
        pq.write_table(pa.table({"id": ids, "job_title": ["nurse"] * n}), folder / name, row_group_size=4)
        expected += ids
    saved = {k: spark.conf.get(k) for k in ("spark.sql.files.maxPartitionBytes", "spark.sql.files.openCostInBytes")}
    spark.conf.set("spark.sql.files.maxPartitionBytes", "600")  # splits part-b by row group; Spark orders splits biggest first
    spark.conf.set("spark.sql.files.openCostInBytes", "1")
    try:
        frame, _ = read_spark_answers(spark, folder)
        indexed, rows = with_row_index(frame)
        assert frame.rdd.getNumPartitions() > len(sizes)
        got = indexed.select("id", ROW_INDEX).toPandas().sort_values(ROW_INDEX)
    finally:
        for key, value in saved.items():
            spark.conf.set(key, value)
    assert rows == len(expected)
    assert got[ROW_INDEX].tolist() == list(range(len(expected)))
    assert got["id"].tolist() == expected


def test_code_spark_dataframe_keeps_other_columns_and_codes_as_the_coder_does(spark, tiny_model_dir, tiny_coder):
    rows = [(1, "Staff nurse", None, "NHS hospital", "old"), (None, None, None, None, "old"), (3, "retired", "", "", None),
            (4, "Staff nurse", None, "NHS hospital", "old")]
    df = spark.createDataFrame(rows, "survey_id long, title string, job_description string, industry string, status string")
    columns = AnswerColumns(id="survey_id", job_title="title")
    coded = code_spark_dataframe(df, tiny_model_dir, columns).toPandas().sort_values("survey_id", na_position="first")
    assert coded.columns.tolist() == ["survey_id", "title", "job_description", "industry"] + RESULT_COLUMNS  # input status replaced
    assert coded["survey_id"].isna().sum() == 1 and sorted(coded["survey_id"].dropna().astype(int)) == [1, 3, 4]
    expected = {None: tiny_coder.code_one(), 1: tiny_coder.code_one("Staff nurse", "", "NHS hospital"),
                3: tiny_coder.code_one("retired")}
    expected[4] = expected[1]
    for _, row in coded.iterrows():
        want = expected[None if pd.isna(row["survey_id"]) else int(row["survey_id"])].as_row()
        assert {c: row[c] for c in RESULT_COLUMNS} == {c: want[c] for c in RESULT_COLUMNS}
    with pytest.raises(AnswerFileError, match="no id column 'id'"):
        code_spark_dataframe(df, tiny_model_dir)


def test_an_executor_finds_a_model_shipped_by_name_and_refuses_another(tiny_model_dir, tmp_path, monkeypatch):
    shipped = tmp_path / "work" / tiny_model_dir.name  # as spark-submit --archives MODEL.tar.gz#NAME unpacks it
    shutil.copytree(tiny_model_dir, shipped)
    monkeypatch.chdir(tmp_path / "work")
    plan = WorkerPlan("/nowhere/on/this/executor/" + tiny_model_dir.name, model_fingerprint(tiny_model_dir), AnswerColumns())
    assert find_model_dir(plan) == shipped
    manifest = shipped / "manifest.json"
    manifest.write_text(manifest.read_text().replace("{", "{\n", 1))
    with pytest.raises(ModelArtifactError, match="is not the driver's model"):
        find_model_dir(plan)
    shutil.rmtree(shipped)
    with pytest.raises(ModelArtifactError, match="--archives"):
        find_model_dir(plan)
