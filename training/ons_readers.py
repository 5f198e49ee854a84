"""Readers for the ONS SOC 2020 workbooks (Volume 2 coding index, Volume 1 descriptions).

ONS reorders and renames columns and sheets between releases and renames the files on each
release, so everything here is found by content (sheet names, header names, version text inside
the workbook), never by position or file name. Data files are never copied into the project: they
are read from a data directory (see `resolve_data_dir`).
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import platformdirs
from python_calamine import CalamineWorkbook

INDEX_SHEET = "SOC2020 coding index"
INFO_SHEETS = ("INFO", "Information")  # v13 spells it INFO, v12 Information
FILE_SPEC_SHEET = "FILE SPEC"
ABBREVIATIONS_SHEET = "Abbreviations"
VOLUME1_SHEET = "SOC2020 descriptions"
NO_CODE = "}}}}"  # SOC_2020 of "see another indexing word" rows: no code, not training data

# output column -> coding-index header (compared after `_norm_header`)
INDEX_COLUMNS = {
    "unique_id": "UNIQUE ID",
    "soc2020": "SOC_2020",
    "soc2020_ext": "SOC_2020_ext",
    "soc2010": "SOC_2010",
    "isco08": "ISCO-08 code based on SOC2020",
    "indexocc": "INDEXOCC",
    "title": "INDEXOCC-natural_word_order",
    "add": "ADD",
    "ind": "IND",
    "see": "SEE",
    "default_flag": "D",
    "versno": "VERSNO",
    "soc2020_title": "SOC2020_unit_group_title",
    "soc2020_ext_title": "SOC2020_ext_SUG_title",
    "soc2010_title": "SOC2010_unit_group_title",
    "isco08_title": "ISCO08_unit_group_title",
}
CODE_COLUMNS = ("soc2020", "soc2010", "isco08")

# Volume 1 output column -> header (compared after whitespace normalisation, case-insensitive)
VOLUME1_COLUMNS = {
    "major": "SOC 2020 Major Group",
    "sub_major": "SOC 2020 Sub-Major Group",
    "minor": "SOC 2020 Minor Group",
    "unit": "SOC 2020 Unit Group",
    "title": "SOC 2020 Group Title",
    "description": "Group Description",
    "entry_routes": "Typical Entry Routes And Associated Qualifications",
    "tasks": "Tasks",
    "related_titles": "Related Job Titles",
}
LEVELS = ("major", "sub_major", "minor", "unit")
BLANK = "<blank>"


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames are neither hashable nor ==-comparable
class CodingIndex:
    entries: pd.DataFrame
    abbreviations: pd.DataFrame
    version: str
    path: Path
    sha256: str


@dataclass(frozen=True, eq=False)
class Volume1:
    unit_groups: pd.DataFrame
    groups: pd.DataFrame
    version: str
    path: Path
    sha256: str


# ---------------------------------------------------------------- helpers


def _norm_header(name: object) -> str:
    """Header key that ignores case, spaces, hyphens and underscores (v12/v13 spell them differently)."""
    return re.sub(r"[\s\-_]+", "", str(name)).lower()


def _squash(text: object) -> str:
    """Collapse runs of whitespace (ONS headers and titles hold newlines and double spaces)."""
    return " ".join(str(text).split())


def _sheet_name(names: list[str], wanted: tuple[str, ...] | str) -> str | None:
    wanted = (wanted,) if isinstance(wanted, str) else wanted
    keys = {_squash(w).lower() for w in wanted}
    return next((n for n in names if _squash(n).lower() in keys), None)


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _clean_code(value: str) -> str:
    """'2439.0' -> '2439' in case a cell was stored as a float."""
    return value[:-2] if re.fullmatch(r"\d+\.0", value) else value


def _cells(path: Path, sheet: str) -> list[list[str]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    return [[str(c).strip() for c in row] for row in rows]


def _open_sheet_names(path: Path) -> list[str]:
    try:
        return CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception as exc:  # calamine raises its own error types for non-workbooks
        raise ValueError(f"{path}: not a readable Excel workbook ({exc})") from exc


def _modified_date(path: Path) -> date:
    """The workbook's core property `modified` (docProps/core.xml): Volume 1's only version stamp."""
    try:
        with zipfile.ZipFile(path) as zf:
            root = ElementTree.fromstring(zf.read("docProps/core.xml"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError) as exc:
        raise ValueError(f"{path}: no readable core properties (docProps/core.xml)") from exc
    node = root.find("{http://purl.org/dc/terms/}modified")
    if node is None or not (node.text or "").strip():
        raise ValueError(f"{path}: workbook has no 'modified' core property to version it by")
    return datetime.fromisoformat(node.text.strip().replace("Z", "+00:00")).date()


def _index_version(path: Path, names: list[str]) -> str:
    """'13' from INFO ("Version 13 Of The ...") or else FILE SPEC ("Version 13: ...")."""
    probes = ((INFO_SHEETS, r"version\s+(\d+)\s+of\s+the\b"), (FILE_SPEC_SHEET, r"version\s+(\d+)\s*:"))
    for wanted, pattern in probes:
        sheet = _sheet_name(names, wanted)
        if sheet is None:
            continue
        for row in _cells(path, sheet):
            for cell in row:
                match = re.match(pattern, cell, re.IGNORECASE)
                if match:
                    return match.group(1)
    raise ValueError(f"{path}: no 'Version N' text found in sheets {INFO_SHEETS} or {FILE_SPEC_SHEET!r}")


# ---------------------------------------------------------------- identification


def workbook_kind_and_version(path: str | Path) -> tuple[str, str]:
    """("coding_index", "13") or ("volume1", "2025-04-07"), judged by content not file name."""
    path = Path(path)
    names = _open_sheet_names(path)
    if _sheet_name(names, INDEX_SHEET):
        return "coding_index", _index_version(path, names)
    if _sheet_name(names, VOLUME1_SHEET):
        return "volume1", _modified_date(path).isoformat()
    raise ValueError(f"{path}: neither a SOC 2020 coding index nor a Volume 1 workbook (sheets: {names})")


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    """Explicit argument, else env SOC_DATA_DIR, else the per-user cache dir."""
    if data_dir:
        return Path(data_dir).expanduser()
    if os.environ.get("SOC_DATA_DIR"):
        return Path(os.environ["SOC_DATA_DIR"]).expanduser()
    return Path(platformdirs.user_cache_dir("soc-coder")) / "ons"


def _missing_message(kind: str, directory: Path) -> str:
    what = {"coding_index": "SOC 2020 coding index (Volume 2)", "volume1": "SOC 2020 Volume 1"}[kind]
    return (
        f"No {what} workbook (*.xlsx) found in {directory}. Download the ONS workbooks with "
        f"`soc-coder fetch-data`, or point at a directory holding them with "
        f"SOC_DATA_DIR=/path/to/workbooks or --data-dir (or give --index-file / --volume1-file)."
    )


def _version_key(kind: str, version: str):
    return int(version) if kind == "coding_index" else date.fromisoformat(version)


def _scan(directory: Path) -> dict[str, Path]:
    """Newest workbook of each kind found in `directory` (non-recursive); unrecognised files skipped."""
    best: dict[str, tuple] = {}
    if directory.is_dir():
        for path in sorted(directory.glob("*.xlsx")):
            if path.name.startswith("~$") or not path.is_file():  # Excel lock files
                continue
            try:
                kind, version = workbook_kind_and_version(path)
            except ValueError:
                continue
            key = (_version_key(kind, version), path.name)
            if kind not in best or key > best[kind][0]:
                best[kind] = (key, path)
    return {kind: path for kind, (_, path) in best.items()}


def find_newest(data_dir: str | Path) -> tuple[Path, Path]:
    """(newest coding index, newest Volume 1) in `data_dir`, by the version inside each workbook."""
    directory = Path(data_dir)
    found = _scan(directory)
    for kind in ("coding_index", "volume1"):
        if kind not in found:
            raise FileNotFoundError(_missing_message(kind, directory))
    return found["coding_index"], found["volume1"]


# ---------------------------------------------------------------- coding index


def _select_columns(df: pd.DataFrame, wanted: dict[str, str], key, path: Path, sheet: str) -> pd.DataFrame:
    by_key = {key(c): c for c in df.columns}
    out = {}
    for name, header in wanted.items():
        source = by_key.get(key(header))
        if source is None:
            raise ValueError(f"{path}: sheet {sheet!r} has no column {header!r} (columns: {list(df.columns)})")
        out[name] = df[source]
    return pd.DataFrame(out)


def _clean_frame(df: pd.DataFrame) -> pd.DataFrame:
    return df.fillna("").astype(str).apply(lambda s: s.str.strip())


def _read_entries(path: Path, names: list[str]) -> pd.DataFrame:
    sheet = _sheet_name(names, INDEX_SHEET)
    if sheet is None:
        raise ValueError(f"{path}: no sheet {INDEX_SHEET!r} (sheets: {names})")
    raw = pd.read_excel(path, sheet_name=sheet, engine="calamine", dtype=str)
    df = _clean_frame(_select_columns(raw, INDEX_COLUMNS, _norm_header, path, sheet))
    for col in CODE_COLUMNS:
        df[col] = df[col].map(_clean_code)
    df = df[(df != "").any(axis=1) & (df["soc2020"] != NO_CODE)]
    return df.reset_index(drop=True)


def _read_abbreviations(path: Path, names: list[str]) -> pd.DataFrame:
    """Rows below the `Abbreviation | Meaning` header (found by content: a preamble sits above it)."""
    sheet = _sheet_name(names, ABBREVIATIONS_SHEET)
    if sheet is None:
        raise ValueError(f"{path}: no sheet {ABBREVIATIONS_SHEET!r} (sheets: {names})")
    rows = _cells(path, sheet)
    start = next(
        (i for i, r in enumerate(rows) if len(r) >= 2 and [c.lower() for c in r[:2]] == ["abbreviation", "meaning"]),
        None,
    )
    if start is None:
        raise ValueError(f"{path}: sheet {sheet!r} has no header row 'Abbreviation | Meaning'")
    records = []
    for row in rows[start + 1 :]:
        abbr, meaning = (row + ["", ""])[:2]
        if not abbr and not meaning:
            continue
        frequent = abbr.endswith("*")
        records.append({"abbreviation": _squash(abbr.rstrip("*")), "meaning": meaning, "frequent": frequent})
    return pd.DataFrame(records, columns=["abbreviation", "meaning", "frequent"])


def read_coding_index(path: str | Path) -> CodingIndex:
    """Coded entries (no `}}}}` rows), abbreviations and version of a Volume 2 coding index."""
    path = Path(path)
    names = _open_sheet_names(path)
    return CodingIndex(
        entries=_read_entries(path, names),
        abbreviations=_read_abbreviations(path, names),
        version=_index_version(path, names),
        path=path,
        sha256=_sha256(path),
    )


# ---------------------------------------------------------------- volume 1


def _text(value: str) -> str:
    return "" if value == BLANK else _squash(value)


def _tilde_list(value: str) -> list[str]:
    """'~item one\\n\\n~item two' -> ['item one', 'item two']."""
    if value in ("", BLANK):
        return []
    items = re.split(r"(?:^|\n)\s*~", value)
    return [_squash(item) for item in items if item.strip()]


def read_volume1(path: str | Path) -> Volume1:
    """Unit-group descriptions, tasks and related titles, plus the group hierarchy, from Volume 1."""
    path = Path(path)
    names = _open_sheet_names(path)
    sheet = _sheet_name(names, VOLUME1_SHEET)
    if sheet is None:
        raise ValueError(f"{path}: no sheet {VOLUME1_SHEET!r} (sheets: {names})")
    raw = pd.read_excel(path, sheet_name=sheet, engine="calamine", dtype=str)
    df = _clean_frame(_select_columns(raw, VOLUME1_COLUMNS, lambda h: _squash(h).lower(), path, sheet))
    groups, units = [], []
    for row in df.itertuples(index=False):
        codes = {lvl: _clean_code(getattr(row, lvl)) for lvl in LEVELS if getattr(row, lvl) not in ("", BLANK)}
        if not codes:
            continue
        if len(codes) > 1:
            raise ValueError(f"{path}: sheet {sheet!r} row for {row.title!r} has several codes {codes}")
        (level, code), = codes.items()
        groups.append({"code": code, "level": level, "title": _text(row.title), "description": _text(row.description)})
        if level == "unit":
            units.append({
                "code": code,
                "title": _text(row.title),
                "description": _text(row.description),
                "entry_routes": _text(row.entry_routes),
                "tasks": _tilde_list(row.tasks),
                "related_titles": _tilde_list(row.related_titles),
                "major": code[:1],
                "sub_major": code[:2],
                "minor": code[:3],
            })
    unit_cols = ["code", "title", "description", "entry_routes", "tasks", "related_titles", "major", "sub_major", "minor"]
    return Volume1(
        unit_groups=pd.DataFrame(units, columns=unit_cols),
        groups=pd.DataFrame(groups, columns=["code", "level", "title", "description"]),
        version=_modified_date(path).isoformat(),
        path=path,
        sha256=_sha256(path),
    )


def unit_group_titles(volume1: Volume1) -> dict[str, str]:
    """{'1111': 'Chief executives and senior officials', ...}"""
    return dict(zip(volume1.unit_groups["code"], volume1.unit_groups["title"]))


# ---------------------------------------------------------------- loading


def load_sources(
    data_dir: str | Path | None = None,
    index_file: str | Path | None = None,
    volume1_file: str | Path | None = None,
) -> tuple[CodingIndex, Volume1]:
    """Read the newest workbooks in the data dir; explicit files override what is found there."""
    if index_file is None or volume1_file is None:
        directory = resolve_data_dir(data_dir)
        found = _scan(directory)
        for kind, given in (("coding_index", index_file), ("volume1", volume1_file)):
            if given is None and kind not in found:
                raise FileNotFoundError(_missing_message(kind, directory))
        index_file = index_file or found["coding_index"]
        volume1_file = volume1_file or found["volume1"]
    for given in (index_file, volume1_file):
        if not Path(given).is_file():
            raise FileNotFoundError(f"No such workbook: {given}")
    return read_coding_index(index_file), read_volume1(volume1_file)
