"""The jury bound (Lagrangian relaxation over whole juries) against brute force on tiny instances."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.pitching.cpsat import QUALITY_SCALE, PitchingSolver
from matcher.pitching.lagrange import jury_tables, lagrangian_bound
from matcher.pitching.problem import PitchingProblem
from matcher.pitching.search import quality
from matcher.solving.base import Limits, SolveStatus
from matcher.solving.rows import row_violations

FAST = Limits(time_limit_s=10, seed=0, workers=1)


@st.composite
def tiny(draw: st.DrawFn) -> PitchingProblem:
    """3 startups, 3 investors, 2 sessions (overlapping or not), juries of 1..2, room for 1..2 pitches each."""
    aff = np.array(draw(st.lists(st.integers(0, 9), min_size=9, max_size=9)), dtype=float).reshape(3, 3) / 10
    fit = np.array(draw(st.lists(st.integers(0, 5), min_size=6, max_size=6)), dtype=float).reshape(3, 2) / 10
    banned = [(f"s{s}", f"i{i}") for s, i in itertools.product(range(3), range(3)) if draw(st.integers(0, 5)) == 0]
    return PitchingProblem.build(
        ["s0", "s1", "s2"],
        ["i0", "i1", "i2"],
        ["A", "B"],
        aff,
        max_pitches=[draw(st.integers(1, 2)), 2],
        min_jury=1,
        max_jury=draw(st.integers(1, 2)),
        theme_fit=fit,
        overlaps=[("A", "B")] if draw(st.booleans()) else [],
        forbidden=banned,
    )


def brute_force(problem: PitchingProblem, pair: np.ndarray, theme: np.ndarray) -> dict[int, int]:
    """The best modelled quality for each number of pitches, over every 0/1 vector that passes every row."""
    best: dict[int, int] = {}
    n_s, n_i, n_p = problem.n_startups, problem.n_investors, problem.n_sessions
    for where in itertools.product(range(-1, n_p), repeat=n_s):
        x = np.zeros((n_s, n_p), dtype=np.int64)
        for s, p in enumerate(where):
            if p >= 0:
                x[s, p] = 1
        for seats in itertools.product((0, 1), repeat=n_i * n_p):
            values = np.concatenate((x.ravel(), seats, x.any(axis=0))).astype(np.int64)
            if not row_violations(problem.rows, values):
                n = int(x.sum())
                best[n] = max(best.get(n, -1), quality(problem, values, pair, theme))
    return best


@settings(max_examples=25, deadline=None)
@given(tiny())
def test_jury_bound_is_at_least_the_brute_force_optimum(problem: PitchingProblem) -> None:
    pair, theme = PitchingSolver(jury_top_k=None)._weights(problem)
    best = brute_force(problem, pair, theme)
    tables = jury_tables(problem, pair)
    assert tables is not None
    for n_placed in best:
        if n_placed == 0:
            continue
        for prices in (np.zeros(3), np.array([300, 100, 0])):
            result = lagrangian_bound(problem, tables, pair, theme, n_placed, prices, rounds=5)
            assert result.bound >= max(q for n, q in best.items() if n >= n_placed)


@settings(max_examples=25, deadline=None)
@given(tiny())
def test_solver_with_the_bound_matches_brute_force(problem: PitchingProblem) -> None:
    solver = PitchingSolver(jury_top_k=None)
    pair, theme = solver._weights(problem)
    best = brute_force(problem, pair, theme)
    result = solver.solve(problem, FAST)
    assert result.solution is not None and result.objective is not None and result.bound is not None
    placed = len(result.solution.pitches)
    assert placed == max(best)
    assert result.status is SolveStatus.OPTIMAL
    assert round(result.objective * QUALITY_SCALE) == best[placed]
    assert result.objective <= result.bound + 1e-9
