"""Bag-of-words baselines shared by the quality benchmarks: BM25 and TF-IDF cosine over lower-case word tokens.

Example
-------
>>> bm25 = Bm25(["radio podcast archive tools", "fashion resale", ""])
>>> [round(s, 3) for s in bm25.scores("podcast archive search").tolist()]
[1.392, 0.0, 0.0]
>>> tfidf = TfIdf(["radio podcast archive", "fashion resale"])
>>> round(tfidf.cosine("podcast archive", "radio podcast archive"), 3), tfidf.cosine("podcast", "fashion")
(0.816, 0.0)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np


def tokens(text: str) -> list[str]:
    """Lower-case alphanumeric words."""
    return re.findall(r"[a-z0-9]+", text.lower())


class Bm25:
    """Okapi BM25 over a fixed corpus: term statistics are computed once, queries scored against any documents."""

    def __init__(self, docs: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tf = [Counter(tokens(d)) for d in docs]
        self.lengths = [sum(c.values()) for c in self.tf]
        self.avg = sum(self.lengths) / max(1, len(docs))
        self.df = Counter(t for c in self.tf for t in c)

    def idf(self, term: str) -> float:
        n, df = len(self.tf), self.df[term]
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query: str, rows: Sequence[int] | None = None) -> np.ndarray:
        """The score of ``query`` against each document (all, or those of ``rows`` in that order)."""
        chosen = range(len(self.tf)) if rows is None else rows
        out = np.zeros(len(chosen))
        terms = [t for t in set(tokens(query)) if t in self.df]
        for j, row in enumerate(chosen):
            tf, norm = self.tf[row], self.k1 * (1 - self.b + self.b * self.lengths[row] / max(self.avg, 1e-12))
            out[j] = sum(self.idf(t) * tf[t] * (self.k1 + 1) / (tf[t] + norm) for t in terms if tf[t])
        return out


def bm25_scores(query: str, docs: Sequence[str], k1: float = 1.2, b: float = 0.75) -> np.ndarray:
    """BM25 of ``query`` against each of ``docs``, the corpus being ``docs`` themselves."""
    return Bm25(docs, k1, b).scores(query)


class TfIdf:
    """Sublinear tf times smoothed idf (fitted on a corpus), L2-normalised; the cosine of two texts."""

    def __init__(self, corpus: Sequence[str]) -> None:
        self.n = len(corpus)
        self.df = Counter(t for text in corpus for t in set(tokens(text)))

    def vector(self, text: str) -> dict[str, float]:
        weights = {
            t: (1 + math.log(c)) * (1 + math.log((1 + self.n) / (1 + self.df[t])))
            for t, c in Counter(tokens(text)).items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {t: w / norm for t, w in weights.items()} if norm > 0 else {}

    def cosine(self, a: str, b: str) -> float:
        va, vb = self.vector(a), self.vector(b)
        return sum(w * vb.get(t, 0.0) for t, w in va.items())
