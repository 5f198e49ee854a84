"""fetch_data against a loopback HTTP server serving fixture workbooks in the ONS URL layout.

No test here contacts anything but 127.0.0.1.
"""

import hashlib
import os
import socket
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from ons_fixtures import FIXTURE_FILES
from training.ons_readers import workbook_kind_and_version
from training.ons_sources import (
    DEFAULT_BASE_URL,
    KNOWN_WORKBOOKS,
    ChecksumError,
    DataUnavailableError,
    KnownWorkbook,
    fetch_data,
    select,
    url_of,
)

VOLUME2_DIR = "soc2020volume2codingrulesandconventions"
VOLUME1_DIR = "soc2020volume1structureanddescriptionsofunitgroups"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Keep requests off any proxy and off the real ONS site whatever the environment says."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("SOC_ONS_BASE_URL", raising=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory, ons_fixture_dir):
    """(server root, catalogue): the fixture workbooks laid out as under the ONS base URL."""
    root = tmp_path_factory.mktemp("site")
    rows = [
        ("coding_index", "13", "index_v13", VOLUME2_DIR),
        ("coding_index", "12", "index_v12", VOLUME2_DIR),
        ("volume1", "2025-04-07", "volume1_new", VOLUME1_DIR),
        ("volume1", "2024-10-07", "volume1_old", VOLUME1_DIR),
    ]
    catalogue = []
    for kind, version, key, folder in rows:
        name = FIXTURE_FILES[key]
        data = (ons_fixture_dir / name).read_bytes()
        (root / folder).mkdir(exist_ok=True)
        (root / folder / name).write_bytes(data)
        catalogue.append(KnownWorkbook(kind, version, name, f"{folder}/{name}", hashlib.sha256(data).hexdigest()))
    return root, tuple(catalogue)


@pytest.fixture(scope="module")
def server(site):
    """Serves `site` like ONS: /file?uri=/<url_path> (and plain /<url_path>); records request paths."""
    root, _ = site
    requests_seen: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def translate_path(self, path):
            parts = urlsplit(path)
            uri = parse_qs(parts.query).get("uri", [parts.path])[0]
            return str(root / unquote(uri).lstrip("/"))

        def do_GET(self):
            requests_seen.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    port = httpd.server_address[1]
    yield {"base": f"http://127.0.0.1:{port}/file?uri=/", "plain": f"http://127.0.0.1:{port}/", "seen": requests_seen}
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_default_urls_are_the_ons_ones():
    assert DEFAULT_BASE_URL.startswith("https://www.ons.gov.uk/file?uri=/methodology/")
    by_name = {wb.file_name: wb for wb in KNOWN_WORKBOOKS}
    assert url_of(by_name["soc2020volume2thecodingindexexcel03122025.xlsx"]) == (
        "https://www.ons.gov.uk/file?uri=/methodology/classificationsandstandards/"
        "standardoccupationalclassificationsoc/soc2020/soc2020volume2codingrulesandconventions/"
        "soc2020volume2thecodingindexexcel03122025.xlsx"
    )
    assert url_of(by_name["soc2020volume1structureanddescriptionofunitgroupsexcel16042025.xlsx"]) == (
        "https://www.ons.gov.uk/file?uri=/methodology/classificationsandstandards/"
        "standardoccupationalclassificationsoc/soc2020/soc2020volume1structureanddescriptionsofunitgroups/"
        "soc2020volume1structureanddescriptionofunitgroupsexcel16042025.xlsx"
    )
    assert [(w.kind, w.version) for w in select()] == [("coding_index", "13"), ("volume1", "2025-04-07")]
    assert len(KNOWN_WORKBOOKS) == 4 and all(len(w.sha256) == 64 for w in KNOWN_WORKBOOKS)


def test_base_url_from_env(monkeypatch):
    monkeypatch.setenv("SOC_ONS_BASE_URL", "http://127.0.0.1:9/mirror")
    wb = KNOWN_WORKBOOKS[0]
    assert url_of(wb) == "http://127.0.0.1:9/mirror/" + wb.url_path
    assert url_of(wb, "http://127.0.0.1:8/x/") == "http://127.0.0.1:8/x/" + wb.url_path


def test_fetch_newest_then_skip(server, site, tmp_path):
    _, catalogue = site
    dest = tmp_path / "data"
    server["seen"].clear()
    paths = fetch_data(dest, base_url=server["base"], catalogue=catalogue)
    assert [p.name for p in paths] == [FIXTURE_FILES["index_v13"], FIXTURE_FILES["volume1_new"]]
    assert sorted(os.listdir(dest)) == sorted(p.name for p in paths)  # no temp files left
    assert [workbook_kind_and_version(p) for p in paths] == [("coding_index", "13"), ("volume1", "2025-04-07")]
    expected = {wb.file_name: wb.sha256 for wb in catalogue}
    assert all(_sha(p) == expected[p.name] for p in paths)
    assert len(server["seen"]) == 2 and all("uri=/soc2020volume" in s for s in server["seen"])

    mtimes = [p.stat().st_mtime_ns for p in paths]
    assert fetch_data(dest, base_url=server["base"], catalogue=catalogue) == paths
    assert len(server["seen"]) == 2  # verified copies are not downloaded again
    assert [p.stat().st_mtime_ns for p in paths] == mtimes


def test_fetch_all_into_env_dir_with_plain_base(server, site, tmp_path, monkeypatch):
    _, catalogue = site
    monkeypatch.setenv("SOC_DATA_DIR", str(tmp_path / "env"))
    paths = fetch_data(base_url=server["plain"], catalogue=catalogue, newest_only=False)
    assert len(paths) == 4 and all(p.parent == tmp_path / "env" and p.is_file() for p in paths)


def test_damaged_local_copy_is_replaced(server, site, tmp_path):
    _, catalogue = site
    target = tmp_path / catalogue[0].file_name
    target.write_bytes(b"truncated")
    (path, _) = fetch_data(tmp_path, base_url=server["base"], catalogue=catalogue)
    assert path == target and _sha(target) == catalogue[0].sha256


def test_checksum_mismatch_leaves_no_file(server, site, tmp_path):
    _, catalogue = site
    wrong = KnownWorkbook(catalogue[0].kind, catalogue[0].version, catalogue[0].file_name,
                          catalogue[0].url_path, "0" * 64)
    with pytest.raises(ChecksumError) as err:
        fetch_data(tmp_path, base_url=server["base"], catalogue=(wrong,))
    message = str(err.value)
    assert server["base"] + wrong.url_path in message
    assert "0" * 64 in message and catalogue[0].sha256 in message
    assert os.listdir(tmp_path) == []


def test_unreachable_server(tmp_path, site):
    _, catalogue = site
    base = f"http://127.0.0.1:{_closed_port()}/file?uri=/"
    with pytest.raises(DataUnavailableError) as err:
        fetch_data(tmp_path, base_url=base, catalogue=catalogue, timeout=5)
    message = str(err.value)
    assert "could not be reached" in message
    assert "SOC_DATA_DIR" in message and "--data-dir" in message and "--index-file" in message
    assert base + catalogue[0].url_path in message  # the URLs to download by hand
    assert os.listdir(tmp_path) == []


def test_missing_file_on_server(server, tmp_path):
    missing = KnownWorkbook("coding_index", "99", "nope.xlsx", f"{VOLUME2_DIR}/nope.xlsx", "0" * 64)
    with pytest.raises(DataUnavailableError, match="HTTP 404"):
        fetch_data(tmp_path, base_url=server["base"], catalogue=(missing,))
    assert os.listdir(tmp_path) == []


def test_catalogue_matches_real_files():
    """Each catalogue row's checksum, kind and version agree with the real workbook, where present."""
    directory = Path(os.environ.get("SOC_DATA_DIR", "/nonexistent"))
    present = [wb for wb in KNOWN_WORKBOOKS if (directory / wb.file_name).is_file()]
    if not present:
        pytest.skip("SOC_DATA_DIR holds none of the ONS workbooks")
    for wb in present:
        path = directory / wb.file_name
        assert _sha(path) == wb.sha256, wb.file_name
        assert workbook_kind_and_version(path) == (wb.kind, wb.version)
