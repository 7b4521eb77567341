"""The tiers of a finished schedule: each tier's value and the solver's bound on it.

:func:`tier_report` gives, for any solver's schedule, the rows of ``summary.json``'s ``tiers``: the locked meetings
(hard) first, then every tier of the problem's order with its value in the schedule and, when the solver proved
one, its bound given the tiers before it (:class:`~matcher.solving.base.Level`). The balance tier also reports the
schedule's idle gaps (:func:`~matcher.meetings.compact.idle_gaps`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.meetings.compact import idle_gaps
from matcher.meetings.model import Meeting
from matcher.meetings.problem import MeetingProblem
from matcher.meetings.selection import shown, stage_level, tier_stages
from matcher.solving.base import Level

__all__ = ["tier_report"]

IntArray = npt.NDArray[np.int64]


def tier_report(
    problem: MeetingProblem, meetings: Sequence[Meeting], levels: Sequence[Level] = ()
) -> list[dict[str, Any]]:
    """The ``tiers`` rows of ``summary.json``: locked first, then each tier in the problem's order with its value
    in ``meetings`` and the solver's bound from ``levels`` (``None`` when it has none). Weights are in
    :class:`~matcher.meetings.model.PriorityWeights` units, counts as counts."""
    pair, slot, table = problem.encode(meetings)
    lock_keys = set(zip(*(x.tolist() for x in problem.locks), strict=True))
    kept_locks = sum(
        (p, s, t) in lock_keys for p, s, t in zip(pair.tolist(), slot.tolist(), table.tolist(), strict=True)
    )
    prev = set(zip(problem.prev_pair.tolist(), problem.prev_slot.tolist(), problem.prev_table.tolist(), strict=True))
    kept = sum((p, s, t) in prev for p, s, t in zip(pair.tolist(), slot.tolist(), table.tolist(), strict=True))
    bounds = {level.name: level for level in levels}
    rows: list[dict[str, Any]] = [
        {"tier": "locked", "value": kept_locks, "bound": problem.n_locks, "proven": kept_locks == problem.n_locks}
    ]
    for stage in tier_stages(problem):
        value = shown(stage, stage_level(problem, stage, pair, kept))
        level = bounds.get(stage)
        bound = None if level is None else level.bound
        row: dict[str, Any] = {
            "tier": stage,
            "value": value,
            "bound": bound,
            "proven": bound is not None and value >= bound,
        }
        if stage == "balance":
            row["idle_gaps"] = idle_gaps(problem, pair, slot)
        rows.append(row)
    return rows
