"""Coding throughput and peak memory: `python scripts/benchmark_coding.py [--rows 10000] [--model DIR] [--titles index]`.

The answers are made by recombining the job titles, descriptions and industries of the dev benchmark files at
random (seeded), so nearly every answer is distinct, as in a real survey file; the benchmarks' gold codes are not
used. Those files hold about 600 distinct titles, so work done once per title is remembered across answers, as it
is in a real file where titles repeat; `--titles index` draws each title from the coding index's 32,000 entries
instead (many more distinct titles, each of them found in the index). Prints rows, seconds, answers/s and the
process's peak resident memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from model import SocCoder, paths

BENCHMARKS = Path(os.environ.get("SOC_BENCHMARK_DIR", Path(__file__).resolve().parents[2] / "shared" / "benchmarks"))


def synthetic_answers(rows: int, seed: int = 0, titles: list[str] | None = None) -> list[dict]:
    """`rows` answers recombined from the dev benchmarks' fields; `titles`: draw the titles from these instead."""
    frames = [pd.read_csv(BENCHMARKS / name, dtype=str, keep_default_na=False) for name in ("dev.csv", "external-dev.csv", "realistic-dev.csv")]
    pool = pd.concat(frames, ignore_index=True)
    rng = np.random.default_rng(seed)
    pick = {field: rng.choice(pool[field].to_numpy(), rows) for field in ("job_title", "job_description", "industry")}
    if titles is not None:
        pick["job_title"] = rng.choice(np.asarray(titles, dtype=object), rows)
    return [dict(zip(pick, values)) for values in zip(*pick.values())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--model", type=Path, default=paths.default_model_dir())
    parser.add_argument("--batch-size", type=int, default=1024)
    parser.add_argument("--titles", choices=("benchmarks", "index"), default="benchmarks",
                        help="where the job titles come from: the dev benchmarks' (about 600) or the coding index's (32,000)")
    args = parser.parse_args()
    coder = SocCoder.load(args.model)
    answers = synthetic_answers(args.rows, titles=[e["title"] for e in coder.neighbours.entries] if args.titles == "index" else None)
    loading = time.perf_counter()
    coder.code(synthetic_answers(2000, seed=1))  # first use loads the encoder, the title lookup and its near-spelling index
    print(f"model loaded and warmed up in {time.perf_counter() - loading:.1f} s")
    started = time.perf_counter()
    results = coder.code(answers, batch_size=args.batch_size, progress=True)
    seconds = time.perf_counter() - started
    distinct = len({tuple(a.values()) for a in answers})
    distinct_titles = len({a["job_title"] for a in answers})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows {len(results)} ({distinct} distinct, {distinct_titles} distinct titles), {seconds:.1f} s, {len(results) / seconds:.0f} answers/s, "
          f"peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
