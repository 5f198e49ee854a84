"""Coding on Spark local[N] against the single-process path, on the same survey-like file.

    python scripts/benchmark_spark.py --rows 1000000 --distinct-share 0.3 --model artifacts/models/default

generates `--rows` answers of which `--distinct-share` are distinct (scripts/benchmark_batch.py's generator,
seeded), writes them as CSV, then codes the file twice: with model.batch.code_file in this process, as
`soc-coder code` does (one coding thread per core), and with model.spark.code_spark_files on `--master` (default
local[2]: two Python workers, one thread each), as `soc-coder code --engine spark` does. It prints for each the
seconds, rows/s and distinct answers/s (the file's distinct answers over the seconds), and for Spark the peak
memory of each Python worker and the time to start Spark and load the model in the workers (a small warm-up
job, not counted in the coding time). It then checks that both outputs hold the same codes, statuses and
confidences row for row. `--loader MODULE:FUNCTION` (a function of the model directory that returns a coder)
switches both paths to another coder or encoder; `--skip-single` runs only Spark.
"""

from __future__ import annotations

import argparse
import importlib
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark_batch import FIELDS, survey_file  # noqa: E402


def loader_from(spec: str | None):
    """The callable named MODULE:FUNCTION (dots after the colon reach attributes), else None (SocCoder.load)."""
    if not spec:
        return None
    module, _, name = spec.partition(":")
    target = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


class WorkerMemory:
    """Peak resident memory of each Python worker of this process's Spark (descendants running pyspark), sampled."""

    def __init__(self, every: float = 0.5):
        self.peaks: dict[int, float] = {}
        self.virtual: dict[int, float] = {}
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            for pid in _descendants(os.getpid()):
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                    if b"pyspark" not in cmdline or b"java" in cmdline.split(b"\0")[0]:
                        continue
                    rss, virtual = _rss_mb(pid), _rss_mb(pid, "VmSize:")
                except OSError:
                    continue
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), rss)
                self.virtual[pid] = max(self.virtual.get(pid, 0.0), virtual)
            self._stop.wait(self.every)


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _rss_mb(pid: int | str = "self", field: str = "VmRSS:") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_single(args, source: Path, target: Path, distinct: int) -> pd.DataFrame:
    from model import SocCoder
    from model.coder import usable_cores
    from model.artifact import model_fingerprint
    from model.batch import BatchOptions, code_file

    coder = (loader_from(args.loader) or SocCoder.load)(args.model)
    coder.code([{"job_title": "care assistant"}])  # load the encoder before timing
    started = time.perf_counter()
    summary = code_file(coder, source, target, options=BatchOptions(chunk_rows=args.chunk_rows), model_id=model_fingerprint(args.model))
    seconds = time.perf_counter() - started
    print(f"single process ({usable_cores()} coding threads): {summary.rows:,} rows in {seconds:.1f} s = "
          f"{summary.rows / seconds:,.0f} rows/s, {distinct / seconds:,.1f} distinct answers/s "
          f"({summary.coded_answers:,} sent to the model); peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB",
          flush=True)
    return pd.read_parquet(target)


def run_spark(args, source: Path, target: Path, distinct: int) -> pd.DataFrame:
    from model.spark import code_spark_dataframe, code_spark_files, local_session

    loader = loader_from(args.loader)
    with WorkerMemory() as memory:
        started = time.perf_counter()
        spark = local_session(args.master, "soc-coder-benchmark", {
            "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": str(args.shuffle_partitions),
            "spark.sql.execution.arrow.maxRecordsPerBatch": str(args.max_records_per_batch)})
        spark.sparkContext.setLogLevel("ERROR")
        session_seconds = time.perf_counter() - started
        slots = spark.sparkContext.defaultParallelism
        warm = spark.createDataFrame([(str(i), "care assistant") for i in range(slots)], "id string, job_title string").repartition(slots)
        code_spark_dataframe(warm, args.model, loader=loader).collect()  # each Python worker loads the model
        warm_seconds = time.perf_counter() - started - session_seconds
        started = time.perf_counter()
        summary = code_spark_files(spark, source, str(target), args.model, partition_rows=args.partition_rows, loader=loader)
        seconds = time.perf_counter() - started
    peaks = sorted(memory.peaks.values(), reverse=True)
    workers = ", ".join(f"{p:,.0f}" for p in peaks[:slots + 1])
    print(f"spark {args.master} ({summary.partitions} coding tasks, maxRecordsPerBatch {args.max_records_per_batch}): "
          f"{summary.rows:,} rows in {seconds:.1f} s = {summary.rows / seconds:,.0f} rows/s, {distinct / seconds:,.1f} distinct answers/s; "
          f"session start {session_seconds:.1f} s, model load in the workers {warm_seconds:.1f} s (not counted); "
          f"peak RSS of the Python processes (MB): {workers or 'none seen'}; "
          f"largest virtual size {max(memory.virtual.values(), default=0):,.0f} MB", flush=True)
    spark.stop()
    # read back by pyarrow, not toPandas: a million coded rows do not fit through the local driver's 1 GB heap
    return pd.read_parquet(target).sort_values("row_index", ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--distinct-share", type=float, default=0.3, help="share of rows that are distinct answers")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", type=Path, required=True, help="model directory")
    parser.add_argument("--loader", help="MODULE:FUNCTION that loads a coder from the model directory (default SocCoder.load)")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partition-rows", type=int, default=100_000, help="rows per Spark coding task")
    parser.add_argument("--max-records-per-batch", type=int, default=10_000, help="spark.sql.execution.arrow.maxRecordsPerBatch")
    parser.add_argument("--shuffle-partitions", type=int, default=2)
    parser.add_argument("--chunk-rows", type=int, default=50_000, help="chunk size of the single-process path")
    parser.add_argument("--skip-single", action="store_true")
    parser.add_argument("--workdir", type=Path, help="where the input and outputs go (default: a temporary folder)")
    args = parser.parse_args()

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="soc-spark-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / "answers.csv"
    frame = survey_file(args.rows, args.distinct_share, args.seed)
    frame.to_csv(source, index=False)
    distinct = len(frame.drop_duplicates(subset=list(FIELDS)))
    del frame
    print(f"{source}: {args.rows:,} rows, {distinct:,} distinct answers ({distinct / args.rows:.1%}); "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start", flush=True)
    single = None if args.skip_single else run_single(args, source, workdir / "single.parquet", distinct)
    spark = run_spark(args, source, workdir / "spark-out", distinct)
    print(f"load average {os.getloadavg()[0]:.1f} at the end", flush=True)
    if single is not None:
        columns = ["id", "soc2020_code", "status", "confidence", "candidates"]
        differ = (single[columns].reset_index(drop=True) != spark[columns]).any(axis=1).sum()
        print(f"same codes, statuses, confidences and candidates on {len(spark) - differ:,} of {len(spark):,} rows")


if __name__ == "__main__":
    main()
