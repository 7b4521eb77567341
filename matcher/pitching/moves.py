"""Jury moves: a local search over juries in which every move re-places all startups exactly.

The alternating search of :mod:`matcher.pitching.search` stops where the juries are best for the pitches and the
pitches best for the juries. :func:`jury_search` goes further: it changes one session's jury (a juror replaced by
one free at that time, two jurors swapped with an overlapping session, a juror added or dropped) and re-places
every startup for the new juries (a min-cost flow), so that startups follow the jurors they fit. An improving move
is kept, then polished by the alternating search. The budget is a number of moves evaluated, not seconds, so the
same input gives the same schedule (the optional ``deadline`` only caps it under heavy load).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np

from matcher.pitching.problem import PitchingProblem
from matcher.pitching.search import _alternate, _best_pitches, _join, _split, quality
from matcher.solving.rows import row_violations

__all__ = ["MOVE_EVALUATIONS", "jury_search"]

MOVE_EVALUATIONS = 2_500
"""Jury moves evaluated (each one min-cost flow) by :func:`jury_search`, at most."""


def _moves(problem: PitchingProblem, y: np.ndarray, p: int, partners: list[int]) -> Iterator[np.ndarray]:
    """Every jury change of session ``p``, as new juries ``y``, in investor order."""
    seated = np.flatnonzero(y[:, p])
    busy = y[:, partners].any(axis=1) if partners else np.zeros(len(y), bool)
    free = np.flatnonzero(problem.investor_available[:, p] & ~busy & (y[:, p] == 0))
    lo, hi = int(problem.min_jury[p]), int(problem.max_jury[p])
    changes: list[tuple[int, int, int]] = []  # (0 or 1 + the overlapping session swapped with, out, in)
    for i in seated.tolist():
        changes += [(0, i, j) for j in free.tolist()]
        for q in partners:
            changes += [(1 + q, i, j) for j in np.flatnonzero(y[:, q] & problem.investor_available[:, p]).tolist()]
    if len(seated) > lo:
        changes += [(0, i, -1) for i in seated.tolist()]
    if len(seated) < hi:
        changes += [(0, -1, j) for j in free.tolist()]
    for swap, out, into in changes:
        new = y.copy()
        if out >= 0:
            new[out, p] = 0
        if into >= 0:
            new[into, p] = 1
        if swap:  # with overlapping session q: ``out`` takes ``into``'s seat there
            q = swap - 1
            if not problem.investor_available[out, q]:
                continue
            new[into, q], new[out, q] = 0, 1
        yield new


def jury_search(
    problem: PitchingProblem,
    values: np.ndarray,
    pair: np.ndarray,
    theme: np.ndarray,
    placed: int,
    budget: int = MOVE_EVALUATIONS,
    deadline: float = float("inf"),
) -> tuple[np.ndarray, int, bool]:
    """Improve ``values`` by jury moves (module docstring), evaluating at most ``budget`` moves; the best vector,
    its quality, and True if the ``deadline`` (a ``perf_counter`` time) cut the budget short. Every kept schedule
    places at least ``placed`` startups and passes every row."""
    best, best_q = values, quality(problem, values, pair, theme)
    partners = [
        [q for a, b in problem.overlaps for q in ((b,) if a == p else (a,) if b == p else ())]
        for p in range(problem.n_sessions)
    ]
    done, improved = 0, True
    while improved:
        improved = False
        for p in range(problem.n_sessions):
            y = _split(problem, best)[1]
            if not y[:, p].any():
                continue
            for new in _moves(problem, y, p, partners[p]):
                if done >= budget:
                    return best, best_q, False
                if time.perf_counter() > deadline:
                    return best, best_q, True
                done += 1
                x = _best_pitches(problem, new, pair, theme)
                if int(x.sum()) < placed:
                    continue
                new = new * (x.sum(axis=0) > 0)[None, :]  # a session left without pitches has no jury
                q = int((x * (pair @ new)).sum() + (x * theme).sum())
                if q <= best_q:
                    continue
                candidate = _join(x, new)
                polished = _alternate(problem, x, pair, theme)
                if polished is not None and polished[1] > q and int(_split(problem, polished[0])[0].sum()) >= placed:
                    candidate, q = polished
                if not row_violations(problem.rows, candidate):
                    best, best_q, improved = candidate, q, True
                    break
    return best, best_q, False
