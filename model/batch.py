"""Coding a whole answers file: streamed in chunks, each distinct answer coded once, resumable, written atomically.

`code_file` reads the input in chunks of `chunk_rows` rows (model.tables), so memory depends on the chunk size
and the cache, not on the file's length. Within a chunk each distinct answer (its three fields after
model.text.clean, which is exactly what the coder sees) is coded once; a bounded least-recently-used cache
carries the results of frequent answers ("care assistant") across chunks.

Each finished chunk is saved under `<output>.parts/` (a Parquet part, the ids' hashes for the duplicate-id
check, the chunk's problems as JSON lines) before `state.json` records it, so a run that is killed can be
continued from the last finished chunk with `resume=True`. The output file itself is written only when every
chunk is done: to a temporary file beside it, then renamed (model.tables.TableWriter).

The one thing that grows with the file is the duplicate-id check: 16 bytes a row (a 64-bit hash of the id and
its row number), 48 MB for 3 million rows.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .artifact import sha256_of
from .results import RESULT_COLUMNS
from .tables import (AnswerColumns, AnswerFileError, Chunk, Problem, TableWriter, _short, check_output_path, check_sheet_fits,
                     neutralise_formula, open_answers, with_results)
from .text import clean

STATE_FORMAT = 2  # 2: parts carry the scheme columns (model.results.SCHEME_COLUMNS)
ANSWER_FIELDS = ("job_title", "job_description", "industry")
CODING_BATCH = 8192  # distinct answers handed to the coder at a time; bounds the memory of one call
MODEL_BATCH = 1024  # answers scored together inside the coder (one batch per thread): its arrays grow with this
EXAMPLE_PROBLEMS = 10


class BatchError(RuntimeError):
    """A batch run that cannot start or continue as asked (an unfinished run in the way, a resume that does not match)."""


@dataclass(frozen=True)
class BatchOptions:
    chunk_rows: int = 50_000
    cache_size: int = 50_000  # coded answers kept across chunks (about 1.3 kB each)
    max_answer_chars: int = 2_000  # longer fields are coded on their start (the encoder reads 256 tokens at most)
    resume: bool = False


@dataclass
class BatchSummary:
    """What a run did; the counts cover the whole file, resumed chunks included."""

    output: Path
    rows: int = 0
    chunks: int = 0
    resumed_chunks: int = 0
    coded_answers: int = 0  # distinct answers sent to the model
    cache_hits: int = 0  # rows whose answer was already coded in an earlier chunk
    statuses: Counter = field(default_factory=Counter)
    problem_counts: Counter = field(default_factory=Counter)
    problem_examples: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems_file: Path | None = None

    def _state(self) -> dict:
        return {"rows": self.rows, "chunks": self.chunks, "coded_answers": self.coded_answers, "cache_hits": self.cache_hits,
                "statuses": dict(self.statuses), "problem_counts": dict(self.problem_counts)}

    def _restore(self, saved: dict) -> None:
        for key in ("rows", "chunks", "coded_answers", "cache_hits"):
            setattr(self, key, saved[key])
        self.statuses, self.problem_counts = Counter(saved["statuses"]), Counter(saved["problem_counts"])


class AnswerCache:
    """Result rows by answer key, least recently used dropped first once `capacity` is reached."""

    def __init__(self, capacity: int):
        self.capacity = max(0, capacity)
        self._rows: OrderedDict[tuple, tuple] = OrderedDict()

    def get(self, key: tuple) -> tuple | None:
        row = self._rows.get(key)
        if row is not None:
            self._rows.move_to_end(key)
        return row

    def put(self, key: tuple, row: tuple) -> None:
        if self.capacity == 0:
            return
        self._rows[key] = row
        self._rows.move_to_end(key)
        while len(self._rows) > self.capacity:
            self._rows.popitem(last=False)

    def __len__(self) -> int:
        return len(self._rows)


class _IdRegister:
    """Every id seen so far as (64-bit hash, row), sorted by hash, to name the earlier row of a duplicate id."""

    def __init__(self):
        self.hashes = np.zeros(0, dtype=np.uint64)
        self.rows = np.zeros(0, dtype=np.int64)

    @staticmethod
    def hash_ids(ids: list[str]) -> np.ndarray:
        return pd.util.hash_array(np.asarray(ids, dtype=object)) if ids else np.zeros(0, dtype=np.uint64)

    def add(self, hashes: np.ndarray, rows: np.ndarray) -> dict[int, int]:
        """Record a chunk's ids; {row: earlier row with the same id} for each duplicate (rows from 1)."""
        earlier: dict[int, int] = {}
        if len(self.hashes):
            at = np.minimum(np.searchsorted(self.hashes, hashes), len(self.hashes) - 1)
            seen = self.hashes[at] == hashes
            earlier.update(zip(rows[seen].tolist(), self.rows[at[seen]].tolist()))
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        starts = np.r_[True, ordered[1:] != ordered[:-1]] if len(ordered) else np.zeros(0, dtype=bool)
        group_start = np.maximum.accumulate(np.where(starts, np.arange(len(ordered)), 0))
        for position in np.flatnonzero(~starts):
            earlier.setdefault(int(rows[order[position]]), int(rows[order[group_start[position]]]))
        self.hashes = np.concatenate([self.hashes, hashes])
        self.rows = np.concatenate([self.rows, rows])
        merged = np.argsort(self.hashes, kind="stable")
        self.hashes, self.rows = self.hashes[merged], self.rows[merged]
        return earlier


class _RunFolder:
    """`<output>.parts/`: the finished chunks of a run and `state.json`, which says how many there are."""

    def __init__(self, output: Path):
        self.path = output.with_name(output.name + ".parts")
        self.state_file = self.path / "state.json"

    def part(self, index: int) -> Path:
        return self.path / f"part-{index:06d}.parquet"

    def ids(self, index: int) -> Path:
        return self.path / f"ids-{index:06d}.npy"

    def problems(self, index: int) -> Path:
        return self.path / f"problems-{index:06d}.jsonl"

    def read_state(self) -> dict | None:
        if not self.state_file.is_file():
            return None
        try:
            return json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise BatchError(f"{self.state_file} is damaged ({error}); delete {self.path} to start over") from None

    def write_state(self, state: dict) -> None:
        _replace_text(self.state_file, json.dumps(state, indent=1))

    def check_finished(self, chunks: int) -> None:
        """Before a resume: each finished chunk's ids, part and problems are there and readable (the ids' header
        and size, the part's Parquet footer, the problems opened: the data itself is read once, later), so a
        damaged folder is an error naming the file, not a crash part-way."""
        import pyarrow.parquet as pq

        for index in range(chunks):
            for path, read in ((self.ids(index), lambda p: np.load(p, mmap_mode="r", allow_pickle=False)),
                               (self.part(index), pq.read_metadata), (self.problems(index), lambda p: open(p, "rb").close())):
                try:
                    read(path)
                except Exception as error:  # missing, truncated or not what it should be
                    reason = "is missing" if not path.exists() else f"is damaged ({type(error).__name__}: {error})"
                    raise BatchError(f"cannot resume: {path} {reason}; delete {self.path} to start over") from None


def code_file(
    coder,
    input_path: str | Path,
    output_path: str | Path,
    columns: AnswerColumns = AnswerColumns(),
    options: BatchOptions = BatchOptions(),
    model_id: str = "",
    problems_path: str | Path | None = None,
    progress: bool = False,
    on_chunk: Callable[[int, BatchSummary], None] | None = None,
) -> BatchSummary:
    """Code every row of `input_path` into `output_path`: the input columns plus model.results.RESULT_COLUMNS.

    `model_id` identifies the model (model.artifact.model_fingerprint) so that a resume refuses another model.
    `problems_path` (.csv) receives every Problem found; `on_chunk(index, summary)` is called after each chunk
    is saved. Raises AnswerFileError for an unreadable input and BatchError for a run that cannot go on.
    """
    output = check_output_path(output_path)
    problems_out = Path(problems_path) if problems_path else None
    if problems_out is not None and problems_out.suffix.lower() != ".csv":
        raise AnswerFileError(f"{problems_out}: the problems file is written as .csv")
    source = open_answers(input_path, columns)
    folder = _RunFolder(output)
    fingerprint = _fingerprint(source.path, columns, options, model_id)
    summary = BatchSummary(output=output, notes=list(source.notes))
    done = _start_or_resume(folder, fingerprint, options.resume, summary)
    ids = _IdRegister()
    cache = AnswerCache(options.cache_size)
    bar = tqdm(desc="coding", unit=" rows", disable=not progress, initial=summary.rows, smoothing=0.05)
    try:
        for index, chunk in enumerate(source.chunks(options.chunk_rows)):
            if index < done:
                saved = np.load(folder.ids(index), allow_pickle=False)
                ids.add(saved[0].view(np.uint64), saved[1])
                continue
            if output.suffix.lower() == ".xlsx":
                check_sheet_fits(output, summary.rows + len(chunk.frame))  # before coding rows that could not be written
            coded, id_hashes, problems = _code_chunk(coder, chunk, columns, options, cache, ids, summary)
            _save_chunk(folder, index, coded, id_hashes, problems)
            rows = len(coded)
            del coded, chunk
            _release_memory()
            summary.rows += rows
            summary.chunks = index + 1
            folder.write_state({**fingerprint, "chunks_done": index + 1, "summary": summary._state()})
            bar.update(rows)
            bar.set_postfix(coded=summary.coded_answers, cached=summary.cache_hits, refresh=False)
            if on_chunk is not None:
                on_chunk(index, summary)
    finally:
        bar.close()
    _assemble(folder, summary, output, problems_out)
    shutil.rmtree(folder.path)
    return summary


def _release_memory() -> None:
    """Hand memory freed by a chunk back to the system, so the resident size stays flat from chunk to chunk.

    Without it glibc keeps the freed heap of each chunk's many small strings and pyarrow's pool keeps its
    buffers, and the resident size creeps up (seen here: 1.34 GB after the first 50,000-row chunk, 1.55 GB after three).
    """
    import ctypes
    import gc

    import pyarrow as pa

    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def _fingerprint(path: Path, columns: AnswerColumns, options: BatchOptions, model_id: str) -> dict:
    """What a resumed run must share with the run it continues."""
    return {
        "format": STATE_FORMAT,
        "input": str(path.resolve()),
        "input_sha256": sha256_of(path),
        "model": model_id,
        "columns": asdict(columns),
        "chunk_rows": options.chunk_rows,
        "max_answer_chars": options.max_answer_chars,
    }


def _start_or_resume(folder: _RunFolder, fingerprint: dict, resume: bool, summary: BatchSummary) -> int:
    """Chunks already finished (0 for a new run); the run folder is ready for the next chunk."""
    state = folder.read_state()
    if state is not None and not resume:
        raise BatchError(
            f"{folder.path} holds an unfinished run of this output ({state.get('chunks_done', 0)} chunk(s) done): "
            f"add --resume to continue it, or delete that folder to start over")
    if state is None:
        if resume:
            summary.notes.append("nothing to resume: started from the first row")
        if folder.path.exists():
            shutil.rmtree(folder.path)
        folder.path.mkdir(parents=True)
        folder.write_state({**fingerprint, "chunks_done": 0, "summary": summary._state()})
        return 0
    differ = [key for key in fingerprint if state.get(key) != fingerprint[key]]
    if differ:
        names = {"input_sha256": "the input file's contents", "model": "the model", "input": "the input file",
                 "columns": "the column names", "chunk_rows": "--chunk-rows", "max_answer_chars": "the answer length limit",
                 "format": "the soc-coder version"}
        raise BatchError(f"cannot resume {folder.path}: {', '.join(names.get(k, k) for k in differ)} differ(s) from the "
                         "interrupted run; run with the same input, model and options, or delete that folder to start over")
    done = int(state["chunks_done"])
    folder.check_finished(done)
    summary._restore(state["summary"])
    summary.resumed_chunks = done
    summary.notes.append(f"resumed after {done} finished chunk(s) ({summary.rows:,} rows)")
    return done


def _code_chunk(coder, chunk: Chunk, columns: AnswerColumns, options: BatchOptions, cache: AnswerCache,
                ids: _IdRegister, summary: BatchSummary) -> tuple[pd.DataFrame, np.ndarray, list[Problem]]:
    frame = chunk.frame
    problems = list(chunk.problems)
    rows = (frame.index.to_numpy(dtype=np.int64) + 1) if len(frame) else np.zeros(0, dtype=np.int64)
    row_ids = frame[columns.id].tolist()
    id_hashes = _IdRegister.hash_ids([str(i) for i in row_ids])
    problems += _id_problems(row_ids, id_hashes, rows, columns.id, ids)
    keys = answer_keys(frame, columns, options.max_answer_chars, rows, row_ids, problems)
    coded = code_answer_keys(coder, keys, cache)
    summary.cache_hits += coded.cache_hits
    summary.coded_answers += coded.coded_answers
    result_rows = coded.rows
    summary.statuses.update(row[RESULT_COLUMNS.index("status")] for row in result_rows)
    problems.sort(key=lambda p: p.row)
    summary.problem_counts.update(p.kind for p in problems)
    _keep_examples(summary, problems)
    return with_results(frame, result_rows), id_hashes, problems


@dataclass
class CodedKeys:
    """Result rows for a list of answer keys: `rows[i]` holds the RESULT_COLUMNS values of `keys[i]`."""

    rows: list[tuple]
    coded_answers: int  # distinct keys sent to the model
    cache_hits: int  # keys answered from the cache


def code_answer_keys(coder, keys: list[tuple], cache: AnswerCache, threads: int | None = None) -> CodedKeys:
    """RESULT_COLUMNS values for each answer key, each distinct key coded once (or taken from `cache`), on
    `threads` coding threads (default: one per core; model.coder.SocCoder.code).

    The one place where answers become result rows, shared by `code_file` and the Spark path (model.spark),
    so both give the same columns and values for the same answers.
    """
    results: dict[tuple, tuple] = {}
    for key in dict.fromkeys(keys):
        row = cache.get(key)
        if row is not None:
            results[key] = row
    cache_hits = sum(1 for key in keys if key in results)
    todo = [key for key in dict.fromkeys(keys) if key not in results]
    for start in range(0, len(todo), CODING_BATCH):
        batch = todo[start : start + CODING_BATCH]
        coded = coder.code([dict(zip(ANSWER_FIELDS, key)) for key in batch], batch_size=MODEL_BATCH, threads=threads)
        for key, result in zip(batch, coded):
            row = result.as_tuple()
            results[key] = row
            cache.put(key, row)
    return CodedKeys([results[key] for key in keys], len(todo), cache_hits)


def answer_keys(frame: pd.DataFrame, columns: AnswerColumns, limit: int, rows: np.ndarray, row_ids: list,
                problems: list[Problem]) -> list[tuple]:
    """Each row's answer as the coder will see it: cleaned fields, cut to `limit` characters (a Problem when cut).
    Each distinct value of a column is cleaned once."""
    fields = []
    for name, column in columns.answer_columns().items():
        if column not in frame.columns:
            fields.append([""] * len(frame))
            continue
        cleaned: dict[str, str] = {}
        values = []
        for position, value in enumerate(frame[column].tolist()):
            value = value if isinstance(value, str) else str(value)
            if len(value) > limit:
                problems.append(Problem(int(rows[position]), row_ids[position], column, "long answer",
                                        f"{len(value):,} characters; coded on the first {limit:,} (the output keeps them all)"))
                value = value[:limit]
            text = cleaned.get(value)
            if text is None:
                text = cleaned[value] = clean(value)
            values.append(text)
        fields.append(values)
    return list(zip(*fields))


def _id_problems(row_ids: list, id_hashes: np.ndarray, rows: np.ndarray, column: str, ids: _IdRegister) -> list[Problem]:
    problems = [Problem(int(r), "", column, "empty id", "the id is empty") for r, i in zip(rows, row_ids) if not str(i).strip()]
    earlier = ids.add(id_hashes, rows)
    by_row = dict(zip(rows.tolist(), row_ids))
    for row, first in sorted(earlier.items()):
        if str(by_row[row]).strip():
            problems.append(Problem(row, by_row[row], column, "duplicate id", f"the id '{_short(by_row[row])}' is also on row {first}"))
    return sorted(problems, key=lambda p: p.row)


def _keep_examples(summary: BatchSummary, problems: list[Problem]) -> None:
    room = EXAMPLE_PROBLEMS - len(summary.problem_examples)
    if room > 0:
        summary.problem_examples.extend(problems[:room])


def _save_chunk(folder: _RunFolder, index: int, coded: pd.DataFrame, id_hashes: np.ndarray, problems: list[Problem]) -> None:
    """The chunk's part, id hashes and problems, each put in place by a rename; state.json is written after."""
    with TableWriter(folder.part(index)) as writer:
        writer.write(coded)
        writer.commit()
    rows = coded.index.to_numpy(dtype=np.int64) + 1
    temp = folder.ids(index).with_name(f"ids-{index:06d}.tmp.npy")
    np.save(temp, np.vstack([id_hashes.view(np.int64), rows]), allow_pickle=False)
    os.replace(temp, folder.ids(index))
    _replace_text(folder.problems(index), "".join(json.dumps(p.as_record(), ensure_ascii=False) + "\n" for p in problems))


def _assemble(folder: _RunFolder, summary: BatchSummary, output: Path, problems_out: Path | None) -> None:
    """Every part, in order, into the output file; the problems into `problems_out`; examples for the summary."""
    import pyarrow.parquet as pq

    with TableWriter(output) as writer:
        for index in range(summary.chunks):
            frame = pq.read_table(folder.part(index)).to_pandas()
            writer.write(frame)
        writer.commit()
    summary.notes.extend(writer.notes)
    summary.problem_examples = list(_first(_stored_problems(folder, summary.chunks), EXAMPLE_PROBLEMS))
    if problems_out is not None:
        _write_problems(problems_out, _stored_problems(folder, summary.chunks))
        summary.problems_file = problems_out


def _stored_problems(folder: _RunFolder, chunks: int) -> Iterator[Problem]:
    for index in range(chunks):
        with open(folder.problems(index), encoding="utf-8") as handle:
            for line in handle:
                yield Problem(**json.loads(line))


def _first(items: Iterator, n: int) -> Iterator:
    for count, item in enumerate(items):
        if count >= n:
            return
        yield item


def _write_problems(path: Path, problems: Iterator[Problem]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(temp, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["row", "id", "column", "kind", "message"])
        for problem in problems:
            out.writerow([neutralise_formula(v) for v in (problem.row, problem.id, problem.column, problem.kind, problem.message)])
    os.replace(temp, path)


def _replace_text(path: Path, text: str) -> None:
    temp = path.with_name(path.name + ".tmp")
    with open(temp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
