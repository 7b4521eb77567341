"""The three schedule kinds, as jobs: options in, the core's plan, result rows out (no logic of their own).

``mentors`` calls :func:`~matcher.mentoring.plan.plan_mentors`, ``pitches``
:func:`~matcher.pitching.plan.plan_pitches`, ``meetings`` :func:`~matcher.meetings.plan.plan_meetings`; the
result is the plan's ``summary()`` (the CLI's ``summary.json``, with the ``replan`` report of a re-plan) and one
:class:`JobItem` per assignment, pitch, jury seat or meeting. :func:`result_csv` gives the same columns as the CLI's
CSV files, plus ``status``: it turns the items back into the core's rows and writes them with the CLI's own column
tuples and row functions (:mod:`matcher.meetings.csv`, :mod:`matcher.exports.tables`; a pitching day is one table,
pitches and jury seats, under :data:`~matcher.exports.tables.PITCH_DAY_COLUMNS`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from matcher.event.schema import Event, Slot
from matcher.exports.tables import (
    ASSIGNMENT_COLUMNS,
    JURY_COLUMNS,
    PITCH_COLUMNS,
    PITCH_DAY_COLUMNS,
    as_columns,
    assignment_row,
    jury_row,
    pitch_row,
)
from matcher.matching.engine import MatchEngine
from matcher.meetings.csv import MEETING_COLUMNS, csv_text, meeting_row
from matcher.meetings.model import Meeting, Origin, PriorityWeights, TierOrder
from matcher.meetings.plan import MeetingOptions, plan_meetings
from matcher.mentoring.plan import MentorOptions, plan_mentors
from matcher.mentoring.problem import Assignment
from matcher.pitching.plan import plan_pitches
from matcher.pitching.problem import JurySeat, Pitch
from matcher.solving.base import Limits
from service.schemas.jobs import (
    JobItem,
    JobKind,
    MeetingJobOptions,
    MentorJobOptions,
    MentorsSchedule,
    PitchesSchedule,
    PitchJobOptions,
    Schedule,
)

__all__ = ["RESULT_COLUMNS", "Outcome", "meeting_item", "meetings_of", "result_csv", "run"]


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
            solver=options.solver,
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
    engine: MatchEngine, options: MeetingJobOptions, limits: Limits, previous: Sequence[Meeting] | None = None
) -> Outcome:
    """The meeting schedule (``plan_meetings``), re-planned from ``previous`` when given (its report in the
    summary's ``replan``)."""
    w = options.weights
    plan = plan_meetings(
        engine,
        MeetingOptions(
            solver=options.solver,
            limits=limits,
            suggestions_per_role=options.suggestions_per_role,
            weights=PriorityWeights(w.locked, w.accepted, w.mutual, w.pending, w.suggested),
            previous=tuple(previous) if previous is not None else None,
            tiers=TierOrder.parse(options.tiers),
        ),
    )
    return Outcome(plan.summary(), tuple(meeting_item(m, i) for i, m in enumerate(plan.meetings)))


def run(
    engine: MatchEngine, schedule: Schedule, time_cap: float, workers: int, previous: Sequence[Meeting] | None = None
) -> Outcome:
    """Solve one schedule on an event's engine."""
    limits = _limits(schedule.options, time_cap, workers)
    if isinstance(schedule, MentorsSchedule):
        return run_mentors(engine, schedule.options, limits)
    if isinstance(schedule, PitchesSchedule):
        return run_pitches(engine, schedule.options, limits)
    return run_meetings(engine, schedule.options, limits, previous)


def meeting_item(meeting: Meeting, position: int) -> JobItem:
    """The result row of a meeting."""
    return JobItem(
        kind="meeting",
        a_id=meeting.a_id,
        b_id=meeting.b_id,
        slot_id=meeting.slot_id,
        table_id=meeting.table_id,
        position=position,
        origin=meeting.origin.value,
        score=meeting.score,
    )


def _meeting(i: JobItem) -> Meeting:
    return Meeting(
        i.slot_id or "", i.table_id or "", i.a_id, i.b_id or "", Origin(i.origin or "suggested"), i.score or 0
    )


def meetings_of(items: Sequence[JobItem]) -> tuple[Meeting, ...]:
    """The scheduled (not cancelled) meetings among a result's rows."""
    return tuple(_meeting(i) for i in items if i.kind == "meeting" and i.status == "scheduled")


RESULT_COLUMNS: dict[JobKind, tuple[str, ...]] = {
    JobKind.MENTORS: (*ASSIGNMENT_COLUMNS, "status"),
    JobKind.PITCHES: (*PITCH_DAY_COLUMNS, "status"),
    JobKind.MEETINGS: (*MEETING_COLUMNS, "status"),
}
"""The header of each kind's CSV result: the columns of the CLI's file, plus ``status``."""


def _cells(kind: JobKind, item: JobItem, slots: Mapping[str, Slot]) -> tuple[str, ...]:
    """An item's cells under the columns of the CLI's file of its kind (without ``status``)."""
    score = item.score or 0.0
    if kind is JobKind.MENTORS:
        return assignment_row(Assignment(item.a_id, item.b_id or "", score), item.explanation or "")
    if kind is JobKind.PITCHES:
        if item.kind == "jury":
            return as_columns(PITCH_DAY_COLUMNS, JURY_COLUMNS, jury_row(JurySeat(item.slot_id or "", item.a_id)))
        pitch = Pitch(item.slot_id or "", item.position, item.a_id, score)
        return as_columns(PITCH_DAY_COLUMNS, PITCH_COLUMNS, pitch_row(pitch))
    return meeting_row(_meeting(item), slots.get(item.slot_id or ""))


def result_csv(kind: JobKind, items: Sequence[JobItem], event: Event | None = None) -> str:
    """A result as CSV, one row per item, in :data:`RESULT_COLUMNS` (the CLI's columns plus ``status``).

    A meetings result fills ``start`` and ``end`` from the slots of ``event`` when it is given (empty otherwise).
    """
    slots = {s.slot_id: s for s in event.slots} if event is not None else {}
    return csv_text(RESULT_COLUMNS[kind], ((*_cells(kind, i, slots), i.status) for i in items))
