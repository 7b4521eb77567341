"""The investor benchmark's metrics on tiny hand-computed cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.investors import DEFAULT_DATA, bm25_scores, main, metrics, ranks_of


def test_ranks_and_missing_ids() -> None:
    assert ranks_of(["a", "b", "c"], ["c", "a", "z"], pool=3) == [3, 1, 3]


def test_perfect_and_worst_rankings() -> None:
    assert metrics([1, 1, 1]) == {"recall@10": 1.0, "mrr": 1.0}
    worst = metrics([70, 70])
    assert worst["recall@10"] == 0.0 and worst["mrr"] == pytest.approx(1 / 70)


def test_recall_and_mrr_by_hand() -> None:
    # ranks 1, 2, 10, 11: three within the top 10; MRR = (1 + 1/2 + 1/10 + 1/11) / 4
    m = metrics([1, 2, 10, 11])
    assert m["recall@10"] == 0.75
    assert m["mrr"] == pytest.approx((1 + 0.5 + 0.1 + 1 / 11) / 4)
    assert metrics([]) == {"recall@10": 0.0, "mrr": 0.0}


def test_bm25_prefers_the_matching_document() -> None:
    scores = bm25_scores("podcast archive search", ["radio podcast archive tools", "fashion resale", ""])
    assert scores[0] > 0 and scores[1] == 0 and scores[2] == 0


@pytest.mark.slow
def test_investor_benchmark_writes_the_json_shape_of_the_issue(tmp_path: Path) -> None:
    """A short real run (first 3 companies, the real model, the real data set beside the project)."""
    if not DEFAULT_DATA.is_file():
        pytest.skip(f"the YC data set is not at {DEFAULT_DATA}")
    out = tmp_path / "investors.json"
    main(["--data", str(DEFAULT_DATA), "--limit", "3", "--cache", str(tmp_path / "cache.sqlite"), "--json", str(out)])
    figures = json.loads(out.read_text())
    assert figures["links"] > 0
    assert {"engine", "popularity", "category overlap", "bm25"} <= set(figures["methods"])
    for method in figures["methods"].values():
        assert set(method) == {"recall@10", "mrr"}
        assert 0.0 <= method["mrr"] <= 1.0 and 0.0 <= method["recall@10"] <= 1.0
