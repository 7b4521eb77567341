"""Re-planning: a new schedule that keeps as much of the previous one as possible, and what moved.

:func:`replan` encodes the event with the previous schedule (:meth:`MeetingProblem.build` pins every previous
meeting that can still happen where it was), solves (the CP-SAT solver maximises the meetings kept at their slot
and table *before* anything else) and compares. :func:`compare` sorts every previous meeting into kept, moved
(old slot/table -> new) or dropped, with the reason in words, and lists the new meetings. Reasons come from the
named constraints checked on the previous meeting alone against the changed event (a cancelled participant, a
new unavailability, a changed table, a new conflict), from a lock that now takes its place, or from a lowered
``max_meetings``. Re-planning an unchanged event moves nothing. :func:`~matcher.meetings.plan.plan_meetings` given
a previous schedule compares the same way and keeps the report in ``MeetingPlan.replan``, so the CLI and the
service report a re-plan alike (:meth:`ReplanReport.as_summary` is its ``summary.json`` entry).

Example
-------
>>> from datetime import datetime, timedelta, timezone
>>> from matcher.event.schema import Event, MeetingRequest, Participant, Slot, Table
>>> def person(pid, role):
...     return Participant(id=pid, name=pid, role=role, country="FR", languages="en", description="-")
>>> t0 = datetime(2026, 12, 10, 9, tzinfo=timezone.utc)
>>> event = Event(name="demo", participants=(person("s1", "startup"), person("i1", "investor"),
...     person("i2", "investor")), tables=(Table(table_id="T1"),),
...     slots=tuple(Slot(slot_id=f"S{k}", start=t0 + timedelta(minutes=20 * k),
...                      end=t0 + timedelta(minutes=20 * k + 20)) for k in (1, 2)),
...     requests=(MeetingRequest(from_id="s1", to_id="i1", status="accepted"),
...               MeetingRequest(from_id="s1", to_id="i2", status="accepted")))
>>> first, _ = replan(event, (), limits=Limits(time_limit_s=5))
>>> later = Event(name="demo", participants=event.participants[:2], tables=event.tables, slots=event.slots,
...     requests=event.requests[:1])  # i2 cancelled
>>> result, report = replan(later, first.solution, limits=Limits(time_limit_s=5))
>>> report.summary()
'1 kept, 0 moved, 1 dropped, 0 new'
>>> print(report.dropped[0])
s1 - i2 in S2 at T1: dropped: i2 is not in the event (cancelled?)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from matcher.errors import SolverFailed
from matcher.event.schema import Event
from matcher.matching.filters import PairRules
from matcher.meetings.constraints import DOMAIN_CONSTRAINTS, Rule, ScheduleView, violations_of
from matcher.meetings.model import Meeting, PriorityWeights
from matcher.meetings.problem import MeetingProblem
from matcher.solving.base import Limits, Solver, SolveResult

__all__ = ["Drop", "Move", "ReplanReport", "compare", "replan"]


def _where(m: Meeting) -> str:
    return f"{m.a_id} - {m.b_id} in {m.slot_id} at {m.table_id}"


@dataclass(frozen=True)
class Move:
    """A previous meeting that still happens, at another slot or table."""

    before: Meeting
    after: Meeting
    reason: str

    def __str__(self) -> str:
        return f"{_where(self.before)}: moved to {self.after.slot_id} at {self.after.table_id}: {self.reason}"


@dataclass(frozen=True)
class Drop:
    """A previous meeting that no longer happens."""

    meeting: Meeting
    reason: str

    def __str__(self) -> str:
        return f"{_where(self.meeting)}: dropped: {self.reason}"


@dataclass(frozen=True)
class ReplanReport:
    """What happened to each previous meeting, and which meetings are new."""

    kept: tuple[Meeting, ...]
    moved: tuple[Move, ...]
    dropped: tuple[Drop, ...]
    new: tuple[Meeting, ...]

    @property
    def unchanged(self) -> bool:
        """Whether every previous meeting stayed at its slot and table."""
        return not self.moved and not self.dropped

    def summary(self) -> str:
        return f"{len(self.kept)} kept, {len(self.moved)} moved, {len(self.dropped)} dropped, {len(self.new)} new"

    def lines(self) -> tuple[str, ...]:
        """One line per moved, dropped and new meeting, for people."""
        return (*map(str, self.moved), *map(str, self.dropped), *(f"{_where(m)}: new" for m in self.new))

    def as_summary(self) -> dict[str, Any]:
        """The ``replan`` entry of ``summary.json`` (and of a re-plan job's summary): counts, and a line per move
        and drop.

        >>> from matcher.meetings.model import Origin
        >>> a = Meeting("S1", "T1", "s1", "i1", Origin.SUGGESTED, 0.5)
        >>> ReplanReport(kept=(a,), moved=(), dropped=(), new=()).as_summary()
        {'summary': '1 kept, 0 moved, 0 dropped, 0 new', 'kept': 1, 'moved': [], 'dropped': [], 'new': 0}
        """
        return {
            "summary": self.summary(),
            "kept": len(self.kept),
            "moved": [str(m) for m in self.moved],
            "dropped": [str(d) for d in self.dropped],
            "new": len(self.new),
        }


def compare(event: Event, previous: Iterable[Meeting], schedule: Iterable[Meeting]) -> ReplanReport:
    """Sort ``previous`` into kept, moved and dropped against ``schedule`` (with reasons), and list the new ones.

    Meetings are matched by pair; a pair listed twice in ``previous`` counts once (the first).
    """
    now = {m.pair: m for m in schedule}
    before: dict[frozenset[str], Meeting] = {}
    for m in previous:
        before.setdefault(m.pair, m)
    view = ScheduleView.of(event)
    rules = PairRules.from_event(event)
    load = Counter(pid for m in before.values() for pid in (m.a_id, m.b_id))
    kept, moved, dropped = [], [], []
    for pair, m in before.items():
        after = now.get(pair)
        if after is not None and (after.slot_id, after.table_id) == (m.slot_id, m.table_id):
            kept.append(m)
            continue
        reason = next(_reasons(event, view, rules, load, m), None)
        if after is None:
            dropped.append(Drop(m, reason or "no room for it in the new schedule next to the kept and locked meetings"))
        else:
            moved.append(Move(m, after, reason or "moved to make room for other changes"))
    new = tuple(m for pair, m in now.items() if pair not in before)
    return ReplanReport(tuple(kept), tuple(moved), tuple(dropped), new)


def _reasons(event: Event, view: ScheduleView, rules: PairRules, load: Counter[str], m: Meeting) -> Iterator[str]:
    """Why ``m`` cannot stay where it was in the changed event, most decisive first."""
    for pid in dict.fromkeys((m.a_id, m.b_id)):
        if pid not in view.participants:
            yield f"{pid} is not in the event (cancelled?)"
    if m.a_id not in view.participants or m.b_id not in view.participants:
        return
    if m.a_id != m.b_id:
        excluded = rules.exclusion(event.by_id[m.a_id], event.by_id[m.b_id])
        if excluded is not None:
            yield f"the pair is now excluded: {excluded.value}"
    if m.slot_id not in view.slot_order:
        yield f"slot {m.slot_id} was removed"
    if m.table_id not in view.tables:
        yield f"table {m.table_id} was removed"
    checked = [c for c in DOMAIN_CONSTRAINTS if c.name not in (Rule.LOCKED_KEPT, Rule.MAX_MEETINGS)]
    for v in violations_of(view, [m], checked):
        yield f"{v.constraint}: {v.message}"
    for lock in view.locked:
        if lock.pair == m.pair:
            continue
        if lock.slot_id == m.slot_id and lock.table_id == m.table_id:
            yield f"{m.table_id} in {m.slot_id} is now taken by the locked meeting of {lock.a_id} and {lock.b_id}"
        elif lock.slot_id == m.slot_id and lock.pair & m.pair:
            (pid,) = tuple(lock.pair & m.pair)[:1]
            yield f"{pid} now has a locked meeting in {m.slot_id}"
    for pid in (m.a_id, m.b_id):
        cap = view.participants[pid].max_meetings
        if cap is not None and load[pid] > cap:
            yield f"max_meetings of {pid} is now {cap}, below their {load[pid]} previous meetings"


def replan(
    event: Event,
    previous: Iterable[Meeting],
    *,
    suggested: Iterable[tuple[str, str, float]] = (),
    weights: PriorityWeights = PriorityWeights(),
    solver: Solver[MeetingProblem, tuple[Meeting, ...]] | None = None,
    limits: Limits = Limits(),
) -> tuple[SolveResult[tuple[Meeting, ...]], ReplanReport]:
    """Re-plan ``event`` from the ``previous`` schedule: the new schedule and what moved.

    ``solver`` defaults to :class:`~matcher.meetings.cpsat.CpSatMeetingSolver`, which keeps as many
    previous meetings in place as possible before it optimises anything else.
    """
    if solver is None:
        from matcher.meetings.cpsat import CpSatMeetingSolver

        solver = CpSatMeetingSolver()
    previous = tuple(previous)
    problem = MeetingProblem.build(event, suggested, weights, previous)
    result = solver.solve(problem, limits)
    if result.solution is None:
        raise SolverFailed(f"{solver.name} returned no schedule to compare with the previous one")
    return result, compare(event, previous, result.solution)
