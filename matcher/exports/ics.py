"""Per-participant agendas as RFC 5545 calendars (icalendar library).

One VEVENT per meeting with the other party, the table or the online room (with a link placeholder the organiser
replaces), times in UTC and the event's time zone named in ``X-WR-TIMEZONE`` and in each description.

Example
-------
>>> from datetime import datetime, timedelta, timezone
>>> from matcher.event.schema import Event, Participant, Slot, Table
>>> from matcher.meetings.model import Meeting, Origin
>>> t0 = datetime(2026, 12, 10, 9, tzinfo=timezone.utc)
>>> event = Event(name="demo", participants=(
...     Participant(id="s001", name="Lumen", role="startup", country="FR", languages="en", description="-"),
...     Participant(id="i004", name="Sofia Rossi", role="investor", country="IT", languages="en", description="-",
...                 organisation="Aurora Media Fund")),
...     slots=(Slot(slot_id="S1", start=t0, end=t0 + timedelta(minutes=20)),), tables=(Table(table_id="T1"),))
>>> cal = participant_calendar(event, [Meeting("S1", "T1", "s001", "i004", Origin.ACCEPTED, 0.8)], "s001")
>>> str(icalendar.Calendar.from_ical(cal).walk("VEVENT")[0]["SUMMARY"])
'Meeting with Sofia Rossi (Aurora Media Fund)'
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar

from matcher.event.schema import Attendance, Event, TableKind
from matcher.meetings.model import Meeting

#: Placeholder link of an online room; the organiser's video tool replaces it.
ONLINE_LINK = "https://meet.example.org/{event}/{table}"


def event_timezone(event: Event) -> str:
    """The event's zone: the most common time zone of on-site participants (else of everyone; else UTC)."""
    onsite = Counter(p.timezone for p in event.participants if p.timezone and p.attendance is not Attendance.ONLINE)
    anyone = Counter(p.timezone for p in event.participants if p.timezone)
    for counts in (onsite, anyone):
        if counts:
            return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] or ""))[0][0] or "UTC"
    return "UTC"


def location(event: Event, meeting: Meeting) -> str:
    """Where the meeting happens: the table's name, or the online room with its link placeholder."""
    table = next((t for t in event.tables if t.table_id == meeting.table_id), None)
    name = (table.name or table.table_id) if table else meeting.table_id
    if table is not None and table.kind is TableKind.ONLINE:
        return f"{name} (online: {ONLINE_LINK.format(event=event.name, table=meeting.table_id)})"
    return name


def meeting_uid(event: Event, meeting: Meeting) -> str:
    key = f"{event.name}|{meeting.slot_id}|{meeting.table_id}|{'|'.join(sorted(meeting.pair))}"
    return f"{hashlib.sha256(key.encode()).hexdigest()[:24]}@matcher"


def participant_calendar(
    event: Event, meetings: Iterable[Meeting], participant_id: str, *, stamp: datetime | None = None
) -> bytes:
    """The calendar of one participant's meetings (an empty calendar when there are none)."""
    me = event.participant(participant_id)
    zone = event_timezone(event)
    tz = ZoneInfo(zone)
    slots = {s.slot_id: s for s in event.slots}
    stamp = stamp or datetime(2000, 1, 1, tzinfo=UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//matcher//matchmaking engine//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{event.name}: {me.name}")
    cal.add("x-wr-timezone", zone)
    mine = sorted((m for m in meetings if participant_id in m.pair), key=lambda m: (slots[m.slot_id].start, m.slot_id))
    for m in mine:
        slot = slots[m.slot_id]
        other = event.participant(m.b_id if m.a_id == participant_id else m.a_id)
        where = location(event, m)
        local = f"{slot.start.astimezone(tz):%H:%M}-{slot.end.astimezone(tz):%H:%M} {zone}"
        vevent = icalendar.Event()
        vevent.add("uid", meeting_uid(event, m))
        vevent.add("dtstamp", stamp.astimezone(UTC))
        vevent.add("dtstart", slot.start.astimezone(UTC))
        vevent.add("dtend", slot.end.astimezone(UTC))
        with_org = f" ({other.organisation})" if other.organisation else ""
        vevent.add("summary", f"Meeting with {other.name}{with_org}")
        vevent.add("location", where)
        vevent.add(
            "description",
            f"{local}, {where}.\n{other.name}: {other.role.value}{with_org}.\n"
            f"Why you meet: {m.origin.value} (affinity {m.score:.2f}).\n{other.description}",
        )
        vevent.add("categories", [m.origin.value])
        cal.add_component(vevent)
    return cal.to_ical()
