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
unconstrained flow optimum. CP-SAT with several workers is not bit-for-bit deterministic; with
``Limits(workers=1)``, or whenever the optimum is unique, the same input and seed give the same output.

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

from matcher.errors import SolverFailed
from matcher.mentoring.flow import SCALE as FLOW_SCALE
from matcher.mentoring.flow import MinCostFlowSolver
from matcher.mentoring.problem import Assignment, AssignmentProblem
from matcher.solving.base import Limits, SolveResult, SolveStatus

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["MAXMIN_SCALE", "MaxMinSolver", "cpsat_solver"]

MAXMIN_SCALE = 10_000
"""Affinity units per CP-SAT integer unit: scores are rounded to four decimals."""

PHASE1_SHARE = 0.5
"""Share of the time limit phase 1 may use; phase 2 gets whatever is left."""


def cpsat_solver(limits: Limits, seconds: float) -> cp_model.CpSolver:
    """A CP-SAT solver configured from ``limits`` (seed, workers) with a time limit of ``seconds``."""
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.01)
    solver.parameters.num_workers = limits.workers
    solver.parameters.random_seed = limits.seed
    return solver


def run_cpsat(solver: cp_model.CpSolver, model: cp_model.CpModel, what: str) -> tuple[bool, bool]:
    """Solve; return ``(has_solution, proven_optimal)``. Model errors become :class:`SolverFailed`."""
    from ortools.sat.python import cp_model

    try:
        status = solver.solve(model)
    except Exception as exc:  # OR-Tools surfaces C++ failures as RuntimeError
        raise SolverFailed(f"CP-SAT failed on {what}: {exc}") from exc
    if status in (cp_model.MODEL_INVALID, cp_model.INFEASIBLE):
        raise SolverFailed(f"CP-SAT returned {solver.status_name(status)} on {what}")
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE), status == cp_model.OPTIMAL


class MaxMinSolver:
    """Lexicographic max-min then max-total assignment with CP-SAT (see the module docstring)."""

    name = "maxmin"

    def solve(self, problem: AssignmentProblem, limits: Limits) -> SolveResult[tuple[Assignment, ...]]:
        from ortools.sat.python import cp_model

        start = time.perf_counter()
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
        solver = cpsat_solver(limits, limits.time_limit_s * PHASE1_SHARE)
        found, proven_floor = run_cpsat(solver, model, "the max-min phase")
        selected = self._values(solver, x) if found else flow_selected
        floor = int(min(self._scaled_left_totals(problem, weights, selected)[active]))
        how = "proven maximal" if proven_floor else "best found"
        notes = [f"phase 1: lowest per-startup affinity {floor / MAXMIN_SCALE:.4f} ({how})"]

        model.clear_objective()
        model.add(t >= floor)
        model.maximize(cp_model.LinearExpr.weighted_sum(x, weights.tolist()))
        model.clear_hints()
        self._hint(model, x, selected, problem.n_edges)
        remaining = limits.time_limit_s - (time.perf_counter() - start)
        solver = cpsat_solver(limits, remaining)
        found, proven_total = (False, False)
        if remaining > 0.01:
            found, proven_total = run_cpsat(solver, model, "the max-total phase")
        slack = problem.total_demand * 0.5 / FLOW_SCALE
        bound = flow_total + 2 * slack
        if found:
            selected = self._values(solver, x)
            bound = min(bound, solver.best_objective_bound / MAXMIN_SCALE + problem.total_demand * 0.5 / MAXMIN_SCALE)
        notes.append(f"phase 2: total affinity {'proven optimal' if proven_total else 'best found'} at that floor")
        status = SolveStatus.OPTIMAL if proven_floor and proven_total else SolveStatus.TIMED_OUT
        return self._result(problem, selected, status, bound, start, tuple(notes))

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

    @staticmethod
    def _values(solver: cp_model.CpSolver, x: list[cp_model.IntVar]) -> np.ndarray:
        values = np.array([solver.boolean_value(v) for v in x], dtype=bool)
        return np.flatnonzero(values).astype(np.int64)
