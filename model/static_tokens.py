"""Tokenising for fast mode's static encoder: word by word, each distinct word tokenised once and remembered.

The static model's tokenizer (model2vec's conversion of MiniLM's) normalises a text with some forty passes of
text replacement and runs a Unigram model over the whole of it: 100-200 microseconds a text here, most of fast
mode's coding time. `WordTokenizer` reads a text the same way in one pass of Python string methods — lower case,
accents and control characters dropped, punctuation spaced — splits it into words, and
gives each word the ids the Unigram model gives it alone ("▁nurse"), remembered. Training (training.distill)
and coding both tokenise through it, so the token vectors are fitted to exactly what is read at run time.
"""

from __future__ import annotations

import json
import string
import unicodedata

from tokenizers import Tokenizer

METASPACE = "\u2581"  # the Unigram model's word-start mark
CACHE_SIZE = 200_000  # words remembered; the cache is emptied when it is full
_CJK = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
        (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))


def _punctuation_spacing(tokenizer_json: dict) -> dict[str, str]:
    """What the tokenizer's normaliser puts in place of each punctuation mark (its Replace rules: model2vec writes
    "; " or " ; " depending on the base tokenizer), else a space after each ASCII punctuation mark."""
    rules = (tokenizer_json.get("normalizer") or {}).get("normalizers") or []
    found = {r["pattern"]["String"]: r["content"] for r in rules if r.get("type") == "Replace"
             and len(r.get("pattern", {}).get("String", "")) == 1 and r.get("content", "").strip() == r["pattern"]["String"]}
    return found or {c: f"{c} " for c in string.punctuation}


def _is_cjk(character: str) -> bool:
    code = ord(character)
    return any(low <= code <= high for low, high in _CJK)


class WordTokenizer:
    """`ids(texts)`: each text's token ids, in order, from the static model's own tokenizer (its Unigram model)."""

    def __init__(self, tokenizer_json: dict | str):
        document = json.loads(tokenizer_json) if isinstance(tokenizer_json, str) else tokenizer_json
        self._model = Tokenizer.from_str(json.dumps(document)).model
        # one translate() pass: punctuation spaced as the normaliser spaces it, whitespace becomes a space, other
        # ASCII control characters go
        table = {ord(c): replacement for c, replacement in _punctuation_spacing(document).items()}
        table.update({code: " " for code in (9, 10, 11, 12, 13)})
        table.update({code: None for code in [*range(0, 9), *range(14, 32), 127] if code not in table})
        self._table = table
        self._cache: dict[str, list[int]] = {}

    def normalise(self, text: str) -> str:
        """Lower case, accents and control characters dropped, punctuation and CJK characters spaced (as BERT's
        normaliser and model2vec's punctuation rules read a text)."""
        if not text.isascii():
            text = "".join(c if not _is_cjk(c) else f" {c} " for c in unicodedata.normalize("NFD", text)
                           if unicodedata.category(c) not in ("Mn", "Cc", "Cf") or c in "\t\n\r")
        return text.lower().translate(self._table)

    def word_ids(self, word: str) -> list[int]:
        found = self._cache.get(word)
        if found is None:
            found = [token.id for token in self._model.tokenize(METASPACE + word)]
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[word] = found
        return found

    def ids(self, texts: list[str], max_tokens: int | None = None) -> list[list[int]]:
        """Token ids of each text (at most `max_tokens`); a text with no word gets none."""
        cache, out = self._cache, []
        for text in texts:
            words = self.normalise(text).split()
            try:
                ids = [i for word in words for i in cache[word]]
            except KeyError:  # a word not seen yet: tokenise it, then read the text again
                ids = [i for word in words for i in self.word_ids(word)]
            out.append(ids[:max_tokens] if max_tokens is not None else ids)
        return out
