"""Pitching sessions with CP-SAT: place as many startups as possible, then seat the best-fitting juries.

The model has one literal per decision of the problem's flat vector (``x[s, p]``, ``y[i, p]``, ``u[p]``; pairs
ruled out by availability are the constant 0) and adds every row of :attr:`PitchingProblem.rows`. It is solved
lexicographically, in two phases:

1. maximise the number of pitches (bounded by the capacity-only maximum, so the proof is usually immediate);
2. keep that many pitches and maximise the quality
   ``sum affinity[s, i] * z[s, i, p] + theme_weight * theme_fit[s, p] * x[s, p]`` where ``z <= x[s, p]`` and
   ``z <= y[i, p]`` linearise "startup s pitches before juror i". To keep the model small, ``z`` exists only for
   each startup's ``jury_top_k`` best investors with positive affinity (not forbidden, available in ``p``).
   Scores are scaled to integers with ``QUALITY_SCALE = 1_000``.

``objective`` and ``bound`` are in the units of that modelled quality; each :class:`Pitch` score counts the
startup's affinity with its whole jury. When juries that cannot be staffed (see
:func:`~matcher.problems.pitching.explain_infeasibility`) cost placements, the solver raises
:class:`~matcher.errors.Infeasible` naming the sessions and numbers; startups that cannot be placed for other
reasons are listed in ``unplaced`` with the reason.

Example
-------
>>> import numpy as np
>>> from matcher.problems.pitching import PitchingProblem
>>> p = PitchingProblem.build(["s1", "s2", "s3"], ["i1", "i2"], ["A", "B"], affinity=np.eye(3, 2),
...     max_pitches=1, min_jury=1, max_jury=1, overlaps=[("A", "B")])
>>> sol = PitchingSolver().solve(p, Limits(time_limit_s=5)).solution
>>> len(sol.pitches), sol.unplaced[0].reason[:14]
(2, 'capacity short')
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from matcher.errors import Infeasible
from matcher.problems.constraints import row_violations
from matcher.problems.pitching import (
    PitchingProblem,
    PitchingSolution,
    Unplaced,
    explain_infeasibility,
    max_placements,
)
from matcher.solvers.base import Limits, SolveResult, SolveStatus
from matcher.solvers.maxmin import cpsat_solver, run_cpsat

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["QUALITY_SCALE", "PitchingSolver"]

QUALITY_SCALE = 1_000
"""Quality units per CP-SAT integer unit: affinities and theme fits are rounded to three decimals."""

SEARCH_ROUNDS = 20
"""At most this many jury/placement rounds per local search of the warm start."""

SEARCH_RESTARTS = 300
"""Seeded shakes of the best schedule tried by the warm start (fewer if it runs out of its time share)."""


class PitchingSolver:
    """Two-phase CP-SAT for :class:`PitchingProblem` (see the module docstring).

    ``jury_top_k``: how many of each startup's best investors get a ``z`` variable (``None``: all of them).
    ``placement_share``: share of the time limit phase 1 may use.
    """

    name = "pitching-cpsat"

    def __init__(self, jury_top_k: int | None = 10, placement_share: float = 0.3) -> None:
        self.jury_top_k = jury_top_k
        self.placement_share = placement_share

    def solve(self, problem: PitchingProblem, limits: Limits) -> SolveResult[PitchingSolution]:
        from ortools.sat.python import cp_model

        start = time.perf_counter()
        capacity_bound = max_placements(problem)
        model = cp_model.CpModel()
        lits = self._literals(model, problem)
        for row in problem.rows:
            row.add_to(model, lits)
        xs = [v for v in lits[: problem.n_startups * problem.n_sessions] if not isinstance(v, int)]
        placed = cp_model.LinearExpr.sum(xs)
        model.add(placed <= capacity_bound)
        model.maximize(placed)
        solver = cpsat_solver(limits, limits.time_limit_s * self.placement_share)
        found, proven_placed = run_cpsat(solver, model, "the placement phase")
        if not found:
            return SolveResult(
                SolveStatus.TIMED_OUT,
                None,
                None,
                time.perf_counter() - start,
                None,
                self.name,
                ("no schedule found within the time limit: raise the time limit",),
            )
        values = self._values(solver, lits)
        n_placed = int(values[: problem.n_startups * problem.n_sessions].sum())
        notes = [
            f"phase 1: {n_placed} of {problem.n_startups} startups placed "
            f"({'proven maximal' if proven_placed else 'best found'}; capacity allows {capacity_bound})"
        ]
        if n_placed < capacity_bound and proven_placed:
            staffing = explain_infeasibility(problem)
            if staffing:
                raise Infeasible(
                    f"juries cannot be staffed: only {n_placed} of the {capacity_bound} startups that fit in the "
                    "sessions can be given a jury",
                    staffing,
                )

        pair, theme = self._weights(problem)
        weights, terms, z_of = self._objective(model, problem, lits, pair, theme)
        deadline = start + limits.time_limit_s * (self.placement_share + 1) / 2
        values = improve(problem, values, pair, theme, limits.seed, deadline)
        model.clear_objective()
        model.add(placed >= n_placed)
        model.maximize(cp_model.LinearExpr.weighted_sum(terms, weights))
        model.clear_hints()
        for var, value in zip(lits, values.tolist(), strict=True):
            if not isinstance(var, int):
                model.add_hint(var, value)
        for k, (xi, yi) in z_of.items():  # z = x * y, so that the hint is a complete solution
            model.add_hint(terms[k], int(values[xi] * values[yi]))
        remaining = limits.time_limit_s - (time.perf_counter() - start)
        found, proven_quality = (False, False)
        bound: float | None = None
        if remaining > 0.01:
            solver = cpsat_solver(limits, remaining)
            found, proven_quality = run_cpsat(solver, model, "the quality phase")
        if found:
            bound = solver.best_objective_bound / QUALITY_SCALE
            cpsat_values = self._values(solver, lits)
            if quality(problem, cpsat_values, pair, theme) >= quality(problem, values, pair, theme):
                values = cpsat_values
        objective = quality(problem, values, pair, theme) / QUALITY_SCALE
        notes.append(
            f"phase 2: quality {'proven optimal' if proven_quality else 'best found'}; z for each "
            f"startup's top {self.jury_top_k or 'all'} investors"
        )
        pitches, juries = problem.decode(values)
        solution = PitchingSolution(pitches, juries, self._unplaced(problem, values, proven_placed))
        status = SolveStatus.OPTIMAL if proven_placed and proven_quality else SolveStatus.TIMED_OUT
        return SolveResult(status, objective, bound, time.perf_counter() - start, solution, self.name, tuple(notes))

    @staticmethod
    def _literals(model: cp_model.CpModel, problem: PitchingProblem) -> list[cp_model.IntVar | int]:
        lits: list[cp_model.IntVar | int] = [0] * problem.n_variables
        for s, p in np.argwhere(problem.startup_available).tolist():
            lits[problem.x_index(s, p)] = model.new_bool_var(f"x_{s}_{p}")
        for i, p in np.argwhere(problem.investor_available).tolist():
            lits[problem.y_index(i, p)] = model.new_bool_var(f"y_{i}_{p}")
        for p in range(problem.n_sessions):
            lits[problem.u_index(p)] = model.new_bool_var(f"u_{p}")
        return lits

    def _weights(self, problem: PitchingProblem) -> tuple[np.ndarray, np.ndarray]:
        """Scaled objective weights: ``pair[s, i]`` for each startup's top-k positive, allowed investors (0
        elsewhere) and ``theme[s, p]``."""
        aff = np.rint(problem.affinity * QUALITY_SCALE).astype(np.int64)
        pair = np.zeros_like(aff)
        k = problem.n_investors if self.jury_top_k is None else self.jury_top_k
        for s in range(problem.n_startups):
            usable = np.flatnonzero((aff[s] > 0) & ~problem.forbidden[s])
            top = usable[np.lexsort((usable, -aff[s, usable]))][:k]
            pair[s, top] = aff[s, top]
        theme = np.rint(problem.theme_weight * problem.theme_fit * QUALITY_SCALE).astype(np.int64)
        return pair, theme

    @staticmethod
    def _objective(
        model: cp_model.CpModel,
        problem: PitchingProblem,
        lits: list[cp_model.IntVar | int],
        pair: np.ndarray,
        theme: np.ndarray,
    ) -> tuple[list[int], list[cp_model.IntVar], dict[int, tuple[int, int]]]:
        """Objective weights and literals (``z`` for weighted pairs, theme fit on ``x``), plus for each ``z`` (by
        position in the term list) the flat indices of its ``x`` and ``y``."""
        from ortools.sat.python import cp_model

        weights: list[int] = []
        terms: list[cp_model.IntVar] = []
        z_of: dict[int, tuple[int, int]] = {}
        by_juror: dict[tuple[int, int], list[cp_model.IntVar]] = {}
        for s in range(problem.n_startups):
            top = np.flatnonzero(pair[s]).tolist()
            for p in np.flatnonzero(problem.startup_available[s]).tolist():
                xi = problem.x_index(s, p)
                x = lits[xi]
                if isinstance(x, int):
                    continue
                if theme[s, p]:
                    weights.append(int(theme[s, p]))
                    terms.append(x)
                heard: list[cp_model.IntVar] = []
                for i in top:
                    y = lits[problem.y_index(i, p)]
                    if isinstance(y, int):
                        continue
                    z = model.new_bool_var(f"z_{s}_{i}_{p}")
                    model.add_implication(z, x)
                    model.add_implication(z, y)
                    z_of[len(terms)] = (xi, problem.y_index(i, p))
                    weights.append(int(pair[s, i]))
                    terms.append(z)
                    heard.append(z)
                    by_juror.setdefault((i, p), []).append(z)
                if len(heard) > problem.max_jury[p]:  # valid cut: a jury has at most max_jury members
                    model.add(cp_model.LinearExpr.sum(heard) <= int(problem.max_jury[p]) * x)
        for (i, p), heard in by_juror.items():  # valid cut: a juror hears at most max_pitches startups
            if len(heard) > problem.max_pitches[p]:
                model.add(cp_model.LinearExpr.sum(heard) <= int(problem.max_pitches[p]) * lits[problem.y_index(i, p)])
        return weights, terms, z_of

    @staticmethod
    def _values(solver: cp_model.CpSolver, lits: list[cp_model.IntVar | int]) -> np.ndarray:
        return np.array([v if isinstance(v, int) else int(solver.boolean_value(v)) for v in lits], dtype=np.int64)

    @staticmethod
    def _unplaced(problem: PitchingProblem, values: np.ndarray, proven: bool) -> tuple[Unplaced, ...]:
        n_s, n_p = problem.n_startups, problem.n_sessions
        x = values[: n_s * n_p].reshape(n_s, n_p).astype(bool)
        load = x.sum(axis=0)
        places = int(problem.max_pitches.sum())
        out: list[Unplaced] = []
        for s in np.flatnonzero(~x.any(axis=1)).tolist():
            mine = np.flatnonzero(problem.startup_available[s])
            names = ", ".join(problem.session_ids[p] for p in mine.tolist())
            if mine.size == 0:
                reason = "no session available for this startup"
            elif np.all(load[mine] >= problem.max_pitches[mine]):
                reason = (
                    f"capacity short: {places} pitch places for {n_s} startups, and the {mine.size} "
                    f"session(s) it can attend ({names}) are full"
                )
            else:
                reason = (
                    "no jury can hear it in the sessions it can attend that have room: a forbidden investor "
                    "would sit in the jury, or too few investors are free to staff another session"
                )
            if not proven:
                reason += " (time limit hit: a longer run may place it)"
            out.append(Unplaced(problem.startup_ids[s], reason))
        return tuple(out)


# --- a fast warm start: alternate exact jury and exact placement steps (each a min-cost flow) --------------------


def quality(problem: PitchingProblem, values: np.ndarray, pair: np.ndarray, theme: np.ndarray) -> int:
    """The modelled (scaled) quality of a flat 0/1 vector: theme fit of each pitch + pair weights of its jury."""
    x, y = _split(problem, values)
    return int((x * (pair @ y)).sum() + (x * theme).sum())


def _split(problem: PitchingProblem, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n_s, n_i, n_p = problem.n_startups, problem.n_investors, problem.n_sessions
    x = values[: n_s * n_p].reshape(n_s, n_p)
    return x, values[n_s * n_p : (n_s + n_i) * n_p].reshape(n_i, n_p)


def _join(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.concatenate((x.ravel(), y.ravel(), x.any(axis=0))).astype(np.int64)


def _flow(tails: list[int], heads: list[int], caps: list[int], costs: list[int], supply: int, n: int) -> np.ndarray:
    """Min-cost flow of ``supply`` units from node ``n - 2`` to ``n - 1``; flow per arc (empty if infeasible)."""
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, np.int32), np.array(heads, np.int32), np.array(caps, np.int64), np.array(costs, np.int64)
    )
    flow.set_nodes_supplies(np.array([n - 2, n - 1], np.int32), np.array([supply, -supply], np.int64))
    if flow.solve() != flow.OPTIMAL:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(flow.flows(np.asarray(arcs, np.int32)))


def _blocks(problem: PitchingProblem) -> list[list[int]]:
    """Connected groups of overlapping sessions (an investor joins at most one session per group here)."""
    root = list(range(problem.n_sessions))

    def find(v: int) -> int:
        while root[v] != v:
            v = root[v]
        return v

    for p, q in problem.overlaps:
        root[find(p)] = find(q)
    groups: dict[int, list[int]] = {}
    for p in range(problem.n_sessions):
        groups.setdefault(find(p), []).append(p)
    return list(groups.values())


def _best_juries(problem: PitchingProblem, x: np.ndarray, pair: np.ndarray) -> np.ndarray | None:
    """Optimal juries for fixed pitches ``x``, one session per overlap group per investor; None if unstaffable."""
    n_i = problem.n_investors
    gain = pair.T @ x  # [I, P]: what investor i adds to session p
    clash = (problem.forbidden.T.astype(np.int64) @ x) > 0  # investor i meets a forbidden startup in p
    allowed = problem.investor_available & ~clash & (x.sum(axis=0) > 0)[None, :]
    y = np.zeros((n_i, problem.n_sessions), dtype=np.int64)
    big = int(gain.sum()) + 1
    for group in _blocks(problem):
        used = [p for p in group if x[:, p].any()]
        if not used:
            continue
        n = n_i + len(used) + 2
        tails, heads, caps, costs = [], [], [], []
        for i in range(n_i):
            tails += [n - 2, i]
            heads += [i, n - 1]
            caps += [1, 1]
            costs += [0, 0]
        arc_of: dict[int, tuple[int, int]] = {}
        for k, p in enumerate(used):
            for i in np.flatnonzero(allowed[:, p]).tolist():
                arc_of[len(tails)] = (i, p)
                tails.append(i)
                heads.append(n_i + k)
                caps.append(1)
                costs.append(-int(gain[i, p]))
            lo, hi = int(problem.min_jury[p]), int(problem.max_jury[p])
            tails += [n_i + k, n_i + k]
            heads += [n - 1, n - 1]
            caps += [lo, hi - lo]
            costs += [-big, 0]
        flows = _flow(tails, heads, caps, costs, n_i, n)
        if flows.size == 0:
            return None
        for arc, (i, p) in arc_of.items():
            y[i, p] = flows[arc]
        if any(y[:, p].sum() < problem.min_jury[p] for p in used):
            return None
    return y


def _best_pitches(problem: PitchingProblem, y: np.ndarray, pair: np.ndarray, theme: np.ndarray) -> np.ndarray:
    """Optimal placement of as many startups as possible into the sessions that have a jury, juries fixed."""
    n_s, n_p = problem.n_startups, problem.n_sessions
    gain = pair @ y + theme  # [S, P]
    clash = (problem.forbidden.astype(np.int64) @ y) > 0  # startup s meets a forbidden juror in p
    allowed = problem.startup_available & ~clash & (y.sum(axis=0) >= np.maximum(problem.min_jury, 1))[None, :]
    big = int(np.abs(gain).sum()) + 1
    n = n_s + n_p + 2
    tails = [n - 2] * n_s + list(range(n_s)) + list(range(n_s, n_s + n_p))
    heads = list(range(n_s)) + [n - 1] * n_s + [n - 1] * n_p
    caps = [1] * (2 * n_s) + problem.max_pitches.tolist()
    costs = [0] * (2 * n_s + n_p)
    pairs = np.argwhere(allowed)
    first = len(tails)
    tails += pairs[:, 0].tolist()
    heads += (n_s + pairs[:, 1]).tolist()
    caps += [1] * len(pairs)
    costs += (-big - gain[pairs[:, 0], pairs[:, 1]]).tolist()
    flows = _flow(tails, heads, caps, costs, n_s, n)
    x = np.zeros((n_s, n_p), dtype=np.int64)
    if flows.size:
        hit = pairs[flows[first:] > 0]
        x[hit[:, 0], hit[:, 1]] = 1
    return x


def _alternate(
    problem: PitchingProblem, x: np.ndarray, pair: np.ndarray, theme: np.ndarray
) -> tuple[np.ndarray, int] | None:
    """From pitches ``x``, alternate best juries and best pitches until quality stops rising (placing no fewer
    startups); the best complete vector found and its quality, or None when the juries cannot be staffed."""
    placed = int(x.sum())
    best: tuple[np.ndarray, int] | None = None
    for _ in range(SEARCH_ROUNDS):
        y = _best_juries(problem, x, pair)
        if y is None:
            break
        candidate = _join(x, y)
        q = quality(problem, candidate, pair, theme)
        if best is not None and q <= best[1]:
            break
        best = (candidate, q)
        x = _best_pitches(problem, y, pair, theme)
        if int(x.sum()) < placed:
            break
    return best


def _shake(problem: PitchingProblem, x: np.ndarray, rng: np.random.Generator, share: float = 0.15) -> np.ndarray:
    """Move a random ``share`` of the placed startups to random sessions they can attend that have room."""
    x = x.copy()
    load = x.sum(axis=0)
    placed = np.flatnonzero(x.any(axis=1))
    for s in rng.permutation(placed)[: max(1, int(share * placed.size))].tolist():
        options = np.flatnonzero(problem.startup_available[s] & (load < problem.max_pitches))
        if options.size:
            old = int(np.flatnonzero(x[s])[0])
            new = int(rng.choice(options))
            x[s, old], x[s, new] = 0, 1
            load[old] -= 1
            load[new] += 1
    return x


def improve(
    problem: PitchingProblem, values: np.ndarray, pair: np.ndarray, theme: np.ndarray, seed: int, deadline: float
) -> np.ndarray:
    """Warm start for phase 2: alternating local search from ``values``, then ``SEARCH_RESTARTS`` seeded shakes
    of the best schedule (stopping early at ``deadline``, a ``perf_counter`` time). Improvements are kept only
    if they pass every row; returns ``values`` if nothing helps."""
    best, best_q = values, quality(problem, values, pair, theme)
    rng = np.random.default_rng(seed)
    x = _split(problem, values)[0]
    for restart in range(SEARCH_RESTARTS + 1):
        if restart and time.perf_counter() > deadline:
            break
        found = _alternate(problem, x if restart == 0 else _shake(problem, _split(problem, best)[0], rng), pair, theme)
        if found is not None and found[1] > best_q and not row_violations(problem.rows, found[0]):
            best, best_q = found
    return best
