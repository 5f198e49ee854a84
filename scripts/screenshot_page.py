"""A screenshot of the clerical coders' page with an answer typed in and its candidates shown:
`python scripts/screenshot_page.py [--model DIR] [--output reports/serve-page.png]`.

Starts `soc-coder serve`, opens the page in Debian's headless Chromium (/usr/bin/chromium, through Playwright),
types the answer key by key and waits for the candidates, the group's description and the index entries.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2
from playwright.sync_api import sync_playwright

from benchmark_serve import free_port  # scripts/ is on sys.path when this file is run
from model import paths

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(paths.default_model_dir()))
    parser.add_argument("--output", type=Path, default=Path("reports/serve-page.png"))
    parser.add_argument("--title", default="maths teacher")
    parser.add_argument("--description", default="teach GCSE and A level maths")
    parser.add_argument("--industry", default="academy school")
    args = parser.parse_args()

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "soc_coder.cli", "serve", "--model", args.model, "--port", str(port)])
    try:
        while True:
            try:
                if httpx2.get(f"{url}/health", timeout=5).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.5)
            if server.poll() is not None:
                raise SystemExit("the server did not start")
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            context = playwright.chromium.launch_persistent_context(profile, executable_path="/usr/bin/chromium", headless=True,
                                                                    args=CHROMIUM_ARGS, viewport={"width": 1360, "height": 900})
            page = context.new_page()
            page.goto(url)
            for field, text in (("#job_title", args.title), ("#job_description", args.description), ("#industry", args.industry)):
                page.locator(field).press_sequentially(text, delay=15)
            page.locator("#candidates li").first.wait_for()
            page.wait_for_function("document.querySelector('#group-heading').textContent.includes(' ')")
            page.wait_for_load_state("networkidle")
            args.output.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.output), full_page=True)
            context.close()
        print(args.output)
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
