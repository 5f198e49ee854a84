"""Answer files in and coded files out: CSV, Excel or Parquet, every input row kept, in order."""

from __future__ import annotations

import csv
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .results import RESULT_COLUMNS

READERS = {".csv": "csv", ".xlsx": "excel", ".xls": "excel", ".parquet": "parquet", ".pq": "parquet"}


class AnswerFileError(ValueError):
    """An answers file that cannot be read as asked: names the file and the column."""


@dataclass(frozen=True)
class AnswerColumns:
    """Which input columns hold the id and the three answers (the defaults follow the benchmark files)."""

    id: str = "id"
    job_title: str = "job_title"
    job_description: str = "job_description"
    industry: str = "industry"

    def answer_columns(self) -> dict[str, str]:
        return {"job_title": self.job_title, "job_description": self.job_description, "industry": self.industry}


def check_output_path(path: str | Path) -> Path:
    """Fail before any coding when the output file type is not one we can write."""
    path = Path(path)
    _format(path)
    return path


def _format(path: Path) -> str:
    try:
        return READERS[path.suffix.lower()]
    except KeyError:
        raise AnswerFileError(f"{path}: unknown file type '{path.suffix}'; use .csv, .xlsx or .parquet") from None


def read_answers(path: str | Path, columns: AnswerColumns = AnswerColumns()) -> pd.DataFrame:
    """All columns as text ("" for empty cells), after checking the id and at least one answer column exist."""
    path = Path(path)
    kind = _format(path)
    if not path.is_file():
        raise AnswerFileError(f"{path}: no such file")
    try:
        if kind == "csv":
            frame = _read_csv(path)
        elif kind == "excel":
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="calamine")
        else:
            frame = pd.read_parquet(path).astype("string").fillna("").astype(object)
    except pd.errors.EmptyDataError:
        raise AnswerFileError(f"{path}: the file is empty (no header row)") from None
    except pd.errors.ParserError as error:
        raise AnswerFileError(f"{path}: not a well-formed CSV file: {error}") from None
    if columns.id not in frame.columns:
        raise AnswerFileError(f"{path}: no id column '{columns.id}' (columns are: {', '.join(map(str, frame.columns))}); name it with --id-column")
    defaults = AnswerColumns().answer_columns()
    for field, column in columns.answer_columns().items():
        if column != defaults[field] and column not in frame.columns:
            raise AnswerFileError(f"{path}: no {field} column '{column}' (columns are: {', '.join(map(str, frame.columns))})")
    present = [c for c in columns.answer_columns().values() if c in frame.columns]
    if not present:
        wanted = ", ".join(columns.answer_columns().values())
        raise AnswerFileError(f"{path}: none of the answer columns {wanted} is present (columns are: {', '.join(map(str, frame.columns))})")
    return frame.fillna("")


def _read_csv(path: Path) -> pd.DataFrame:
    """UTF-8 (with or without BOM), else Windows-1252 as Excel writes it, else Latin-1.

    A row with more fields than the header would make pandas drop or shift data, so it is an error naming the line.
    """
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                return pd.read_csv(path, encoding=encoding, dtype=str, keep_default_na=False, index_col=False, on_bad_lines="error")
        except UnicodeDecodeError:
            continue
        except pd.errors.ParserWarning:
            raise AnswerFileError(f"{path}: not a well-formed CSV file: {_ragged_line(path, encoding)}") from None
    raise AnswerFileError(f"{path}: cannot decode the file as UTF-8, Windows-1252 or Latin-1")


def _ragged_line(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, newline="") as handle:
        rows = csv.reader(handle)
        width = len(next(rows, []))
        for row in rows:
            if len(row) > width:
                return f"line {rows.line_num} has {len(row)} fields, the header has {width}"
    return "rows do not match the header"


def answers_from_frame(frame: pd.DataFrame, columns: AnswerColumns = AnswerColumns()) -> list[dict]:
    """Rows as {job_title, job_description, industry} dicts; absent columns read as empty."""
    fields = {field: (frame[col].tolist() if col in frame.columns else [""] * len(frame)) for field, col in columns.answer_columns().items()}
    return [dict(zip(fields, values)) for values in zip(*fields.values())]


def with_results(frame: pd.DataFrame, results: list) -> pd.DataFrame:
    """The input columns followed by the result columns (an input column of the same name is replaced)."""
    if len(results) != len(frame):
        raise RuntimeError(f"{len(results)} results for {len(frame)} rows")
    coded = pd.DataFrame([r.as_row() for r in results], columns=RESULT_COLUMNS, index=frame.index)
    return pd.concat([frame.drop(columns=[c for c in RESULT_COLUMNS if c in frame.columns]), coded], axis=1)


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write in the format the file name asks for."""
    path = Path(path)
    kind = _format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "csv":
        frame.to_csv(path, index=False)
    elif kind == "excel":
        frame.to_excel(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path
