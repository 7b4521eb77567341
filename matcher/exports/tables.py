"""CSV and JSON files of plans: mentor assignments, pitches and juries, summaries.

Files are written to a temporary name and renamed, so an interrupted run never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from matcher.event.schema import Event
from matcher.exports.html import agenda_html
from matcher.exports.ics import participant_calendar
from matcher.meetings.model import Meeting
from matcher.meetings.plan import MeetingPlan
from matcher.mentoring.plan import MentorPlan
from matcher.pitching.plan import PitchPlan


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def write_mentor_plan(out: Path, plan: MentorPlan) -> list[Path]:
    rows = [
        (a.left_id, a.right_id, f"{a.score:.6f}", plan.explanations.get((a.left_id, a.right_id), ""))
        for a in plan.assignments
    ]
    write_text(out / "assignments.csv", csv_text(("startup_id", "mentor_id", "score", "explanation"), rows))
    write_json(out / "summary.json", plan.summary())
    return [out / "assignments.csv", out / "summary.json"]


def write_pitch_plan(out: Path, plan: PitchPlan) -> list[Path]:
    solution = plan.result.solution
    pitches = solution.pitches if solution else ()
    juries = solution.juries if solution else ()
    write_text(
        out / "pitches.csv",
        csv_text(
            ("session_id", "order", "startup_id", "score"),
            ((p.session_id, p.order, p.startup_id, f"{p.score:.6f}") for p in pitches),
        ),
    )
    write_text(
        out / "juries.csv", csv_text(("session_id", "investor_id"), ((j.session_id, j.investor_id) for j in juries))
    )
    write_json(out / "summary.json", plan.summary())
    return [out / "pitches.csv", out / "juries.csv", out / "summary.json"]


MEETING_COLUMNS = ("slot_id", "start", "end", "table_id", "a_id", "b_id", "origin", "score")


def meetings_csv(event: Event, meetings: Iterable[Meeting]) -> str:
    """``meetings.csv``: one row per meeting, in slot order then table id."""
    slots = {s.slot_id: s for s in event.slots}
    ordered = sorted(meetings, key=lambda m: (slots[m.slot_id].start, m.slot_id, m.table_id))
    return csv_text(
        MEETING_COLUMNS,
        (
            (
                m.slot_id,
                slots[m.slot_id].start.isoformat(),
                slots[m.slot_id].end.isoformat(),
                m.table_id,
                m.a_id,
                m.b_id,
                m.origin.value,
                f"{m.score:.6f}",
            )
            for m in ordered
        ),
    )


def write_meeting_plan(out: Path, event: Event, plan: MeetingPlan, extra: dict[str, Any] | None = None) -> list[Path]:
    """meetings.csv, summary.json, agendas/<id>.ics for everyone with a meeting, and agenda.html."""
    meetings = plan.meetings
    write_text(out / "meetings.csv", meetings_csv(event, meetings))
    write_json(out / "summary.json", {**plan.summary(), **(extra or {})})
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
