"""SOC 2020 itself, machine-readable: find unit groups and index entries by job title or task words, and describe
a group (its place in the hierarchy, Volume 1's description, tasks and related titles, the coding index's sub-unit
groups and its SOC 2010 and ISCO-08 links).

Built at training time from the ONS workbooks (training.classification) and saved in the model directory as the
`classification` JSON document, so a model carries the classification it was trained on.

Search ranks what a coder would look at first: a title that is the query (case, plurals and spelling variants
ignored), then titles that start with it (so a half-typed title already finds its entries), then texts holding
every word of the query (each word may be the start of a word: "maths" finds "mathematics"), then texts that are
merely close in character n-grams (misspellings). Within each rank, by TF-IDF cosine of character n-grams.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .lexicon import expand_title
from .title_lookup import title_key

DOCUMENT = "classification"
FORMAT_VERSION = 1
LEVELS = ("major", "sub_major", "minor", "unit")
LEVEL_NAMES = {"major": "major group", "sub_major": "sub-major group", "minor": "minor group", "unit": "unit group"}

# what a search text is, as shown in results
UNIT_GROUP_TITLE, RELATED_TITLE, TASK, SUB_UNIT_GROUP, INDEX_ENTRY = (
    "unit group title", "related job title", "task", "sub-unit group", "index entry")
TITLE_FIELDS = (UNIT_GROUP_TITLE, RELATED_TITLE, SUB_UNIT_GROUP, INDEX_ENTRY)  # texts that are titles, not sentences
# how a text matched, best first
MATCH_KINDS = ("exact title", "title prefix", "every word", "similar")
_FUZZY_SIMILARITY = 0.3  # least character n-gram cosine for a text holding not every word of the query
_STOP_WORDS = {"a", "an", "and", "the", "of", "in", "for", "to", "at", "on", "with", "or", "&"}
_MATCHES_PER_GROUP = 3
_MAX_RANKED = 5_000  # texts looked through for the hits: plenty for MAX_LIMIT groups with their matches
MAX_LIMIT = 100


class ClassificationError(LookupError):
    """A code that names no SOC 2020 group, or a model without the classification document."""

    def __str__(self) -> str:  # LookupError's KeyError-like quoting is not wanted
        return str(self.args[0]) if self.args else ""


class UnknownCodeError(ClassificationError):
    pass


class NoClassificationError(ClassificationError):
    pass


def no_classification_message(model: object) -> str:
    return (f"the model {model} has no classification document (it was trained before `search` and `describe` "
            "existed): retrain it with `soc-coder train`")


def _words(text: str) -> list[str]:
    return title_key(text).replace("/", " ").split()


@dataclass(frozen=True)
class _SearchTexts:
    """Every searchable text with its field, unit group code, index-entry row (-1 when not an entry) and the
    qualifiers it is also found by (an entry's ADD and IND: "teacher secondary school")."""

    fields: list[str]
    codes: list[str]
    texts: list[str]
    entry_rows: np.ndarray
    qualifiers: list[str]


class Classification:
    """The SOC 2020 hierarchy, Volume 1 descriptions and the coding index's entries, as saved with a model."""

    def __init__(self, document: Mapping):
        if document.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"classification document format {document.get('format_version')}, this soc-coder reads {FORMAT_VERSION}")
        self.document = dict(document)
        self.groups: dict[str, dict] = {g["code"]: g for g in document["groups"]}
        self.unit_groups: dict[str, dict] = dict(document["unit_groups"])
        self.entries: dict[str, list[str]] = dict(document["index_entries"])
        self._index = None
        self._lock = threading.Lock()

    def to_document(self) -> dict:
        return self.document

    @classmethod
    def from_model_dir(cls, directory: str | Path) -> "Classification":
        """Read only the classification document of a saved model (checked against its manifest), not its arrays."""
        from .artifact import read_document

        document = read_document(Path(directory), DOCUMENT)
        if document is None:
            raise NoClassificationError(no_classification_message(directory))
        return cls(document)

    @property
    def versions(self) -> dict[str, str]:
        return {k: self.document.get(k, "") for k in ("coding_index_version", "volume1_version")}

    # -- describe
    def describe(self, code: str) -> dict:
        """A group by its code: unit groups in full, higher groups with the groups directly under them."""
        code = str(code).strip()
        group = self.groups.get(code)
        if group is None:
            raise UnknownCodeError(
                f"no SOC 2020 group {code!r}: give a unit group (4 digits, e.g. 2313) or a major, sub-major or minor "
                "group (1 to 3 digits, e.g. 2, 23, 231)")
        hierarchy = [
            {"level": self.groups[code[:n]]["level"], "code": code[:n], "title": self.groups[code[:n]]["title"]}
            for n in range(1, len(code)) if code[:n] in self.groups
        ]
        described = {"code": code, "level": group["level"], "title": group["title"], "hierarchy": hierarchy}
        if group["level"] != "unit":
            children = [g for c, g in self.groups.items() if len(c) == len(code) + 1 and c.startswith(code)]
            return {**described, "description": group.get("description", ""),
                    "groups": [{"code": g["code"], "level": g["level"], "title": g["title"]} for g in children]}
        unit = self.unit_groups.get(code, {})
        return {
            **described,
            **{key: unit.get(key, default) for key, default in (
                ("description", ""), ("entry_routes", ""), ("tasks", []), ("related_titles", []),
                ("index_entries", 0), ("sub_unit_groups", []), ("soc2010", []), ("isco08", []))},
        }

    # -- search
    def search(self, query: str, limit: int = 10) -> dict:
        """Unit groups and index entries matching a job title or task words, best first (`limit` of each)."""
        limit = max(1, min(int(limit), MAX_LIMIT))
        found = {"query": query, "unit_groups": [], "index_entries": []}
        variants = list(dict.fromkeys(v for v in (title_key(query), title_key(expand_title(query))) if v))
        if not variants:
            return found
        index = self._search_index()
        tier = np.full(len(index.texts.texts), len(MATCH_KINDS), dtype=np.int8)
        similarity = np.zeros(len(index.texts.texts), dtype=np.float32)
        for key in variants:
            tier = np.minimum(tier, index.tiers(key))
            similarity = np.maximum(similarity, index.similarity(key))
        fuzzy = tier == len(MATCH_KINDS) - 1
        tier[fuzzy & (similarity < _FUZZY_SIMILARITY)] = len(MATCH_KINDS)
        candidates = np.flatnonzero(tier < len(MATCH_KINDS))
        # best rank first; then closest; then the shorter text (a bare title before a longer one)
        order = candidates[np.lexsort((index.lengths[candidates], -similarity[candidates], tier[candidates]))]
        order = order[:_MAX_RANKED]
        found["unit_groups"] = self._unit_group_hits(order, tier, similarity, index.texts, limit)
        found["index_entries"] = self._entry_hits(order, tier, similarity, index.texts, limit)
        return found

    def _unit_group_hits(self, order, tier, similarity, texts: _SearchTexts, limit: int) -> list[dict]:
        hits: dict[str, dict] = {}
        for i in order:
            code = texts.codes[i]
            if code not in hits:
                if len(hits) == limit:
                    continue  # still collecting matches for the groups already found
                hits[code] = {"code": code, "title": self.unit_groups.get(code, {}).get("title", ""),
                              "match": MATCH_KINDS[tier[i]], "score": round(float(similarity[i]), 4), "matches": []}
            matches = hits[code]["matches"]
            shown = self._shown_text(i, texts)
            if len(matches) < _MATCHES_PER_GROUP and all(m["text"].lower() != shown.lower() for m in matches):
                matches.append({"field": texts.fields[i], "text": shown})
            if len(hits) == limit and all(len(h["matches"]) == _MATCHES_PER_GROUP for h in hits.values()):
                break
        return list(hits.values())

    def _entry_hits(self, order, tier, similarity, texts: _SearchTexts, limit: int) -> list[dict]:
        hits = []
        for i in order:
            row = int(texts.entry_rows[i])
            if row < 0:
                continue
            code = texts.codes[i]
            hits.append({**self._entry(row), "unit_group_title": self.unit_groups.get(code, {}).get("title", ""),
                         "match": MATCH_KINDS[tier[i]], "score": round(float(similarity[i]), 4)})
            if len(hits) == limit:
                break
        return hits

    def _entry(self, row: int) -> dict:
        sub_unit = self.entries["sub_unit_group"][row]
        return {"title": self.entries["title"][row], "add": self.entries["add"][row], "ind": self.entries["ind"][row],
                "code": sub_unit[:4], "sub_unit_group": sub_unit}

    def _shown_text(self, i: int, texts: _SearchTexts) -> str:
        row = int(texts.entry_rows[i])
        if row < 0:
            return texts.texts[i]
        entry = self._entry(row)
        return entry["title"] + "".join(f" [{k}: {entry[k]}]" for k in ("add", "ind") if entry[k])

    def _search_index(self) -> "_SearchIndex":
        with self._lock:  # built once, on first use, also when several requests search at once
            if self._index is None:
                self._index = _SearchIndex(self._search_texts())
            return self._index

    def _search_texts(self) -> _SearchTexts:
        fields, codes, texts, rows, qualifiers = [], [], [], [], []

        def add(field: str, code: str, text: str, row: int = -1, qualifier: str = "") -> None:
            if text:
                fields.append(field), codes.append(code), texts.append(text), rows.append(row), qualifiers.append(qualifier)

        for code, unit in self.unit_groups.items():
            add(UNIT_GROUP_TITLE, code, unit.get("title", ""))
            for title in unit.get("related_titles", []):
                add(RELATED_TITLE, code, title)
            for task in unit.get("tasks", []):
                add(TASK, code, task)
            for sub_unit in unit.get("sub_unit_groups", []):
                add(SUB_UNIT_GROUP, code, sub_unit.get("title", ""))
        entries = zip(self.entries["title"], self.entries["add"], self.entries["ind"], self.entries["sub_unit_group"])
        for row, (title, add_, ind, sub_unit) in enumerate(entries):
            add(INDEX_ENTRY, sub_unit[:4], title, row, f"{add_} {ind}")
        return _SearchTexts(fields, codes, texts, np.array(rows, dtype=np.int64), qualifiers)


class _SearchIndex:
    """Lookup structures over the search texts: title keys (exact and prefix), words (inverted index) and
    character n-gram TF-IDF vectors."""

    def __init__(self, texts: _SearchTexts):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.texts = texts
        n = len(texts.texts)
        self.lengths = np.array([len(t) for t in texts.texts], dtype=np.int64)
        is_title = np.array([f in TITLE_FIELDS for f in texts.fields], dtype=bool)
        keys = [title_key(t) for t in texts.texts]
        self._exact: dict[str, list[int]] = {}
        for i in np.flatnonzero(is_title):
            self._exact.setdefault(keys[i], []).append(int(i))
        title_rows = np.flatnonzero(is_title)
        self._title_keys = sorted((keys[i], int(i)) for i in title_rows)
        postings: dict[str, list[int]] = {}
        for i, (key, qualifier) in enumerate(zip(keys, texts.qualifiers)):
            for word in set(key.replace("/", " ").split() + (_words(qualifier) if qualifier.strip() else [])):
                postings.setdefault(word, []).append(i)
        self._vocabulary = sorted(postings)
        self._postings = [np.array(postings[w], dtype=np.int64) for w in self._vocabulary]
        # one vector per distinct key: index titles repeat with different qualifiers
        distinct = list(dict.fromkeys(keys))
        position = {key: i for i, key in enumerate(distinct)}
        self._key_of_text = np.array([position[key] for key in keys], dtype=np.int64)
        self._vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32)
        self._matrix = self._vectorizer.fit_transform(distinct)
        self._n = n

    def _with_prefix(self, prefix: str) -> np.ndarray:
        """Rows whose words start with `prefix`."""
        start = bisect_left(self._vocabulary, prefix)
        stop = start
        while stop < len(self._vocabulary) and self._vocabulary[stop].startswith(prefix):
            stop += 1
        if stop == start:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate(self._postings[start:stop]))

    def tiers(self, key: str) -> np.ndarray:
        """Per text, the rank of its match with the query key (len(MATCH_KINDS) - 1 when only similarity can tell)."""
        tier = np.full(self._n, len(MATCH_KINDS) - 1, dtype=np.int8)
        words = [w for w in key.replace("/", " ").split() if w not in _STOP_WORDS] or key.split()
        rows = None
        for word in words:
            found = self._with_prefix(word)
            rows = found if rows is None else np.intersect1d(rows, found, assume_unique=True)
            if len(rows) == 0:
                break
        if rows is not None and len(rows):
            tier[rows] = 2
        start = bisect_left(self._title_keys, (key, -1))
        prefixed = []
        for title, i in self._title_keys[start:]:
            if not title.startswith(key):
                break
            prefixed.append(i)
        tier[prefixed] = 1
        tier[self._exact.get(key, [])] = 0
        return tier

    def similarity(self, key: str) -> np.ndarray:
        return (self._matrix @ self._vectorizer.transform([key]).T).toarray().ravel()[self._key_of_text]
