"""The facts a meeting schedule is checked against, by id.

:class:`ScheduleView` reduces an :class:`~matcher.event.schema.Event` or a
:class:`~matcher.meetings.encoding.MeetingEncoding` to the same facts (participants, slot order, tables,
availability, forbidden pairs, locks), so that every constraint of :mod:`matcher.meetings.constraints` checks a
schedule against either. Only an event knows the slots' times (:meth:`ScheduleView.when`), in its own offsets.

>>> from datetime import datetime, timedelta, timezone
>>> from matcher.event.schema import Participant, Slot
>>> t0 = datetime(2026, 12, 10, 9, tzinfo=timezone(timedelta(hours=1)))
>>> p = Participant(id="s1", name="s1", role="startup", country="FR", languages="en", description="-")
>>> view = ScheduleView.of(Event(name="e", participants=(p,), slots=(Slot(slot_id="S1", start=t0,
...     end=t0 + timedelta(minutes=20)),)))
>>> view.when("S1")
'S1 (09:00-09:20)'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import numpy as np

from matcher.event.schema import Attendance, Event, RequestStatus, TableKind
from matcher.matching.filters import Exclusion
from matcher.meetings.encoding import MeetingEncoding
from matcher.meetings.model import ATTENDANCES, FORBIDDEN_REASONS, KINDS, Meeting, Origin

__all__ = ["ParticipantFacts", "ScheduleView", "TableFacts", "span"]


def span(start: datetime, end: datetime, dated: bool = False) -> str:
    """``"09:00-09:20"`` in the times' own UTC offset, with the start's date first when ``dated``."""
    return f"{start:%Y-%m-%d} " * dated + f"{start:%H:%M}-{end:%H:%M}"


@dataclass(frozen=True)
class ParticipantFacts:
    attendance: Attendance
    max_meetings: int | None
    organisation: str  # casefolded, "" when none


@dataclass(frozen=True)
class TableFacts:
    kind: TableKind
    host_id: str | None


@dataclass(frozen=True, eq=False)
class ScheduleView:
    """The facts a schedule is checked against, by id; built from an event or from a problem encoding."""

    participants: Mapping[str, ParticipantFacts]
    slot_order: Mapping[str, int]
    tables: Mapping[str, TableFacts]
    available_only: Mapping[str, frozenset[str]]  # participants with availability rows -> their slots
    forbidden: Mapping[frozenset[str], Exclusion]  # conflicts and declined requests
    locked: tuple[Meeting, ...] = field(default=())
    slot_times: Mapping[str, tuple[datetime, datetime]] = field(default_factory=dict)  # from an event only

    @classmethod
    def of(cls, source: Event | MeetingEncoding | ScheduleView) -> ScheduleView:
        if isinstance(source, ScheduleView):
            return source
        if isinstance(source, Event):
            return cls._from_event(source)
        return cls._from_problem(source)

    @classmethod
    def _from_event(cls, event: Event) -> ScheduleView:
        only: dict[str, set[str]] = defaultdict(set)
        for row in event.availability:
            only[row.participant_id].add(row.slot_id)
        forbidden: dict[frozenset[str], Exclusion] = {}
        for r in event.requests:
            if r.status is RequestStatus.DECLINED:
                forbidden[frozenset((r.from_id, r.to_id))] = Exclusion.DECLINED
        for c in event.conflicts:
            forbidden[frozenset((c.a_id, c.b_id))] = Exclusion.CONFLICT
        slots = sorted(event.slots, key=lambda s: (s.start, s.slot_id))
        return cls(
            participants={
                p.id: ParticipantFacts(p.attendance, p.max_meetings, p.organisation.casefold())
                for p in event.participants
            },
            slot_order={s.slot_id: k for k, s in enumerate(slots)},
            tables={t.table_id: TableFacts(t.kind, t.host_id) for t in event.tables},
            available_only={pid: frozenset(s) for pid, s in only.items()},
            forbidden=forbidden,
            locked=tuple(Meeting(x.slot_id, x.table_id, x.a_id, x.b_id, Origin.LOCKED, 0.0) for x in event.locked),
            slot_times={s.slot_id: (s.start, s.end) for s in slots},
        )

    @classmethod
    def _from_problem(cls, p: MeetingEncoding) -> ScheduleView:
        ids, slots = p.participant_ids, p.slot_ids
        caps, orgs = p.max_meetings.tolist(), p.organisation.tolist()
        restricted = np.flatnonzero(~p.available.all(axis=1)).tolist()
        return cls(
            participants={
                pid: ParticipantFacts(ATTENDANCES[att], None if cap < 0 else cap, "" if org < 0 else f"#{org}")
                for pid, att, cap, org in zip(ids, p.attendance.tolist(), caps, orgs, strict=True)
            },
            slot_order={sid: k for k, sid in enumerate(slots)},
            tables={
                tid: TableFacts(KINDS[kind], None if host < 0 else ids[host])
                for tid, kind, host in zip(p.table_ids, p.table_kind.tolist(), p.table_host.tolist(), strict=True)
            },
            available_only={
                ids[i]: frozenset(slots[s] for s in np.flatnonzero(p.available[i]).tolist()) for i in restricted
            },
            forbidden={
                frozenset((ids[a], ids[b])): FORBIDDEN_REASONS[r]
                for a, b, r in zip(
                    p.forbidden_a.tolist(), p.forbidden_b.tolist(), p.forbidden_reason.tolist(), strict=True
                )
            },
            locked=p.locked_meetings,
        )

    @cached_property
    def hosted(self) -> Mapping[str, tuple[str, ...]]:
        """Host id -> the tables they keep."""
        out: dict[str, list[str]] = defaultdict(list)
        for tid, t in self.tables.items():
            if t.host_id is not None:
                out[t.host_id].append(tid)
        return {h: tuple(ts) for h, ts in out.items()}

    def when(self, slot_id: str) -> str:
        """The slot with its time as the event writes it, ``"S1 (09:00-09:20)"``; the bare id when unknown."""
        times = self.slot_times.get(slot_id)
        return f"{slot_id} ({span(*times, self.dated)})" if times else slot_id

    @cached_property
    def dated(self) -> bool:
        """Whether the slots span several days (then times are written with their date)."""
        return len({start.date() for start, _ in self.slot_times.values()}) > 1

    def known(self, m: Meeting) -> bool:
        """Whether the meeting names only known participants, slot and table."""
        return (
            m.a_id in self.participants
            and m.b_id in self.participants
            and m.slot_id in self.slot_order
            and m.table_id in self.tables
        )
