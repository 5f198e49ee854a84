"""Answers that are not an occupation at all, or too vague to code: decided before the classifier.

Good coders do not guess a unit group for "retired" or "manager": these get a status instead of a code.
Phrases are matched against the normalised job title (model.text.normalise_title).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import clean, is_blank, normalise_title

TITLE_CACHE_SIZE = 100_000  # titles whose verdicts are remembered
_ASCII_LETTER = re.compile(r"[A-Za-z]")

NOT_IN_EMPLOYMENT = "not_in_employment"
UNCODABLE = "uncodable"

# Whole answers that say the person has no job.
_NOT_IN_EMPLOYMENT_PHRASES = [
    r"retired( .*)?", r"pensioner", r"(full time |part time |mature |university |college |phd |postgraduate )?student",
    r"school ?(boy|girl|pupil|child)", r"pupil", r"unemployed( .*)?", r"jobseeker", r"job ?seeking", r"looking for (work|a job)",
    r"not (currently )?(working|employed|in (paid )?employment)", r"no (job|work|occupation)", r"never (worked|had a job)",
    r"house ?wife", r"house ?husband", r"home ?maker", r"stay at home (mum|mom|dad|parent|mother|father)",
    r"full time (mum|mom|dad|parent|mother|father|carer for .*)", r"(mum|mother|parent) at home",
    r"long term sick", r"(long term )?(sick|disabled|invalid)", r"on (benefits|disability|sick leave)",
    r"unable to work", r"none", r"nothing", r"redundant", r"made redundant",
    r"home duties", r"looking after (the )?(home|house|family|children|kids)", r"between jobs",
]
# Family relations: "wife of a miner", "widow of ...", "vicar's wife".
_RELATIONAL = r"((wife|husband|widow|widower|spouse|partner|son|daughter|dependant|dependent) of .*|.*'?s? (wife|husband|widow|widower))"

# Refusals and placeholders: uncodable like a vague title alone.
_REFUSALS = [
    r"na", r"nil", r"unknown", r"not known", r"no answer", r"no comment", r"prefer not to (say|answer)", r"rather not say",
    r"test", r"x+", r"blah( blah)*", r"asdf\w*",
    r"don ?t know", r"dk", r"n ?/? ?a", r"not applicable", r"refused", r"not sure",
]

# Titles that need more words before any unit group can be chosen.
_VAGUE_TITLES = [
    r"manager", r"director", r"engineer", r"teacher", r"technician", r"officer", r"assistant", r"worker",
    r"operative", r"operator", r"driver", r"consultant", r"supervisor", r"administrator", r"analyst", r"specialist",
    r"self employed", r"employee", r"staff", r"labourer", r"temp", r"temporary( work)?",
    r"casual( work| worker)?", r"agency( work| worker)?", r"contractor", r"freelance(r)?", r"various", r"varied",
    r"business ?(man|woman|person)?", r"civil servant",
    r"finance", r"construction", r"retail", r"healthcare", r"health care", r"education", r"it", r"admin", r"sales",
    r"office work(er)?", r"factory work(er)?", r"general work(er)?", r"work",
    # a director or owner of a company or business that is not named: the unit group depends on what it does
    r"((company|business|limited company|ltd company|non executive|executive|managing|board) )?directors?",
    r"director of (a |the |my |our )?(own )?(small )?(company|business|firm|ltd|limited company)",
    r"((small )?business|company|shop|firm) (owner|proprietor)", r"owner", r"proprietor",
    r"(run|running|i run|own|owns|i own) (my|a|the|our) (own )?(small )?(company|business|firm)", r"(my )?own (company|business)",
]


def _whole(patterns: list[str]) -> re.Pattern:
    return re.compile(r"^(?:" + "|".join(patterns) + r")$")


_NOT_IN_EMPLOYMENT_RE = _whole(_NOT_IN_EMPLOYMENT_PHRASES + [_RELATIONAL])
_VAGUE_RE = _whole(_VAGUE_TITLES + _REFUSALS)
_REFUSAL_RE = _whole(_REFUSALS)


def status_before_model(job_title: object, job_description: object, industry: object) -> tuple[str, str] | None:
    """(status, reason) when the answer should not be given a code; None when the classifier should decide."""
    if is_blank(job_title, job_description, industry):
        return UNCODABLE, "empty answer"
    if not has_words(job_title, job_description, industry):
        return UNCODABLE, "no words in the answer (only numbers, dates or symbols)"
    title, not_employed, vague = _title_verdict(clean(job_title))
    if not_employed and not _describes_work(job_description):
        return NOT_IN_EMPLOYMENT, f"'{title}' is not an occupation"
    if vague and is_blank(job_description, industry):
        return UNCODABLE, f"'{title}' alone is too vague for a unit group"
    return None


@lru_cache(maxsize=TITLE_CACHE_SIZE)
def _title_verdict(job_title: str) -> tuple[str, bool, bool]:
    """(the title as the rules read it, whether it says the person has no job, whether it is a vague title or a
    refusal), remembered: survey answers repeat their titles."""
    title = normalise_title(job_title).replace("'", "")
    return title, bool(_NOT_IN_EMPLOYMENT_RE.match(title)), bool(_VAGUE_RE.match(title))


def needs_a_person(job_title: object) -> bool:
    """A vague title is never auto-coded, even with an industry or a description: the code then rests on a
    guess about the rest of the answer ("Manager" at a charity, "civil servant" in government), so a person
    confirms it."""
    return is_vague_title(_title_verdict(clean(job_title))[0])


def is_refusal(job_title: object) -> bool:
    """A refusal or placeholder ("n/a", "don't know"): uncodable, with no candidates worth showing."""
    return bool(_REFUSAL_RE.match(_title_verdict(clean(job_title))[0]))


def has_words(*fields: object) -> bool:
    """True when some field holds a letter of any script: "12", "2024-01-05" and an emoji alone hold none."""
    for text in map(clean, fields):
        if _ASCII_LETTER.search(text) if text.isascii() else any(character.isalpha() for character in text):
            return True
    return False


def is_vague_title(normalised_title: str) -> bool:
    """True for a title that names no unit group on its own ("manager", "sales"), given in normalised form."""
    return bool(_VAGUE_RE.match(normalised_title) or _VAGUE_RE.match(normalised_title + "s"))


def _describes_work(description: object) -> bool:
    """A description that names paid work ("retired but work part time as a cleaner") overrides the title."""
    text = normalise_title(description)
    return bool(re.search(r"\b(work|working|employed|job)\b", text)) and not re.search(r"\b(not|no longer|never)\b", text)
