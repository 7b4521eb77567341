"""Jury tables: the sparse evaluation of juries against the dense one, and jury moves keep schedules sound."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.pitching.cpsat import PitchingSolver
from matcher.pitching.jurytable import JuryTable, SessionValues, _session_values, jury_tables, listened
from matcher.pitching.moves import jury_search
from matcher.pitching.problem import PitchingProblem
from matcher.pitching.search import improve, quality
from matcher.solving.rows import row_violations


def problem_of(seed: int, n_s: int = 7, n_i: int = 6) -> PitchingProblem:
    rng = np.random.default_rng(seed)
    banned = [(f"s{s}", f"i{i}") for s in range(n_s) for i in range(n_i) if rng.random() < 0.1]
    return PitchingProblem.build(
        [f"s{s}" for s in range(n_s)],
        [f"i{i}" for i in range(n_i)],
        ["A", "B", "C"],
        rng.integers(0, 10, (n_s, n_i)) / 10,
        max_pitches=[3, 2, 3],
        min_jury=1,
        max_jury=3,
        theme_fit=rng.integers(0, 5, (n_s, 3)) / 10,
        overlaps=[("A", "B")],
        forbidden=banned,
    )


def first_table(seed: int) -> tuple[PitchingProblem, np.ndarray, JuryTable]:
    problem = problem_of(seed)
    pair, _ = PitchingSolver(jury_top_k=None)._weights(problem)
    tables = jury_tables(problem, pair)
    assert tables is not None and tables[0] is not None
    return problem, pair, tables[0]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.lists(st.integers(-3000, 800), min_size=7, max_size=7), st.integers(1, 3))
def test_sparse_values_bound_every_jury_and_find_the_best(seed: int, gain: list[int], cap: int) -> None:
    problem, _, table = first_table(seed)
    g = np.array(gain, dtype=np.int64)
    cost = np.zeros(problem.n_investors)
    dense = _session_values(table, slice(None), g, cap)
    values = SessionValues(table, cap, 3)
    values.update(g, cost)
    assert (values.values >= dense).all()
    assert (values.values[values.exact] == dense[values.exact]).all()
    best = values.best()
    assert values.values[best] == dense.max() == dense[best]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.lists(st.integers(-3000, 30_000), min_size=7, max_size=7), st.integers(1, 3))
def test_dense_values_match_brute_force_with_forbidden_pairs(seed: int, gain: list[int], cap: int) -> None:
    """Gains past 2**14 take the wide path of an int16 table: a forbidden startup must still gain nothing."""
    problem, pair, table = first_table(seed)
    g = np.array(gain, dtype=np.int64)
    dense = _session_values(table, slice(None), g, cap)
    for j, row in enumerate(table.members):
        jury = np.flatnonzero(row)
        ok = ~problem.forbidden[:, jury].any(axis=1)
        gains = np.where(ok, g + pair[:, jury].sum(axis=1), 0)
        top = np.sort(np.maximum(gains, 0))[::-1][:cap]
        assert dense[j] == top.sum()
        heard = listened(table, j, g, cap)
        assert ok[heard].all() and int(gains[heard].sum()) == top.sum()


def test_jury_moves_never_lose_quality_and_keep_every_row() -> None:
    for seed in range(5):
        problem = problem_of(seed, n_s=8)
        pair, theme = PitchingSolver()._weights(problem)
        start = np.zeros(problem.n_variables, dtype=np.int64)
        x = np.zeros((problem.n_startups, problem.n_sessions), dtype=np.int64)
        x[np.arange(8), [0, 0, 0, 1, 1, 2, 2, 2]] = 1
        y = np.zeros((problem.n_investors, problem.n_sessions), dtype=np.int64)
        y[[0, 1, 2], 0] = y[[3, 4], 1] = y[[0, 5], 2] = 1
        start = np.concatenate((x.ravel(), y.ravel(), np.ones(3))).astype(np.int64)
        if row_violations(problem.rows, start):
            continue
        warm = improve(problem, start, pair, theme, seed, float("inf"))
        found, q, cut = jury_search(problem, warm, pair, theme, int(x.sum()), budget=300)
        assert not cut and not row_violations(problem.rows, found)
        assert q == quality(problem, found, pair, theme) >= quality(problem, warm, pair, theme)
