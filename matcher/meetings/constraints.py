"""The hard constraints of a meeting schedule, each written once: it adds itself to CP-SAT *and* checks a schedule.

Every constraint is an object with a ``name`` (a :class:`Rule`), an ``add_to(model, vars)`` that adds it to a
CP-SAT model built over :class:`ModelVars` (one 0/1 literal per placement ``(pair, slot, table group)`` of a
:class:`~matcher.meetings.encoding.MeetingEncoding`), and a ``violations(source, meetings)`` that lists, in words,
what a finished schedule breaks, naming participants and slots. ``source`` is an :class:`~matcher.event.schema.Event`,
a ``MeetingEncoding`` or a :class:`~matcher.meetings.view.ScheduleView` (the facts both reduce to, in
:mod:`matcher.meetings.view`; re-exported here).

Constraints on one placement at a time (availability, table kind, hosts, forbidden pairs, locks, a zero
``max_meetings``) are :class:`DomainConstraint` s: their vectorised ``allows`` decides which placements get a
variable at all (:class:`~matcher.meetings.placements.Placements`), and their ``add_to`` fixes any other variable to 0.
Which table kinds a pair may use is decided once, in :func:`matcher.meetings.model.allowed_kinds`.

Example
-------
>>> [c.name.value for c in ALL_CONSTRAINTS][:3]
['known_ids', 'one_meeting_per_participant_per_slot', 'pair_meets_at_most_once']
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from matcher.errors import ConstraintViolation, Infeasible
from matcher.event.schema import Attendance, Event, TableKind
from matcher.matching.filters import Exclusion
from matcher.meetings.encoding import MeetingEncoding
from matcher.meetings.model import ATTENDANCES, KINDS, Meeting, Origin, allowed_kinds
from matcher.meetings.view import ScheduleView

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = [
    "ALL_CONSTRAINTS",
    "DOMAIN_CONSTRAINTS",
    "DomainConstraint",
    "ModelVars",
    "Rule",
    "ScheduleConstraint",
    "ScheduleView",
    "violations_of",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class Rule(StrEnum):
    """The name of each hard constraint, as it appears in :class:`~matcher.errors.ConstraintViolation`."""

    ONE_PER_SLOT = "one_meeting_per_participant_per_slot"
    PAIR_ONCE = "pair_meets_at_most_once"
    TABLE_PER_SLOT = "one_meeting_per_table_per_slot"
    AVAILABILITY = "availability"
    TABLE_KIND = "table_kind"
    HOST_TABLE = "host_table"
    MAX_MEETINGS = "max_meetings"
    LOCKED_KEPT = "locked_kept"
    NO_FORBIDDEN_PAIR = "no_forbidden_pair"
    KNOWN_IDS = "known_ids"  # every participant, slot and table a meeting names exists (matters for files read)


#: ``KIND_OK[attendance_a, attendance_b, kind]`` over the codes of ATTENDANCES and KINDS.
KIND_OK = np.array([[[k in allowed_kinds(a, b) for k in KINDS] for b in ATTENDANCES] for a in ATTENDANCES])


@dataclass(frozen=True, eq=False)
class ModelVars:
    """The CP-SAT literals of a model: ``literals[k]`` is 1 when ``pair[k]`` meets in ``slot[k]`` in ``group[k]``."""

    problem: MeetingEncoding
    pair: IntArray
    slot: IntArray
    group: IntArray
    literals: Sequence[cp_model.IntVar]

    def where(self, pair: int, slot: int, group: int) -> int | None:
        """Index of the variable of this placement, ``None`` when it has none."""
        hits = np.flatnonzero((self.pair == pair) & (self.slot == slot) & (self.group == group))
        return int(hits[0]) if hits.size else None


def _runs(keys: IntArray, min_size: int = 2) -> Iterator[IntArray]:
    """Index groups of equal ``keys`` with at least ``min_size`` members, in key order."""
    order = np.argsort(keys, kind="stable")
    cuts = np.flatnonzero(np.diff(keys[order])) + 1
    for run in np.split(order, cuts):
        if run.size >= min_size:
            yield run


def _v(rule: Rule, who: Iterable[str], message: str, slots: Iterable[str] = ()) -> ConstraintViolation:
    return ConstraintViolation(rule.value, tuple(dict.fromkeys(who)), message, tuple(dict.fromkeys(slots)))


#: What to change when locked meetings alone break a constraint (the check of locked.csv): appended to its messages.
LOCK_FIXES: dict[Rule, str] = {
    Rule.ONE_PER_SLOT: "move all but one of these locks to other slots in locked.csv",
    Rule.PAIR_ONCE: "keep one of these locks in locked.csv",
    Rule.TABLE_PER_SLOT: "move all but one of these locks to other tables or slots in locked.csv",
    Rule.AVAILABILITY: "move the lock to a slot both are available in, or add this slot to availability.csv",
    Rule.TABLE_KIND: "change the lock's table_id in locked.csv",
    Rule.HOST_TABLE: "change the lock's table_id: a host meets only at their own tables, nobody else meets there",
    Rule.MAX_MEETINGS: "remove a lock in locked.csv or raise max_meetings in participants.csv",
    Rule.NO_FORBIDDEN_PAIR: "remove the lock (or, if they may meet, the conflict, declined request or shared org)",
}


class ScheduleConstraint(ABC):
    """A named hard constraint; see the module docstring."""

    name: Rule

    def violations(
        self, source: Event | MeetingEncoding | ScheduleView, meetings: Iterable[Meeting]
    ) -> tuple[ConstraintViolation, ...]:
        """What ``meetings`` break of this constraint; meetings naming unknown ids are skipped."""
        view = ScheduleView.of(source)
        listed = [m for m in meetings if view.known(m)]
        found = tuple(self._violations(view, listed))
        fix = LOCK_FIXES.get(self.name) if listed and all(m.origin is Origin.LOCKED for m in listed) else None
        if fix is None:  # not locks alone: the schedule is at fault, not locked.csv
            return found
        return tuple(
            dataclasses.replace(v, message=f"{v.message}; locked in {', '.join(map(view.when, v.slots))}: {fix}")
            for v in found
        )

    @abstractmethod
    def _violations(self, view: ScheduleView, meetings: list[Meeting]) -> Iterator[ConstraintViolation]: ...

    @abstractmethod
    def add_to(self, model: cp_model.CpModel, vars: ModelVars) -> None:
        """Add the constraint to ``model`` over ``vars``."""


class DomainConstraint(ScheduleConstraint):
    """A constraint on each placement alone: it prunes variables, and fixes any it would forbid to 0."""

    @abstractmethod
    def allows(self, problem: MeetingEncoding, pair: IntArray, slot: IntArray, group: IntArray) -> BoolArray:
        """Which placements ``(pair[k], slot[k], group[k])`` the constraint allows."""

    def add_to(self, model: cp_model.CpModel, vars: ModelVars) -> None:
        for k in np.flatnonzero(~self.allows(vars.problem, vars.pair, vars.slot, vars.group)).tolist():
            model.add(vars.literals[k] == 0)


class OneMeetingPerParticipantPerSlot(ScheduleConstraint):
    name = Rule.ONE_PER_SLOT

    def add_to(self, model: cp_model.CpModel, vars: ModelVars) -> None:
        p, n_s = vars.problem, vars.problem.n_slots
        keys = np.concatenate((p.pair_a[vars.pair] * n_s + vars.slot, p.pair_b[vars.pair] * n_s + vars.slot))
        index = np.concatenate((np.arange(vars.pair.size), np.arange(vars.pair.size)))
        for run in _runs(keys.astype(np.int64)):
            model.add_at_most_one([vars.literals[k] for k in index[run].tolist()])

    def _violations(self, view: ScheduleView, meetings: list[Meeting]) -> Iterator[ConstraintViolation]:
        by: dict[tuple[str, str], list[Meeting]] = defaultdict(list)
        for m in meetings:
            for pid in dict.fromkeys((m.a_id, m.b_id)):
                by[(pid, m.slot_id)].append(m)
        for (pid, slot), ms in by.items():
            if len(ms) > 1:
                others = [m.b_id if m.a_id == pid else m.a_id for m in ms]
                where = ", ".join(f"{o} at {m.table_id}" for o, m in zip(others, ms, strict=True))
                yield _v(self.name, (pid, *others), f"{pid} has {len(ms)} meetings in {slot}: with {where}", (slot,))


class PairMeetsAtMostOnce(ScheduleConstraint):
    name = Rule.PAIR_ONCE

    def add_to(self, model: cp_model.CpModel, vars: ModelVars) -> None:
        for run in _runs(vars.pair):
            model.add_at_most_one([vars.literals[k] for k in run.tolist()])

    def _violations(self, view: ScheduleView, meetings: list[Meeting]) -> Iterator[ConstraintViolation]:
        by: dict[frozenset[str], list[Meeting]] = defaultdict(list)
        for m in meetings:
            by[m.pair].append(m)
        for ms in by.values():
            if len(ms) > 1:
                a, b = ms[0].a_id, ms[0].b_id
                slots = [m.slot_id for m in ms]
                yield _v(self.name, (a, b), f"{a} and {b} meet {len(ms)} times ({', '.join(slots)})", slots)


class OneMeetingPerTablePerSlot(ScheduleConstraint):
    """At most one meeting per table per slot; in the model, per slot at most ``group_size`` meetings in a group
    of interchangeable tables (a host's own tables need no row: the host has one meeting per slot)."""

    name = Rule.TABLE_PER_SLOT

    def add_to(self, model: cp_model.CpModel, vars: ModelVars) -> None:
        p = vars.problem
        pooled = np.flatnonzero(p.group_host[vars.group] < 0)
        keys = vars.group[pooled] * p.n_slots + vars.slot[pooled]
        for run in _runs(keys.astype(np.int64)):
            size = int(p.group_size[vars.group[pooled[run[0]]]])
            if run.size > size:
                model.add(sum(vars.literals[k] for k in pooled[run].tolist()) <= size)

    def _violations(self, view: ScheduleView, meetings: list[Meeting]) -> Iterator[ConstraintViolation]:
        by: dict[tuple[str, str], list[Meeting]] = defaultdict(list)
        for m in meetings:
            by[(m.table_id, m.slot_id)].append(m)
        for (table, slot), ms in by.items():
            if len(ms) > 1:
                pairs = "; ".join(f"{m.a_id} with {m.b_id}" for m in ms)
                who = [x for m in ms for x in (m.a_id, m.b_id)]
                yield _v(self.name, who, f"table {table} holds {len(ms)} meetings in {slot}: {pairs}", (slot,))


class AvailabilityRule(DomainConstraint):
    """Both participants are available in the slot (a participant with availability rows only in those)."""

    name = Rule.AVAILABILITY

    def allows(self, problem: MeetingEncoding, pair: IntArray, slot: IntArray, group: IntArray) -> BoolArray:
        return problem.available[problem.pair_a[pair], slot] & problem.available[problem.pair_b[pair], slot]

    def _violations(self, view: ScheduleView, meetings: list[Meeting]) -> Iterator[ConstraintViolation]:
        for m in meetings:
            for pid in dict.fromkeys((m.a_id, m.b_id)):
                only = view.available_only.get(pid)
                if only is not None and m.slot_id not in only:
                    when = ", ".join(sorted(only, key=view.slot_order.__getitem__)) or "no slot"
                    msg = f"{pid} is not available in {m.slot_id} (available in {when}) for the meeting at {m.table_id}"
                    yield _v(self.name, (pid, m.b_id if pid == m.a_id else m.a_id), msg, (m.slot_id,))


class TableKindRule(DomainConstraint):
    """The table kind suits both attendances (:func:`allowed_kinds`)."""

    name = Rule.TABLE_KIND

    def allows(self, problem: MeetingEncoding, pair: IntArray, slot: IntArray, group: IntArray) -> BoolArray:
        att = problem.attendance
        return KIND_OK[att[problem.pair_a[pair]], att[problem.pair_b[pair]], problem.group_kind[group]]

    def _violations(self, view: ScheduleView, meetings: list[Meeting]) -> Iterator[ConstraintViolation]:
        for m in meetings:
            a, b = view.participants[m.a_id].attendance, view.participants[m.b_id].attendance
            kind = view.tables[m.table_id].kind
            if kind in allowed_kinds(a, b):
                continue
            if kind is TableKind.PHYSICAL:
                remote = m.a_id if a is Attendance.ONLINE else m.b_id
                msg = (
                    f"{remote} attends online, so the meeting of {m.a_id} and {m.b_id} needs an online room, "
                    f"not physical table {m.table_id}"
                )
            else:
                msg = (
                    f"{m.a_id} and {m.b_id} are both on site, so their meeting needs a physical table, "
                    f"not online room {m.table_id}"
                )
            yield _v(self.name, (m.a_id, m.b_id), msg, (m.slot_id,))


class HostTableRule(DomainConstraint):
    """A host meets only at their own table(s), and a hosted table holds only its host's meetings."""

    name = Rule.HOST_TABLE

    def allows(self, problem: MeetingEncoding, pair: IntArray, slot: IntArray, group: IntArray) -> BoolArray:
        a, b, host = problem.pair_a[pair], problem.pair_b[pair], problem.group_host[group]
        hosts = problem.is_host
        return ((host < 0) | (host == a) | (host == b)) & (~hosts[a] | (host == a)) & (~hosts[b] | (host == b))

    def _violations(self, view: ScheduleView, meetings: list[Meeting]) -> Iterator[ConstraintViolation]:
        for m in meetings:
            host = view.tables[m.table_id].host_id
            if host is not None and host not in (m.a_id, m.b_id):
                msg = f"table {m.table_id} is kept by host {host}, who is not in the meeting of {m.a_id} and {m.b_id}"
                yield _v(self.name, (host, m.a_id, m.b_id), msg, (m.slot_id,))
            for pid, other in ((m.a_id, m.b_id), (m.b_id, m.a_id)):
                own = view.hosted.get(pid, ())
                if own and m.table_id not in own:
                    msg = f"{pid} hosts {', '.join(own)} and meets only there, but meets {other} at {m.table_id}"
                    yield _v(self.name, (pid, other), msg, (m.slot_id,))


class MaxMeetingsRule(DomainConstraint):
    """A participant has at most ``max_meetings`` meetings (no cap when empty)."""

    name = Rule.MAX_MEETINGS

    def allows(self, problem: MeetingEncoding, pair: IntArray, slot: IntArray, group: IntArray) -> BoolArray:
        caps = problem.max_meetings
        return (caps[problem.pair_a[pair]] != 0) & (caps[problem.pair_b[pair]] != 0)

    def add_to(self, model: cp_model.CpModel, vars: ModelVars) -> None:
        super().add_to(model, vars)
        p = vars.problem
        ends = np.concatenate((p.pair_a[vars.pair], p.pair_b[vars.pair])).astype(np.int64)
        index = np.concatenate((np.arange(vars.pair.size), np.arange(vars.pair.size)))
        for run in _runs(ends, 1):
            cap = int(p.max_meetings[ends[run[0]]])
            if 0 <= cap < run.size:
                model.add(sum(vars.literals[k] for k in index[run].tolist()) <= cap)

    def _violations(self, view: ScheduleView, meetings: list[Meeting]) -> Iterator[ConstraintViolation]:
        count: Counter[str] = Counter()
        slots: dict[str, list[str]] = defaultdict(list)
        for m in meetings:
            for pid in dict.fromkeys((m.a_id, m.b_id)):
                count[pid] += 1
                slots[pid].append(m.slot_id)
        for pid, n in count.items():
            cap = view.participants[pid].max_meetings
            if cap is not None and n > cap:
                yield _v(self.name, (pid,), f"{pid} has {n} meetings but max_meetings is {cap}", slots[pid])


class LockedKeptRule(DomainConstraint):
    """Every locked meeting is in the schedule at its slot and table (and its pair nowhere else)."""

    name = Rule.LOCKED_KEPT

    def allows(self, problem: MeetingEncoding, pair: IntArray, slot: IntArray, group: IntArray) -> BoolArray:
        lock = problem.lock_of_pair[pair]
        if not problem.n_locks:
            return np.ones(lock.shape, dtype=bool)
        safe = np.maximum(lock, 0)
        at = (problem.lock_slot[safe] == slot) & (problem.table_group[problem.lock_table[safe]] == group)
        return (lock < 0) | at

    def add_to(self, model: cp_model.CpModel, vars: ModelVars) -> None:
        super().add_to(model, vars)
        p = vars.problem
        for pair, slot, table in zip(*(a.tolist() for a in p.locks), strict=True):
            var = vars.where(pair, slot, int(p.table_group[table]))
            if var is None:
                lock = p.decode([pair], [slot], [table])[0]  # locked_meetings is sorted by slot, not lock order
                msg = f"{lock.a_id}, {lock.b_id} are locked in {lock.slot_id} at {lock.table_id} but cannot meet there"
                why = "a locked meeting cannot be placed; change its slot or table, or remove it, in locked.csv"
                raise Infeasible(why, (_v(self.name, (lock.a_id, lock.b_id), msg, (lock.slot_id,)),))
            model.add(vars.literals[var] == 1)

    def _violations(self, view: ScheduleView, meetings: list[Meeting]) -> Iterator[ConstraintViolation]:
        where: dict[frozenset[str], list[Meeting]] = defaultdict(list)
        for m in meetings:
            where[m.pair].append(m)
        for lock in view.locked:
            found = where.get(lock.pair, [])
            if any(m.slot_id == lock.slot_id and m.table_id == lock.table_id for m in found):
                continue
            instead = "; found " + ", ".join(f"in {m.slot_id} at {m.table_id}" for m in found) if found else ""
            msg = (
                f"the locked meeting of {lock.a_id} and {lock.b_id} in {lock.slot_id} at {lock.table_id} "
                f"is missing{instead}"
            )
            yield _v(self.name, (lock.a_id, lock.b_id), msg, (lock.slot_id,))


class NoForbiddenPairRule(DomainConstraint):
    """Never a participant with themself, a pair in conflict, a declined pair, or two of one organisation."""

    name = Rule.NO_FORBIDDEN_PAIR

    def allows(self, problem: MeetingEncoding, pair: IntArray, slot: IntArray, group: IntArray) -> BoolArray:
        a, b = problem.pair_a[pair], problem.pair_b[pair]
        org = problem.organisation
        lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
        keys = lo * problem.n_participants + hi
        banned = np.isin(keys, problem.forbidden_keys)
        return (a != b) & ~banned & ~((org[a] >= 0) & (org[a] == org[b]))

    def _violations(self, view: ScheduleView, meetings: list[Meeting]) -> Iterator[ConstraintViolation]:
        for m in meetings:
            reason: Any = view.forbidden.get(m.pair)
            if m.a_id == m.b_id:
                reason = Exclusion.SELF
            org_a, org_b = view.participants[m.a_id].organisation, view.participants[m.b_id].organisation
            if reason is None and org_a and org_a == org_b:
                reason = Exclusion.SAME_ORGANISATION
            if reason is not None:
                msg = f"{m.a_id} and {m.b_id} must not meet ({reason.value}) but meet at {m.table_id}"
                yield _v(self.name, (m.a_id, m.b_id), msg, (m.slot_id,))


class KnownIds(ScheduleConstraint):
    """Every participant, slot and table a meeting names exists. An encoding only has known ids, so it adds
    nothing to a model; it matters for a schedule read from a file (``matcher check``)."""

    name = Rule.KNOWN_IDS

    def violations(
        self, source: Event | MeetingEncoding | ScheduleView, meetings: Iterable[Meeting]
    ) -> tuple[ConstraintViolation, ...]:
        """Every unknown id of ``meetings``; unlike the other constraints, it looks at every meeting."""
        return tuple(self._violations(ScheduleView.of(source), list(meetings)))

    def _violations(self, view: ScheduleView, meetings: list[Meeting]) -> Iterator[ConstraintViolation]:
        for m in meetings:
            where, pair = f"the meeting in {m.slot_id} at {m.table_id}", (m.a_id, m.b_id)
            for pid in dict.fromkeys(pair):
                if pid not in view.participants:
                    yield _v(self.name, pair, f"{where} names unknown participant {pid}", (m.slot_id,))
            if m.slot_id not in view.slot_order:
                yield _v(self.name, pair, f"{where} names unknown slot {m.slot_id}")
            if m.table_id not in view.tables:
                yield _v(self.name, pair, f"{where} names unknown table {m.table_id}", (m.slot_id,))

    def add_to(self, model: cp_model.CpModel, vars: ModelVars) -> None:
        """Nothing to add: every variable of a model is a placement of known ids."""


DOMAIN_CONSTRAINTS: tuple[DomainConstraint, ...] = (
    AvailabilityRule(),
    TableKindRule(),
    HostTableRule(),
    MaxMeetingsRule(),
    LockedKeptRule(),
    NoForbiddenPairRule(),
)

#: Every hard constraint of a schedule, in reporting order (unknown ids first: the others skip those meetings).
ALL_CONSTRAINTS: tuple[ScheduleConstraint, ...] = (
    KnownIds(),
    OneMeetingPerParticipantPerSlot(),
    PairMeetsAtMostOnce(),
    OneMeetingPerTablePerSlot(),
    *DOMAIN_CONSTRAINTS,
)


def violations_of(
    source: Event | MeetingEncoding | ScheduleView,
    meetings: Iterable[Meeting],
    constraints: Iterable[ScheduleConstraint] = ALL_CONSTRAINTS,
) -> tuple[ConstraintViolation, ...]:
    """Every violation of ``constraints`` by ``meetings``; only :class:`KnownIds` looks at meetings naming unknown
    ids, every other constraint skips them."""
    view = ScheduleView.of(source)
    listed = list(meetings)
    return tuple(v for c in constraints for v in c.violations(view, listed))
