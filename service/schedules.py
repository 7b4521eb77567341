"""The three schedule kinds, as jobs: options in, the core's plan, result rows out (no logic of their own).

``mentors`` calls :func:`~matcher.mentoring.plan.plan_mentors`, ``pitches``
:func:`~matcher.pitching.plan.plan_pitches`, ``meetings`` :func:`~matcher.meetings.plan.plan_meetings`; the
result is the plan's ``summary()`` (the CLI's ``summary.json``) and one :class:`JobItem` per assignment, pitch,
jury seat or meeting. :func:`result_csv` gives the same columns as the CLI's CSV files, plus ``status``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matcher.exports.tables import csv_text
from matcher.matching.engine import MatchEngine
from matcher.meetings.model import Meeting, Origin, PriorityWeights
from matcher.meetings.plan import MeetingOptions, plan_meetings
from matcher.mentoring.plan import MentorOptions, plan_mentors
from matcher.pitching.plan import plan_pitches
from matcher.registry import SolverName
from matcher.solving.base import Limits
from service.schemas.jobs import (
    JobItem,
    JobKind,
    MeetingJobOptions,
    MeetingsSchedule,
    MentorJobOptions,
    MentorsSchedule,
    PitchesSchedule,
    PitchJobOptions,
)

Schedule = MentorsSchedule | PitchesSchedule | MeetingsSchedule


@dataclass(frozen=True)
class Outcome:
    """A solved schedule: the plan's summary and the result rows."""

    summary: dict[str, Any]
    items: tuple[JobItem, ...]


def _limits(options: MentorJobOptions | PitchJobOptions | MeetingJobOptions, cap: float, workers: int) -> Limits:
    return Limits(time_limit_s=min(options.time_limit_s, cap), seed=options.seed, workers=workers)


def run_mentors(engine: MatchEngine, options: MentorJobOptions, limits: Limits) -> Outcome:
    """The mentor programme (``plan_mentors``) as result rows with explanations."""
    plan = plan_mentors(
        engine,
        MentorOptions(
            per_startup=options.per_startup,
            default_capacity=options.mentor_capacity,
            top_n=options.top_n,
            fairness=options.fairness,
            solver=SolverName(options.solver.value) if options.solver else None,
            limits=limits,
        ),
    )
    items = tuple(
        JobItem(
            kind="assignment",
            a_id=a.left_id,
            b_id=a.right_id,
            position=i,
            score=a.score,
            explanation=plan.explanations.get((a.left_id, a.right_id), ""),
        )
        for i, a in enumerate(plan.assignments)
    )
    return Outcome(plan.summary(), items)


def run_pitches(engine: MatchEngine, options: PitchJobOptions, limits: Limits) -> Outcome:
    """The pitching day (``plan_pitches``) as pitch and jury rows."""
    plan = plan_pitches(engine, limits, options.theme_weight)
    solution = plan.result.solution
    pitches = tuple(
        JobItem(kind="pitch", a_id=p.startup_id, slot_id=p.session_id, position=p.order, score=p.score)
        for p in (solution.pitches if solution else ())
    )
    juries = tuple(
        JobItem(kind="jury", a_id=j.investor_id, slot_id=j.session_id) for j in (solution.juries if solution else ())
    )
    return Outcome(plan.summary(), pitches + juries)


def run_meetings(
    engine: MatchEngine, options: MeetingJobOptions, limits: Limits, previous: Sequence[Meeting] = ()
) -> Outcome:
    """The meeting schedule (``plan_meetings``), optionally re-planned from ``previous``."""
    w = options.weights
    plan = plan_meetings(
        engine,
        MeetingOptions(
            solver=options.solver,
            limits=limits,
            suggestions_per_role=options.suggestions_per_role,
            weights=PriorityWeights(w.locked, w.accepted, w.mutual, w.pending, w.suggested),
            previous=tuple(previous),
        ),
    )
    items = tuple(
        JobItem(
            kind="meeting",
            a_id=m.a_id,
            b_id=m.b_id,
            slot_id=m.slot_id,
            table_id=m.table_id,
            position=i,
            origin=m.origin.value,
            score=m.score,
        )
        for i, m in enumerate(plan.meetings)
    )
    return Outcome(plan.summary(), items)


def run(
    engine: MatchEngine, schedule: Schedule, time_cap: float, workers: int, previous: Sequence[Meeting] = ()
) -> Outcome:
    """Solve one schedule on an event's engine."""
    limits = _limits(schedule.options, time_cap, workers)
    if isinstance(schedule, MentorsSchedule):
        return run_mentors(engine, schedule.options, limits)
    if isinstance(schedule, PitchesSchedule):
        return run_pitches(engine, schedule.options, limits)
    return run_meetings(engine, schedule.options, limits, previous)


def meetings_of(items: Sequence[JobItem]) -> tuple[Meeting, ...]:
    """The scheduled (not cancelled) meetings among a result's rows."""
    return tuple(
        Meeting(i.slot_id or "", i.table_id or "", i.a_id, i.b_id or "", Origin(i.origin or "suggested"), i.score or 0)
        for i in items
        if i.kind == "meeting" and i.status == "scheduled"
    )


_COLUMNS: dict[JobKind, tuple[str, ...]] = {
    JobKind.MENTORS: ("startup_id", "mentor_id", "score", "status", "explanation"),
    JobKind.PITCHES: ("kind", "session_id", "order", "participant_id", "score", "status"),
    JobKind.MEETINGS: ("slot_id", "table_id", "a_id", "b_id", "origin", "score", "status"),
}


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}"


def result_csv(kind: JobKind, items: Sequence[JobItem]) -> str:
    """A result as CSV, one row per item, in the columns of the CLI's files plus ``status``."""
    rows: list[tuple[Any, ...]]
    if kind is JobKind.MENTORS:
        rows = [(i.a_id, i.b_id, _score(i.score), i.status, i.explanation or "") for i in items]
    elif kind is JobKind.PITCHES:
        rows = [(i.kind, i.slot_id, i.position if i.kind == "pitch" else "", i.a_id, _score(i.score), i.status)
                for i in items]  # fmt: skip
    else:
        rows = [(i.slot_id, i.table_id, i.a_id, i.b_id, i.origin, _score(i.score), i.status) for i in items]
    return csv_text(_COLUMNS[kind], rows)
