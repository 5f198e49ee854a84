"""Peer (b): TF-IDF nearest coding-index entry over the whole answer (the occupationcoder approach).

Each index entry becomes a document of its title, ADD and IND qualifiers; an answer is its job title,
description and industry (model.text.answer_text). Character n-grams within words make spelling variants
and plurals match ("carers" ~ "carer"). The ranking is the distinct unit groups of the nearest entries by
cosine similarity; confidence is the nearest entry's cosine. Every answer with any known n-gram gets a code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from model.text import answer_text

from ..benchmarks import Benchmark
from ..predictions import TOP_K, Predictions, peer_predictions

NAME = "TF-IDF nearest entry"
NEAREST = 50  # entries examined per answer to collect TOP_K distinct unit groups


def entry_text(title: str, add: str, ind: str) -> str:
    """An index entry as an answer would read: 'Finisher, print; industry: bookbinding'."""
    return answer_text(f"{title}, {add}" if add else title, "", ind)


class TfidfNearest:
    def __init__(self, entries: pd.DataFrame, ngram_range: tuple[int, int] = (2, 4)):
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=True, lowercase=True)
        documents = [entry_text(t, a, i) for t, a, i in zip(entries["title"], entries["add"], entries["ind"])]
        self.matrix = self.vectorizer.fit_transform(documents)  # rows are L2-normalised: a dot product is a cosine
        self.codes = entries["soc2020"].astype(str).to_numpy()

    def rank(self, texts: list[str], batch_size: int = 256) -> tuple[list[list[str]], np.ndarray]:
        """For each text, up to TOP_K distinct unit groups of its nearest entries and the best cosine."""
        ranked: list[list[str]] = []
        best = np.zeros(len(texts))
        for start in range(0, len(texts), batch_size):  # batches keep the dense similarity block small
            similarity = (self.vectorizer.transform(texts[start : start + batch_size]) @ self.matrix.T).toarray()
            nearest = np.argsort(-similarity, axis=1, kind="stable")[:, :NEAREST]
            for row, order in enumerate(nearest):
                best[start + row] = similarity[row, order[0]]
                ranked.append(self._distinct_codes(similarity[row], order))
        return ranked, best

    def _distinct_codes(self, similarity: np.ndarray, order: np.ndarray) -> list[str]:
        codes: list[str] = []
        for j in order:
            if similarity[j] <= 0 or len(codes) == TOP_K:
                break
            if self.codes[j] not in codes:
                codes.append(self.codes[j])
        return codes

    def predict(self, benchmark: Benchmark) -> Predictions:
        texts = [answer_text(t, d, i) for t, d, i in benchmark.rows[["job_title", "job_description", "industry"]].itertuples(index=False)]
        ranked, best = self.rank(texts)
        return peer_predictions(NAME, ranked, best, description="TF-IDF (character 2-4-grams) cosine to the nearest coding-index entry; always codes")
