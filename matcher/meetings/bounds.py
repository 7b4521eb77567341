"""Proven bounds on a finished schedule's tiers, from the selection relaxation.

The CP-SAT meeting solver (:mod:`matcher.meetings.cpsat`) maximises the tiers one after another on the selection
relaxation (:func:`~matcher.meetings.selection.build_selection`), whose optimum bounds any schedule's, then places
the selected pairs. :func:`tier_levels` turns the result into one :class:`~matcher.solving.base.Level` per tier:
while every earlier tier of the result reaches the selection's level, the selection's bound on the next tier holds;
after the first tier that falls short, each later tier's bound comes from the selection re-solved with the
result's earlier tiers as lower bounds (:func:`relaxed_bound`). :func:`weight_bound` bounds the total weight of any
schedule at least as good as the result on every tier, falling back on :func:`capacity_bound` without time.
"""

from __future__ import annotations

import numpy as np

from matcher.errors import SolverFailed
from matcher.meetings.model import Tier
from matcher.meetings.problem import MeetingProblem
from matcher.meetings.selection import build_selection, impose_floor, require, shown, tier_stages
from matcher.meetings.stage import StageOutcome, meeting_run
from matcher.solving.base import Level
from matcher.solving.cpsat import SolveClock

__all__ = ["BOUND_SHARE", "capacity_bound", "relaxed_bound", "tier_levels", "weight_bound"]

BOUND_SHARE = 0.05
"""Most of the time limit one re-solved bound may take (what is left of the limit, if less)."""
MIN_WALL_S = 2.0
"""Wall seconds a re-solved bound needs at least (building the relaxation takes about one at 1,000 people)."""


def relaxed_bound(
    problem: MeetingProblem, fixed: dict[str, int], objective: str, clock: SolveClock, reached: int | None = None
) -> int | None:
    """The selection relaxation's bound on ``objective`` (a tier or ``"weight"``) with the levels ``fixed`` as lower
    bounds, within :data:`BOUND_SHARE` of the time limit; ``None`` when no time is left or no solution was found.

    For the balance tier, whose floor variable has a weak relaxation, ``reached`` (the result's floor) is tested
    instead: if the relaxation refutes ``reached + 1``, the bound is ``reached``.
    """
    seconds = min(clock.limits.time_limit_s - clock.elapsed(), BOUND_SHARE * clock.limits.time_limit_s)
    if seconds <= 0.01 or clock.wall_left() < MIN_WALL_S:
        return None
    selection = build_selection(problem)
    for stage, value in fixed.items():
        require(selection.model, selection, stage, value)
    test = objective == Tier.BALANCE and reached is not None
    if test:
        impose_floor(selection.model, selection, int(reached or 0) + 1)
    else:
        selection.model.maximize(selection.expr(objective))
    out = clock.charge(meeting_run(selection, clock, seconds).solve(selection.model, f"the {objective} bound"))
    if test:
        return reached if out.status == "infeasible" else None
    if out.status == "infeasible":  # the result itself satisfies these levels: only a solver failure gets here
        raise SolverFailed(f"the selection relaxation refuted the levels of a schedule it bounds ({objective})")
    if not out.has_solution:  # CP-SAT stopped before its search began: its bound field means nothing
        return None
    return round(out.bound)


def tier_levels(
    problem: MeetingProblem, levels: dict[str, int], picked: StageOutcome, clock: SolveClock
) -> list[Level]:
    """Each tier's value in the result (``levels``) and a proven bound on it given the result's earlier tiers;
    ``picked`` is the outcome of the selection's stages (see the module docstring)."""
    out: list[Level] = []
    same = True
    stages = tier_stages(problem)
    for k, stage in enumerate(stages):
        value = levels[stage]
        if same:
            bound = picked.level_bounds.get(stage)
        else:
            bound = relaxed_bound(problem, {s: levels[s] for s in stages[:k]}, stage, clock, value)
        shown_bound = None if bound is None else shown(stage, bound)
        out.append(Level(stage, shown(stage, value), shown_bound, bound is not None and value >= bound))
        same &= value >= picked.values.get(stage, value + 1)
    return out


def weight_bound(problem: MeetingProblem, levels: dict[str, int], clock: SolveClock) -> int:
    """Bound (weight units) on the total weight of any schedule at least as good as ``levels`` on every tier."""
    fixed = {s: v for s, v in levels.items() if s != "weight"}
    bound = relaxed_bound(problem, fixed, "weight", clock)
    return capacity_bound(problem) if bound is None else bound


def capacity_bound(problem: MeetingProblem) -> int:
    """A weak weight bound (units): the heaviest pairs that fit in all table-slots, each pair once."""
    weights = np.sort(problem.weight_units[np.unique(problem.placements.pair)])[::-1]
    return int(weights[: problem.n_tables * problem.n_slots].sum())
