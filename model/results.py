"""What coding one answer gives back: the same fields in the Python API and in coded files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

CODED = "coded"
REFERRED = "referred"

# Output columns, in order: the SOC 2020 code and how it was reached, then the same answer in the other schemes
# (model.schemes), each code with the chance that it and the unit group are both right.
SCHEME_COLUMNS = ["soc2010_code", "soc2010_confidence", "isco08_code", "isco08_confidence", "soc2020_ext_code",
                  "soc2020_ext_confidence"]
RESULT_COLUMNS = ["soc2020_code", "soc2020_title", "confidence", "status", "candidates", "explanation", *SCHEME_COLUMNS]
# the columns that hold numbers, not text
CONFIDENCE_COLUMNS = frozenset(c for c in RESULT_COLUMNS if c.endswith("confidence"))


@dataclass
class CodingResult:
    soc2020_code: str
    soc2020_title: str
    confidence: float
    status: str
    candidates: list[dict] = field(default_factory=list)
    explanation: str = ""
    # empty (and 0.0) when status is not coded or referred, like soc2020_code, or for a model without scheme heads
    soc2010_code: str = ""
    soc2010_confidence: float = 0.0
    isco08_code: str = ""
    isco08_confidence: float = 0.0
    soc2020_ext_code: str = ""
    soc2020_ext_confidence: float = 0.0

    def as_record(self) -> dict:
        """The fields as a dict; the candidate list is copied (its dicts too), so changing it leaves this result alone."""
        record = {name: getattr(self, name) for name in RESULT_COLUMNS}
        record["candidates"] = [dict(c) for c in self.candidates]
        return record

    def as_row(self) -> dict:
        """Flat values for a table: candidates as JSON text. (Not dataclasses.asdict: its deep copy was a third of
        fast mode's time writing a file.)"""
        return dict(zip(RESULT_COLUMNS, self.as_tuple()))

    def as_tuple(self) -> tuple:
        """as_row()'s values in RESULT_COLUMNS order, without a dict per row."""
        values = _RESULT_FIELDS(self)
        return values[:_CANDIDATES_AT] + (candidates_json(self.candidates),) + values[_CANDIDATES_AT + 1 :]


_RESULT_FIELDS = attrgetter(*RESULT_COLUMNS)
_CANDIDATES_AT = RESULT_COLUMNS.index("candidates")


_CANDIDATE_KEYS = {"code", "title", "score"}


@lru_cache(maxsize=4096)
def _candidate_start(code: str, title: str) -> str:
    return '{"code": %s, "title": %s, "score": ' % (json.dumps(code), json.dumps(title, ensure_ascii=False))


def candidates_json(candidates: list[dict]) -> str:
    """json.dumps(candidates, ensure_ascii=False), character for character, with each unit group's code and title
    written once and remembered: as JSON text this column was a tenth of fast mode's time writing a file."""
    if not all(c.keys() == _CANDIDATE_KEYS and type(c["score"]) is float and type(c["code"]) is str and type(c["title"]) is str
               for c in candidates):
        return json.dumps(candidates, ensure_ascii=False)
    return "[" + ", ".join(_candidate_start(c["code"], c["title"]) + repr(c["score"]) + "}" for c in candidates) + "]"
