"""CSV and JSON files of plans: mentor assignments, pitches and juries, meetings, summaries.

Each CSV file has one column tuple and one row function: :data:`ASSIGNMENT_COLUMNS` and :func:`assignment_row`
(``assignments.csv``), :data:`PITCH_COLUMNS` and :func:`pitch_row` (``pitches.csv``), :data:`JURY_COLUMNS` and
:func:`jury_row` (``juries.csv``); the meetings file has its own codec, :mod:`matcher.meetings.csv`. The service's
CSV results use the same tuples and functions (a pitching day in one table, :data:`PITCH_DAY_COLUMNS`). Files are
written to a temporary name and renamed, so an interrupted run never leaves half a file.

Example
-------
>>> from matcher.pitching.problem import JurySeat, Pitch
>>> print(csv_text(PITCH_COLUMNS, [pitch_row(Pitch("P1", 1, "s1", 0.75))]), end="")
session_id,order,startup_id,score
P1,1,s1,0.750000
>>> as_columns(PITCH_DAY_COLUMNS, JURY_COLUMNS, jury_row(JurySeat("P1", "i1")))
('P1', '', '', '', 'i1')
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matcher.event.schema import Event
from matcher.exports.html import agenda_html
from matcher.exports.ics import participant_calendar
from matcher.meetings.csv import csv_text, meetings_csv
from matcher.meetings.plan import MeetingPlan
from matcher.mentoring.plan import MentorPlan
from matcher.mentoring.problem import Assignment
from matcher.pitching.plan import PitchPlan
from matcher.pitching.problem import JurySeat, Pitch

ASSIGNMENT_COLUMNS = ("startup_id", "mentor_id", "score", "explanation")
"""Columns of ``assignments.csv``."""

PITCH_COLUMNS = ("session_id", "order", "startup_id", "score")
"""Columns of ``pitches.csv``."""

JURY_COLUMNS = ("session_id", "investor_id")
"""Columns of ``juries.csv``."""

PITCH_DAY_COLUMNS = tuple(dict.fromkeys((*PITCH_COLUMNS, *JURY_COLUMNS)))
"""A pitching day in one table (the service's result): the columns of ``pitches.csv``, then those of ``juries.csv``
it lacks; a row is a pitch or a jury seat."""


def assignment_row(assignment: Assignment, explanation: str) -> tuple[str, ...]:
    """The cells of one mentor assignment under :data:`ASSIGNMENT_COLUMNS`."""
    return (assignment.left_id, assignment.right_id, f"{assignment.score:.6f}", explanation)


def pitch_row(pitch: Pitch) -> tuple[str, ...]:
    """The cells of one pitch under :data:`PITCH_COLUMNS`."""
    return (pitch.session_id, str(pitch.order), pitch.startup_id, f"{pitch.score:.6f}")


def jury_row(seat: JurySeat) -> tuple[str, ...]:
    """The cells of one jury seat under :data:`JURY_COLUMNS`."""
    return (seat.session_id, seat.investor_id)


def as_columns(columns: Sequence[str], part: Sequence[str], row: Sequence[str]) -> tuple[str, ...]:
    """``row`` (cells under ``part``, a subset of ``columns``) under ``columns``: empty where ``part`` has none."""
    cells = dict(zip(part, row, strict=True))
    return tuple(cells.get(c, "") for c in columns)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def write_mentor_plan(out: Path, plan: MentorPlan) -> list[Path]:
    rows = (assignment_row(a, plan.explanations.get((a.left_id, a.right_id), "")) for a in plan.assignments)
    write_text(out / "assignments.csv", csv_text(ASSIGNMENT_COLUMNS, rows))
    write_json(out / "summary.json", plan.summary())
    return [out / "assignments.csv", out / "summary.json"]


def write_pitch_plan(out: Path, plan: PitchPlan) -> list[Path]:
    solution = plan.result.solution
    pitches = solution.pitches if solution else ()
    juries = solution.juries if solution else ()
    write_text(out / "pitches.csv", csv_text(PITCH_COLUMNS, map(pitch_row, pitches)))
    write_text(out / "juries.csv", csv_text(JURY_COLUMNS, map(jury_row, juries)))
    write_json(out / "summary.json", plan.summary())
    return [out / "pitches.csv", out / "juries.csv", out / "summary.json"]


def write_meeting_plan(out: Path, event: Event, plan: MeetingPlan) -> list[Path]:
    """meetings.csv, summary.json (with the re-plan report of a re-plan), agendas/<id>.ics for everyone with a
    meeting, and agenda.html."""
    meetings = plan.meetings
    write_text(out / "meetings.csv", meetings_csv(event, meetings))
    write_json(out / "summary.json", plan.summary())
    people = sorted({pid for m in meetings for pid in (m.a_id, m.b_id)})
    agendas = out / "agendas"
    if agendas.exists():
        for stale in agendas.glob("*.ics"):
            stale.unlink()
    for pid in people:
        path = agendas / f"{pid}.ics"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(participant_calendar(event, meetings, pid))
    write_text(out / "agenda.html", agenda_html(event, meetings))
    return [out / "meetings.csv", out / "summary.json", agendas, out / "agenda.html"]
