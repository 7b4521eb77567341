"""The lexical channel: TF-IDF cosine over the same text units as the embeddings, fitted per event and role pair.

Embeddings blur rare technical terms (a codec, a standard, a regulation) into their neighbourhood; word statistics
keep them: a term few profiles use weighs much, one most profiles use weighs nothing. The statistics are fitted on
the units of the two roles of a pair (a startup's text against the mentors' is weighted by how rare each term is
among startups and mentors of this event), so the same pair scores the same whichever side asks.

Tokens come from scikit-learn's analyser (lower case, accents stripped, words of two or more letters or digits,
English stop words left out: in small events they are not frequent enough for the share cut-off below),
counted once per unit when the unit enters the index; a snapshot turns the counts of two roles into sublinear,
smoothed TF-IDF rows of unit length (scikit-learn's ``TfidfTransformer``), after dropping terms that more than
``MAX_DF`` of the units use (function words in any language, the event's common vocabulary). Snapshots are
rebuilt lazily after a change, from the stored counts: no text is tokenised twice.

Example
-------
>>> terms = Terms()
>>> texts = ["H.266 VVC encoder for live sport", "AV1 and VVC encoders", "Fashion resale marketplace", "x y z"]
>>> snapshot = LexicalSnapshot.of([(row, *terms.encode(t)) for row, t in enumerate(texts)], len(terms))
>>> sims = snapshot.similarities(np.array([0]), np.array([1, 2]))
>>> bool(sims[0, 0] > 0.0), float(sims[0, 1])
(True, 0.0)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

#: Terms used by more than this share of a snapshot's units carry no weight (applied from ``MIN_UNITS_FOR_DF`` up):
#: function words of any language, and an event's everyday vocabulary ("fund", "startup"). Measured flat from 0.1
#: to 1.0 on the expertise benchmark (fixtures/expertise-dev loss 0.053-0.054); 0.25 keeps "seed" or "series" and
#: drops "the" of short profiles.
MAX_DF = 0.25
#: Below this many units a share says nothing (two units sharing "the" would drop it).
MIN_UNITS_FOR_DF = 20

Encoded = tuple[np.ndarray, np.ndarray]  # term ids (unique, int32) and their counts (float32)


class Terms:
    """A growing vocabulary: each text becomes its term ids and counts (new terms get the next ids)."""

    def __init__(self) -> None:
        self._analyse = CountVectorizer(strip_accents="unicode", lowercase=True, stop_words="english").build_analyzer()
        self.vocabulary: dict[str, int] = {}
        #: Term names by id.
        self.names: list[str] = []

    def __len__(self) -> int:
        return len(self.vocabulary)

    def encode(self, text: str) -> Encoded:
        counts: dict[int, int] = {}
        for token in self._analyse(text):
            term = self.vocabulary.get(token)
            if term is None:
                term = self.vocabulary[token] = len(self.names)
                self.names.append(token)
            counts[term] = counts.get(term, 0) + 1
        ids = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
        return ids, np.fromiter(counts.values(), dtype=np.float32, count=len(counts))


class LexicalSnapshot:
    """Unit-length TF-IDF rows of a set of index rows (sorted), fitted on exactly those rows."""

    def __init__(self, rows: np.ndarray, matrix: sparse.csr_matrix) -> None:
        self.rows = rows
        self.matrix = matrix

    @classmethod
    def of(cls, encoded: Sequence[tuple[int, np.ndarray, np.ndarray]], vocabulary: int) -> LexicalSnapshot:
        """The snapshot of ``(row, term ids, counts)`` triples (any order) over a vocabulary of that size."""
        ordered = sorted(encoded, key=lambda item: item[0])
        rows = np.array([row for row, _, _ in ordered], dtype=np.int64)
        counts = _csr([(ids, c) for _, ids, c in ordered], max(1, vocabulary))
        if len(ordered) >= MIN_UNITS_FOR_DF:
            df = np.bincount(counts.indices, minlength=counts.shape[1])
            common = np.flatnonzero(df > MAX_DF * len(ordered))
            if len(common):
                keep = np.ones(counts.shape[1], dtype=np.float32)
                keep[common] = 0.0
                counts = sparse.csr_matrix(counts @ sparse.diags(keep))
                counts.eliminate_zeros()
        matrix = TfidfTransformer(sublinear_tf=True).fit_transform(counts) if len(ordered) else counts
        return cls(rows, sparse.csr_matrix(matrix, dtype=np.float32))

    def positions(self, rows: np.ndarray) -> np.ndarray:
        """Where index rows are in this snapshot (every row must be in it)."""
        found = np.searchsorted(self.rows, rows)
        if len(rows) and (found.max() >= len(self.rows) or not np.array_equal(self.rows[found], rows)):
            raise KeyError("a row is not in this lexical snapshot")
        return found

    def select(self, rows: np.ndarray) -> sparse.csr_matrix:
        """The TF-IDF rows of these index rows, in that order."""
        positions = self.positions(np.asarray(rows, dtype=np.int64))
        if len(positions) > 16:
            return self.matrix[positions]
        m = self.matrix  # a few rows (a participant's units): slice the arrays, not through fancy indexing
        return _csr(
            [(m.indices[m.indptr[p] : m.indptr[p + 1]], m.data[m.indptr[p] : m.indptr[p + 1]]) for p in positions],
            m.shape[1],
        )

    def row(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """One index row's term ids and TF-IDF weights."""
        p = int(self.positions(np.array([row], dtype=np.int64))[0])
        m = self.matrix
        return m.indices[m.indptr[p] : m.indptr[p + 1]], m.data[m.indptr[p] : m.indptr[p + 1]]

    def similarities(self, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
        """The cosine of every row of ``rows_a`` with every row of ``rows_b`` (dense, float32)."""
        return against(self.select(rows_a), self.select(rows_b))


def _csr(pieces: Sequence[tuple[np.ndarray, np.ndarray]], columns: int) -> sparse.csr_matrix:
    """A CSR matrix whose rows are the ``(column indices, values)`` pieces, in order."""
    indptr = np.zeros(len(pieces) + 1, dtype=np.int64)
    np.cumsum([len(i) for i, _ in pieces], out=indptr[1:])
    indices = np.concatenate([i for i, _ in pieces]) if pieces else np.zeros(0, np.int32)
    data = np.concatenate([d for _, d in pieces]) if pieces else np.zeros(0, np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(pieces), columns))


def against(queries: sparse.csr_matrix, candidates: sparse.csr_matrix) -> np.ndarray:
    """Dense cosine matrix of two sets of unit-length TF-IDF rows."""
    return against_inverted(queries, candidates.T)


def inverted(candidates: sparse.csr_matrix) -> sparse.csr_matrix:
    """``candidates`` as a terms x units CSR matrix (an inverted index), for :func:`against_inverted`."""
    return sparse.csr_matrix(candidates.T)


def against_inverted(queries: sparse.csr_matrix, index: sparse.csr_matrix | sparse.csc_matrix) -> np.ndarray:
    """:func:`against` with the candidates given by their :func:`inverted` index (no conversion per call)."""
    if queries.shape[0] == 0 or index.shape[1] == 0:
        return np.zeros((queries.shape[0], index.shape[1]), dtype=np.float32)
    return np.asarray((queries @ index).toarray(), dtype=np.float32)
