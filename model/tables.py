"""Answer files in and coded files out: CSV, Excel or Parquet, every input row kept, in order."""

from __future__ import annotations

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
    if kind == "csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elif kind == "excel":
        frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="calamine")
    else:
        frame = pd.read_parquet(path).astype("string").fillna("").astype(object)
    if columns.id not in frame.columns:
        raise AnswerFileError(f"{path}: no id column '{columns.id}' (columns are: {', '.join(map(str, frame.columns))}); name it with --id-column")
    present = [c for c in columns.answer_columns().values() if c in frame.columns]
    if not present:
        wanted = ", ".join(columns.answer_columns().values())
        raise AnswerFileError(f"{path}: none of the answer columns {wanted} is present (columns are: {', '.join(map(str, frame.columns))})")
    return frame.fillna("")


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
