"""Why a pitching day cannot place everyone, in words: how many startups fit at all (a max flow over availability and
session capacity), sessions with too few available jurors, and groups of overlapping sessions whose juries need
more investors at once than can sit in them.

Example
-------
>>> import numpy as np
>>> from matcher.pitching.problem import PitchingProblem
>>> p = PitchingProblem.build(["s1", "s2", "s3"], ["i1"], ["A", "B"], affinity=np.ones((3, 1)),
...     max_pitches=1, min_jury=1, max_jury=1, overlaps=[("A", "B")])
>>> max_placements(p), [v.constraint for v in explain_infeasibility(p)]
(2, ['jury_overlap'])
"""

from __future__ import annotations

import numpy as np

from matcher.errors import ConstraintViolation
from matcher.pitching.problem import ConstraintName as C
from matcher.pitching.problem import PitchingProblem
from matcher.solving.maxflow import bipartite_max_flow

__all__ = ["explain_infeasibility", "max_placements"]

_WHAT = "analysing the pitching sessions"


def max_placements(problem: PitchingProblem) -> int:
    """How many startups could pitch if juries were no concern (availability and session capacity only)."""
    pairs = np.argwhere(problem.startup_available)
    ones = np.ones(len(pairs), dtype=np.int64)
    startups = np.ones(problem.n_startups, dtype=np.int64)
    return bipartite_max_flow(startups, pairs[:, 0], pairs[:, 1], ones, problem.max_pitches, _WHAT).value


def _overlap_cliques(problem: PitchingProblem) -> list[list[int]]:
    """Maximal groups (2+) of sessions that pairwise overlap in time (Bron-Kerbosch; sessions are few)."""
    near: list[set[int]] = [set() for _ in range(problem.n_sessions)]
    for p, q in problem.overlaps:
        near[p].add(q)
        near[q].add(p)
    found: list[list[int]] = []

    def grow(r: set[int], candidates: set[int], excluded: set[int]) -> None:
        if not candidates and not excluded:
            if len(r) > 1:
                found.append(sorted(r))
            return
        for v in sorted(candidates):
            grow(r | {v}, candidates & near[v], excluded & near[v])
            candidates = candidates - {v}
            excluded = excluded | {v}

    grow(set(), set(range(problem.n_sessions)), set())
    return sorted(found)


def explain_infeasibility(problem: PitchingProblem) -> tuple[ConstraintViolation, ...]:
    """Juries that cannot be staffed, in words: a session with fewer available investors than its min_jury, and
    a group of overlapping sessions whose juries need more investors at once than can sit in them.

    These bind only when the sessions concerned are needed to place startups; the solver raises
    :class:`~matcher.errors.Infeasible` with them when they cost placements.
    """
    found: list[ConstraintViolation] = []
    free = problem.investor_available.sum(axis=0)
    for p, pid in enumerate(problem.session_ids):
        need = int(problem.min_jury[p])
        if free[p] < need:
            found.append(
                ConstraintViolation(
                    C.JURY_SIZE.value,
                    (),
                    f"session {pid!r} needs at least {need} jurors but only {free[p]} investors are available "
                    "then: make more investors available, lower its min_jury, or drop the session",
                    (pid,),
                )
            )
    for group in _overlap_cliques(problem):
        needs = [int(problem.min_jury[p]) for p in group]
        pairs = np.argwhere(problem.investor_available[:, group])
        investors, ones = np.ones(problem.n_investors, dtype=np.int64), np.ones(len(pairs), dtype=np.int64)
        seated = bipartite_max_flow(investors, pairs[:, 0], pairs[:, 1], ones, needs, _WHAT).value
        if seated < sum(needs):
            names = tuple(problem.session_ids[p] for p in group)
            found.append(
                ConstraintViolation(
                    C.JURY_OVERLAP.value,
                    (),
                    f"sessions {', '.join(names)} overlap in time and need {' + '.join(map(str, needs))} = "
                    f"{sum(needs)} jurors at once, but at most {seated} investors can sit in them (an investor "
                    "sits in one of them at a time): make more investors available, lower min_jury, or move "
                    "a session to another time",
                    names,
                )
            )
    return tuple(found)
