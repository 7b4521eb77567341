"""Fairness first (``--fairness maxmin``): maximise the lowest per-startup affinity, then the total.

Two CP-SAT phases on integer-scaled scores (``MAXMIN_SCALE = 10_000``, four decimals):

1. maximise ``t`` subject to ``sum_j x_ij * s_ij >= t`` for every startup with a demand, plus the assignment rows
   (exact demand, capacity) from :attr:`AssignmentProblem.rows`. The min-cost flow optimum is the starting hint
   (and settles feasibility, with an explanation when there is none); ``t`` is bounded above by the lowest "best K
   candidates" sum, which is often the optimum and lets CP-SAT close the proof at once;
2. fix every startup's total ``>= t*`` and maximise the total affinity, hinted with the phase-1 solution.

Status is ``OPTIMAL`` only when CP-SAT proves both phases, ``TIMED_OUT`` otherwise (the best solution found is
returned; if CP-SAT finds none, the flow solution is). ``bound`` is a proven upper bound on the total affinity of
any solution meeting the phase-1 floor: CP-SAT's phase-2 bound plus the rounding slack, capped by the
unconstrained flow optimum.

**Determinism**: with ``deterministic=True`` (the default) both phases run CP-SAT's interleaved search on
``Limits.workers`` threads and stop on deterministic time (:mod:`matcher.solving.cpsat`): phase 1 is granted
``PHASE1_SHARE`` of the time limit, phase 2 the rest of it less the deterministic time phase 1 used, so the same
input and seed give the same output even when the time limit is hit, whatever the machine load. The wall clock
still caps the solve; if it stops a phase first, the last note says that a rerun may differ.
``deterministic=False`` runs CP-SAT's parallel portfolio on wall time (not reproducible).

Example
-------
>>> from matcher.mentoring.problem import AssignmentProblem
>>> p = AssignmentProblem.build(["s1", "s2"], ["m1", "m2"],
...     [("s1", "m1", 0.9), ("s1", "m2", 0.5), ("s2", "m1", 0.6), ("s2", "m2", 0.1)], demand=1, capacity=1)
>>> r = MaxMinSolver().solve(p, Limits(time_limit_s=5))
>>> r.status.value, [(a.left_id, a.right_id) for a in r.solution]
('optimal', [('s1', 'm2'), ('s2', 'm1')])
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from matcher.mentoring.flow import SCALE as FLOW_SCALE
from matcher.mentoring.flow import MinCostFlowSolver
from matcher.mentoring.problem import Assignment, AssignmentProblem
from matcher.solving.base import Limits, SolveResult, SolveStatus
from matcher.solving.cpsat import MIN_SECONDS, CpSatOutcome, SolveClock, determinism_note

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["MAXMIN_SCALE", "MaxMinSolver"]

MAXMIN_SCALE = 10_000
"""Affinity units per CP-SAT integer unit: scores are rounded to four decimals."""

LP_SUBSOLVERS = ("max_lp", "reduced_costs")
"""CP-SAT subsolvers added to each phase (the interleaved search otherwise spends its time on the others)."""

PHASE1_SHARE = 0.5
"""Share of the time limit phase 1 may use; phase 2 gets whatever is left."""


class MaxMinSolver:
    """Lexicographic max-min then max-total assignment with CP-SAT (see the module docstring).

    ``deterministic``: interleaved search stopped on deterministic time (reproducible), else CP-SAT's parallel
    portfolio on wall time.
    """

    name = "maxmin"

    def __init__(self, *, deterministic: bool = True) -> None:
        self.deterministic = deterministic

    def solve(self, problem: AssignmentProblem, limits: Limits) -> SolveResult[tuple[Assignment, ...]]:
        from ortools.sat.python import cp_model

        start = time.perf_counter()
        clock = SolveClock(limits, self.deterministic, start)
        flow_selected = MinCostFlowSolver().select(problem)  # raises Infeasible with the reasons
        flow_total = problem.objective(flow_selected)
        weights = np.rint(problem.edge_score * MAXMIN_SCALE).astype(np.int64)
        active = np.flatnonzero(problem.demand > 0)
        if active.size == 0:
            return self._result(problem, flow_selected, SolveStatus.OPTIMAL, flow_total, start, ("no demand",))

        model = cp_model.CpModel()
        x = [model.new_bool_var(f"x{e}") for e in range(problem.n_edges)]
        for row in problem.rows:
            row.add_to(model, x)
        totals = self._totals(problem, x, weights)
        best_k = self._best_k_sums(problem, weights)
        flow_floor = int(min(self._scaled_left_totals(problem, weights, flow_selected)[active]))
        t = model.new_int_var(flow_floor, int(best_k[active].min()), "t")
        for i in active.tolist():
            model.add(totals[i] >= t)
        model.maximize(t)
        self._hint(model, x, flow_selected, problem.n_edges)
        first = self._run(clock, model, "the max-min phase", limits.time_limit_s * PHASE1_SHARE)
        proven_floor = first.optimal
        selected = first.chosen(x) if first.has_solution else flow_selected
        floor = int(min(self._scaled_left_totals(problem, weights, selected)[active]))
        how = "proven maximal" if proven_floor else "best found"
        notes = [f"phase 1: lowest per-startup affinity {floor / MAXMIN_SCALE:.4f} ({how})"]

        model.clear_objective()
        model.add(t >= floor)
        model.maximize(cp_model.LinearExpr.weighted_sum(x, weights.tolist()))
        model.clear_hints()
        self._hint(model, x, selected, problem.n_edges)
        budget = limits.time_limit_s - clock.elapsed()  # deterministic: what phase 1 left, the same every rerun
        second: CpSatOutcome | None = None
        if min(budget, clock.wall_left()) > MIN_SECONDS:
            second = self._run(clock, model, "the max-total phase", budget)
        proven_total = second is not None and second.optimal
        wall = first.wall or (second.wall if second is not None else budget > MIN_SECONDS)
        slack = problem.total_demand * 0.5 / FLOW_SCALE
        bound = flow_total + 2 * slack
        if second is not None and second.has_solution:
            selected = second.chosen(x)
            bound = min(bound, second.bound / MAXMIN_SCALE + problem.total_demand * 0.5 / MAXMIN_SCALE)
        notes.append(f"phase 2: total affinity {'proven optimal' if proven_total else 'best found'} at that floor")
        notes.append(determinism_note(self.deterministic, limits, wall, what="a phase"))
        status = SolveStatus.OPTIMAL if proven_floor and proven_total else SolveStatus.TIMED_OUT
        return self._result(problem, selected, status, bound, start, tuple(notes))

    @staticmethod
    def _run(clock: SolveClock, model: cp_model.CpModel, what: str, budget: float) -> CpSatOutcome:
        """One phase, with CP-SAT's LP-based subsolvers: the assignment LP is integral, so they prove it fast."""
        return clock.charge(clock.settings(budget, subsolvers=LP_SUBSOLVERS).solve(model, what)).require_feasible()

    def _result(
        self,
        problem: AssignmentProblem,
        selected: np.ndarray,
        status: SolveStatus,
        bound: float,
        start: float,
        notes: tuple[str, ...],
    ) -> SolveResult[tuple[Assignment, ...]]:
        objective = problem.objective(selected)
        return SolveResult(
            status=status,
            objective=objective,
            bound=bound,
            wall_seconds=time.perf_counter() - start,
            solution=problem.decode(selected),
            solver=self.name,
            notes=notes,
        )

    @staticmethod
    def _totals(problem: AssignmentProblem, x: list[cp_model.IntVar], weights: np.ndarray) -> list[cp_model.LinearExpr]:
        from ortools.sat.python import cp_model

        order = np.argsort(problem.edge_left, kind="stable")
        starts = np.concatenate(([0], np.cumsum(np.bincount(problem.edge_left, minlength=problem.n_left))))
        totals: list[cp_model.LinearExpr] = []
        for i in range(problem.n_left):
            edges = order[starts[i] : starts[i + 1]].tolist()
            totals.append(cp_model.LinearExpr.weighted_sum([x[e] for e in edges], weights[edges].tolist()))
        return totals

    @staticmethod
    def _best_k_sums(problem: AssignmentProblem, weights: np.ndarray) -> np.ndarray:
        """Per startup, the sum of its ``demand`` best scaled weights: an upper bound on its total."""
        order = np.lexsort((-weights, problem.edge_left))
        rank = np.arange(problem.n_edges) - np.searchsorted(problem.edge_left[order], problem.edge_left[order])
        keep = order[rank < problem.demand[problem.edge_left[order]]]
        return np.bincount(problem.edge_left[keep], weights=weights[keep], minlength=problem.n_left).astype(np.int64)

    @staticmethod
    def _scaled_left_totals(problem: AssignmentProblem, weights: np.ndarray, selected: np.ndarray) -> np.ndarray:
        sums = np.bincount(problem.edge_left[selected], weights=weights[selected], minlength=problem.n_left)
        return sums.astype(np.int64)

    @staticmethod
    def _hint(model: cp_model.CpModel, x: list[cp_model.IntVar], selected: np.ndarray, n_edges: int) -> None:
        chosen = np.zeros(n_edges, dtype=bool)
        chosen[selected] = True
        for var, value in zip(x, chosen.tolist(), strict=True):
            model.add_hint(var, value)
