"""Coding throughput and peak memory: `python scripts/benchmark_coding.py [--rows 10000] [--model DIR]`.

The answers are made by recombining the job titles, descriptions and industries of the dev benchmark files at
random (seeded), so nearly every answer is distinct, as in a real survey file; the benchmarks' gold codes are not
used. Prints rows, seconds, answers/s and the process's peak resident memory.
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


def synthetic_answers(rows: int, seed: int = 0) -> list[dict]:
    frames = [pd.read_csv(BENCHMARKS / name, dtype=str, keep_default_na=False) for name in ("dev.csv", "external-dev.csv", "realistic-dev.csv")]
    pool = pd.concat(frames, ignore_index=True)
    rng = np.random.default_rng(seed)
    pick = {field: rng.choice(pool[field].to_numpy(), rows) for field in ("job_title", "job_description", "industry")}
    return [dict(zip(pick, values)) for values in zip(*pick.values())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--model", type=Path, default=paths.default_model_dir())
    parser.add_argument("--batch-size", type=int, default=512)
    args = parser.parse_args()
    answers = synthetic_answers(args.rows)
    coder = SocCoder.load(args.model)
    coder.code(answers[:64])  # load the encoder before timing
    started = time.perf_counter()
    results = coder.code(answers, batch_size=args.batch_size, progress=True)
    seconds = time.perf_counter() - started
    distinct = len({tuple(a.values()) for a in answers})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows {len(results)} ({distinct} distinct), {seconds:.1f} s, {len(results) / seconds:.0f} answers/s, peak RSS {peak_mb:.0f} MB, torch threads {__import__('torch').get_num_threads()}")


if __name__ == "__main__":
    main()
