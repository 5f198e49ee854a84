"""What coding one answer gives back: the same fields in the Python API and in coded files."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

CODED = "coded"
REFERRED = "referred"

# Output columns, in order. soc2010_code, isco08_code and soc2020_ext_code (each with _confidence) are
# reserved for dual coding.
RESULT_COLUMNS = ["soc2020_code", "soc2020_title", "confidence", "status", "candidates", "explanation"]


@dataclass
class CodingResult:
    soc2020_code: str
    soc2020_title: str
    confidence: float
    status: str
    candidates: list[dict] = field(default_factory=list)
    explanation: str = ""

    def as_record(self) -> dict:
        return asdict(self)

    def as_row(self) -> dict:
        """Flat values for a table: candidates as JSON text."""
        row = self.as_record()
        row["candidates"] = json.dumps(self.candidates, ensure_ascii=False)
        return row
