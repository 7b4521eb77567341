"""The one meetings CSV codec: the columns of ``meetings.csv``, its writer and its reader.

``matcher schedule meetings`` writes :func:`meetings_csv`; ``matcher check`` and ``--previous`` read a file back
with :func:`parse_meetings_csv`; the service's CSV result of a meetings job has the same :data:`MEETING_COLUMNS`
(plus ``status``), one :func:`meeting_row` per meeting. ``start`` and ``end`` are the slot's times, written for
people: the reader takes the slot from ``slot_id`` and ignores them, so a file written by hand needs only
:data:`REQUIRED_COLUMNS` (``origin`` defaults to ``suggested``, ``score`` to 0).

Example
-------
>>> from datetime import datetime, timezone
>>> from matcher.event.schema import Event, Slot
>>> from matcher.meetings.model import Meeting, Origin
>>> nine = datetime(2025, 5, 6, 9, tzinfo=timezone.utc)
>>> event = Event(name="demo", participants=(), slots=(Slot(slot_id="S1", start=nine, end=nine.replace(minute=20)),))
>>> text = meetings_csv(event, [Meeting("S1", "T1", "s1", "i1", Origin.LOCKED, 0.5)])
>>> print(text, end="")
slot_id,start,end,table_id,a_id,b_id,origin,score
S1,2025-05-06T09:00:00+00:00,2025-05-06T09:20:00+00:00,T1,s1,i1,locked,0.500000
>>> parse_meetings_csv(text)
(Meeting(slot_id='S1', table_id='T1', a_id='s1', b_id='i1', origin=<Origin.LOCKED: 'locked'>, score=0.5),)
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence

from matcher.errors import InvalidInput, Problem
from matcher.event.schema import Event, Slot
from matcher.meetings.model import Meeting, Origin

__all__ = [
    "MEETING_COLUMNS",
    "REQUIRED_COLUMNS",
    "csv_text",
    "meeting_of",
    "meeting_row",
    "meetings_csv",
    "parse_meetings_csv",
]

MEETING_COLUMNS = ("slot_id", "start", "end", "table_id", "a_id", "b_id", "origin", "score")
"""Columns of ``meetings.csv``, in order."""

REQUIRED_COLUMNS = ("slot_id", "table_id", "a_id", "b_id")
"""The columns a file read back must have; ``start``, ``end``, ``origin`` and ``score`` may be left out."""


def meeting_row(meeting: Meeting, slot: Slot | None) -> tuple[str, ...]:
    """The cells of one meeting under :data:`MEETING_COLUMNS`; ``start`` and ``end`` are empty without its slot."""
    return (
        meeting.slot_id,
        slot.start.isoformat() if slot is not None else "",
        slot.end.isoformat() if slot is not None else "",
        meeting.table_id,
        meeting.a_id,
        meeting.b_id,
        meeting.origin.value,
        f"{meeting.score:.6f}",
    )


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV text: the header, then the rows (``\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def meetings_csv(event: Event, meetings: Iterable[Meeting]) -> str:
    """``meetings.csv``: one :func:`meeting_row` per meeting, in slot order then table id."""
    slots = {s.slot_id: s for s in event.slots}
    ordered = sorted(meetings, key=lambda m: (slots[m.slot_id].start, m.slot_id, m.table_id))
    return csv_text(MEETING_COLUMNS, (meeting_row(m, slots[m.slot_id]) for m in ordered))


def meeting_of(cells: Mapping[str, str], file: str, row: int, problems: list[Problem]) -> Meeting | None:
    """The meeting of one row read back (stripped cells by column); ``None``, with ``problems`` added, if invalid."""
    ok = True
    for column in REQUIRED_COLUMNS:
        if not cells.get(column):
            problems.append(Problem(file, row, column, "empty; give the id"))
            ok = False
    origin = Origin.SUGGESTED
    if cells.get("origin"):
        try:
            origin = Origin(cells["origin"].lower())
        except ValueError:
            valid = ", ".join(o.value for o in Origin)
            problems.append(Problem(file, row, "origin", f"'{cells['origin']}' is not one of {valid}"))
            ok = False
    score = 0.0
    if cells.get("score"):
        try:
            score = float(cells["score"])
        except ValueError:
            score = math.nan
        if not math.isfinite(score):
            problems.append(Problem(file, row, "score", f"'{cells['score']}' is not a number; write e.g. 0.72"))
            ok = False
    if not ok:
        return None
    return Meeting(cells["slot_id"], cells["table_id"], cells["a_id"], cells["b_id"], origin, score)


def parse_meetings_csv(text: str, file: str = "meetings.csv") -> tuple[Meeting, ...]:
    """Meetings from CSV text with at least the :data:`REQUIRED_COLUMNS` (other columns are ignored).

    Raises :class:`InvalidInput` listing every problem with its row (the header is row 1) and column.
    """
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [(name or "").strip() for name in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problem = Problem(
            file,
            1,
            None,
            f"missing column(s) {', '.join(missing)}; the header needs "
            f"{','.join(REQUIRED_COLUMNS)} (origin and score are optional)",
        )
        raise InvalidInput(f"{file} cannot be read", (problem,))
    problems: list[Problem] = []
    meetings: list[Meeting] = []
    for row, raw in enumerate(reader, start=2):
        cells = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if isinstance(v, str | None)}
        if not any(cells.values()):
            continue
        meeting = meeting_of(cells, file, row, problems)
        if meeting is not None:
            meetings.append(meeting)
    if problems:
        raise InvalidInput(f"{file} has {len(problems)} problem(s)", tuple(problems))
    return tuple(meetings)
