"""Vector indexes over faiss: exact inner product by default, HNSW above a size threshold or on request.

Vectors are unit length, so inner product is cosine similarity. Labels are int64 and chosen by the caller
(the engine uses unit row numbers); the index never sees participant ids.

Example
-------
>>> import numpy as np
>>> vectors = np.eye(3, dtype=np.float32)
>>> index = VectorIndex.build(vectors, np.array([10, 11, 12]))
>>> scores, labels = index.search(vectors[:1], 2)
>>> labels[0].tolist()
[10, 11]
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import faiss
import numpy as np

from matcher.errors import InvalidInput, Problem, SolverFailed

#: Above this many vectors, ``kind=None`` builds an approximate (HNSW) index.
APPROX_THRESHOLD = 200_000

# faiss parallelises every search with OpenMP, whose threads spin-wait: on a busy 2-core machine a search of a few
# query vectors against a few hundred takes ~20 ms with 2 threads and ~0.04 ms with one. The engine runs many small
# searches (one per suggestion request), so one thread is the default; batch jobs may raise it. OpenMP's thread
# count is per calling thread, so it is set before every search (a cheap call), in whatever thread searches.
_search_threads = 1


def set_search_threads(threads: int) -> None:
    """Set how many OpenMP threads faiss searches use (for every thread), e.g. for one large batch search."""
    global _search_threads
    _search_threads = max(1, threads)


#: faiss's SIMD inner products of one vector with many rows: ``(out, x, rows, d, n)`` (missing from its stubs).
_inner_products: Callable[..., None] = faiss.fvec_inner_products_ny  # type: ignore[attr-defined]


def best_similarities(vectors: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Each row's best inner product with any query row, computed row by row in one thread (no BLAS threads to
    wake, and the same value for the same vector wherever it sits in the matrix)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, d = vectors.shape
    best = np.full(n, -np.inf, dtype=np.float32)
    row = np.empty(n, dtype=np.float32)
    for query in np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, d):
        _inner_products(faiss.swig_ptr(row), faiss.swig_ptr(query), faiss.swig_ptr(vectors), d, n)
        np.maximum(best, row, out=best)
    return best


class IndexKind(StrEnum):
    EXACT = "exact"
    HNSW = "hnsw"


class VectorIndex:
    """A faiss index with caller-chosen int64 labels, incremental add and remove, and persistence."""

    def __init__(self, index: faiss.Index, kind: IndexKind, dimension: int, removed: set[int] | None = None) -> None:
        self._index = index
        self.kind = kind
        self.dimension = dimension
        # HNSW cannot delete: removed labels are filtered out of results until the next rebuild.
        self._removed: set[int] = set(removed or ())

    @classmethod
    def empty(cls, dimension: int, kind: IndexKind = IndexKind.EXACT, hnsw_m: int = 32) -> VectorIndex:
        if kind is IndexKind.EXACT:
            base: faiss.Index = faiss.IndexFlatIP(dimension)
        else:
            base = faiss.IndexHNSWFlat(dimension, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = 80
            base.hnsw.efSearch = 128
        return cls(faiss.IndexIDMap2(base), kind, dimension)

    @classmethod
    def build(
        cls, vectors: np.ndarray, labels: np.ndarray, kind: IndexKind | None = None, hnsw_m: int = 32
    ) -> VectorIndex:
        """Index ``vectors`` (n x d, float32) under ``labels`` (n, int64); ``kind=None`` picks by size."""
        if vectors.ndim != 2:
            raise InvalidInput("vectors must be a 2-d array", (Problem("index", None, None, f"shape {vectors.shape}"),))
        chosen = kind or (IndexKind.HNSW if vectors.shape[0] > APPROX_THRESHOLD else IndexKind.EXACT)
        index = cls.empty(vectors.shape[1], chosen, hnsw_m)
        index.add(vectors, labels)
        return index

    @property
    def size(self) -> int:
        return int(self._index.ntotal) - len(self._removed)

    def add(self, vectors: np.ndarray, labels: np.ndarray) -> None:
        if vectors.shape[0] == 0:
            return
        if vectors.shape[1] != self.dimension:
            raise InvalidInput(
                "vector dimension does not match the index",
                (Problem("index", None, None, f"got {vectors.shape[1]}, index has {self.dimension}; rebuild it"),),
            )
        labels = np.ascontiguousarray(labels, dtype=np.int64)
        self._removed.difference_update(labels.tolist())
        try:
            self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), labels)
        except RuntimeError as exc:
            raise SolverFailed(f"faiss could not add {len(labels)} vectors: {exc}") from exc

    def remove(self, labels: np.ndarray) -> None:
        labels = np.ascontiguousarray(labels, dtype=np.int64)
        if self.kind is IndexKind.EXACT:
            self._index.remove_ids(faiss.IDSelectorBatch(labels))
        else:
            self._removed.update(labels.tolist())

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best labels per query row and their scores, best first; label -1 pads missing results."""
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if queries.ndim == 1:
            queries = queries[None, :]
        total = int(self._index.ntotal)
        if k <= 0 or total == 0:
            return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
        fetch = min(total, k + len(self._removed))
        faiss.omp_set_num_threads(_search_threads)
        scores, labels = self._index.search(queries, fetch)
        if self._removed:
            dead = np.isin(labels, np.fromiter(self._removed, dtype=np.int64))
            labels = np.where(dead, -1, labels)
            scores = np.where(dead, -np.inf, scores)
            order = np.argsort(-scores, axis=1, kind="stable")
            labels = np.take_along_axis(labels, order, axis=1)
            scores = np.take_along_axis(scores, order, axis=1)
        return scores[:, :k], labels[:, :k]

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self._index, str(directory / "index.faiss"))
        meta = {"kind": self.kind.value, "dimension": self.dimension, "removed": sorted(self._removed)}
        (directory / "index.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> VectorIndex:
        meta = json.loads((directory / "index.json").read_text(encoding="utf-8"))
        index = faiss.read_index(str(directory / "index.faiss"))
        return cls(index, IndexKind(meta["kind"]), int(meta["dimension"]), set(meta.get("removed", ())))
