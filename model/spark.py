"""Coding on Spark: a DataFrame of answers coded with mapInPandas, the model loaded once per Python worker.

`code_spark_dataframe` adds model.results.RESULT_COLUMNS to a DataFrame whose columns are named as for
`soc-coder code`. Each Arrow batch is coded by model.batch.code_answer_keys, the code the single-machine path
uses, after the same cell-to-text rules (model.tables.cell_text) and the same answer length limit, so the same
rows get the same codes, statuses and confidences. Each Python worker loads the model once (a module-level
cache keyed by the model's path and manifest fingerprint) and keeps a least-recently-used cache of coded
answers across the batches and tasks it runs; torch and BLAS use `spark.task.cpus` threads, so local[2] runs
two single-threaded workers rather than two workers fighting over both cores.

`code_spark_files` reads CSV or Parquet files (or a directory of them), gives each row its `row_index` (its
position in the input: files in path order, rows in file order, counted from 0) and writes partitioned Parquet
in row_index order. pyspark is imported only when these functions run: install soc-coder[spark] to use them.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .artifact import MANIFEST, ModelArtifactError, model_fingerprint
from .batch import AnswerCache, BatchOptions, answer_keys, code_answer_keys
from .results import RESULT_COLUMNS
from .tables import AnswerColumns, AnswerFileError, _check_columns, cell_text

ROW_INDEX = "row_index"
PARTITION_ROWS = 100_000  # rows per coding task: at 100 distinct answers/s and 30% distinct, about 5 minutes
_FILE, _BLOCK, _SEQUENCE = "__soc_file", "__soc_block", "__soc_sequence"


@dataclass(frozen=True)
class WorkerPlan:
    """What a Python worker needs to code batches: sent to the executors with the task (small and picklable)."""

    model_dir: str
    fingerprint: str
    columns: AnswerColumns
    cache_size: int = BatchOptions.cache_size
    max_answer_chars: int = BatchOptions.max_answer_chars
    threads: int = 1
    loader: Callable | None = None  # model directory -> coder; default SocCoder.load

    @property
    def cache_key(self) -> tuple:
        loader = self.loader or _default_loader
        return (self.model_dir, self.fingerprint, getattr(loader, "__module__", ""), getattr(loader, "__qualname__", repr(loader)))


@dataclass
class SparkSummary:
    """What a `code_spark_files` run wrote: counted from the output itself."""

    output: str
    rows: int
    partitions: int
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


# -- the driver side

def code_spark_dataframe(df, model_dir: str | Path, columns: AnswerColumns = AnswerColumns(), *, ship_model: bool = False,
                         cache_size: int = BatchOptions.cache_size, max_answer_chars: int = BatchOptions.max_answer_chars,
                         loader: Callable | None = None):
    """`df` with model.results.RESULT_COLUMNS added (an input column of the same name is replaced), lazily.

    `model_dir` is a local model directory on the driver. Executors find it at the same path (a filesystem they
    all see), else as a file shipped with SparkContext.addFile (`ship_model=True` does that), else in their
    working directory under the same name (spark-submit --archives MODEL.tar.gz#NAME); each checks that its copy
    has the driver's manifest fingerprint. `loader(model_dir)` builds the coder (default SocCoder.load).
    Raises AnswerFileError when `df` lacks the id column or every answer column.
    """
    model_dir = Path(model_dir)
    _check_columns(Path("the DataFrame"), list(df.columns), columns)
    fingerprint = model_fingerprint(model_dir)
    spark = df.sparkSession
    if ship_model:
        spark.sparkContext.addFile(str(model_dir.resolve()), recursive=True)
    plan = WorkerPlan(str(model_dir.resolve()), fingerprint, columns, cache_size, max_answer_chars,
                      threads=int(spark.conf.get("spark.task.cpus", "1") or 1), loader=loader)
    return df.mapInPandas(lambda batches: code_batches(plan, batches), _output_schema(df.schema))


def code_spark_files(spark, input_path: str | Path, output_path: str | Path, model_dir: str | Path,
                     columns: AnswerColumns = AnswerColumns(), *, input_format: str | None = None,
                     partition_rows: int = PARTITION_ROWS, ship_model: bool = False, cache_size: int = BatchOptions.cache_size,
                     loader: Callable | None = None) -> SparkSummary:
    """Code CSV or Parquet file(s) Spark can read into a Parquet directory: the input columns, `row_index`, the results.

    The output is range-partitioned on row_index into about `partition_rows` rows a part, and each part is in
    row_index order, so the part files in name order hold the rows in input order. Raises AnswerFileError for
    an input that cannot be read or lacks a column, and before any coding when the output already exists.
    """
    started = time.perf_counter()
    output = str(output_path)
    _refuse_existing_output(spark, output)
    frame, notes = read_spark_answers(spark, input_path, columns, input_format)
    indexed, rows = with_row_index(frame)
    partitions = max(1, -(-rows // max(1, partition_rows)), min(rows, spark.sparkContext.defaultParallelism))
    ordered = indexed.repartitionByRange(partitions, ROW_INDEX).sortWithinPartitions(ROW_INDEX)
    coded = code_spark_dataframe(ordered, model_dir, columns, ship_model=ship_model, cache_size=cache_size, loader=loader)
    coded.write.mode("errorifexists").parquet(output)
    written = spark.read.parquet(output)
    statuses = Counter({row["status"]: row["count"] for row in written.groupBy("status").count().collect()})
    if sum(statuses.values()) != rows:  # never expected: Spark writes every row of a finished job once
        raise RuntimeError(f"{output}: {sum(statuses.values())} rows written for {rows} rows read from {input_path}")
    return SparkSummary(output, rows, partitions, statuses, time.perf_counter() - started, notes)


def read_spark_answers(spark, input_path: str | Path, columns: AnswerColumns = AnswerColumns(), input_format: str | None = None):
    """(DataFrame, notes) of an answers file or directory: CSV (every column text) or Parquet; columns checked.

    CSV is read with a header, every cell as text ("" when empty); quoted fields may span lines (so a file is one
    read task, not split) and a ragged row fails the job (FAILFAST) rather than being coded half-empty. A single local CSV file that is not
    UTF-8 is read in the encoding model.tables.detect_encoding finds, as the single-machine path reads it.
    """
    from pyspark.errors import AnalysisException

    path = str(input_path)
    kind = input_format or _input_format(path)
    notes: list[str] = []
    try:
        if kind == "csv":
            reader = spark.read.option("header", True).option("multiLine", True).option("mode", "FAILFAST") \
                .option("inferSchema", False).option("escape", '"')
            local = Path(path)
            if local.is_file():
                from .tables import ENCODING_NAMES, detect_encoding

                encoding = detect_encoding(local)
                if encoding != "utf-8-sig":
                    notes.append(f"{local.name} is not UTF-8: read as {ENCODING_NAMES[encoding]}")
                if encoding == "cp1252":  # Spark 4 reads charsets beyond ISO-8859-1, UTF-8/16/32 only with this flag
                    spark.conf.set("spark.sql.legacy.javaCharsets", "true")
                reader = reader.option("encoding", {"utf-8-sig": "UTF-8", "cp1252": "windows-1252", "latin-1": "ISO-8859-1"}.get(encoding, encoding))
            frame = reader.csv(path).na.fill("")  # an empty cell is "", as the single-machine reader gives it
        elif kind == "parquet":
            frame = spark.read.parquet(path)
        else:
            raise AnswerFileError(f"{path}: unknown input format '{kind}'; use csv or parquet")
    except AnalysisException as error:
        raise AnswerFileError(f"{path}: Spark cannot read it ({_first_line(error)})") from None
    _check_columns(Path(path), list(frame.columns), columns)
    if ROW_INDEX in frame.columns:
        raise AnswerFileError(f"{path}: the input already has a '{ROW_INDEX}' column, which the output gives each row; rename it")
    return frame, notes


def with_row_index(frame) -> tuple[object, int]:
    """(frame with a consecutive `row_index` from 0 in input order, row count) for a DataFrame read from files.

    Input order is the files in path order, then the rows in each file. Spark's own orders do not give it:
    monotonically_increasing_id is not consecutive, and zipWithIndex follows partition order, in which Spark
    puts bigger files first and packs small ones together. Instead each row's file and byte offset of its read
    split (`_metadata`) and its position in its partition are kept; one small job counts the rows of each split,
    and the driver turns the counts into each split's first row_index (a broadcast join). The data is not
    shuffled, and the same files read the same way give the same row_index.
    """
    from pyspark.sql import functions as F

    keyed = frame.select("*", F.col("_metadata.file_path").alias(_FILE), F.col("_metadata.file_block_start").alias(_BLOCK),
                         F.monotonically_increasing_id().alias(_SEQUENCE))
    splits = keyed.groupBy(_FILE, _BLOCK).agg(F.count(F.lit(1)).alias("rows"), F.min(_SEQUENCE).alias("first")).collect()
    offsets, start = [], 0
    for split in sorted(splits, key=lambda s: (s[_FILE], s[_BLOCK])):
        offsets.append((split[_FILE], split[_BLOCK], start - split["first"]))
        start += split["rows"]
    spark = frame.sparkSession
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    shifts = spark.createDataFrame(offsets, StructType([StructField(_FILE, StringType(), False), StructField(_BLOCK, LongType(), False),
                                                        StructField("__shift", LongType(), False)]))
    indexed = keyed.join(F.broadcast(shifts), [_FILE, _BLOCK]).withColumn(ROW_INDEX, F.col(_SEQUENCE) + F.col("__shift"))
    return indexed.select(*frame.columns, ROW_INDEX), start


def local_session(master: str | None = None, app_name: str = "soc-coder", conf: dict | None = None):
    """The active SparkSession (as spark-submit starts it), else a new one on `master` (default local[*]).

    Started here for a local master, the Python workers run this interpreter (unless PYSPARK_PYTHON says
    otherwise), so they import this soc-coder.
    """
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    launched_by_spark_submit = "PYSPARK_GATEWAY_PORT" in os.environ  # its settings (spark.pyspark.python) then apply
    if not launched_by_spark_submit and (master or "local").startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return builder.getOrCreate()


def _input_format(path: str) -> str:
    """csv or parquet, by the file's suffix or, for a local directory, by the suffixes of the files in it."""
    local = Path(path)
    names = [p.name for p in local.rglob("*") if p.is_file() and not p.name.startswith(("_", "."))] if local.is_dir() else [local.name]
    suffixes = {Path(n).suffix.lower() for n in names}
    if suffixes & {".csv"} and not suffixes & {".parquet", ".pq"}:
        return "csv"
    if suffixes & {".parquet", ".pq"} or local.is_dir():
        return "parquet"
    if not local.exists() and "://" not in path:
        raise AnswerFileError(f"{path}: no such file or directory")
    raise AnswerFileError(f"{path}: cannot tell whether it is CSV or Parquet from its name; say which (--input-format)")


def _refuse_existing_output(spark, output: str) -> None:
    jvm = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(output)
    if hadoop_path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(hadoop_path):
        raise AnswerFileError(f"{output} already exists: remove it or choose another output directory")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _output_schema(schema):
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    kept = [f for f in schema.fields if f.name not in RESULT_COLUMNS]
    results = [StructField(c, DoubleType() if _is_number(c) else StringType(), True) for c in RESULT_COLUMNS]
    return StructType(kept + results)


def _is_number(column: str) -> bool:
    return column == "confidence" or column.endswith("_confidence")


# -- the worker side

_WORKER_CODERS: dict[tuple, tuple[object, AnswerCache]] = {}


def code_batches(plan: WorkerPlan, batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """The mapInPandas function: each batch with its result columns, coded by this worker's cached model."""
    coder, cache = worker_coder(plan)
    for frame in batches:
        yield code_frame(coder, cache, frame, plan.columns, plan.max_answer_chars, plan.threads)


def code_frame(coder, cache: AnswerCache, frame: pd.DataFrame, columns: AnswerColumns, max_answer_chars: int,
               threads: int = 1) -> pd.DataFrame:
    """One batch: answers turned to text by the file readers' rule, coded by model.batch.code_answer_keys on
    `threads` coding threads (the task's share of cores)."""
    present = {c for c in columns.answer_columns().values() if c in frame.columns}
    answers = pd.DataFrame({c: [cell_text(v)[0] for v in frame[c].tolist()] for c in present}, index=range(len(frame)))
    rows = (frame[ROW_INDEX].to_numpy(dtype=np.int64) + 1) if ROW_INDEX in frame.columns else np.arange(1, len(frame) + 1)
    ids = [cell_text(v)[0] for v in frame[columns.id].tolist()]
    keys = answer_keys(answers, columns, max_answer_chars, rows, ids, problems=[])
    coded = code_answer_keys(coder, keys, cache, threads=threads).rows
    out = frame.drop(columns=[c for c in RESULT_COLUMNS if c in frame.columns])
    values = list(zip(*coded)) if coded else [()] * len(RESULT_COLUMNS)
    for column, column_values in zip(RESULT_COLUMNS, values):
        out[column] = pd.Series(list(column_values), index=out.index, dtype=float if _is_number(column) else object)
    return out


def worker_coder(plan: WorkerPlan) -> tuple[object, AnswerCache]:
    """This process's coder and answer cache for the plan's model: loaded on first use, then reused."""
    key = plan.cache_key
    if key not in _WORKER_CODERS:
        limit_threads(plan.threads)
        directory = find_model_dir(plan)
        coder = (plan.loader or _default_loader)(directory)
        _WORKER_CODERS[key] = (coder, AnswerCache(plan.cache_size))
    return _WORKER_CODERS[key]


def find_model_dir(plan: WorkerPlan) -> Path:
    """The executor's copy of the model: the driver's path, else a shipped file, else ./NAME; checked by fingerprint."""
    name = Path(plan.model_dir).name
    places = [Path(plan.model_dir)]
    try:
        from pyspark import SparkFiles

        places.append(Path(SparkFiles.get(name)))
    except Exception:  # no SparkFiles root here (not inside a Spark worker): nothing was shipped
        pass
    places.append(Path.cwd() / name)
    for place in places:
        if (place / MANIFEST).is_file():
            found = model_fingerprint(place)
            if found != plan.fingerprint:
                raise ModelArtifactError(f"{place} on executor {socket.gethostname()} is not the driver's model: manifest sha256 "
                                         f"{found}, the driver's is {plan.fingerprint}; ship the same model directory")
            return place
    raise ModelArtifactError(
        f"model directory {plan.model_dir} is not on executor {socket.gethostname()} (looked in {', '.join(map(str, places))}): "
        f"put it on a filesystem every executor sees, ship it with --ship-model (SparkContext.addFile) or "
        f"spark-submit --archives MODEL.tar.gz#{name}")


def limit_threads(threads: int) -> None:
    """torch, BLAS/OpenMP and the tokenizer use `threads` threads in this worker (one Spark task's share of cores)."""
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[variable] = str(threads)  # read by torch, faiss and BLAS when they load later
    from threadpoolctl import threadpool_limits

    if "torch" in sys.modules:  # a fast model never loads torch: no need to load it to set it
        sys.modules["torch"].set_num_threads(threads)
    threadpool_limits(limits=threads)


def _default_loader(directory: Path):
    from .coder import SocCoder

    return SocCoder.load(directory)


def spark_job_error(error: Exception) -> str | None:
    """One line for a Spark job that failed for a reason of ours (a model an executor lacks, a malformed CSV row), else None."""
    text = str(error)
    for line in text.splitlines():
        if "ModelArtifactError: " in line:
            return line.split("ModelArtifactError: ", 1)[1].strip()
    if "MALFORMED_RECORD_IN_PARSING" in text or "MALFORMED_CSV_RECORD" in text:
        found = re.search(r"Malformed CSV record: (.*?)(?: SQLSTATE|$)", text, re.MULTILINE)
        record = f"the record '{found.group(1).strip()[:200]}'" if found else "a record"
        return (f"the input is not well-formed CSV: {record} has more or fewer fields than the header, or a quote is not "
                "closed; nothing was written")
    return None
