"""Reading a manually coded benchmark file into rows with their acceptable gold codes, codable flag and status.

The benchmark layout is the one in shared/benchmarks/README.md (`gold_codes` `;`-separated, first preferred;
`codable` yes/no; in cases.csv a `status`). A plain file with one gold column works too: name the columns,
and the missing ones get defaults (codable = has a gold code, status = `occupation`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from model.rules import NOT_IN_EMPLOYMENT, UNCODABLE
from model.tables import AnswerColumns, AnswerFileError, read_answers

OCCUPATION = "occupation"
GOLD_STATUSES = (OCCUPATION, NOT_IN_EMPLOYMENT, UNCODABLE)
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_UNIT_GROUP = re.compile(r"\d{4}")


class BenchmarkError(ValueError):
    """A benchmark file that cannot be scored as it stands: names the file, the row and the column."""


@dataclass(frozen=True)
class BenchmarkColumns:
    """Column names in a benchmark file; `codable` and `status` may be absent from the file."""

    id: str = "id"
    job_title: str = "job_title"
    job_description: str = "job_description"
    industry: str = "industry"
    gold: str = "gold_codes"
    codable: str = "codable"
    status: str = "status"
    separator: str = ";"

    def answers(self) -> AnswerColumns:
        return AnswerColumns(self.id, self.job_title, self.job_description, self.industry)


@dataclass(frozen=True, eq=False)
class Benchmark:
    """`rows` has id, job_title, job_description, industry, golds (list of codes, first preferred),
    codable (bool) and gold_status; `sha256` identifies the file in reports and mlflow."""

    name: str
    path: Path
    rows: pd.DataFrame
    sha256: str

    def __len__(self) -> int:
        return len(self.rows)

    def answers(self) -> list[dict]:
        return self.rows[["job_title", "job_description", "industry"]].to_dict("records")


def gold_codes(value: str, separator: str = ";") -> list[str]:
    """Distinct codes of a gold cell in order, first preferred; "2136.0" (a spreadsheet number) read as "2136"."""
    codes = []
    for part in str(value).split(separator):
        code = part.strip()
        code = code[:-2] if re.fullmatch(r"\d{4}\.0", code) else code  # 2136.0 from a spreadsheet number
        if code and code not in codes:
            codes.append(code)
    return codes


def _flag(value: str) -> bool | None:
    text = str(value).strip().lower()
    return True if text in _YES else False if text in _NO else None


def read_benchmark(path: str | Path, columns: BenchmarkColumns = BenchmarkColumns()) -> Benchmark:
    """Read and check a benchmark: every gold code a 4-digit unit group, every codable row with a gold code."""
    path = Path(path)
    try:
        frame = read_answers(path, columns.answers())
    except AnswerFileError as error:
        raise BenchmarkError(str(error)) from None
    if columns.gold not in frame.columns:
        raise BenchmarkError(f"{path}: no gold column '{columns.gold}' (columns are: {', '.join(map(str, frame.columns))})")
    rows = []
    for record in frame.to_dict("records"):
        row_id = record[columns.id]
        golds = gold_codes(record[columns.gold], columns.separator)
        bad = [code for code in golds if not _UNIT_GROUP.fullmatch(code)]
        if bad:
            raise BenchmarkError(f"{path}: row {row_id}: '{bad[0]}' in {columns.gold} is not a 4-digit SOC 2020 unit group")
        codable = _flag(record[columns.codable]) if columns.codable in record else bool(golds)
        if codable is None:
            raise BenchmarkError(f"{path}: row {row_id}: {columns.codable} is '{record[columns.codable]}', expected yes or no")
        status = str(record.get(columns.status, "") or OCCUPATION).strip() or OCCUPATION
        if status not in GOLD_STATUSES:
            raise BenchmarkError(f"{path}: row {row_id}: {columns.status} is '{status}', expected one of {', '.join(GOLD_STATUSES)}")
        if codable and not golds:
            raise BenchmarkError(f"{path}: row {row_id} is codable but has no gold code")
        rows.append({
            "id": row_id,
            "job_title": record.get(columns.job_title, ""),
            "job_description": record.get(columns.job_description, ""),
            "industry": record.get(columns.industry, ""),
            "golds": golds,
            "codable": codable,
            "gold_status": status,
        })
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    table = pd.DataFrame(rows, columns=["id", "job_title", "job_description", "industry", "golds", "codable", "gold_status"])
    return Benchmark(name=path.stem, path=path, rows=table, sha256=digest)
