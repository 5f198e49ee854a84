"""The known ONS SOC 2020 workbooks and how to download them.

ONS renames the files on every release, so each release's file name, URL and checksum live in ONE
table here (`KNOWN_WORKBOOKS`); add a row when ONS publishes a new version. Downloads are verified
against the table so a silently changed or truncated file never reaches training.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import requests
from tqdm import tqdm

from training.ons_readers import resolve_data_dir

DEFAULT_BASE_URL = (
    "https://www.ons.gov.uk/file?uri=/methodology/classificationsandstandards/"
    "standardoccupationalclassificationsoc/soc2020/"
)
_VOLUME2_DIR = "soc2020volume2codingrulesandconventions/"
_VOLUME1_DIR = "soc2020volume1structureanddescriptionsofunitgroups/"


@dataclass(frozen=True)
class KnownWorkbook:
    kind: str  # "coding_index" | "volume1", as training.ons_readers.workbook_kind_and_version
    version: str  # coding index: "13"; Volume 1: its `modified` date "2025-04-07"
    file_name: str
    url_path: str  # relative to the base URL
    sha256: str


def _known(kind: str, version: str, file_name: str, sha256: str) -> KnownWorkbook:
    folder = _VOLUME2_DIR if kind == "coding_index" else _VOLUME1_DIR
    return KnownWorkbook(kind, version, file_name, folder + file_name, sha256)


KNOWN_WORKBOOKS: tuple[KnownWorkbook, ...] = (
    _known("coding_index", "13", "soc2020volume2thecodingindexexcel03122025.xlsx",
           "a6e27c94fd18c7fe8bcec7b8ea9afaec7e53c14b4d3c2b7f4c3b205687909fe8"),
    _known("coding_index", "12", "soc2020volume2thecodingindexexcel16042025.xlsx",
           "1e9db61a04a95a76a17328813fab5ea6c5e52b2a50005f3cd4d2c876f61c119d"),
    _known("volume1", "2025-04-07", "soc2020volume1structureanddescriptionofunitgroupsexcel16042025.xlsx",
           "4a858417d9329e438fc547a90b255a075df8c7f0a43667ddaa9235c6d91eafaa"),
    _known("volume1", "2024-10-07", "soc2020volume1structureanddescriptionofunitgroupsexcel16102024.xlsx",
           "889dff4e162ed33c7cd9ca576d83618be30fe4efa360927529122fe07990b450"),
)


class DataUnavailableError(RuntimeError):
    """The ONS workbooks could not be downloaded (offline, site down, file moved)."""


class ChecksumError(ValueError):
    """A downloaded file is not the published one."""


def base_url_of(base_url: str | None = None) -> str:
    """Argument, else env SOC_ONS_BASE_URL, else the ONS site; always ends with '/'."""
    base = base_url or os.environ.get("SOC_ONS_BASE_URL") or DEFAULT_BASE_URL
    return base if base.endswith("/") else base + "/"


def url_of(workbook: KnownWorkbook, base_url: str | None = None) -> str:
    return base_url_of(base_url) + workbook.url_path


def _sort_key(workbook: KnownWorkbook):
    return int(workbook.version) if workbook.kind == "coding_index" else date.fromisoformat(workbook.version)


def select(catalogue=KNOWN_WORKBOOKS, newest_only: bool = True) -> list[KnownWorkbook]:
    """The newest workbook of each kind, or all of them."""
    if not newest_only:
        return list(catalogue)
    newest: dict[str, KnownWorkbook] = {}
    for wb in catalogue:
        if wb.kind not in newest or _sort_key(wb) > _sort_key(newest[wb.kind]):
            newest[wb.kind] = wb
    return list(newest.values())


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _unavailable(headline: str, urls: list[str], dest: Path) -> DataUnavailableError:
    lines = "\n".join(f"  {u}" for u in urls)
    return DataUnavailableError(
        f"{headline}.\n"
        f"If you have local copies of the workbooks, point at them with SOC_DATA_DIR=/path/to/workbooks "
        f"or --data-dir, or name them with --index-file / --volume1-file.\n"
        f"Or download these by hand into {dest}:\n{lines}"
    )


def _download(url: str, target: Path, expected: str, timeout: float) -> None:
    """Stream `url` to a temp file beside `target`, check its sha256, then rename it into place."""
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        digest = hashlib.sha256()
        headers = {"User-Agent": "soc-coder"}
        with os.fdopen(fd, "wb") as out, requests.get(url, stream=True, timeout=timeout, headers=headers) as resp:
            resp.raise_for_status()
            total = int(resp.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=target.name, disable=None) as bar:
                for chunk in resp.iter_content(chunk_size=1 << 16):
                    out.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
        actual = digest.hexdigest()
        if actual != expected:
            raise ChecksumError(
                f"Checksum mismatch for {url}: expected sha256 {expected}, got {actual}. "
                f"The file was deleted; ONS may have replaced it (update training/ons_sources.py)."
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def fetch_data(
    dest_dir: str | Path | None = None,
    base_url: str | None = None,
    catalogue=KNOWN_WORKBOOKS,
    newest_only: bool = True,
    timeout: float = 60,
) -> list[Path]:
    """Download the ONS workbooks into the data dir (skipping verified ones); return their paths."""
    dest = resolve_data_dir(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    wanted = select(catalogue, newest_only)
    urls = [url_of(w, base_url) for w in wanted]
    paths = []
    for wb, url in zip(wanted, urls):
        target = dest / wb.file_name
        if not (target.is_file() and _sha256(target) == wb.sha256):
            try:
                _download(url, target, wb.sha256, timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                headline = f"The ONS site could not be reached ({type(exc).__name__} for {url})"
                raise _unavailable(headline, urls, dest) from exc
            except requests.HTTPError as exc:
                headline = f"The ONS site did not serve the file (HTTP {exc.response.status_code} for {url})"
                raise _unavailable(headline, urls, dest) from exc
        paths.append(target)
    return paths
