"""How an answer's three fields become one string: shared by training and coding so both see the same text."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def clean(value: object) -> str:
    """A field as text: None/NaN become "", Unicode normalised, whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from pandas
        return ""
    text = str(value)
    if not text.isascii():  # NFKC and the quote table change nothing in ASCII text
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return " ".join(text.split())  # str.split() splits where \s+ matches: runs of whitespace collapsed, ends stripped


def normalise_title(value: object) -> str:
    """Lower-case key for matching titles: punctuation other than & and / dropped, whitespace collapsed."""
    text = clean(value).lower()
    text = re.sub(r"[^\w&/+ ]", " ", text)
    return _SPACE.sub(" ", text).strip()


def answer_text(job_title: object = "", job_description: object = "", industry: object = "") -> str:
    """One string for the encoder: the title first, then what the person does, then the industry.

    Index entries are turned into text by the same function (title with its ADD qualifier as the title,
    its IND qualifier as the industry), so training and run time look alike.
    """
    title, description, industry_text = clean(job_title), clean(job_description), clean(industry)
    parts = [title] if title else []
    if description:
        parts.append(description)
    if industry_text:
        parts.append(f"industry: {industry_text}")
    return "; ".join(parts)


def is_blank(*fields: object) -> bool:
    """True when no field carries any letter or digit."""
    return not any(re.search(r"\w", clean(f)) for f in fields)
