"""A data scientist's own coded answers as extra training examples (`soc-coder train --extra FILE`).

The file has the main job's columns (id, job_title, job_description, industry; any may be renamed, and the
description and industry may be absent) plus a gold code column (default `gold_codes`; several `;`-separated
codes mean several acceptable ones, and the first, the preferred one, is trained on). The whole file is checked
before anything is trained: one bad row refuses the file, and the error names every bad row and code, so a
model is never trained on part of what was given.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluation.benchmarks import gold_codes
from model.tables import AnswerColumns, AnswerFileError, read_answers
from model.text import answer_text, clean, is_blank, normalise_title

EXTRA = "extra"
DEFAULT_GOLD_COLUMN = "gold_codes"
MAX_ROWS_NAMED = 20  # per problem; the count says how many more


class ExtraDataError(ValueError):
    """An extra training file that cannot be trained on as it stands: names the file, the rows and the codes."""


@dataclass(frozen=True)
class ExtraColumns:
    """Where the answers and the gold code are in an extra training file."""

    answers: AnswerColumns = AnswerColumns()
    gold: str = DEFAULT_GOLD_COLUMN
    separator: str = ";"


@dataclass(frozen=True, eq=False)
class ExtraData:
    """Checked extra examples in the frame shape of training.examples, with a `weight` column."""

    path: Path
    sha256: str
    examples: pd.DataFrame
    weight: float
    gold_column: str

    def __len__(self) -> int:
        return len(self.examples)

    def summary(self) -> dict:
        """What the run logs and the model card shows about the extra data."""
        return {
            "extra_file": self.path.name,
            "extra_sha256": self.sha256,
            "extra_rows": len(self),
            "extra_unit_groups": int(self.examples["label"].nunique()),
            "extra_weight": self.weight,
            "extra_gold_column": self.gold_column,
        }


def _named(rows: list[str], what: str) -> str:
    shown = ", ".join(rows[:MAX_ROWS_NAMED])
    more = f" and {len(rows) - MAX_ROWS_NAMED} more" if len(rows) > MAX_ROWS_NAMED else ""
    return f"{len(rows)} row(s) {what}: {shown}{more}"


def read_extra(
    path: str | Path,
    unit_groups: Collection[str],
    columns: ExtraColumns = ExtraColumns(),
    weight: float = 1.0,
) -> ExtraData:
    """Read and check an extra training file against the SOC 2020 unit groups (Volume 1's codes).

    Refused, with every offending row named: a missing column, an empty file, a row whose gold code is empty or
    not a SOC 2020 unit group, a row with no answer text.
    """
    path = Path(path)
    if not weight > 0:
        raise ExtraDataError(f"the weight of extra examples must be > 0, not {weight}")
    try:
        frame = read_answers(path, columns.answers)
    except AnswerFileError as error:
        raise ExtraDataError(str(error)) from None
    answer_columns = columns.answers.answer_columns()
    required = {"id": columns.answers.id, "job_title": answer_columns["job_title"], "gold code": columns.gold}
    missing = [f"{what} column '{name}'" for what, name in required.items() if name not in frame.columns]
    if missing:
        raise ExtraDataError(f"{path}: no {', no '.join(missing)} (columns are: {', '.join(map(str, frame.columns))})")
    if frame.empty:
        raise ExtraDataError(f"{path}: the file has a header but no rows: nothing to train on")

    ids = frame[columns.answers.id].map(clean)
    fields = {field: frame[col].map(clean) if col in frame.columns else pd.Series("", index=frame.index)
              for field, col in answer_columns.items()}
    golds = frame[columns.gold].map(lambda value: gold_codes(value, columns.separator))
    known = {str(code) for code in unit_groups}

    problems = []
    no_code = [ids[i] for i in frame.index if not golds[i]]
    if no_code:
        problems.append(_named(no_code, f"with no code in {columns.gold}"))
    bad = [f"{ids[i]} ({', '.join(repr(c) for c in golds[i] if c not in known)})"
           for i in frame.index if any(c not in known for c in golds[i])]
    if bad:
        problems.append(_named(bad, f"with codes in {columns.gold} that are not SOC 2020 unit groups"))
    blank = [ids[i] for i in frame.index if is_blank(*(fields[f][i] for f in fields))]
    if blank:
        problems.append(_named(blank, "with no answer text (job_title, job_description and industry all empty)"))
    if problems:
        raise ExtraDataError(f"{path}: refused, nothing trained on it: " + "; ".join(problems))

    titles, descriptions, industries = (fields[f].tolist() for f in ("job_title", "job_description", "industry"))
    texts = [answer_text(t, d, i) for t, d, i in zip(titles, descriptions, industries)]
    examples = pd.DataFrame(
        {
            "title": titles,
            "text": texts,
            "label": [codes[0] for codes in golds],
            "source": EXTRA,
            "group": [f"{EXTRA}:{normalise_title(text)}" for text in texts],
            "entry_title": "",
            "entry_add": "",
            "entry_ind": "",
            "weight": float(weight),
        }
    )
    with open(path, "rb") as handle:
        sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
    return ExtraData(path, sha256, examples, float(weight), columns.gold)
