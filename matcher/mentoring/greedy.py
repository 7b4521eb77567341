"""The baseline people use: take the best-scoring pairs first while they fit.

Edges are visited by descending affinity (ties by edge index, so the result is deterministic); an edge is taken
when its startup still needs mentors and its mentor still has capacity. Greedy can get stuck where a feasible
assignment exists (an early pick uses up the only mentor a later startup could have), and it proves nothing: the
status is ``FEASIBLE`` when every demand is met, otherwise ``INFEASIBLE`` with the partial assignment and a note.
When the problem is provably infeasible it raises :class:`matcher.errors.Infeasible`, like every solver.

Example
-------
>>> from matcher.mentoring.problem import AssignmentProblem
>>> p = AssignmentProblem.build(["s1", "s2"], ["m1", "m2"],
...     [("s1", "m1", 0.9), ("s1", "m2", 0.8), ("s2", "m1", 0.85)], demand=1, capacity=1)
>>> r = GreedySolver().solve(p, Limits())
>>> r.status.value, [(a.left_id, a.right_id) for a in r.solution]
('infeasible', [('s1', 'm1')])
"""

from __future__ import annotations

import time

import numpy as np

from matcher.mentoring.diagnose import explain_infeasibility
from matcher.mentoring.flow import infeasible_error
from matcher.mentoring.problem import Assignment, AssignmentProblem
from matcher.solving.base import Limits, SolveResult, SolveStatus

__all__ = ["GreedySolver"]


class GreedySolver:
    """Greedy by descending affinity; no bound (``bound`` is ``None``)."""

    name = "greedy"

    def solve(self, problem: AssignmentProblem, limits: Limits) -> SolveResult[tuple[Assignment, ...]]:
        start = time.perf_counter()
        order = np.lexsort((np.arange(problem.n_edges), -problem.edge_score))
        need = problem.demand.astype(np.int64).tolist()
        room = problem.capacity.astype(np.int64).tolist()
        lefts, rights = problem.edge_left[order].tolist(), problem.edge_right[order].tolist()
        missing = problem.total_demand
        taken: list[int] = []
        for e, a, b in zip(order.tolist(), lefts, rights, strict=True):
            if missing == 0:
                break
            if need[a] and room[b]:
                need[a] -= 1
                room[b] -= 1
                missing -= 1
                taken.append(e)
        selected = np.array(taken, dtype=np.int64)
        notes: tuple[str, ...] = ()
        status = SolveStatus.FEASIBLE
        if missing:
            if explain_infeasibility(problem):
                raise infeasible_error(problem, self.name)
            short = sum(1 for n in need if n)
            status = SolveStatus.INFEASIBLE
            notes = (
                f"greedy left {short} startups short of {missing} mentor places in total, although a feasible "
                "assignment exists: use the flow solver",
            )
        return SolveResult(
            status=status,
            objective=problem.objective(selected),
            bound=None,
            wall_seconds=time.perf_counter() - start,
            solution=problem.decode(selected),
            solver=self.name,
            notes=notes,
        )
