"""Check a finished meeting schedule against an event, independently of any solver.

:func:`check` runs every named constraint of :mod:`matcher.meetings.constraints` on the schedule as given (it
never builds a model), plus ``known_ids``: every participant, slot and table a meeting names must exist in the
event. It reports every violation, in words, with the participants and slots concerned; an empty tuple means the
schedule is valid. What a schedule is *not* checked for: whether a meeting was requested or suggested (an
organiser may add any meeting by hand) and the candidate filters that are not hard constraints (complementary
roles, a common language). ``matcher check --event DIR --meetings FILE`` reads the file with
:func:`parse_meetings_csv` and prints the result of :func:`check`.

Example
-------
>>> from matcher.meetings.model import Meeting, Origin
>>> from matcher.event.schema import Event
>>> schedule = parse_meetings_csv("slot_id,table_id,a_id,b_id\\nS1,T1,s1,i1\\n")
>>> found = check(Event(name="empty", participants=()), schedule)
>>> found[0].constraint, found[0].message
('known_ids', 'the meeting in S1 at T1 names unknown participant s1')
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable

from matcher.errors import ConstraintViolation, InvalidInput, Problem
from matcher.event.schema import Event
from matcher.meetings.constraints import Rule, ScheduleView, violations_of
from matcher.meetings.model import Meeting, Origin

__all__ = ["KNOWN_IDS", "MEETING_COLUMNS", "check", "parse_meetings_csv"]

KNOWN_IDS = Rule.KNOWN_IDS
"""The check that every id a meeting names exists in the event: a :class:`Rule` like every other constraint."""

MEETING_COLUMNS = ("slot_id", "table_id", "a_id", "b_id", "origin", "score")
"""Columns of a meetings file; ``origin`` (default ``suggested``) and ``score`` (default 0) may be left out."""


def check(event: Event, meetings: Iterable[Meeting]) -> tuple[ConstraintViolation, ...]:
    """Every hard-constraint violation of ``meetings`` in ``event``; empty when the schedule is valid.

    Meetings that name unknown ids are reported under ``known_ids`` and left out of the other checks.
    """
    return violations_of(ScheduleView.of(event), meetings)


def parse_meetings_csv(text: str, file: str = "meetings.csv") -> tuple[Meeting, ...]:
    """Meetings from CSV text with the :data:`MEETING_COLUMNS` header (extra columns are ignored).

    Raises :class:`InvalidInput` listing every problem with its row (the header is row 1) and column.
    """
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [(name or "").strip() for name in reader.fieldnames or []]
    missing = [c for c in MEETING_COLUMNS[:4] if c not in header]
    if missing:
        problem = Problem(
            file,
            1,
            None,
            f"missing column(s) {', '.join(missing)}; the header needs "
            f"{','.join(MEETING_COLUMNS[:4])} (origin and score are optional)",
        )
        raise InvalidInput(f"{file} cannot be read", (problem,))
    problems: list[Problem] = []
    meetings: list[Meeting] = []
    for row, raw in enumerate(reader, start=2):
        cells = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if isinstance(v, str | None)}
        if not any(cells.values()):
            continue
        ok = True
        for column in MEETING_COLUMNS[:4]:
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
        if ok:
            meetings.append(Meeting(cells["slot_id"], cells["table_id"], cells["a_id"], cells["b_id"], origin, score))
    if problems:
        raise InvalidInput(f"{file} has {len(problems)} problem(s)", tuple(problems))
    return tuple(meetings)
