"""A bounded load on `soc-coder serve` over loopback: `python scripts/benchmark_serve.py [--model DIR] [--seconds 60]`.

Starts the server in its own process, then for a share of `--seconds` each sends, from `--clients` concurrent
clients, single answers to POST /v1/code, batches of `--batch` answers, and searches to GET /v1/search, while a
probe asks GET /health twice a second. Answers are recombined from the dev benchmark files (seeded; nearly all
distinct, as in a survey; their gold codes are not used), searches are their job titles. Prints per phase the
requests, answers, p50 / p99 latency, throughput and the count of 5xx responses; exits 1 if there was any 5xx.
"""

from __future__ import annotations

import argparse
import itertools
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2
import numpy as np

from benchmark_coding import synthetic_answers  # scripts/ is on sys.path when this file is run
from model import paths


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(model: str, port: int, log: Path) -> subprocess.Popen:
    with open(log, "wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "soc_coder.cli", "serve", "--model", model, "--port", str(port)],
                                   stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 600
    while True:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return process
        except httpx2.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the server did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)


def run_phase(url: str, make_request, seconds: float, clients: int) -> list[tuple[float, int, int]]:
    """(latency s, status, answers) of every request sent by `clients` threads for `seconds`."""
    records: list[tuple[float, int, int]] = []
    lock = threading.Lock()
    counter = itertools.count()
    stop = time.monotonic() + seconds

    def client() -> None:
        with httpx2.Client(base_url=url, timeout=120) as http:
            while time.monotonic() < stop:
                method, path, kwargs, answers = make_request(next(counter))
                started = time.perf_counter()
                try:
                    status = http.request(method, path, **kwargs).status_code
                except httpx2.TransportError:
                    status = 599  # no answer at all counts as a server error
                with lock:
                    records.append((time.perf_counter() - started, status, answers))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return records


def probe_health(url: str, stop: threading.Event, latencies: list[float]) -> None:
    with httpx2.Client(base_url=url, timeout=30) as http:
        while not stop.wait(0.5):
            started = time.perf_counter()
            http.get("/health")
            latencies.append(time.perf_counter() - started)


def summary(name: str, records: list[tuple[float, int, int]], seconds: float) -> tuple[str, int]:
    latency = np.array([r[0] for r in records]) * 1000
    statuses = np.array([r[1] for r in records])
    answers = sum(r[2] for r in records)
    server_errors = int((statuses >= 500).sum())
    other = int(((statuses != 200) & (statuses < 500)).sum())
    line = (f"| {name} | {len(records)} | {answers} | {np.percentile(latency, 50):.0f} | {np.percentile(latency, 99):.0f} | "
            f"{len(records) / seconds:.1f} | {answers / seconds:.1f} | {server_errors} | {other} |")
    return line, server_errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(paths.default_model_dir()), help="model directory or registry URI")
    parser.add_argument("--seconds", type=float, default=60.0, help="the whole load: 40%% single answers, 40%% batches, 20%% searches")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--batch", type=int, default=50, help="answers in each batch request")
    args = parser.parse_args()

    answers = synthetic_answers(20_000)
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="benchmark-serve-")) / "serve.log"
    started = time.perf_counter()
    server = start_server(args.model, port, log)
    url = f"http://127.0.0.1:{port}"
    print(f"server up in {time.perf_counter() - started:.0f} s (log {log}); {args.clients} clients, batches of {args.batch}")
    httpx2.post(f"{url}/v1/code", json={"answers": answers[:args.batch]}, timeout=300)  # warm the encoder

    phases = [
        ("single answer", 0.4, lambda i: ("POST", "/v1/code", {"json": answers[i % len(answers)]}, 1)),
        (f"batch of {args.batch}", 0.4, lambda i: ("POST", "/v1/code",
                                                 {"json": {"answers": [answers[(i * args.batch + j) % len(answers)] for j in range(args.batch)]}}, args.batch)),
        ("search", 0.2, lambda i: ("GET", "/v1/search", {"params": {"q": answers[i % len(answers)]["job_title"][:200] or "nurse"}}, 0)),
    ]
    health: list[float] = []
    stop = threading.Event()
    prober = threading.Thread(target=probe_health, args=(url, stop, health))
    prober.start()
    lines, server_errors = [], 0
    try:
        for name, share, make_request in phases:
            seconds = args.seconds * share
            began = time.perf_counter()
            records = run_phase(url, make_request, seconds, args.clients)
            line, errors = summary(name, records, time.perf_counter() - began)
            lines.append(line)
            server_errors += errors
    finally:
        stop.set()
        prober.join()
        server.terminate()
        server.wait(30)
    print("| phase | requests | answers | p50 ms | p99 ms | requests/s | answers/s | 5xx | other non-200 |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(lines))
    if health:
        ms = np.array(health) * 1000
        print(f"GET /health during the load: {len(ms)} probes, p50 {np.percentile(ms, 50):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms, max {ms.max():.1f} ms")
    print(f"5xx responses: {server_errors}")
    sys.exit(1 if server_errors else 0)


if __name__ == "__main__":
    main()
