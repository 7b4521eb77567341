"""Why an accepted request has no meeting in a finished schedule, and what the locks of an event break, in words.

:func:`unscheduled_accepted` lists every accepted request whose pair is not in the schedule, each with the one
:class:`Cause` that binds and for whom. Causes are tried in order: the pair is excluded by a hard filter; it has no
placement at all (a ``max_meetings`` of 0, no common available slot, no table of a suitable kind, host tables);
either side is at its ``max_meetings`` in the schedule; then, slot by slot over the slots both are available in,
one of them is busy (with whom) or the tables the pair may use are all taken. A pair that could still be placed
somewhere is put down to the solver (a time limit, or greedy's first fit). Times are the event's own, ``HH:MM``.

:func:`lock_violations` is what :meth:`MeetingProblem.build <matcher.meetings.problem.MeetingProblem.build>` raises
for locks that cannot be kept, checked against the event itself, so each message also gives the slot's time.

Example
-------
>>> from datetime import datetime, timedelta, timezone
>>> from matcher.event.schema import Availability, MeetingRequest, Participant, Slot, Table
>>> def person(pid, role):
...     return Participant(id=pid, name=pid, role=role, country="FR", languages="en", description="-")
>>> t0 = datetime(2026, 12, 10, 9, tzinfo=timezone(timedelta(hours=1)))
>>> event = Event(name="demo", participants=(person("s1", "startup"), person("i1", "investor")),
...     slots=tuple(Slot(slot_id=f"S{k}", start=t0 + timedelta(minutes=20 * k - 20),
...                      end=t0 + timedelta(minutes=20 * k)) for k in (1, 2, 3)), tables=(Table(table_id="T1"),),
...     availability=(Availability(participant_id="s1", slot_id="S1"),
...                   Availability(participant_id="i1", slot_id="S2"), Availability(participant_id="i1", slot_id="S3")),
...     requests=(MeetingRequest(from_id="s1", to_id="i1", status="accepted"),))
>>> [(u.constraint.value, u.reason) for u in unscheduled_accepted(event, MeetingProblem.build(event), ())]
[('availability', 'no common free slot: s1 is available 09:00-09:20, i1 09:20-10:00')]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from matcher.errors import ConstraintViolation, InvalidInput
from matcher.event.schema import Attendance, Event, RequestStatus, TableKind
from matcher.matching.filters import Exclusion
from matcher.meetings.constraints import ALL_CONSTRAINTS, Rule, violations_of
from matcher.meetings.model import ATTENDANCES, KINDS, Meeting, allowed_kinds
from matcher.meetings.problem import MeetingProblem
from matcher.meetings.view import ScheduleView, span

__all__ = ["Cause", "UnscheduledRequest", "lock_violations", "unscheduled_accepted"]

#: Longest reason, in characters: lists of slots or meetings are cut short to fit.
MAX_REASON = 200


class Cause(StrEnum):
    """The constraint that keeps an accepted request out of the schedule (a stable machine name)."""

    EXCLUDED = "excluded"  # a hard filter of matching/filters.py: conflict, organisation, language, ...
    MAX_MEETINGS = "max_meetings"  # max_meetings 0, or either side has as many meetings as it allows
    AVAILABILITY = "availability"  # no slot both are available in
    TABLE_KIND = "table_kind"  # no table of a kind their attendances allow
    HOST_TABLE = "host_table"  # both host tables, or the host's own tables are of the wrong kind
    BUSY = "busy"  # in some slot both are available one of them meets someone else (the rest: tables full)
    TABLES_FULL = "tables_full"  # in every slot both are free, every table they may use is taken
    SOLVER = "solver"  # a free slot and table remain: the solver stopped before it placed the pair
    LOCKED = "locked"  # the pair is locked but the schedule lacks it (the schedule is broken)


@dataclass(frozen=True)
class UnscheduledRequest:
    """An accepted request not in a schedule: its two participants (as requested), the cause and the reason."""

    a_id: str
    b_id: str
    constraint: Cause
    reason: str


def unscheduled_accepted(
    event: Event, problem: MeetingProblem, meetings: Iterable[Meeting]
) -> tuple[UnscheduledRequest, ...]:
    """Every accepted request of ``event`` whose pair ``meetings`` lacks, in the order of requests.csv, each with
    the cause that binds (see the module docstring); ``problem`` is the one the schedule was solved from."""
    board = _Board(event, problem, tuple(meetings))
    out = []
    for a_id, b_id in board.accepted:
        if frozenset((a_id, b_id)) not in board.scheduled:
            cause, reason = board.explain(a_id, b_id)
            out.append(UnscheduledRequest(a_id, b_id, cause, reason))
    return tuple(out)


def lock_violations(event: Event) -> tuple[ConstraintViolation, ...]:
    """What the locks of ``event`` break, as :class:`~matcher.meetings.problem.MeetingProblem` raises it, but
    checked against the event: each message names who, the slot with its time, and what to change."""
    rules = [c for c in ALL_CONSTRAINTS if c.name is not Rule.LOCKED_KEPT]
    view = ScheduleView.of(event)
    return violations_of(view, view.locked, rules)


def _clip(items: Sequence[str], budget: int) -> str:
    """``items`` joined by commas, as many as fit in ``budget`` characters, then ``+N more``."""
    shown: list[str] = []
    for k, item in enumerate(items):
        rest = f" +{len(items) - k - 1} more" if k < len(items) - 1 else ""
        if shown and len(", ".join((*shown, item)) + rest) > budget:
            return ", ".join(shown) + f" +{len(items) - k} more"
        shown.append(item)
    return ", ".join(shown)


class _Board:
    """The schedule as the analysis needs it: who meets whom when, meetings per person, tables taken per group."""

    def __init__(self, event: Event, problem: MeetingProblem, meetings: tuple[Meeting, ...]) -> None:
        self.event, self.p, self.view = event, problem, ScheduleView.of(event)
        accepted: dict[frozenset[str], tuple[str, str]] = {}  # pair -> its first accepted request
        for r in event.requests:
            if r.status is RequestStatus.ACCEPTED:
                accepted.setdefault(frozenset((r.from_id, r.to_id)), (r.from_id, r.to_id))
        self.accepted = tuple(accepted.values())
        self.scheduled = {m.pair for m in meetings}
        slots = {sid: k for k, sid in enumerate(problem.slot_ids)}
        tables = {tid: k for k, tid in enumerate(problem.table_ids)}
        self.pairs = {
            frozenset((problem.participant_ids[a], problem.participant_ids[b])): k
            for k, (a, b) in enumerate(zip(problem.pair_a.tolist(), problem.pair_b.tolist(), strict=True))
        }
        self.excluded = {frozenset((a, b)): (a, b, why) for a, b, why in problem.excluded}
        self.count: Counter[str] = Counter()
        self.count_accepted: Counter[str] = Counter()
        self.busy: dict[tuple[str, int], str] = {}  # (participant, slot) -> the other side
        self.taken: Counter[tuple[int, int]] = Counter()  # (group, slot) -> meetings at its tables
        for m in meetings:
            s, t = slots.get(m.slot_id), tables.get(m.table_id)
            for me, other in {(m.a_id, m.b_id), (m.b_id, m.a_id)}:
                self.count[me] += 1
                self.count_accepted[me] += m.pair in accepted
                if s is not None:
                    self.busy[(me, s)] = other
            if s is not None and t is not None:
                self.taken[(int(problem.table_group[t]), s)] += 1

    def explain(self, a_id: str, b_id: str) -> tuple[Cause, str]:
        key = frozenset((a_id, b_id))
        if key in self.excluded:
            return Cause.EXCLUDED, self._excluded(*self.excluded[key])
        if key not in self.pairs:
            raise InvalidInput(f"the accepted request {a_id}-{b_id} is not in the problem; build it from this event")
        k = self.pairs[key]
        p, pl = self.p, self.p.placements
        a, b = int(p.pair_a[k]), int(p.pair_b[k])
        lock = int(p.lock_of_pair[k])
        if lock >= 0:
            where = f"{p.slot_ids[p.lock_slot[lock]]} at {p.table_ids[p.lock_table[lock]]}"
            return Cause.LOCKED, f"{a_id} and {b_id} are locked in {where}, but this schedule does not hold it"
        lo, hi = np.searchsorted(pl.pair, [k, k + 1]).tolist()
        if lo == hi:
            return self._no_placement(a, b)
        full = [x for x in (a, b) if 0 <= p.max_meetings[x] <= self.count[p.participant_ids[x]]]
        if full:
            return Cause.MAX_MEETINGS, "; ".join(self._at_cap(x) for x in full)
        return self._per_slot(a, b, pl.slot[lo:hi].tolist(), pl.group[lo:hi].tolist())

    # ------------------------------------------------------------------ structural causes

    def _excluded(self, a_id: str, b_id: str, why: str) -> str:
        a, b = self.event.participant(a_id), self.event.participant(b_id)
        reason = Exclusion(why)
        if reason is Exclusion.SAME_ORGANISATION:
            return f"excluded: {a_id} and {b_id} are of the same organisation ({a.organisation})"
        if reason is Exclusion.CONFLICT:
            return f"excluded: {a_id} and {b_id} are in conflict (conflicts.csv)"
        if reason is Exclusion.DECLINED:
            return f"excluded: {a_id} and {b_id} also have a declined request (requests.csv)"
        if reason is Exclusion.LANGUAGE:
            langs = f"{a_id} speaks {'/'.join(a.languages)}, {b_id} {'/'.join(b.languages)}"
            return f"excluded: {a_id} and {b_id} share no language ({langs})"
        if reason is Exclusion.ROLE:
            return f"excluded: a {a.role.value} ({a_id}) and a {b.role.value} ({b_id}) are not matched"
        return f"excluded: {a_id} and {b_id}: {reason.value}"

    def _no_placement(self, a: int, b: int) -> tuple[Cause, str]:
        p, ids = self.p, self.p.participant_ids
        for x in (a, b):
            if p.max_meetings[x] == 0:
                return Cause.MAX_MEETINGS, f"{ids[x]} has max_meetings 0"
        if not np.any(p.available[a] & p.available[b]):
            times = f"{ids[a]} is available {self._ranges(a)}, {ids[b]} {self._ranges(b)}"
            return Cause.AVAILABILITY, f"no common free slot: {times}"
        att_a, att_b = ATTENDANCES[p.attendance[a]], ATTENDANCES[p.attendance[b]]
        kinds = allowed_kinds(att_a, att_b)
        hosted = self.view.hosted
        hosts = [x for x in (a, b) if p.is_host[x]]
        if len(hosts) == 2:
            own = f"{', '.join(hosted[ids[a]])}; {', '.join(hosted[ids[b]])}"
            return Cause.HOST_TABLE, f"{ids[a]} and {ids[b]} both host tables ({own}) and each meets only at their own"
        need = " or ".join(_A[k] + _KIND_NAMES[k] for k in KINDS if k in kinds)
        if hosts:
            h, other = hosts[0], b if hosts[0] == a else a
            what = f"{ids[other]} attends {ATTENDANCES[p.attendance[other]].value}"
            own = f"{ids[h]} hosts {', '.join(hosted[ids[h]])} and meets only there"
            return Cause.HOST_TABLE, f"{own}, but {what}: their meeting needs {need}"
        if att_a is att_b is Attendance.ONSITE:
            return Cause.TABLE_KIND, f"{ids[a]} and {ids[b]} are both on site but there are no physical tables"
        if TableKind.PHYSICAL not in kinds:
            remote = ids[a] if att_a is Attendance.ONLINE else ids[b]
            return Cause.TABLE_KIND, f"{remote} attends online but there are no online rooms"
        return Cause.TABLE_KIND, f"{ids[a]} and {ids[b]} need {need}, and the event has neither"

    def _ranges(self, x: int) -> str:
        """The slots participant ``x`` is available in, as time ranges (consecutive slots of a day merged)."""
        runs: list[list[str]] = []
        ids, times = self.p.slot_ids, self.view.slot_times
        for s in np.flatnonzero(self.p.available[x]).tolist():
            last = runs[-1][-1] if runs else None
            same_day = last is not None and times[last][0].date() == times[ids[s]][0].date()
            if last is not None and ids.index(last) == s - 1 and same_day:
                runs[-1].append(ids[s])
            else:
                runs.append([ids[s]])
        if not runs:
            return "in no slot"
        return _clip([span(times[r[0]][0], times[r[-1]][1], self.view.dated) for r in runs], MAX_REASON // 3)

    # ------------------------------------------------------------------ causes in the schedule

    def _at_cap(self, x: int) -> str:
        pid = self.p.participant_ids[x]
        n, acc = self.count[pid], self.count_accepted[pid]
        cap = int(self.p.max_meetings[x])
        return f"{pid} has max_meetings {cap} and {n} meetings already scheduled ({acc} of them accepted requests)"

    def _per_slot(self, a: int, b: int, slots: list[int], groups: list[int]) -> tuple[Cause, str]:
        p, ids, sids = self.p, self.p.participant_ids, self.p.slot_ids
        busy: list[str] = []
        full: list[str] = []
        free: list[str] = []
        kinds: dict[int, str] = {}
        for s in dict.fromkeys(slots):
            who = [f"{ids[x]} meets {self.busy[(ids[x], s)]}" for x in (a, b) if (ids[x], s) in self.busy]
            gs = [g for g, t in zip(groups, slots, strict=True) if t == s]
            for g in gs:
                kinds[g] = self._group_name(g)
            if who:
                busy.append(f"{sids[s]} {' and '.join(who)}")
            elif all(self.taken[(g, s)] >= p.group_size[g] for g in gs):
                full.append(sids[s])
            else:
                free.append(sids[s])
        n, tables = len(busy) + len(full) + len(free), " or ".join(dict.fromkeys(kinds.values()))
        if free:
            when = self.view.when(free[0])
            return Cause.SOLVER, (
                f"both are free in {when} and a table ({tables}) is free there: "
                "the solver stopped before placing the pair (give it more time)"
            )
        if not full:
            head = "in every slot both are available one of them is busy: "
            return Cause.BUSY, head + _clip(busy, MAX_REASON - len(head))
        if not busy:
            head = f"no {tables} free in the slots both have ("
            return Cause.TABLES_FULL, head + _clip(full, MAX_REASON - len(head) - 1) + ")"
        head = f"busy in {len(busy)} of the {n} slots both are available ("
        tail = f"); in the other {len(full)} no {tables} is free ({_clip(full, 40)})"
        return Cause.BUSY, head + _clip(busy, MAX_REASON - len(head) - len(tail)) + tail

    def _group_name(self, g: int) -> str:
        host = int(self.p.group_host[g])
        kind = _KIND_NAMES[KINDS[self.p.group_kind[g]]]
        return kind if host < 0 else f"{kind} of {self.p.participant_ids[host]}"


_KIND_NAMES = {TableKind.PHYSICAL: "physical table", TableKind.ONLINE: "online room"}
_A = {TableKind.PHYSICAL: "a ", TableKind.ONLINE: "an "}
