"""Why a mentor programme has no solution, in words: the binding capacities, startups short of candidates, and the
group of startups whose candidate mentors cannot cover its demand (a Hall-type deficit, by max flow / min cut).

Example
-------
>>> from matcher.mentoring.problem import AssignmentProblem
>>> p = AssignmentProblem.build(["s1", "s2"], ["m1"], [("s1", "m1", 0.9), ("s2", "m1", 0.5)], demand=1, capacity=1)
>>> [v.constraint for v in explain_infeasibility(p)]
['mentor_capacity']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.errors import ConstraintViolation
from matcher.mentoring.problem import AssignmentProblem, ConstraintName
from matcher.solving.maxflow import bipartite_max_flow

__all__ = ["explain_infeasibility"]


def _names(ids: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def explain_infeasibility(problem: AssignmentProblem) -> tuple[ConstraintViolation, ...]:
    """The binding reasons why no assignment exists, in words; empty when the problem is feasible.

    The simple reasons are reported first: total demand above total capacity, and startups with fewer candidate
    mentors than they need. Only when neither explains it, a max-flow min cut names a group of startups whose
    candidate mentors together cannot cover the group's demand (a Hall-type deficit).
    """
    found: list[ConstraintViolation] = []
    demand = problem.demand.astype(np.int64)
    if problem.total_demand > problem.total_capacity:
        uniform = demand.size > 0 and bool(np.all(demand == demand[0]))
        need = f"{problem.n_left} startups x {demand[0]} = " if uniform else ""
        found.append(
            ConstraintViolation(
                ConstraintName.MENTOR_CAPACITY.value,
                (),
                f"startup_demand vs mentor_capacity: {need}{problem.total_demand} > total capacity "
                f"{problem.total_capacity} of {problem.n_right} mentors; raise --mentor-capacity, "
                "add mentors, or lower --per-startup",
            )
        )
    usable = problem.capacity[problem.edge_right] > 0
    n_candidates = np.bincount(problem.edge_left[usable], minlength=problem.n_left)
    for i in np.flatnonzero(n_candidates < demand).tolist():
        sid, has, need_i = problem.left_ids[i], int(n_candidates[i]), int(demand[i])
        found.append(
            ConstraintViolation(
                ConstraintName.STARTUP_DEMAND.value,
                (sid,),
                f"startup {sid!r} has {has} candidate mentor(s) with free capacity but needs {need_i}: each "
                "mentor counts once per startup, so add candidate mentors for it (more edges per startup, a lower "
                "affinity threshold, fewer forbidden pairs) or lower --per-startup",
            )
        )
    if found:
        return tuple(found)
    group = _min_cut_group(problem)
    return () if group is None else (group,)


def _min_cut_group(problem: AssignmentProblem) -> ConstraintViolation | None:
    """The Hall deficit found by a max flow source -> startup (demand) -> mentor (1) -> sink (capacity)."""
    n_l, n_r = problem.n_left, problem.n_right
    ones = np.ones(problem.n_edges, dtype=np.int64)
    flow = bipartite_max_flow(
        problem.demand, problem.edge_left, problem.edge_right, ones, problem.capacity, "explaining infeasibility"
    )
    if flow.value >= problem.total_demand:
        return None
    group = np.flatnonzero(flow.left_in_cut)
    in_group = np.zeros(n_l, dtype=bool)
    in_group[group] = True
    group_edges = in_group[problem.edge_left]
    per_mentor = np.bincount(problem.edge_right[group_edges], minlength=n_r)
    mentors = np.flatnonzero(per_mentor)
    supply = int(np.minimum(per_mentor, problem.capacity).sum())
    need = int(problem.demand[group].sum(dtype=np.int64))
    startup_ids = [problem.left_ids[i] for i in group.tolist()]
    mentor_ids = [problem.right_ids[j] for j in mentors.tolist()]
    return ConstraintViolation(
        ConstraintName.GROUP_CAPACITY.value,
        (*startup_ids, *mentor_ids),
        f"{len(startup_ids)} startups ({_names(startup_ids)}) need {need} mentor places in total, but their "
        f"{len(mentor_ids)} candidate mentors ({_names(mentor_ids)}) can give them at most {supply}: add "
        "candidate mentors for these startups, raise these mentors' capacity, or lower --per-startup",
    )
