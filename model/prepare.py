"""An answer rewritten in the words the coding index uses, before it is looked up, embedded and classified.

Respondents write short forms, slang and employer names ("snr sparky", "Tesco") where the index says "senior
electrician" and "supermarket, retail trade" (model.lexicon). How someone is employed ("self employed",
"agency") says nothing about the industry, so an industry answer that says only that is dropped. An answer whose
title is only an employer's name ("Tesco" / "I fill shelves on the night shift") is read as that employer with no
title, so the description decides.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import employer_industry, expand_title, mentions_employer
from .text import clean, normalise_title

FIELD_CACHE_SIZE = 100_000  # titles and industries remembered: survey answers repeat them far more than whole answers

# Industry answers that name how someone is employed, not what the employer does.
_EMPLOYMENT_ONLY = re.compile(
    r"^(self ?employed|self|own business|my own business|freelance(r)?|sole trader|agency|temping agency|contract(or)?|"
    r"various|n ?/? ?a|none|private|public|private sector|public sector)$"
)


@lru_cache(maxsize=FIELD_CACHE_SIZE)
def _industry_text(text: str) -> str:
    return industry_text(text)


@lru_cache(maxsize=FIELD_CACHE_SIZE)
def _read_title(title: str) -> tuple[str, bool]:
    """(the title spelt out in the index's words, whether it is only a known employer's name)."""
    return expand_title(title), bool(employer_industry(title))


def industry_text(industry: object) -> str:
    """The industry as written, with a known employer's industry added: "Ocado (online supermarket, retail trade)"."""
    text = clean(industry)
    if not text or _EMPLOYMENT_ONLY.match(normalise_title(text)):
        return ""
    sector = mentions_employer(text)
    if sector and sector.lower() not in text.lower():
        return f"{text} ({sector})"
    return text


def prepare_answer(job_title: object, job_description: object, industry: object) -> dict[str, str]:
    """{job_title, job_description, industry} as the model reads them; fields already cleaned or raw."""
    title, description = clean(job_title), clean(job_description)
    industry_answer = clean(industry)
    expanded, is_employer = _read_title(title)
    if title and description and is_employer:
        expanded, industry_answer = "", f"{industry_answer} {title}".strip()
    return {"job_title": expanded, "job_description": description, "industry": _industry_text(industry_answer)}
