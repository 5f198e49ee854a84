"""Plain-English rewriting of job titles, and employer names read as industries.

Respondents write "Snr sparky", "HGV1 driver", "Athrawes ysgol gynradd" or "Tesco" where the coding index
and the sentence encoder expect "senior electrician", "heavy goods vehicle class 1 driver", "primary school
teacher" and "supermarket, retail trade". The lists in data/answer_lexicon.json are curated by hand from
general UK usage (job titles, adverts, survey answers); they are not fitted to any benchmark. Readings that
are ambiguous were left out and are listed, with the reason, under "_skipped" in that file.

Pure Python and cheap: the JSON is read once, on first use.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from .text import clean

TITLE_SECTIONS = ("slang", "acronyms", "word_abbreviations", "welsh", "american")  # highest priority first

# A word: letters/digits, optionally joined by ' & / - . inside it ("sparky's", "b&q", "w/h", "co-ord", "h.g.v"),
# with a trailing "." taken as part of an abbreviation ("mgr.").
_WORD = re.compile(r"\w+(?:['&/.\-]\w+)*\.?")
# Between two words, a space or one of & / + keeps a phrase going ("sales & mktg mgr"); anything else ends it.
_CONNECTOR_GAP = re.compile(r"\s*[&/+]?\s*")
_SPACE = re.compile(r"\s+")
_CONJUNCTIONS = {"and", "or", "&", "/", "+"}
# A word followed by one of these still ends its noun phrase: "tech at school" is a technician.
_PREPOSITIONS = {"in", "at", "for", "with", "to", "on", "from", "within", "of", "by", "via", "into", "x"}

# Welsh: adjectives and genitives follow the noun ("athrawes ysgol gynradd" = teacher, school, primary), so a run
# of Welsh words reads in English order when reversed ("primary school teacher"). These few words come before
# their noun in Welsh as in English, so they are not reversed: "uwch reolwr prosiect" -> "senior project manager".
_WELSH_PREPOSED = {"prif", "uwch", "dirprwy", "ddirprwy"}
_WELSH_ARTICLES = {"y", "yr"}            # "the"; dropped between Welsh words
_WELSH_AND = {"a": "and", "ac": "and"}   # only read as Welsh between Welsh words

_EMPLOYER_SUFFIXES = {"plc", "ltd", "limited", "group", "uk", "llp", "inc"}


@cache
def lexicon() -> dict:
    """The curated lists, read once from the package data."""
    text = resources.files(__package__).joinpath("data/answer_lexicon.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _title_table() -> tuple[dict[str, tuple[object, str]], int]:
    """Every title key -> (expansion, section), earlier sections winning; and the longest key in words."""
    table: dict[str, tuple[object, str]] = {}
    for section in reversed(TITLE_SECTIONS):
        for key, value in lexicon()[section].items():
            table[key] = (value, section)
    return table, max(len(key.split()) for key in table)


def _key(word: str) -> str:
    """Lookup form of one word: a trailing dot dropped ("mgr." -> "mgr"), inner dots too ("h.g.v" -> "hgv")."""
    return word.rstrip(".").replace(".", "")


def _pick(value: object, position: str) -> str | None:
    """The expansion for where the word stands: "alone", "last" or "before" another word."""
    if isinstance(value, str):
        return value
    if position == "alone":
        return value.get("alone") or value.get("last")
    return value.get(position)


def _lookup(key: str, position: str) -> tuple[str, str] | None:
    """(expansion, section) for one key, or None."""
    hit = _title_table()[0].get(key)
    if hit is None:
        return None
    text = _pick(hit[0], position)
    return (text, hit[1]) if text else None


def _lookup_word(word: str, position: str) -> tuple[str, str] | None:
    """One written word, tolerating "-" written for a space, a possessive "'s" and compounds like "elec/mech"."""
    key = _key(word)
    for variant in dict.fromkeys([key, key.replace("-", " "), key.replace("-", "")]):
        hit = _lookup(variant, position)
        if hit:
            return hit
    if key.endswith("'s") and key[:-2] != "it":  # "sparky's mate" -> "electrician's mate"; not "it's"
        hit = _lookup(key[:-2], "before")
        if hit:
            return hit[0] + "'s", hit[1]
    if "/" in key or "-" in key:
        return _lookup_compound(key, position)
    return None


def _lookup_compound(key: str, position: str) -> tuple[str, str] | None:
    """"elec/mech" -> "electrical/mechanical": each part of "/" takes the compound's position; before "-",
    a part reads as a modifier. Parts of two letters around "-" are left alone ("re-", "ex-", "it-")."""
    pieces = re.split(r"([/\-])", key)
    out, changed, section = [], False, None
    for index in range(0, len(pieces), 2):
        part = pieces[index]
        joiner = pieces[index + 1] if index + 1 < len(pieces) else ""
        hyphenated = joiner == "-" or (index and pieces[index - 1] == "-")
        part_position = position if joiner in ("/", "") else "before"
        hit = None if (hyphenated and len(part) < 3) or not part else _lookup(part, part_position)
        if hit:
            out.append(hit[0])
            changed, section = True, section or hit[1]
        else:
            out.append(part)
        out.append(joiner)
    return ("".join(out), section) if changed else None


def _positions(words: list[re.Match], text: str) -> list[str]:
    """For each word, "last" if it ends a noun phrase (end, punctuation, number or preposition next), else "before".

    A conjunction passes the question on: "elec and mech engineer" -> both electrical; "tech and admin" -> both last.
    """
    nxt = []
    for i, word in enumerate(words):
        if i + 1 < len(words) and _CONNECTOR_GAP.fullmatch(text[word.end():words[i + 1].start()]):
            gap = text[word.end():words[i + 1].start()]
            nxt.append((i + 1, any(c in gap for c in "&/+")))
        else:
            nxt.append((None, False))
    result = ["last"] * len(words)
    for i in range(len(words) - 1, -1, -1):
        j, via_symbol = nxt[i]
        if j is None:
            continue
        following = _key(words[j].group())
        if via_symbol:
            result[i] = result[j] if following not in _PREPOSITIONS and not following.isdigit() else "last"
        elif following in _CONJUNCTIONS:
            k = nxt[j][0]
            result[i] = result[k] if k is not None else "last"
        elif following in _PREPOSITIONS or following.isdigit():
            result[i] = "last"
        else:
            result[i] = "before"
    return result


def expand_title(title: object) -> str:
    """The title lower-cased with slang, acronyms, short forms and Welsh words spelt out in plain English.

    Longest phrase first, on word boundaries; words not in the lexicon, brackets and punctuation stay as written.
    """
    text = clean(title).lower()
    if not text:
        return ""
    words = list(_WORD.finditer(text))
    if not words:
        return text
    positions = _positions(words, text)
    longest = _title_table()[1]
    units = []  # (start, end, replacement or None, section or None, key)
    i = 0
    while i < len(words):
        hit, span = None, 1
        for n in range(min(longest, len(words) - i), 1, -1):
            chunk = words[i:i + n]
            if all(text[a.end():b.start()] == " " for a, b in zip(chunk, chunk[1:])):
                position = "alone" if n == len(words) else positions[i + n - 1]
                hit = _lookup(" ".join(_key(w.group()) for w in chunk), position)
                if hit:
                    span = n
                    break
        if hit is None:
            position = "alone" if len(words) == 1 else positions[i]
            hit = _lookup_word(words[i].group(), position)
        first, last = words[i], words[i + span - 1]
        key = " ".join(_key(w.group()) for w in words[i:i + span])
        units.append((first.start(), last.end(), *(hit or (None, None)), key))
        i += span
    return _SPACE.sub(" ", _rewrite(text, _welsh_order(text, units))).strip()


def _rewrite(text: str, units: list[tuple]) -> str:
    out, at = [], 0
    for start, end, replacement, _section, _key_ in units:
        out.append(text[at:start])
        out.append(text[start:end] if replacement is None else replacement)
        at = end
    out.append(text[at:])
    return "".join(out)


def _welsh_order(text: str, units: list[tuple]) -> list[tuple]:
    """Runs of two or more Welsh words, separated by spaces only, rewritten in English word order."""
    def welsh(u):
        return u[3] == "welsh"

    result, i = [], 0
    while i < len(units):
        if not welsh(units[i]):
            result.append(units[i])
            i += 1
            continue
        j = i + 1  # extend the run over Welsh words, and "a"/"y"/"yr" standing between two of them
        while j < len(units) and text[units[j - 1][1]:units[j][0]] == " ":
            joiner = units[j][4] in _WELSH_ARTICLES or units[j][4] in _WELSH_AND
            if welsh(units[j]):
                j += 1
            elif joiner and units[j][2] is None and j + 1 < len(units) and welsh(units[j + 1]) \
                    and text[units[j][1]:units[j + 1][0]] == " ":
                j += 2
            else:
                break
        run = units[i:j]
        if len(run) > 1:
            result.append((run[0][0], run[-1][1], _english_order(run), "welsh", ""))
        else:
            result.extend(run)
        i = j
    return result


def _english_order(run: list[tuple]) -> str:
    """Leading "prif"/"uwch"/"dirprwy" stay in front; the rest is reversed, a later preposed word kept with its noun."""
    words = [("and" if u[4] in _WELSH_AND else u[2], u[4]) for u in run if u[4] not in _WELSH_ARTICLES]
    front = []
    while words and words[0][1] in _WELSH_PREPOSED and len(words) > 1:
        front.append(words.pop(0)[0])
    groups, pending = [], []
    for english, key in words:
        pending.append(english)
        if key not in _WELSH_PREPOSED:
            groups.append(" ".join(pending))
            pending = []
    if pending:
        groups.append(" ".join(pending))
    return " ".join(front + groups[::-1])


def _employer_words(text: object) -> list[str]:
    """Words as compared with employer names: lower case, & as "and", possessive 's and other punctuation dropped."""
    value = clean(text).lower().replace("&", " and ")
    value = re.sub(r"['.]", "", re.sub(r"'s\b", "", value))
    return re.sub(r"[^\w]+", " ", value).split()


def _employer_key(text: object) -> str:
    """A whole answer as an employer name: also without a leading "the" or trailing plc/ltd/limited/group/uk/llp/inc."""
    words = _employer_words(text)
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in _EMPLOYER_SUFFIXES:
        words.pop()
    return " ".join(words)


@cache
def _employers() -> tuple[dict[str, str], frozenset[str], int]:
    """Normalised employer -> industry; the names too common as words to look for inside longer text; max words."""
    table = {_employer_key(name): industry for name, industry in lexicon()["employers"].items()}
    whole_only = frozenset(_employer_key(name) for name in lexicon()["_employers_whole_text_only"])
    return table, whole_only, max(len(k.split()) for k in table)


def employer_industry(text: object) -> str | None:
    """The industry of a known employer when the whole answer is that employer's name ("Tesco PLC"), else None."""
    key = _employer_key(text)
    return _employers()[0].get(key) if key else None


def mentions_employer(text: object) -> str | None:
    """The industry of the first known employer named as whole words inside the text (longest name first), else None.

    Names that are ordinary words ("next", "boots", "three") count only as the whole answer.
    """
    table, whole_only, longest = _employers()
    whole = _employer_key(text)
    if whole in table:
        return table[whole]
    words = _employer_words(text)
    for i in range(len(words)):
        for n in range(min(longest, len(words) - i), 0, -1):
            name = " ".join(words[i:i + n])
            if name in table and name not in whole_only:
                return table[name]
    return None
