"""Finding an answer's job title in the coding index, the way a clerical coder looks it up.

A title found in the index is strong evidence: the index is the coders' own reference, and the learned head
only approximates it. The lookup tries, in order: the title as written (case, punctuation, plurals and
spelling variants ignored); the title without employment-status words ("self-employed plumber") or with only
its first job ("bus driver and taxi driver"); the title's last words ("water microbiologist" ->
"microbiologist"), which count for less; and finally a near spelling ("electritian"). A bare vague word ("manager",
"engineer") is never a match: it names no unit group.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from .lexicon import expand_title
from .rules import is_vague_title
from .text import normalise_title

EXACT, RELAXED, NEAR_SPELLING, LAST_WORDS = "exact", "relaxed", "near_spelling", "last_words"

_SPELLING = {
    "advisor": "adviser", "advisors": "advisers", "organizer": "organiser", "organizers": "organisers",
    "programer": "programmer", "centre": "center", "theatre": "theater", "colour": "color", "labor": "labour",
    "mum": "mother", "mom": "mother", "judgment": "judgement", "licence": "license", "practise": "practice",
    "&": "and", "+": "and",
}
# Words that say how or where someone works, not what they do.
_STATUS_WORDS = re.compile(
    r"\b(self employed|part time|full time|senior|junior|trainee|apprentice|temporary|relief|locum|freelance|"
    r"qualified|experienced|newly|casual|agency|contract|contractor|bank|night|nights|weekend|weekends|ex|retired)\b"
)
# Where a second job or a clarification begins.
_SEGMENT_BREAK = re.compile(r"\s*(?:,|;| - | / |/| and also | also | and | plus | to | for | at | in | with )\s*")
_NEAR_SPELLING_SIMILARITY = 0.55  # a first cut only: misspelling_of decides
_NEAR_SPELLING_CANDIDATES = 5
_NEAR_SPELLING_BATCH = 256
CACHE_SIZE = 100_000  # titles remembered by TitleLookup.match_many
_WORD_SIMILARITY = 0.75    # per word: "electritian"/"electrician" 0.91, "teacher"/"man" 0.2
_JOINED_SIMILARITY = 0.9   # words run together or split: "bar maid"/"barmaid"


def misspelling_of(written: str, key: str) -> bool:
    """Whether `written` is `key` with small spelling slips: word for word, or the same letters when the words
    are run together or split differently."""
    words, key_words = written.split(), key.split()
    if len(words) == len(key_words):
        return all(SequenceMatcher(None, a, b).ratio() >= _WORD_SIMILARITY for a, b in zip(words, key_words))
    return SequenceMatcher(None, written.replace(" ", ""), key.replace(" ", "")).ratio() >= _JOINED_SIMILARITY


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ys")):
        return word[:-1]
    return word


def title_key(title: str) -> str:
    """The lookup key: bracketed notes dropped, lower case, plurals and spelling variants folded."""
    text = normalise_title(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", str(title)))
    return " ".join(_singular(_SPELLING.get(word, word)) for word in text.replace("/", " / ").split())


def _usable(key: str) -> bool:
    return bool(re.search(r"[a-z]{3}", key)) and not is_vague_title(key)


@dataclass(frozen=True)
class TitleMatch:
    """Index entry rows that share the matched title, how they were found and how close the spelling is."""

    rows: tuple[int, ...]
    kind: str
    key: str
    similarity: float = 1.0


class TitleLookup:
    """Index titles by lookup key; built from the same entry list the model keeps for explanations."""

    def __init__(self, titles: list[str]):
        self.rows_by_key: dict[str, list[int]] = {}
        for row, title in enumerate(titles):
            # as written ("HGV driver") and spelt out ("heavy goods vehicle driver"), as answers are looked up
            for key in dict.fromkeys([title_key(title), title_key(expand_title(title))]):
                if key:
                    self.rows_by_key.setdefault(key, []).append(row)
        self._keys = sorted(self.rows_by_key)
        self._vectorizer = None
        self._cache: OrderedDict[str, TitleMatch | None] = OrderedDict()
        self._lock = threading.Lock()

    def _near_spellings(self, keys: list[str]) -> list[tuple[str, float] | None]:
        """For each key, the index key closest in character 1- to 3-grams (TF-IDF cosine) that reads as a
        misspelling of it, or None.

        Close n-grams alone are not enough: "supply teacher" shares most of them with "supply man". A key counts
        only when it is the same words, each misspelt a little (model.title_lookup.misspelling_of). All keys are
        scored in one sparse-by-dense product: one at a time this step took 20 ms a title, most of coding time.
        """
        from sklearn.feature_extraction.text import TfidfVectorizer

        if self._vectorizer is None:
            self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), dtype=np.float32)
            self._key_matrix = self._vectorizer.fit_transform(self._keys)
        found: list[tuple[str, float] | None] = []
        for start in range(0, len(keys), _NEAR_SPELLING_BATCH):
            batch = keys[start : start + _NEAR_SPELLING_BATCH]
            queries = self._vectorizer.transform(batch).toarray().T
            similarity = np.asarray(self._key_matrix @ queries).T  # (batch, index keys)
            n = min(_NEAR_SPELLING_CANDIDATES, similarity.shape[1])
            candidates = np.argpartition(-similarity, n - 1, axis=1)[:, :n]
            for key, row, cand in zip(batch, similarity, candidates):
                found.append(None)
                for best in cand[np.argsort(-row[cand], kind="stable")]:
                    if row[best] < _NEAR_SPELLING_SIMILARITY:
                        break
                    if misspelling_of(key, self._keys[best]):
                        found[-1] = (self._keys[best], float(row[best]))
                        break
        return found

    def _found(self, key: str, kind: str, similarity: float = 1.0) -> TitleMatch | None:
        rows = self.rows_by_key.get(key)
        return TitleMatch(tuple(rows), kind, key, similarity) if rows and _usable(key) else None

    def match(self, title: str) -> TitleMatch | None:
        """The best match for a job title, or None when the index has nothing close enough."""
        return self.match_many([title])[0]

    def match_many(self, titles: list[str]) -> list[TitleMatch | None]:
        """match() for each title; each distinct title is looked up once, and remembered (an LRU cache of
        CACHE_SIZE titles: survey files repeat titles far more than whole answers)."""
        with self._lock:  # coding threads share the cache
            return self._match_many(titles)

    def _match_many(self, titles: list[str]) -> list[TitleMatch | None]:
        found: dict[str, TitleMatch | None] = {}
        pending: dict[str, str] = {}  # title -> key still to try as a near spelling
        for title in dict.fromkeys(titles):
            if title in self._cache:
                self._cache.move_to_end(title)
                found[title] = self._cache[title]
                continue
            found[title], near_key = self._match_exactly(title)
            if near_key is not None:
                pending[title] = near_key
        if pending:
            for (title, key), near in zip(pending.items(), self._near_spellings(list(pending.values()))):
                found[title] = self._found(near[0], NEAR_SPELLING, near[1]) if near else None
        for title, match in found.items():
            self._remember(title, match)
        return [found[title] for title in titles]

    def _remember(self, title: str, match: TitleMatch | None) -> None:
        self._cache[title] = match
        self._cache.move_to_end(title)
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    def _match_exactly(self, title: str) -> tuple[TitleMatch | None, str | None]:
        """(match, None) from every step but the near spelling; (None, key) when the near spelling must decide."""
        key = title_key(title)
        if not key:
            return None, None
        found = self._found(key, EXACT)
        if found:
            return found, None
        without_status = _SPACE.sub(" ", _STATUS_WORDS.sub(" ", key)).strip()
        first_segment = _SEGMENT_BREAK.split(key)[0].strip()
        for relaxed in (without_status, first_segment, _SPACE.sub(" ", _STATUS_WORDS.sub(" ", first_segment)).strip()):
            found = relaxed != key and self._found(relaxed, RELAXED)
            if found:
                return found, None
        candidate = without_status or key
        words = candidate.split()
        for start in range(1, len(words)):
            found = self._found(" ".join(words[start:]), LAST_WORDS)
            if found:
                return found, None
        if len(candidate) >= 5 and _usable(candidate):
            return None, candidate
        return None, None


_SPACE = re.compile(r"\s+")
