"""End to end: `soc-coder serve` on localhost with the tiny model, the page driven in headless Chromium (Debian's
/usr/bin/chromium through Playwright): type an answer, accept a candidate, choose another code by search, and work
through a CSV of referred answers with the keyboard, then download the coded file."""

import csv
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

from served import free_port

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


@pytest.fixture(scope="module")
def server(tiny_model_dir, tmp_path_factory):
    """`soc-coder serve` in its own process, as a user starts it."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "soc_coder.cli", "serve", "--model", str(tiny_model_dir), "--port", str(port)],
                                   stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx2.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"soc-coder serve did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium and chromium-driver")
        pytest.skip(f"no {CHROMIUM}: install Debian's chromium (apt-get install chromium chromium-driver) to run the page test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # a fresh profile every run; the flags keep Chromium off the (closed) network
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            accept_downloads=True, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(30_000)
        yield context
        context.close()


def test_type_an_answer_accept_a_candidate_and_choose_another_code(server, browser):
    page = browser.new_page()
    page.goto(server)
    page.locator("#job_title").press_sequentially("Sous chef", delay=20)  # typed key by key: coded as you type
    first = page.locator("#candidates li").first
    first.locator(".code").wait_for()
    assert first.locator(".code").text_content() == "5434"
    assert first.get_attribute("aria-selected") == "true"
    page.locator("#group-heading", has_text="5434 Chefs").wait_for()
    assert "Workers in this unit group are chefs." in page.locator("#group-description").text_content()
    page.locator("#index-entries td", has_text="Sous chef").first.wait_for()
    assert "coded" in page.locator("#status-line").text_content()

    page.locator("#job_title").press("Enter")  # accepts the highlighted candidate
    coded = page.locator("#session-table tbody tr").first
    coded.wait_for()
    assert [c.text_content() for c in coded.locator("td").all()] == ["Sous chef", "", "", "5434", "Chefs", "candidate 1"]
    assert page.locator("#job_title").input_value() == ""

    # any other code, found by search
    page.locator("#job_title").fill("Finisher")
    page.locator("#candidates li").first.wait_for()
    page.locator("#override").press_sequentially("bookbin", delay=20)
    page.locator("#override-results li .code", has_text="5423").wait_for()
    page.locator("#override").press("Enter")
    page.locator("#session-table tbody tr", has_text="other code").wait_for()
    assert [c.text_content() for c in page.locator("#session-table tbody tr").first.locator("td").all()] == [
        "Finisher", "", "", "5423", "Print finishing and binding workers", "other code"]
    page.close()


def test_work_through_a_csv_with_the_keyboard_and_download_it(server, browser, tmp_path):
    referred = tmp_path / "referred.csv"
    referred.write_text('id,job_title,job_description,industry,region\r\n'
                        'r1,Head chef,"runs the kitchen, plans menus",hotel,N\r\n'
                        'r2,=cmd,,,"S ""south"""\r\n'
                        'r3,Delivery driver,parcels to homes,courier,W\r\n', encoding="utf-8")
    page = browser.new_page()
    page.goto(server)
    page.locator("#csv-file").set_input_files(str(referred))
    page.locator("#file-info", has_text="3 rows from referred.csv").wait_for()
    candidates = page.locator("#candidates")

    page.locator('#candidates[data-row="0"]:focus').wait_for()  # row 1 coded, its candidates focused for the keyboard
    assert page.locator("#job_title").input_value() == "Head chef"
    assert candidates.locator("li .code").first.text_content() == "5434"
    page.keyboard.press("1")  # accept candidate 1, go on to the next row
    page.locator('#candidates[data-row="1"]:focus').wait_for()
    assert (page.locator("#row-pos").text_content(), page.locator("#row-id").text_content()) == ("2", "r2")
    page.keyboard.press("s")  # skip it
    page.locator('#candidates[data-row="2"]:focus').wait_for()
    assert candidates.locator("li .code").first.text_content() == "8214"
    second = candidates.locator("li").nth(1).locator(".code").text_content()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # accept candidate 2
    page.locator("#row-done", has_text="3 of 3 coded").wait_for()

    with page.expect_download() as download:
        page.locator("#download").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == ["r1", "r2", "r3"]
    assert list(rows[0]) == ["id", "job_title", "job_description", "industry", "region", "clerical_code", "clerical_title", "clerical_decision"]
    assert (rows[0]["job_description"], rows[0]["clerical_code"], rows[0]["clerical_title"], rows[0]["clerical_decision"]) == (
        "runs the kitchen, plans menus", "5434", "Chefs", "candidate 1")
    assert (rows[1]["job_title"], rows[1]["region"], rows[1]["clerical_code"], rows[1]["clerical_decision"]) == ("'=cmd", 'S "south"', "", "skipped")
    assert (rows[2]["clerical_code"], rows[2]["clerical_decision"]) == (second, "candidate 2")
    page.close()
