"""Answer files in and coded files out: CSV, Excel or Parquet, every input row kept, in order.

CSV and Parquet are read in chunks (`iter_answer_chunks`), so a file of millions of rows never sits in memory
whole; an Excel workbook is read whole (its format has no streaming reader) and then handed out in chunks.
Every cell arrives as text: a number or a date in an answer column is turned into text and reported as a
`Problem` naming its row and column. Output is written to a temporary file beside the target and renamed over
it only when complete (`TableWriter`); cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import math
import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .results import CONFIDENCE_COLUMNS, RESULT_COLUMNS

READERS = {".csv": "csv", ".xlsx": "excel", ".xls": "excel", ".parquet": "parquet", ".pq": "parquet"}
WRITERS = {".csv": "csv", ".xlsx": "excel", ".parquet": "parquet", ".pq": "parquet"}
# Tried in order: UTF-8 (a BOM is dropped), then Windows-1252 as Excel on a UK PC writes it, then Latin-1,
# which decodes any byte (it is reached only for the five bytes that Windows-1252 leaves undefined).
CSV_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252", "latin-1": "Latin-1"}
EXCEL_MAX_ROWS = 1_048_576  # rows in one sheet, the header included
EXCEL_MAX_CELL = 32_767  # characters in one cell
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d+)*|\.\d+)")


class AnswerFileError(ValueError):
    """An answers file that cannot be read (or a coded file that cannot be written) as asked: names the file."""


@dataclass(frozen=True)
class AnswerColumns:
    """Which input columns hold the id and the three answers (the defaults follow the benchmark files)."""

    id: str = "id"
    job_title: str = "job_title"
    job_description: str = "job_description"
    industry: str = "industry"

    def answer_columns(self) -> dict[str, str]:
        return {"job_title": self.job_title, "job_description": self.job_description, "industry": self.industry}


@dataclass(frozen=True)
class Problem:
    """Something wrong with one cell or row that did not stop the row being coded. `row` counts data rows from 1."""

    row: int
    id: str
    column: str
    kind: str
    message: str

    def describe(self) -> str:
        where = f"row {self.row} (id {_short(self.id)!s})" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"

    def as_record(self) -> dict:
        return asdict(self)


@dataclass
class Chunk:
    """Consecutive rows of an answers file, all cells as text; `frame.index` is the 0-based row position."""

    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)


@dataclass
class AnswerFile:
    """An answers file opened for reading: its columns checked, its encoding found; `chunks()` streams it."""

    path: Path
    columns: AnswerColumns
    kind: str
    header: list[str]
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)

    def chunks(self, chunk_rows: int = 50_000) -> Iterator[Chunk]:
        """Every row once, in order, in chunks of `chunk_rows`; a header-only file gives one empty chunk."""
        if chunk_rows < 1:
            raise ValueError("chunk_rows must be at least 1")
        reader = {"csv": self._csv_chunks, "excel": self._excel_chunks, "parquet": self._parquet_chunks}[self.kind]
        empty = True
        for chunk in reader(chunk_rows):
            empty = False
            yield chunk
        if empty:
            yield Chunk(pd.DataFrame({name: pd.Series([], dtype=object) for name in self.header}))

    def _csv_chunks(self, chunk_rows: int) -> Iterator[Chunk]:
        reader = self._parsed(lambda: _csv_reader(self.path, self.encoding, chunksize=chunk_rows))
        with reader:
            while True:
                try:
                    frame = self._parsed(lambda: next(reader))
                except StopIteration:
                    return
                yield Chunk(frame.fillna(""))

    def _parsed(self, step):
        """`step()` with pandas' complaints about the CSV turned into an AnswerFileError naming the line."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                return step()
        except pd.errors.ParserWarning:
            raise AnswerFileError(f"{self.path}: not a well-formed CSV file: {_ragged_line(self.path, self.encoding)}") from None
        except pd.errors.ParserError as error:
            raise AnswerFileError(f"{self.path}: not a well-formed CSV file: {_parser_message(error)}") from None

    def _excel_chunks(self, chunk_rows: int) -> Iterator[Chunk]:
        frame = _read_excel(self.path)
        for start in range(0, len(frame), chunk_rows):
            yield self._as_text(frame.iloc[start : start + chunk_rows])

    def _parquet_chunks(self, chunk_rows: int) -> Iterator[Chunk]:
        import pyarrow.parquet as pq

        start = 0
        with pq.ParquetFile(self.path) as source:
            for batch in source.iter_batches(batch_size=chunk_rows):
                frame = batch.to_pandas()
                frame.index = pd.RangeIndex(start, start + len(frame))
                start += len(frame)
                yield self._as_text(frame)

    def _as_text(self, frame: pd.DataFrame) -> Chunk:
        """Every cell as text; a non-text value in an answer column is a Problem naming its row and column."""
        answer_columns = {c for c in self.columns.answer_columns().values() if c in frame.columns}
        ids = frame[self.columns.id].map(lambda v: cell_text(v)[0]) if self.columns.id in frame.columns else None
        problems, text = [], {}
        for column in frame.columns:
            values = frame[column].tolist()
            converted = [cell_text(v) for v in values]
            text[column] = [t for t, _ in converted]
            if column in answer_columns:
                for position, (value, (rendered, kind)) in enumerate(zip(values, converted)):
                    if kind:
                        row = int(frame.index[position])
                        problems.append(Problem(row + 1, ids.iloc[position], str(column), "not text",
                                                f"{kind} ({_short(rendered)}), not text: read as the text '{_short(rendered)}'"))
        return Chunk(pd.DataFrame(text, index=frame.index, columns=frame.columns, dtype=object), problems)


def open_answers(path: str | Path, columns: AnswerColumns = AnswerColumns()) -> AnswerFile:
    """Open an answers file for streaming: fails at once (AnswerFileError) when it cannot be read or lacks a column."""
    path = Path(path)
    kind = _format(path, READERS)
    if not path.is_file():
        raise AnswerFileError(f"{path}: no such file")
    encoding, notes = None, []
    if kind == "csv":
        encoding = detect_encoding(path)
        if encoding != "utf-8-sig":
            notes.append(f"{path.name} is not UTF-8: read as {ENCODING_NAMES[encoding]}")
        header = _csv_header(path, encoding)
    elif kind == "excel":
        first = _read_excel(path, nrows=1, header=None)
        header = [cell_text(v)[0] for v in first.iloc[0]] if len(first) else []
        notes.append(f"{path.name}: Excel workbooks are read whole, not streamed; for files of more than a few hundred "
                     "thousand rows use .csv or .parquet")
    else:
        header = _parquet_header(path)
    _check_columns(path, header, columns)
    return AnswerFile(path, columns, kind, header, encoding, notes)


def read_answers(path: str | Path, columns: AnswerColumns = AnswerColumns()) -> pd.DataFrame:
    """The whole file, all columns as text ("" for empty cells), after checking the id and answer columns exist."""
    frames = [chunk.frame for chunk in open_answers(path, columns).chunks(chunk_rows=1_000_000)]
    return pd.concat(frames) if len(frames) > 1 else frames[0]


def check_output_path(path: str | Path) -> Path:
    """Fail before any coding when the output file type is not one we can write."""
    path = Path(path)
    _format(path, WRITERS)
    return path


def _format(path: Path, formats: dict[str, str]) -> str:
    try:
        return formats[path.suffix.lower()]
    except KeyError:
        raise AnswerFileError(f"{path}: unknown file type '{path.suffix}'; use .csv, .xlsx or .parquet") from None


def _check_columns(path: Path, header: list[str], columns: AnswerColumns) -> None:
    present = ", ".join(header) or "none"
    if columns.id not in header:
        raise AnswerFileError(f"{path}: no id column '{columns.id}' (columns are: {present}); name it with --id-column")
    defaults = AnswerColumns().answer_columns()
    for name, column in columns.answer_columns().items():
        if column != defaults[name] and column not in header:
            raise AnswerFileError(f"{path}: no {name} column '{column}' (columns are: {present})")
    if not any(c in header for c in columns.answer_columns().values()):
        wanted = ", ".join(columns.answer_columns().values())
        raise AnswerFileError(f"{path}: none of the answer columns {wanted} is present (columns are: {present}); "
                              "name them with --title-column, --description-column, --industry-column")
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise AnswerFileError(f"{path}: the header names column(s) {', '.join(duplicated)} more than once")


def detect_encoding(path: Path) -> str:
    """The first of CSV_ENCODINGS that decodes the whole file (read in blocks, so memory stays flat); UTF-16 by its BOM."""
    with open(path, "rb") as handle:
        if handle.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    decoder.decode(block)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"  # not reached: Latin-1 decodes every byte


def _csv_reader(path: Path, encoding: str | None, **options):
    return pd.read_csv(path, encoding=encoding, dtype=str, keep_default_na=False, index_col=False, on_bad_lines="error", **options)


def _csv_header(path: Path, encoding: str) -> list[str]:
    try:
        first = _csv_reader(path, encoding, nrows=1, header=None)
        return ["" if pd.isna(v) else str(v) for v in first.iloc[0]] if len(first) else []
    except pd.errors.EmptyDataError:
        raise AnswerFileError(f"{path}: the file is empty (no header row)") from None
    except pd.errors.ParserError as error:
        raise AnswerFileError(f"{path}: not a well-formed CSV file: {_parser_message(error)}") from None


def _parser_message(error: Exception) -> str:
    return str(error).replace("Error tokenizing data. C error: ", "").strip()


def _ragged_line(path: Path, encoding: str | None) -> str:
    with open(path, encoding=encoding, newline="") as handle:
        rows = csv.reader(handle)
        width = len(next(rows, []))
        for row in rows:
            if len(row) > width:
                return f"line {rows.line_num} has {len(row)} fields, the header has {width}"
    return "rows do not match the header"


def _read_excel(path: Path, **options) -> pd.DataFrame:
    try:
        frame = pd.read_excel(path, dtype=object, engine="calamine", **options)
    except Exception as error:  # calamine raises its own error types for a damaged or non-Excel file
        raise AnswerFileError(f"{path}: not a readable Excel workbook ({type(error).__name__}: {error})") from None
    if options.get("header", 0) is not None:
        frame.columns = [str(c) for c in frame.columns]
    return frame


def _parquet_header(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except Exception as error:  # pyarrow raises ArrowInvalid / OSError for a file that is not Parquet
        raise AnswerFileError(f"{path}: not a readable Parquet file ({type(error).__name__}: {error})") from None


def cell_text(value: object) -> tuple[str, str | None]:
    """(text, what the value was when it was not text) for one cell of an Excel or Parquet file."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "", None
    if isinstance(value, str):
        return value, None
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).upper(), "a true/false value"
    if isinstance(value, (int, np.integer)):
        return str(int(value)), "a number"
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return (str(int(number)) if number.is_integer() else repr(number)), "a number"
    if isinstance(value, dt.datetime):
        midnight = value.time() == dt.time(0)
        return (value.date().isoformat() if midnight else value.isoformat(sep=" ")), "a date"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat(), "a date" if isinstance(value, dt.date) else "a time"
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace"), "binary data"
    return str(value), f"a {type(value).__name__} value"


def _short(text: object, limit: int = 60) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def answers_from_frame(frame: pd.DataFrame, columns: AnswerColumns = AnswerColumns()) -> list[dict]:
    """Rows as {job_title, job_description, industry} dicts; absent columns read as empty."""
    fields = {field: (frame[col].tolist() if col in frame.columns else [""] * len(frame)) for field, col in columns.answer_columns().items()}
    return [dict(zip(fields, values)) for values in zip(*fields.values())]


def with_results(frame: pd.DataFrame, results: list) -> pd.DataFrame:
    """The input columns followed by the result columns (an input column of the same name is replaced).

    `results` are CodingResults or rows of RESULT_COLUMNS values.
    """
    if len(results) != len(frame):
        raise RuntimeError(f"{len(results)} results for {len(frame)} rows")
    rows = [r.as_tuple() if hasattr(r, "as_tuple") else r for r in results]
    values = [list(column) for column in zip(*rows)] if rows else [[] for _ in RESULT_COLUMNS]
    coded = pd.DataFrame({c: pd.Series(v, index=frame.index, dtype=float if c in CONFIDENCE_COLUMNS else object)
                          for c, v in zip(RESULT_COLUMNS, values)})
    return pd.concat([frame.drop(columns=[c for c in RESULT_COLUMNS if c in frame.columns]), coded], axis=1)


def neutralise_formula(value: object) -> object:
    """A text that a spreadsheet would run as a formula (it starts with = + - @, a tab or a carriage return)
    gets a leading apostrophe, so it shows as text; plain numbers such as -12 are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with neutralise_formula applied to every text cell, input columns included."""
    out = frame.copy()
    first_characters = set(_FORMULA_START)
    for position, column in enumerate(out.columns):
        if pd.api.types.is_numeric_dtype(out.iloc[:, position]):
            continue
        values = out.iloc[:, position].tolist()
        # only cells starting with a formula character can change: look at the others no further
        risky = [i for i, v in enumerate(values) if type(v) is str and v[:1] in first_characters or (type(v) is not str and isinstance(v, str))]
        if risky:
            for i in risky:
                values[i] = neutralise_formula(values[i])
            out.isetitem(position, pd.Series(values, index=out.index, dtype=out.dtypes.iloc[position]))
    return out


def check_sheet_fits(path: Path, rows: int) -> None:
    """An error when `rows` data rows (and the header) would not fit in one Excel sheet."""
    if rows + 1 > EXCEL_MAX_ROWS:
        raise AnswerFileError(f"{path}: more than {EXCEL_MAX_ROWS - 1:,} rows do not fit in an Excel sheet; write .csv or .parquet")


class TableWriter:
    """Writes a table chunk by chunk to a temporary file beside `path`; `commit()` renames it over `path`.

    A run that stops early leaves `path` as it was (absent, or the previous complete file). CSV and Excel
    output is neutralised against formula injection; Parquet keeps values exactly.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.kind = _format(self.path, WRITERS)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.temp = self.path.with_name(f".{self.path.stem}.{os.getpid()}.partial{self.path.suffix}")
        self.rows = 0
        self.notes: list[str] = []
        self._handle = self._workbook = self._sheet = self._parquet = None
        self._trimmed = self._stripped = 0

    def write(self, frame: pd.DataFrame) -> None:
        if self.kind == "csv":
            self._write_csv(neutralised(frame))
        elif self.kind == "excel":
            self._write_excel(neutralised(frame))
        else:
            self._write_parquet(frame)
        self.rows += len(frame)

    def _write_csv(self, frame: pd.DataFrame) -> None:
        first = self._handle is None
        if first:
            self._handle = open(self.temp, "w", encoding="utf-8", newline="")
        frame.to_csv(self._handle, index=False, header=first)

    def _write_excel(self, frame: pd.DataFrame) -> None:
        if self._workbook is None:
            from openpyxl import Workbook

            self._workbook = Workbook(write_only=True)
            self._sheet = self._workbook.create_sheet("coded")
            self._sheet.append([self._excel_cell(c) for c in frame.columns])
        check_sheet_fits(self.path, self.rows + len(frame))
        for row in frame.itertuples(index=False, name=None):
            self._sheet.append([self._excel_cell(v) for v in row])

    def _excel_cell(self, value: object) -> object:
        if not isinstance(value, str):
            return value
        if _ILLEGAL_IN_XLSX.search(value):
            self._stripped += 1
            value = _ILLEGAL_IN_XLSX.sub("", value)
        if len(value) > EXCEL_MAX_CELL:
            self._trimmed += 1
            value = value[:EXCEL_MAX_CELL]
        return value

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._parquet is None:
            schema = pa.schema([(str(c), pa.float64() if c in CONFIDENCE_COLUMNS else pa.string()) for c in frame.columns])
            self._parquet = pq.ParquetWriter(self.temp, schema)
        table = pa.Table.from_pandas(frame.astype({c: object for c in frame.columns if c not in CONFIDENCE_COLUMNS}),
                                     schema=self._parquet.schema, preserve_index=False)
        self._parquet.write_table(table)

    def _close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        if self._workbook is not None:
            self._workbook.save(self.temp)
            self._workbook = None
        if self._parquet is not None:
            self._parquet.close()

    def commit(self) -> Path:
        """Finish the file and put it in place in one rename."""
        self._close()
        if not self.temp.exists():
            raise RuntimeError("nothing was written")
        if self._trimmed:
            self.notes.append(f"{self._trimmed} cell(s) longer than Excel's {EXCEL_MAX_CELL:,} characters were cut to fit")
        if self._stripped:
            self.notes.append(f"{self._stripped} cell(s) held control characters that Excel cannot store; they were dropped")
        os.replace(self.temp, self.path)
        return self.path

    def abort(self) -> None:
        try:
            self._close()
        finally:
            self.temp.unlink(missing_ok=True)

    def __enter__(self) -> "TableWriter":
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None:
            self.abort()


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a whole table in the format the file name asks for, atomically."""
    with TableWriter(path) as writer:
        writer.write(frame)
        return writer.commit()
