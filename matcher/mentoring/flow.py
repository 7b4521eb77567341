"""Maximum total affinity, certified optimal, by min-cost flow (OR-Tools ``SimpleMinCostFlow``).

The network: every startup node supplies its demand K, each candidate edge is an arc startup -> mentor of
capacity 1 and cost ``-round(score * SCALE)``, each mentor has an arc to the sink with its capacity, and the sink
absorbs the total demand. An optimal flow of that value is an optimal b-matching (the constraint matrix is totally
unimodular, so the integer optimum equals the LP optimum).

Scores are turned into integer costs with ``SCALE = 1_000_000`` (six decimals). Negative scores are fine: every
startup must still get exactly K mentors, so the flow takes the least bad ones when it has to. The solution is
optimal for the rounded costs; its true total affinity is within ``total_demand * 0.5e-6`` of the true optimum.

Example
-------
>>> from matcher.mentoring.problem import AssignmentProblem
>>> p = AssignmentProblem.build(["s1", "s2"], ["m1", "m2"],
...     [("s1", "m1", 0.9), ("s1", "m2", 0.8), ("s2", "m1", 0.8), ("s2", "m2", 0.1)], demand=1, capacity=1)
>>> r = MinCostFlowSolver().solve(p, Limits())
>>> r.status.value, round(r.objective, 6), [(a.left_id, a.right_id) for a in r.solution]
('optimal', 1.6, [('s1', 'm2'), ('s2', 'm1')])
"""

from __future__ import annotations

import time

import numpy as np

from matcher.errors import Infeasible, InvalidInput, SolverFailed
from matcher.mentoring.diagnose import explain_infeasibility
from matcher.mentoring.problem import Assignment, AssignmentProblem
from matcher.solving.base import Limits, SolveResult, SolveStatus

__all__ = ["SCALE", "MinCostFlowSolver", "infeasible_error"]

SCALE = 1_000_000
"""Affinity units per integer cost unit: scores are rounded to six decimals."""

_MAX_COST = 2**40  # |score| * SCALE above this could overflow OR-Tools' cost scaling (costs x node count)


def infeasible_error(problem: AssignmentProblem, solver: str) -> Infeasible:
    """The :class:`Infeasible` a solver raises, with the binding reasons from ``explain_infeasibility``."""
    violations = explain_infeasibility(problem)
    if not violations:
        raise SolverFailed(f"{solver} reported the problem infeasible but no binding constraint was found")
    return Infeasible(
        f"no mentor assignment gives {problem.n_left} startups their mentors within the mentors' capacities",
        violations,
    )


class MinCostFlowSolver:
    """Maximise total affinity subject to exact demand and capacity; status is always ``OPTIMAL``.

    ``limits`` is accepted for the common interface; the algorithm is exact, deterministic and does not stop
    early (it takes well under a second for 2,000 startups x 100 candidate edges each).
    """

    name = "flow"

    def solve(self, problem: AssignmentProblem, limits: Limits) -> SolveResult[tuple[Assignment, ...]]:
        start = time.perf_counter()
        selected = self.select(problem)
        solution = problem.decode(selected)
        objective = problem.objective(selected)
        return SolveResult(
            status=SolveStatus.OPTIMAL,
            objective=objective,
            bound=objective,
            wall_seconds=time.perf_counter() - start,
            solution=solution,
            solver=self.name,
            notes=(f"min-cost flow on {problem.n_edges} candidate edges, scores scaled by {SCALE:,}",),
        )

    def select(self, problem: AssignmentProblem) -> np.ndarray:
        """Indices of the optimal edges (sorted); raises ``Infeasible`` when the demand cannot be met."""
        from ortools.graph.python import min_cost_flow  # deferred: nothing heavy at import time

        if problem.n_edges and float(np.abs(problem.edge_score).max()) * SCALE > _MAX_COST:
            raise InvalidInput(
                f"affinity scores reach {np.abs(problem.edge_score).max():.3g}; the flow solver needs them "
                "within about +-1e6: rescale the scores"
            )
        if problem.total_demand == 0:
            return np.zeros(0, dtype=np.int64)
        n_l, n_r = problem.n_left, problem.n_right
        sink = n_l + n_r
        tails = np.concatenate((problem.edge_left, n_l + np.arange(n_r, dtype=np.int32))).astype(np.int32)
        heads = np.concatenate((n_l + problem.edge_right, np.full(n_r, sink, dtype=np.int32))).astype(np.int32)
        caps = np.concatenate((np.ones(problem.n_edges, dtype=np.int64), problem.capacity.astype(np.int64)))
        costs = np.concatenate((-np.rint(problem.edge_score * SCALE).astype(np.int64), np.zeros(n_r, np.int64)))
        nodes = np.arange(n_l + 1, dtype=np.int32)
        nodes[-1] = sink
        supplies = np.concatenate((problem.demand.astype(np.int64), [-problem.total_demand]))
        flow = min_cost_flow.SimpleMinCostFlow()
        try:
            arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
            flow.set_nodes_supplies(nodes, supplies)
            status = flow.solve()
        except Exception as exc:  # OR-Tools raises plain RuntimeError/ValueError on bad input
            raise SolverFailed(f"OR-Tools min-cost flow failed: {exc}") from exc
        if status == flow.INFEASIBLE:
            raise infeasible_error(problem, self.name)
        if status != flow.OPTIMAL:
            raise SolverFailed(f"OR-Tools min-cost flow returned status {status!r}")
        used = np.asarray(flow.flows(np.asarray(arcs[: problem.n_edges], dtype=np.int32)))
        return np.flatnonzero(used > 0).astype(np.int64)
