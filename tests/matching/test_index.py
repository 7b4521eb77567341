"""The faiss index: exact search is the brute-force numpy top-k; HNSW recall is measured against exact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.matching.index import IndexKind, VectorIndex


def unit_rows(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def low_rank(rng: np.random.Generator, n: int, d: int, rank: int = 16) -> np.ndarray:
    """Vectors with a low intrinsic dimension plus noise, like sentence embeddings (isotropic noise is not)."""
    basis = np.random.default_rng(1).standard_normal((rank, d)).astype(np.float32)
    x = rng.standard_normal((n, rank)).astype(np.float32) @ basis + 0.3 * rng.standard_normal((n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 300), k=st.integers(1, 40))
def test_exact_search_equals_numpy_top_k(seed: int, n: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    vectors, queries = unit_rows(rng, n, 16), unit_rows(rng, 5, 16)
    labels = rng.permutation(10 * n)[:n].astype(np.int64)
    scores, found = VectorIndex.build(vectors, labels, IndexKind.EXACT).search(queries, k)
    brute = queries @ vectors.T
    for q in range(len(queries)):
        order = np.argsort(-brute[q], kind="stable")[: min(k, n)]
        assert np.allclose(scores[q], brute[q][order], atol=1e-5)
        assert found[q].tolist() == labels[order].tolist()


def test_hnsw_recall_against_exact() -> None:
    rng = np.random.default_rng(7)
    vectors, queries = low_rank(rng, 20_000, 64), low_rank(rng, 200, 64)
    labels = np.arange(len(vectors), dtype=np.int64)
    _, exact = VectorIndex.build(vectors, labels, IndexKind.EXACT).search(queries, 10)
    _, approx = VectorIndex.build(vectors, labels, IndexKind.HNSW).search(queries, 10)
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx.tolist(), exact.tolist(), strict=True)])
    assert recall >= 0.95, f"HNSW recall@10 against exact is {recall:.3f}"


def test_size_threshold_picks_the_kind() -> None:
    rng = np.random.default_rng(1)
    small = VectorIndex.build(unit_rows(rng, 10, 8), np.arange(10))
    assert small.kind is IndexKind.EXACT


def test_add_remove_and_persistence(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    vectors = unit_rows(rng, 50, 8)
    for kind in IndexKind:
        index = VectorIndex.build(vectors, np.arange(50), kind)
        index.remove(np.array([0, 1]))
        assert index.size == 48
        _, found = index.search(vectors[:2], 48)
        assert not ({0, 1} & set(found.ravel().tolist()))
        index.save(tmp_path / kind.value)
        again = VectorIndex.load(tmp_path / kind.value)
        assert again.kind is kind and again.size == 48
        _, found_again = again.search(vectors[:2], 5)
        assert found_again.tolist() == index.search(vectors[:2], 5)[1].tolist()
        again.add(vectors[:1], np.array([0]))
        assert again.search(vectors[:1], 1)[1][0, 0] == 0
