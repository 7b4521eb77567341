"""The B2B meeting schedule: requests and suggestions turned into meetings over slots x tables.

Suggested pairs come from the engine: for every participant, its top-N complementary participants by affinity (hard
filters applied). Requests, locks and a previous schedule come from the event. The solver is CP-SAT (lexicographic:
coverage, then the least-served participant, then total weight) or the greedy baseline. Given a previous schedule
(``MeetingOptions.previous``), the plan re-plans it and carries the report of what was kept, moved, dropped (with
reasons) and new (:class:`~matcher.meetings.replan.ReplanReport`, the ``replan`` entry of ``summary()``), so the CLI
and the service report a re-plan the same way.

Example
-------
>>> from pathlib import Path
>>> import matcher
>>> from matcher import Embedder, MemoryCache, load_backend, load_event, load_registry
>>> backend = load_backend(load_registry().resolve(None))  # the default model, from its installed package
>>> event = load_event(Path(matcher.__file__).parents[1] / "fixtures" / "tiny-event")
>>> engine = MatchEngine.build(event, Embedder(backend.spec, lambda: backend, MemoryCache()))
>>> plan = plan_meetings(engine, MeetingOptions(limits=Limits(time_limit_s=10)))
>>> plan.summary()["status"], len(plan.meetings), plan.replan is None
('optimal', 6, True)
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from matcher.errors import Infeasible
from matcher.event.schema import COMPLEMENTARY
from matcher.matching.engine import MatchEngine
from matcher.meetings.model import Meeting, PriorityWeights, TierOrder
from matcher.meetings.problem import MeetingProblem
from matcher.meetings.registry import MeetingSolverName, meeting_solver
from matcher.meetings.replan import ReplanReport, compare
from matcher.meetings.tiers import tier_report
from matcher.meetings.unscheduled import UnscheduledRequest, lock_violations, unscheduled_accepted
from matcher.solving.base import Limits, SolveResult


class MeetingSolver(StrEnum):
    CPSAT = "cpsat"
    GREEDY = "greedy"

    @property
    def registry_name(self) -> MeetingSolverName:
        return MeetingSolverName.CPSAT if self is MeetingSolver.CPSAT else MeetingSolverName.GREEDY


@dataclass(frozen=True)
class MeetingOptions:
    solver: MeetingSolver = MeetingSolver.CPSAT
    limits: Limits = field(default_factory=lambda: Limits(time_limit_s=60.0))
    suggestions_per_role: int = 3
    weights: PriorityWeights = field(default_factory=PriorityWeights)
    previous: tuple[Meeting, ...] | None = None
    """A schedule to re-plan from (even an empty one), keeping what can stay; ``None`` plans afresh."""
    tiers: TierOrder = field(default_factory=TierOrder)
    """The order of the objective's tiers (accepted requests, coverage, requested, balance, suggested)."""


@dataclass(frozen=True)
class MeetingPlan:
    problem: MeetingProblem
    result: SolveResult[tuple[Meeting, ...]]
    replan: ReplanReport | None = None
    """What happened to each previous meeting (kept, moved, dropped with reasons) and which are new; ``None``
    unless the plan re-plans a previous schedule."""
    unscheduled: tuple[UnscheduledRequest, ...] = ()
    """Every accepted request the schedule does not hold, with the constraint that binds, in words."""

    @property
    def meetings(self) -> tuple[Meeting, ...]:
        return self.result.solution or ()

    def summary(self) -> dict[str, Any]:
        """The figures of ``summary.json``: status, objective, bound, gap, time, and how evenly meetings spread."""
        r, problem = self.result, self.problem
        count = Counter(pid for m in self.meetings for pid in (m.a_id, m.b_id))
        eligible = [pid for pid, ok in zip(problem.participant_ids, problem.eligible.tolist(), strict=True) if ok]
        per = [count.get(pid, 0) for pid in eligible]
        gap = None
        if r.objective is not None and r.bound is not None and r.bound > 0:
            gap = max(0.0, (r.bound - r.objective) / r.bound)
        return {
            **r.summary(digits=3),
            "gap": gap,
            "meetings": len(self.meetings),
            "meetings_by_origin": dict(sorted(Counter(m.origin.value for m in self.meetings).items())),
            "participants_with_candidates": len(eligible),
            "participants_with_candidates_but_no_meeting": sorted(pid for pid in eligible if not count.get(pid)),
            "zero_meetings": sum(1 for n in per if n == 0),
            "meetings_per_participant": {
                "min": min(per, default=0),
                "median": statistics.median(per) if per else 0,
                "max": max(per, default=0),
            },
            "tier_order": str(problem.tiers),
            "tiers": tier_report(problem, self.meetings, r.levels),
            "unscheduled_accepted": [
                {"a_id": u.a_id, "b_id": u.b_id, "constraint": u.constraint.value, "reason": u.reason}
                for u in self.unscheduled
            ],
            "excluded_pairs": len(problem.excluded),
            "notes": list(r.notes),
            **({"replan": self.replan.as_summary()} if self.replan is not None else {}),
        }


def suggested_pairs(engine: MatchEngine, per_role: int) -> tuple[tuple[str, str, float], ...]:
    """Each participant's top ``per_role`` complementary participants (both directions, deduplicated)."""
    best: dict[frozenset[str], tuple[str, str, float]] = {}
    if per_role <= 0:
        return ()
    for p in engine.event.participants:
        for role in COMPLEMENTARY[p.role]:
            for s in engine.suggest(p.id, role, per_role, explain=False):
                key = frozenset((p.id, s.id))
                if key not in best:
                    best[key] = (p.id, s.id, float(np.clip(s.score, 0.0, 1.0)))
    return tuple(sorted(best.values()))


def plan_meetings(engine: MatchEngine, options: MeetingOptions) -> MeetingPlan:
    """Build and solve the meeting schedule; :class:`~matcher.errors.Infeasible` names impossible locks, with the
    slot times and what to change."""
    event = engine.event
    try:
        problem = MeetingProblem.build(
            event,
            suggested=suggested_pairs(engine, options.suggestions_per_role),
            weights=options.weights,
            previous=options.previous or (),
            tiers=options.tiers,
        )
    except Infeasible as exc:
        timed = lock_violations(event)
        if not timed:
            raise
        raise Infeasible(
            "the locked meetings break hard constraints; change or remove them in locked.csv", timed
        ) from exc
    result = meeting_solver(options.solver.registry_name).solve(problem, options.limits)
    unscheduled = unscheduled_accepted(event, problem, result.solution or ())
    report = None if options.previous is None else compare(event, options.previous, result.solution or ())
    return MeetingPlan(problem, result, report, unscheduled)
