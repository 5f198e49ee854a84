"""Batch coding of a large file: throughput and peak memory of `soc-coder code`'s streaming path.

    python scripts/benchmark_batch.py generate --rows 1000000 --distinct 0.3 --output /tmp/answers-1m.csv
    /usr/bin/time -v python scripts/benchmark_batch.py code /tmp/answers-1m.csv --output /tmp/coded-1m.csv [--resume]

`generate` writes a survey-like answers file: `--distinct` of its rows are distinct answers, made by recombining
the job titles, descriptions and industries of the dev benchmark files at random (seeded; their gold codes are not
used), and the other rows repeat them with Zipf-like frequencies, as real files repeat "care assistant"
thousands of times. `code` runs model.batch.code_file on it exactly as `soc-coder code` does, printing after each
chunk the rows done, rows/s, the current and peak resident memory, and at the end the totals. Stop it (Ctrl-C or
kill) and run it again with `--resume` to continue from the last finished chunk.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark_coding import BENCHMARKS  # noqa: E402

FIELDS = ("job_title", "job_description", "industry")


def answer_pool() -> pd.DataFrame:
    frames = [pd.read_csv(BENCHMARKS / name, dtype=str, keep_default_na=False) for name in ("dev.csv", "external-dev.csv", "realistic-dev.csv")]
    return pd.concat(frames, ignore_index=True)[list(FIELDS)]


def survey_file(rows: int, distinct: float, seed: int = 0) -> pd.DataFrame:
    """`rows` answers of which round(distinct * rows) are distinct, in random order."""
    pool = answer_pool()
    rng = np.random.default_rng(seed)
    values = {f: pool[f].to_numpy(dtype=object) for f in FIELDS}
    n = len(pool)
    wanted = max(1, min(rows, round(distinct * rows)))
    combos = np.zeros(0, dtype=np.int64)
    while len(combos) < wanted:  # distinct (title, description, industry) index triples
        draw = rng.integers(0, n, size=(2 * wanted, 3))
        combos = np.unique(np.concatenate([combos, draw[:, 0] * n * n + draw[:, 1] * n + draw[:, 2]]))
    combos = rng.permutation(combos)[:wanted]
    triples = np.stack([combos // (n * n), (combos // n) % n, combos % n], axis=1)
    distinct_answers = {f: values[f][triples[:, i]] for i, f in enumerate(FIELDS)}
    if len(set(zip(*distinct_answers.values()))) < wanted:  # two index triples can spell the same text
        print("note: some recombined answers coincide as text; the file has slightly fewer distinct answers", file=sys.stderr)
    weights = 1.0 / np.arange(1, wanted + 1) ** 1.1
    repeats = rng.choice(wanted, size=rows - wanted, p=weights / weights.sum())
    order = rng.permutation(np.concatenate([np.arange(wanted), repeats]))
    frame = pd.DataFrame({f: distinct_answers[f][order] for f in FIELDS})
    frame.insert(0, "id", [f"r{i:08d}" for i in range(1, rows + 1)])
    frame["region"] = rng.choice(np.array(["N", "S", "E", "W", "Wales", "Scotland"], dtype=object), rows)
    return frame


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(args) -> None:
    started = time.perf_counter()
    frame = survey_file(args.rows, args.distinct, args.seed)
    frame.to_csv(args.output, index=False)
    distinct = len(frame.drop_duplicates(subset=list(FIELDS)))
    print(f"wrote {args.output}: {len(frame):,} rows, {distinct:,} distinct answers ({distinct / len(frame):.1%}), "
          f"{os.path.getsize(args.output) / 1e6:.0f} MB in {time.perf_counter() - started:.0f} s")


def code(args) -> None:
    from model import SocCoder, paths
    from model.artifact import model_fingerprint
    from model.batch import BatchOptions, code_file

    model_dir = args.model or paths.default_model_dir()
    coder = SocCoder.load(model_dir)
    coder.code([{"job_title": "care assistant"}])  # load the encoder before timing
    print(f"model loaded: RSS {_rss_mb():.0f} MB", flush=True)
    started = time.perf_counter()

    def report(index, summary):
        rate = (summary.rows - summary.resumed_chunks * args.chunk_rows) / (time.perf_counter() - started)
        print(f"chunk {index + 1}: {summary.rows:,} rows, {summary.coded_answers:,} answers coded, {summary.cache_hits:,} cache hits, "
              f"{rate:.0f} rows/s, RSS {_rss_mb():.0f} MB, peak {_peak_mb():.0f} MB", flush=True)

    options = BatchOptions(chunk_rows=args.chunk_rows, cache_size=args.cache_size, resume=args.resume)
    summary = code_file(coder, args.input, args.output, options=options, model_id=model_fingerprint(model_dir), on_chunk=report)
    seconds = time.perf_counter() - started
    done_here = summary.rows - summary.resumed_chunks * args.chunk_rows
    print(f"rows {summary.rows:,} ({done_here:,} in this run), {seconds:.0f} s, {done_here / seconds:.0f} rows/s; "
          f"{summary.coded_answers:,} answers sent to the model, {summary.cache_hits:,} cache hits; "
          f"statuses {dict(summary.statuses)}; peak RSS {_peak_mb():.0f} MB; torch threads {__import__('torch').get_num_threads()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("generate", help="write a survey-like answers file")
    make.add_argument("--rows", type=int, default=1_000_000)
    make.add_argument("--distinct", type=float, default=0.3, help="share of rows that are distinct answers")
    make.add_argument("--seed", type=int, default=0)
    make.add_argument("--output", type=Path, required=True)
    run = commands.add_parser("code", help="code a file through model.batch, as `soc-coder code` does")
    run.add_argument("input", type=Path)
    run.add_argument("--output", type=Path, required=True)
    run.add_argument("--model", type=Path)
    run.add_argument("--chunk-rows", type=int, default=50_000)
    run.add_argument("--cache-size", type=int, default=50_000)
    run.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    {"generate": generate, "code": code}[args.command](args)


if __name__ == "__main__":
    main()
