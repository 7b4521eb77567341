"""Check a finished meeting schedule against an event, independently of any solver.

:func:`check` runs every named constraint of :mod:`matcher.meetings.constraints` on the schedule as given (it
never builds a model), ``known_ids`` among them: every participant, slot and table a meeting names must exist in
the event. It reports every violation, in words, with the participants and slots concerned; an empty tuple means the
schedule is valid. What a schedule is *not* checked for: whether a meeting was requested or suggested (an
organiser may add any meeting by hand) and the candidate filters that are not hard constraints (complementary
roles, a common language). ``matcher check --event DIR --meetings FILE`` reads the file with
:func:`~matcher.meetings.csv.parse_meetings_csv` and prints the result of :func:`check`.

Example
-------
>>> from matcher.meetings.model import Meeting, Origin
>>> from matcher.event.schema import Event
>>> from matcher.meetings.csv import parse_meetings_csv
>>> schedule = parse_meetings_csv("slot_id,table_id,a_id,b_id\\nS1,T1,s1,i1\\n")
>>> found = check(Event(name="empty", participants=()), schedule)
>>> found[0].constraint, found[0].message
('known_ids', 'the meeting in S1 at T1 names unknown participant s1')
"""

from __future__ import annotations

from collections.abc import Iterable

from matcher.errors import ConstraintViolation
from matcher.event.schema import Event
from matcher.meetings.constraints import ScheduleView, violations_of
from matcher.meetings.model import Meeting

__all__ = ["check"]


def check(event: Event, meetings: Iterable[Meeting]) -> tuple[ConstraintViolation, ...]:
    """Every hard-constraint violation of ``meetings`` in ``event``; empty when the schedule is valid.

    Meetings that name unknown ids are reported under ``known_ids`` and left out of the other checks.
    """
    return violations_of(ScheduleView.of(event), meetings)
