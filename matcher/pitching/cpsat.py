"""Pitching sessions with CP-SAT: place as many startups as possible, then seat the best-fitting juries.

The model has one literal per decision of the problem's flat vector (``x[s, p]``, ``y[i, p]``, ``u[p]``; pairs
ruled out by availability are the constant 0) and adds every row of :attr:`PitchingProblem.rows`. It is solved
lexicographically, in two phases:

1. maximise the number of pitches (bounded by the capacity-only maximum, so the proof is usually immediate);
2. keep that many pitches and maximise the quality
   ``sum affinity[s, i] * z[s, i, p] + theme_weight * theme_fit[s, p] * x[s, p]`` where ``z <= x[s, p]`` and
   ``z <= y[i, p]`` linearise "startup s pitches before juror i". To keep the model small, ``z`` exists only for
   each startup's ``jury_top_k`` best investors with positive affinity (not forbidden, available in ``p``).
   Scores are scaled to integers with ``QUALITY_SCALE = 1_000``. Phase 2 starts from the hint of a fast local
   search (:func:`~matcher.pitching.search.improve`).

``objective`` and ``bound`` are in the units of that modelled quality; each :class:`Pitch` score counts the
startup's affinity with its whole jury. The bound is the lower of CP-SAT's own (weak: its relaxation lets every
startup hear its favourite jurors) and the jury bound of :mod:`matcher.pitching.lagrange` (a Lagrangian relaxation
that prices whole juries), run between the warm start and phase 2; its juries also seed the search. Then jury
moves (:func:`~matcher.pitching.moves.jury_search`) improve both the warm start and the relaxation's best schedule,
and the better one hints phase 2. A note says what each bound is. When juries that cannot be staffed (see
:func:`~matcher.pitching.diagnose.explain_infeasibility`) cost placements, the solver raises
:class:`~matcher.errors.Infeasible` naming the sessions and numbers; startups that cannot be placed for other
reasons are listed in ``unplaced`` with the reason.

**Determinism**: with ``deterministic=True`` (the default) both phases run CP-SAT's interleaved search stopped on
deterministic time (:mod:`matcher.solving.cpsat`): phase 1 is granted ``placement_share`` of the time limit, the
warm start runs on the wall clock until ``warm_share`` of it, the jury bound (a fixed number of rounds) until
``bound_share`` and the jury moves (a fixed number of moves) until ``moves_share``, each charged its whole share,
and phase 2 gets what is left, so the same input and seed give the same schedule whatever the machine load. If the
wall clock stops a phase, the warm start before its last restart, the bound before its last round or the moves
before their budget, the last note says that a rerun may differ.
``deterministic=False`` runs CP-SAT's parallel portfolio on wall time (not reproducible).

Example
-------
>>> import numpy as np
>>> from matcher.pitching.problem import PitchingProblem
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
from matcher.pitching.diagnose import explain_infeasibility, max_placements
from matcher.pitching.lagrange import MAX_CELLS, LagrangeResult, jury_tables, lagrangian_bound
from matcher.pitching.moves import jury_search
from matcher.pitching.problem import PitchingProblem, PitchingSolution, Unplaced
from matcher.pitching.search import from_juries, improve, quality
from matcher.solving.base import Limits, SolveResult, SolveStatus
from matcher.solving.cpsat import MIN_SECONDS, CpSatOutcome, SolveClock, determinism_note

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["QUALITY_SCALE", "PitchingSolver"]

QUALITY_SCALE = 1_000
"""Quality units per CP-SAT integer unit: affinities and theme fits are rounded to three decimals."""


class PitchingSolver:
    """Two-phase CP-SAT for :class:`PitchingProblem` (see the module docstring).

    ``jury_top_k``: how many of each startup's best investors get a ``z`` variable (``None``: all of them).
    ``placement_share``: share of the time limit phase 1 may use. ``deterministic``: interleaved search stopped
    on deterministic time (reproducible), else CP-SAT's parallel portfolio on wall time.
    """

    name = "pitching-cpsat"

    def __init__(
        self,
        jury_top_k: int | None = 10,
        placement_share: float = 0.3,
        *,
        warm_share: float = 0.2,
        bound_share: float = 0.75,
        moves_share: float = 0.9,
        deterministic: bool = True,
    ) -> None:
        self.jury_top_k = jury_top_k
        self.placement_share = placement_share
        self.warm_share = warm_share
        self.bound_share = bound_share
        self.moves_share = moves_share
        self.deterministic = deterministic

    def _lagrange(
        self,
        problem: PitchingProblem,
        pair: np.ndarray,
        theme: np.ndarray,
        n_placed: int,
        values: np.ndarray,
        start: float,
        limits: Limits,
    ) -> tuple[LagrangeResult | None, str]:
        """The Lagrangian bound from the warm start's prices (each startup's value in its session), seeding the
        search with its juries; None and why when the jury tables would be too large."""
        tables = jury_tables(problem, pair)
        if tables is None:
            return None, f"no jury bound (more than {MAX_CELLS:,} jury x startup sums)"
        n_s, n_i, n_p = problem.n_startups, problem.n_investors, problem.n_sessions
        x = values[: n_s * n_p].reshape(n_s, n_p)
        y = values[n_s * n_p : (n_s + n_i) * n_p].reshape(n_i, n_p)
        prices = ((pair @ y + theme) * x).sum(axis=1)
        result = lagrangian_bound(
            problem,
            tables,
            pair,
            theme,
            n_placed,
            prices,
            incumbent=quality(problem, values, pair, theme),
            deadline=start + limits.time_limit_s * self.bound_share,
            heuristic=lambda juries: from_juries(problem, juries, pair, theme, n_placed),
        )
        note = (
            f"jury bound {result.bound / QUALITY_SCALE:g} (Lagrangian relaxation over whole juries, "
            f"{result.rounds} rounds)"
        )
        return result, note

    def solve(self, problem: PitchingProblem, limits: Limits) -> SolveResult[PitchingSolution]:
        from ortools.sat.python import cp_model

        start = time.perf_counter()
        clock = SolveClock(limits, self.deterministic, start)
        capacity_bound = max_placements(problem)
        model = cp_model.CpModel()
        lits = self._literals(model, problem)
        for row in problem.rows:
            row.add_to(model, lits)
        xs = [v for v in lits[: problem.n_startups * problem.n_sessions] if not isinstance(v, int)]
        placed = cp_model.LinearExpr.sum(xs)
        model.add(placed <= capacity_bound)
        model.maximize(placed)
        first = clock.solve(model, "the placement phase", limits.time_limit_s * self.placement_share)
        first.require_feasible()
        proven_placed = first.optimal
        if not first.has_solution:
            return SolveResult(
                SolveStatus.TIMED_OUT,
                None,
                None,
                time.perf_counter() - start,
                None,
                self.name,
                ("no schedule found within the time limit: raise the time limit",),
            )
        values = first.values(lits)
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
        warm_share = limits.time_limit_s * self.warm_share
        values = improve(problem, values, pair, theme, limits.seed, start + warm_share)
        warm_cut = time.perf_counter() > start + warm_share  # the wall clock may have cut its restarts short
        clock.advance_to(warm_share)  # deterministic: the warm start is charged its whole share
        best_q = quality(problem, values, pair, theme)
        relaxed, relax_note = self._lagrange(problem, pair, theme, n_placed, values, start, limits)
        seeds = [values]
        if relaxed is not None:
            warm_cut = warm_cut or relaxed.wall
            seeds += [] if relaxed.values is None else [relaxed.values]
            clock.advance_to(limits.time_limit_s * self.bound_share)
        for seed in seeds:  # jury moves from the warm start and from the relaxation's best schedule: the best wins
            found, found_q, cut = jury_search(
                problem, seed, pair, theme, n_placed, deadline=start + limits.time_limit_s * self.moves_share
            )
            warm_cut = warm_cut or cut
            if found_q > best_q:
                values, best_q = found, found_q
        clock.advance_to(limits.time_limit_s * self.moves_share)
        model.clear_objective()
        model.add(placed >= n_placed)
        model.maximize(cp_model.LinearExpr.weighted_sum(terms, weights))
        model.clear_hints()
        for var, value in zip(lits, values.tolist(), strict=True):
            if not isinstance(var, int):
                model.add_hint(var, value)
        for k, (xi, yi) in z_of.items():  # z = x * y, so that the hint is a complete solution
            model.add_hint(terms[k], int(values[xi] * values[yi]))
        budget = limits.time_limit_s - clock.elapsed()  # deterministic: the same every rerun
        proven_by_bound = relaxed is not None and relaxed.bound <= best_q
        second: CpSatOutcome | None = None
        if not proven_by_bound and min(budget, clock.wall_left()) > MIN_SECONDS:
            second = clock.solve(model, "the quality phase", budget).require_feasible()
        wall = first.wall or warm_cut or (second.wall if second is not None else budget > MIN_SECONDS)
        bounds: list[float] = [] if relaxed is None else [relaxed.bound]
        if second is not None and second.has_solution:
            bounds.append(second.bound)
            cpsat_values = second.values(lits)
            if quality(problem, cpsat_values, pair, theme) >= best_q:
                values = cpsat_values
        scaled = quality(problem, values, pair, theme)
        proven_quality = (second is not None and second.optimal) or (relaxed is not None and relaxed.bound <= scaled)
        objective = scaled / QUALITY_SCALE
        bound = min(bounds) / QUALITY_SCALE if bounds else None
        cp_note = (
            "" if second is None or not second.has_solution else f"; CP-SAT's bound {second.bound / QUALITY_SCALE:g}"
        )
        notes.append(
            f"phase 2: quality {'proven optimal' if proven_quality else 'best found'}; z for each "
            f"startup's top {self.jury_top_k or 'all'} investors; {relax_note}{cp_note}; the reported bound is "
            "the lower of the two"
        )
        notes.append(determinism_note(self.deterministic, limits, wall, what="a phase, the warm start or the bound"))
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
