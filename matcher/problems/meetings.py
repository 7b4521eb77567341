"""B2B meetings: who may meet whom, when and at which kind of table, as one frozen encoding.

:class:`MeetingProblem` is the single owner of the id <-> index mappings (participants, slots in chronological
order, tables sorted by id). Solvers see only its read-only arrays: candidate pairs with a weight and an origin,
availability ``bool[participant, slot]``, attendance, caps, table kinds and hosts, locks and the previous schedule.
Tables are pooled into *groups* of interchangeable tables (all unhosted physical tables, all unhosted online rooms,
and per host their own tables of each kind), so a solver chooses ``(pair, slot, group)`` placements
(:attr:`~MeetingProblem.placements`) and :meth:`~MeetingProblem.assign_tables` picks concrete tables afterwards,
deterministically. :meth:`~MeetingProblem.decode` turns the result into :class:`~matcher.meetings.Meeting` s.

Example
-------
>>> from datetime import datetime, timedelta, timezone
>>> from matcher.schema import Event, MeetingRequest, Participant, Slot, Table
>>> def person(pid, role):
...     return Participant(id=pid, name=pid, role=role, country="FR", languages="en", description="-")
>>> t0 = datetime(2026, 12, 10, 9, tzinfo=timezone.utc)
>>> event = Event(name="demo", participants=(person("s1", "startup"), person("i1", "investor")),
...     slots=(Slot(slot_id="S1", start=t0, end=t0 + timedelta(minutes=20)),),
...     tables=(Table(table_id="T1"),),
...     requests=(MeetingRequest(from_id="s1", to_id="i1", status="accepted"),))
>>> problem = MeetingProblem.build(event, suggested=[("s1", "i1", 0.8)])
>>> problem.n_pairs, problem.pair_weight.tolist(), problem.placements.size
(1, [10.0], 1)
>>> pl = problem.placements
>>> problem.decode(pl.pair, pl.slot, problem.assign_tables(pl.pair, pl.slot, pl.group))
(Meeting(slot_id='S1', table_id='T1', a_id='s1', b_id='i1', origin=<Origin.ACCEPTED: 'accepted'>, score=0.8),)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from matcher.errors import Infeasible, InvalidInput, Problem, SolverFailed
from matcher.filters import PairRules
from matcher.meetings import Meeting, Origin, PriorityWeights
from matcher.schedule_constraints import (
    ALL_CONSTRAINTS,
    ATTENDANCES,
    DOMAIN_CONSTRAINTS,
    FORBIDDEN_REASONS,
    KINDS,
    Rule,
    ScheduleView,
    violations_of,
)
from matcher.schema import Event, RequestStatus

__all__ = ["ORIGINS", "WEIGHT_UNITS", "MeetingProblem", "Placements"]

#: Origin codes of the encoding (position in this tuple); lower is higher priority.
ORIGINS: tuple[Origin, ...] = tuple(Origin)
WEIGHT_UNITS = 1000
"""Integer weight units per :class:`PriorityWeights` unit: weights are rounded to 1/1000."""

IntArray = npt.NDArray[np.int64]


def _empty() -> npt.NDArray[np.int32]:
    return np.zeros(0, dtype=np.int32)


def _ro(values: npt.ArrayLike, dtype: type[np.generic], name: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """A read-only copy of ``values`` with the given dtype (and shape); the caller's array is never touched."""
    raw = np.asarray(values)
    if shape is not None and raw.shape != shape:
        raise InvalidInput(f"{name} must have shape {shape}, got {raw.shape}")
    out = np.array(raw, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


def _index(ids: Sequence[str], what: str) -> dict[str, int]:
    index: dict[str, int] = {}
    for k, ident in enumerate(ids):
        if ident in index:
            raise InvalidInput(f"{what} id {ident!r} appears twice; ids must be unique")
        index[ident] = k
    return index


_TRIPLES = {
    "lock_pair": ("lock_pair", "lock_slot", "lock_table"),
    "prev_pair": ("prev_pair", "prev_slot", "prev_table"),
    "forbidden_a": ("forbidden_a", "forbidden_b", "forbidden_reason"),
}


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a <= b else (b, a)


class _Indexer:
    """Id -> index lookups of an event while it is encoded; collects every unknown reference as a Problem."""

    def __init__(self, event: Event) -> None:
        self.problems: list[Problem] = []
        self.people = _index([p.id for p in event.participants], "participant")
        self.slots = sorted(event.slots, key=lambda s: (s.start, s.slot_id))
        self.slot_ix = _index([s.slot_id for s in self.slots], "slot")
        self.tables = sorted(event.tables, key=lambda t: t.table_id)
        self.table_ix = _index([t.table_id for t in self.tables], "table")
        # orientation of a pair (a_id, b_id of its meetings): a lock's, else a request's, else a suggestion's
        self.orient: tuple[dict[tuple[int, int], tuple[int, int]], ...] = ({}, {}, {})

    def person(self, pid: str, file: str, row: int, column: str) -> int:
        if pid not in self.people:
            self.problems.append(Problem(file, row, column, f"unknown participant '{pid}'"))
            return -1
        return self.people[pid]

    def known(self, ident: str, index: dict[str, int], file: str, row: int, column: str) -> int:
        if ident not in index:
            self.problems.append(Problem(file, row, column, f"unknown {column.removesuffix('_id')} '{ident}'"))
            return -1
        return index[ident]

    def oriented(self, key: tuple[int, int]) -> tuple[int, int]:
        return next((o[key] for o in self.orient if key in o), key)

    def availability(self, event: Event) -> npt.NDArray[np.bool_]:
        available = np.ones((len(self.people), len(self.slots)), dtype=bool)
        only: dict[int, list[int]] = {}
        for row, av in enumerate(event.availability, start=2):
            i = self.person(av.participant_id, "availability.csv", row, "participant_id")
            s = self.known(av.slot_id, self.slot_ix, "availability.csv", row, "slot_id")
            if i >= 0 and s >= 0:
                only.setdefault(i, []).append(s)
        for i, slots in only.items():
            available[i] = False
            available[i, slots] = True
        return available

    def suggestions(self, suggested: Iterable[tuple[str, str, float]]) -> dict[tuple[int, int], float]:
        affinity: dict[tuple[int, int], float] = {}
        for row, (a_id, b_id, score) in enumerate(suggested, start=1):
            a, b = self.person(a_id, "suggested", row, "a_id"), self.person(b_id, "suggested", row, "b_id")
            if not (isinstance(score, int | float) and math.isfinite(score) and 0 <= score <= 1):
                self.problems.append(Problem("suggested", row, "affinity", f"affinity {score!r} is not within 0..1"))
            elif a >= 0 and b >= 0:
                affinity[_key(a, b)] = max(affinity.get(_key(a, b), 0.0), float(score))
                self.orient[2].setdefault(_key(a, b), (a, b))
        return affinity

    def requests(self, event: Event) -> dict[tuple[int, int], dict[tuple[int, int], set[RequestStatus]]]:
        asked: dict[tuple[int, int], dict[tuple[int, int], set[RequestStatus]]] = {}
        for row, r in enumerate(event.requests, start=2):
            a, b = (
                self.person(r.from_id, "requests.csv", row, "from_id"),
                self.person(r.to_id, "requests.csv", row, "to_id"),
            )
            if a >= 0 and b >= 0:
                asked.setdefault(_key(a, b), {}).setdefault((a, b), set()).add(r.status)
                self.orient[1].setdefault(_key(a, b), (a, b))
        return asked

    def locks(self, event: Event) -> list[tuple[int, int, int, int]]:
        out = []
        for row, lock in enumerate(event.locked, start=2):
            a, b = self.person(lock.a_id, "locked.csv", row, "a_id"), self.person(lock.b_id, "locked.csv", row, "b_id")
            s = self.known(lock.slot_id, self.slot_ix, "locked.csv", row, "slot_id")
            t = self.known(lock.table_id, self.table_ix, "locked.csv", row, "table_id")
            out.append((a, b, s, t))
            self.orient[0].setdefault(_key(a, b), (a, b))
        return out

    def raise_problems(self) -> None:
        if self.problems:
            raise InvalidInput("the event cannot be scheduled as given; fix these references", tuple(self.problems))


def _candidates(
    event: Event,
    ix: _Indexer,
    affinity: dict[tuple[int, int], float],
    asked: dict[tuple[int, int], dict[tuple[int, int], set[RequestStatus]]],
    locks: list[tuple[int, int, int, int]],
    previous: Sequence[Meeting],
) -> tuple[dict[tuple[int, int], Origin], dict[tuple[int, int], tuple[str, str, str]]]:
    """Candidate pairs with their origin, and the excluded ones with the reason (see MeetingProblem.build)."""
    rules = PairRules.from_event(event)
    people = event.participants
    candidates: dict[tuple[int, int], Origin] = {}
    excluded: dict[tuple[int, int], tuple[str, str, str]] = {}

    def consider(key: tuple[int, int], origin: Origin) -> None:
        a, b = ix.oriented(key)
        reason = rules.exclusion(people[a], people[b])
        if reason is None:
            candidates[key] = origin
        else:
            excluded[key] = (people[a].id, people[b].id, reason.value)

    for key, directions in asked.items():
        live = [d for d, statuses in directions.items() if statuses - {RequestStatus.DECLINED}]
        if any(RequestStatus.ACCEPTED in statuses for statuses in directions.values()):
            consider(key, Origin.ACCEPTED)
        elif live:  # requests that were only declined are neither candidates nor worth reporting
            consider(key, Origin.MUTUAL if len(live) == 2 else Origin.PENDING)
    for key in affinity:
        if key not in asked:
            consider(key, Origin.SUGGESTED)
    for a, b, _, _ in locks:
        candidates[_key(a, b)] = Origin.LOCKED
    for m in previous:
        a, b = ix.people.get(m.a_id, -1), ix.people.get(m.b_id, -1)
        key = _key(a, b)
        if min(a, b) >= 0 and a != b and key not in candidates and key not in excluded:
            ix.orient[2].setdefault(key, (a, b))
            consider(key, Origin.ACCEPTED if m.origin is Origin.LOCKED else m.origin)
            affinity.setdefault(key, min(max(m.score, 0.0), 1.0))
    return candidates, excluded


@dataclass(frozen=True, eq=False)
class Placements:
    """Feasible ``(pair, slot, group)`` combinations, sorted by pair, slot, group."""

    pair: IntArray
    slot: IntArray
    group: IntArray

    @property
    def size(self) -> int:
        return int(self.pair.size)


@dataclass(frozen=True, eq=False)
class MeetingProblem:
    """A frozen meeting-scheduling problem over participant, slot and table indices (see the module docstring).

    ``pair_origin`` holds codes into :data:`ORIGINS`, ``attendance`` codes into ``ATTENDANCES`` (onsite, online,
    hybrid), ``table_kind`` codes into ``KINDS`` (physical, online). ``max_meetings``, ``table_host`` and
    ``organisation`` use -1 for "none". Locks and the previous schedule are ``(pair, slot, table)`` triples; the
    previous ones are those that may be kept where they were (see :meth:`build`). ``excluded`` lists the requested
    or suggested pairs left out, with the reason. Use :meth:`build`; the direct constructor validates too, and
    raises :class:`Infeasible` when the locks break a hard constraint.
    """

    participant_ids: tuple[str, ...]
    slot_ids: tuple[str, ...]
    table_ids: tuple[str, ...]
    pair_a: npt.NDArray[np.int32]
    pair_b: npt.NDArray[np.int32]
    pair_weight: npt.NDArray[np.float64]
    pair_origin: npt.NDArray[np.int8]
    pair_affinity: npt.NDArray[np.float64]
    available: npt.NDArray[np.bool_]
    attendance: npt.NDArray[np.int8]
    max_meetings: npt.NDArray[np.int32]
    organisation: npt.NDArray[np.int32]
    table_kind: npt.NDArray[np.int8]
    table_host: npt.NDArray[np.int32]
    lock_pair: npt.NDArray[np.int32] = field(default_factory=_empty)
    lock_slot: npt.NDArray[np.int32] = field(default_factory=_empty)
    lock_table: npt.NDArray[np.int32] = field(default_factory=_empty)
    prev_pair: npt.NDArray[np.int32] = field(default_factory=_empty)
    prev_slot: npt.NDArray[np.int32] = field(default_factory=_empty)
    prev_table: npt.NDArray[np.int32] = field(default_factory=_empty)
    forbidden_a: npt.NDArray[np.int32] = field(default_factory=_empty)
    forbidden_b: npt.NDArray[np.int32] = field(default_factory=_empty)
    forbidden_reason: npt.NDArray[np.int8] = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    excluded: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name, what in (("participant_ids", "participant"), ("slot_ids", "slot"), ("table_ids", "table")):
            set_(self, name, tuple(getattr(self, name)))
            _index(getattr(self, name), what)
        set_(self, "excluded", tuple(self.excluded))
        n_p, n_s, n_t = len(self.participant_ids), len(self.slot_ids), len(self.table_ids)
        n = np.asarray(self.pair_a).shape
        if len(n) != 1:
            raise InvalidInput(f"pair_a must be 1-D, got shape {n}")
        shapes: dict[str, tuple[type[np.generic], tuple[int, ...]]] = {
            "pair_a": (np.int32, n),
            "pair_b": (np.int32, n),
            "pair_weight": (np.float64, n),
            "pair_origin": (np.int8, n),
            "pair_affinity": (np.float64, n),
            "available": (np.bool_, (n_p, n_s)),
            "attendance": (np.int8, (n_p,)),
            "max_meetings": (np.int32, (n_p,)),
            "organisation": (np.int32, (n_p,)),
            "table_kind": (np.int8, (n_t,)),
            "table_host": (np.int32, (n_t,)),
        }
        for first in ("lock_pair", "prev_pair", "forbidden_a"):
            size = np.asarray(getattr(self, first)).shape
            for name in _TRIPLES[first]:
                shapes[name] = (np.int8 if name == "forbidden_reason" else np.int32, size)
        for name, (dtype, shape) in shapes.items():
            set_(self, name, _ro(getattr(self, name), dtype, name, shape))
        ranges = {
            "pair_a": (0, n_p),
            "pair_b": (0, n_p),
            "forbidden_a": (0, n_p),
            "forbidden_b": (0, n_p),
            "lock_pair": (0, n[0]),
            "prev_pair": (0, n[0]),
            "lock_slot": (0, n_s),
            "prev_slot": (0, n_s),
            "lock_table": (0, n_t),
            "prev_table": (0, n_t),
            "pair_origin": (0, len(ORIGINS)),
            "attendance": (0, len(ATTENDANCES)),
            "table_kind": (0, len(KINDS)),
            "forbidden_reason": (0, len(FORBIDDEN_REASONS)),
            "table_host": (-1, n_p),
            "max_meetings": (-1, 2**31 - 1),
            "organisation": (-1, 2**31 - 1),
        }
        for name, (lo, hi) in ranges.items():
            values = getattr(self, name)
            if values.size and (values.min() < lo or values.max() >= hi):
                raise InvalidInput(f"{name} holds values outside {lo}..{hi - 1}")
        if np.any(self.pair_a == self.pair_b):
            raise InvalidInput("a candidate pair joins a participant with themself")
        keys = np.minimum(self.pair_a, self.pair_b).astype(np.int64) * n_p + np.maximum(self.pair_a, self.pair_b)
        if np.unique(keys).size != keys.size:
            raise InvalidInput("a candidate pair appears twice; give each pair once")
        if not np.all(np.isfinite(self.pair_weight) & (self.pair_weight >= 0)):
            raise InvalidInput("pair weights must be finite and 0 or more")
        if not np.all((self.pair_affinity >= 0) & (self.pair_affinity <= 1)):
            raise InvalidInput("pair affinities must be within 0..1")
        rules = [c for c in ALL_CONSTRAINTS if c.name != Rule.LOCKED_KEPT]
        broken = violations_of(self, self.locked_meetings, rules)
        if broken:
            raise Infeasible("the locked meetings break hard constraints; change or remove them in locked.csv", broken)

    @classmethod
    def build(
        cls,
        event: Event,
        suggested: Iterable[tuple[str, str, float]] = (),
        weights: PriorityWeights = PriorityWeights(),
        previous: Iterable[Meeting] = (),
    ) -> MeetingProblem:
        """Encode ``event``: candidate pairs from requests, ``suggested`` ``(a_id, b_id, affinity 0..1)`` pairs,
        locks and the ``previous`` schedule.

        A pair with an accepted request is ``accepted``; requests both ways, none accepted, ``mutual``; otherwise
        ``pending``; unrequested suggestions ``suggested``; locked pairs ``locked`` (never filtered here, but
        checked against every hard constraint: :class:`Infeasible` names what they break). Requested and
        suggested pairs excluded by :class:`~matcher.filters.PairRules` are listed in ``excluded``. A previous
        meeting's pair stays a candidate unless now excluded (with its old origin; a lock that was removed counts
        as accepted), and it may be kept at its slot and table when that placement is still possible and not
        taken by a lock or an earlier previous meeting. Raises :class:`InvalidInput` for unknown ids or
        affinities outside 0..1.
        """
        ix = _Indexer(event)
        available = ix.availability(event)
        hosts = [
            ix.person(t.host_id, "tables.csv", r, "host_id") if t.host_id else -1
            for r, t in enumerate(ix.tables, start=2)
        ]
        affinity = ix.suggestions(suggested)
        asked = ix.requests(event)
        locks = ix.locks(event)
        ix.raise_problems()
        previous = tuple(previous)
        candidates, excluded = _candidates(event, ix, affinity, asked, locks, previous)
        keys = sorted(candidates)
        pair_index = {key: k for k, key in enumerate(keys)}
        origins = [candidates[k] for k in keys]
        affs = [affinity.get(k, 0.0) for k in keys]
        forbidden = []
        for pair, why in ScheduleView.of(event).forbidden.items():
            if all(pid in ix.people for pid in pair):
                a, b = sorted(ix.people[pid] for pid in pair)
                forbidden.append((a, b, FORBIDDEN_REASONS.index(why)))
        forbidden.sort()
        org_codes: dict[str, int] = {}
        orgs = [
            org_codes.setdefault(o.casefold(), len(org_codes)) if (o := p.organisation) else -1
            for p in event.participants
        ]
        problem = cls(
            participant_ids=tuple(p.id for p in event.participants),
            slot_ids=tuple(s.slot_id for s in ix.slots),
            table_ids=tuple(t.table_id for t in ix.tables),
            pair_a=np.array([ix.oriented(k)[0] for k in keys], dtype=np.int32),
            pair_b=np.array([ix.oriented(k)[1] for k in keys], dtype=np.int32),
            pair_weight=np.round([weights.of(o, a) for o, a in zip(origins, affs, strict=True)], 3),
            pair_origin=np.array([ORIGINS.index(o) for o in origins], dtype=np.int8),
            pair_affinity=np.array(affs, dtype=np.float64),
            available=available,
            attendance=np.array([ATTENDANCES.index(p.attendance) for p in event.participants], dtype=np.int8),
            max_meetings=np.array([-1 if p.max_meetings is None else p.max_meetings for p in event.participants]),
            organisation=np.array(orgs, dtype=np.int32),
            table_kind=np.array([KINDS.index(t.kind) for t in ix.tables], dtype=np.int8),
            table_host=np.array(hosts, dtype=np.int32),
            lock_pair=np.array([pair_index[_key(a, b)] for a, b, _, _ in locks], dtype=np.int32),
            lock_slot=np.array([slot for _, _, slot, _ in locks], dtype=np.int32),
            lock_table=np.array([table for _, _, _, table in locks], dtype=np.int32),
            forbidden_a=np.array([f[0] for f in forbidden], dtype=np.int32),
            forbidden_b=np.array([f[1] for f in forbidden], dtype=np.int32),
            forbidden_reason=np.array([f[2] for f in forbidden], dtype=np.int8),
            excluded=tuple(excluded.values()),
        )
        return problem._pin(previous, pair_index, ix) if previous else problem

    def _pin(self, previous: Sequence[Meeting], pair_index: dict[tuple[int, int], int], ix: _Indexer) -> MeetingProblem:
        """This problem with the previous meetings that can stay where they were as ``prev_*``: their placement
        must still exist and not clash with a lock or an earlier previous meeting."""
        lock_a, lock_b = self.pair_a[self.lock_pair].tolist(), self.pair_b[self.lock_pair].tolist()
        busy = {(p, s) for a, b, s in zip(lock_a, lock_b, self.lock_slot.tolist(), strict=True) for p in (a, b)}
        taken = set(zip(self.lock_slot.tolist(), self.lock_table.tolist(), strict=True))
        pinned: dict[int, tuple[int, int]] = {}
        for m in previous:
            a, b = ix.people.get(m.a_id, -1), ix.people.get(m.b_id, -1)
            pair = pair_index.get(_key(a, b), -1)
            s, t = ix.slot_ix.get(m.slot_id, -1), ix.table_ix.get(m.table_id, -1)
            if min(a, b, pair, s, t) < 0 or pair in pinned:
                continue
            at = self.placement_index(np.array([pair]), np.array([s]), self.table_group[[t]])[0]
            free = (s, t) not in taken and (a, s) not in busy and (b, s) not in busy
            if at >= 0 and (free or self.lock_of_pair[pair] >= 0):
                taken.add((s, t))
                busy.update({(a, s), (b, s)})
                pinned[pair] = (s, t)
        cols = np.array([(p, s, t) for p, (s, t) in pinned.items()], dtype=np.int32).reshape(-1, 3)
        return dataclasses.replace(self, prev_pair=cols[:, 0], prev_slot=cols[:, 1], prev_table=cols[:, 2])

    # ------------------------------------------------------------------ sizes and derived arrays

    @property
    def n_participants(self) -> int:
        return len(self.participant_ids)

    @property
    def n_slots(self) -> int:
        return len(self.slot_ids)

    @property
    def n_tables(self) -> int:
        return len(self.table_ids)

    @property
    def n_pairs(self) -> int:
        return int(self.pair_a.shape[0])

    @property
    def n_locks(self) -> int:
        return int(self.lock_pair.shape[0])

    @property
    def locks(self) -> tuple[IntArray, IntArray, IntArray]:
        return self.lock_pair.astype(np.int64), self.lock_slot.astype(np.int64), self.lock_table.astype(np.int64)

    @cached_property
    def forbidden_keys(self) -> IntArray:
        """Sorted ``min * n_participants + max`` keys of the conflicts and declined pairs."""
        lo = np.minimum(self.forbidden_a, self.forbidden_b).astype(np.int64)
        return np.unique(lo * self.n_participants + np.maximum(self.forbidden_a, self.forbidden_b))

    @cached_property
    def _layout(self) -> tuple[IntArray, IntArray, IntArray, IntArray, npt.NDArray[np.int64]]:
        host, kind = self.table_host.astype(np.int64), self.table_kind.astype(np.int64)
        hosted = np.unique(host[host >= 0] * len(KINDS) + kind[host >= 0])
        group = np.where(host < 0, kind, len(KINDS) + np.searchsorted(hosted, host * len(KINDS) + kind))
        group_kind = np.concatenate((np.arange(len(KINDS)), hosted % len(KINDS)))
        group_host = np.concatenate((np.full(len(KINDS), -1), hosted // len(KINDS)))
        host_group = np.full((self.n_participants, len(KINDS)), -1, dtype=np.int64)
        host_group[group_host[len(KINDS) :], group_kind[len(KINDS) :]] = np.arange(len(KINDS), group_kind.size)
        size = np.bincount(group, minlength=group_kind.size)
        return group, group_kind, group_host, size, host_group

    @property
    def table_group(self) -> IntArray:
        """Group of each table: 0 unhosted physical, 1 unhosted online, then per host and kind."""
        return self._layout[0]

    @property
    def group_kind(self) -> IntArray:
        return self._layout[1]

    @property
    def group_host(self) -> IntArray:
        """Host participant of each group, -1 for the two shared pools."""
        return self._layout[2]

    @property
    def group_size(self) -> IntArray:
        return self._layout[3]

    @property
    def n_groups(self) -> int:
        return int(self.group_kind.size)

    @cached_property
    def is_host(self) -> npt.NDArray[np.bool_]:
        out = np.zeros(self.n_participants, dtype=bool)
        out[self.table_host[self.table_host >= 0]] = True
        return out

    @cached_property
    def lock_of_pair(self) -> IntArray:
        """Per pair, the index of its lock, or -1."""
        out = np.full(self.n_pairs, -1, dtype=np.int64)
        out[self.lock_pair[::-1]] = np.arange(self.n_locks)[::-1]
        return out

    @cached_property
    def weight_units(self) -> IntArray:
        """Pair weights in integer units (:data:`WEIGHT_UNITS` per unit), as CP-SAT sees them."""
        return np.rint(self.pair_weight * WEIGHT_UNITS).astype(np.int64)

    @cached_property
    def placements(self) -> Placements:
        """Every ``(pair, slot, group)`` that every :class:`DomainConstraint` allows: one CP-SAT variable each.

        Groups considered for a pair: its host's own groups when one of the two hosts tables, else the two pools.
        """
        a, b = self.pair_a.astype(np.int64), self.pair_b.astype(np.int64)
        both = self.available[a] & self.available[b]
        _, _, _, size, host_group = self._layout
        parts = []
        for k in range(len(KINDS)):
            pool = k if size[k] > 0 else -1
            g = np.where(self.is_host[a], host_group[a, k], np.where(self.is_host[b], host_group[b, k], pool))
            pair, slot = np.nonzero(both & (g >= 0)[:, None])
            parts.append((pair, slot, g[pair]))
        pair, slot, group = (np.concatenate([p[i] for p in parts]).astype(np.int64) for i in range(3))
        keep = np.ones(pair.size, dtype=bool)
        for c in DOMAIN_CONSTRAINTS:
            keep &= c.allows(self, pair, slot, group)
        pair, slot, group = pair[keep], slot[keep], group[keep]
        order = np.lexsort((group, slot, pair))
        out = Placements(pair[order], slot[order], group[order])
        for arr in (out.pair, out.slot, out.group):
            arr.flags.writeable = False
        return out

    def _placement_keys(self, pair: npt.ArrayLike, slot: npt.ArrayLike, group: npt.ArrayLike) -> IntArray:
        return (np.asarray(pair, dtype=np.int64) * self.n_slots + np.asarray(slot)) * self.n_groups + np.asarray(group)

    def placement_index(self, pair: npt.ArrayLike, slot: npt.ArrayLike, group: npt.ArrayLike) -> IntArray:
        """Index into :attr:`placements` of each ``(pair, slot, group)``, -1 where it is not a placement."""
        pl = self.placements
        want = self._placement_keys(np.asarray(pair), np.asarray(slot), np.asarray(group))
        if not pl.size:
            return np.full(want.shape, -1, dtype=np.int64)
        known = self._placement_keys(pl.pair, pl.slot, pl.group)
        at = np.minimum(np.searchsorted(known, want), known.size - 1)
        return np.where(known[at] == want, at, -1)

    @cached_property
    def eligible(self) -> npt.NDArray[np.bool_]:
        """Participants with at least one possible meeting (the ones coverage counts)."""
        out = np.zeros(self.n_participants, dtype=bool)
        out[self.pair_a[self.placements.pair]] = True
        out[self.pair_b[self.placements.pair]] = True
        return out

    @cached_property
    def ceiling(self) -> IntArray:
        """Per participant, the most meetings they could have: min(max_meetings, slots, pairs) over placements."""
        pl, n_p, n_s = self.placements, self.n_participants, self.n_slots
        ends = np.concatenate((self.pair_a[pl.pair], self.pair_b[pl.pair])).astype(np.int64)
        slots = np.unique(ends * n_s + np.concatenate((pl.slot, pl.slot))) // n_s
        pairs = np.unique(ends * max(self.n_pairs, 1) + np.concatenate((pl.pair, pl.pair))) // max(self.n_pairs, 1)
        cap = np.where(self.max_meetings < 0, n_s, self.max_meetings)
        return np.minimum(cap, np.minimum(np.bincount(slots, minlength=n_p), np.bincount(pairs, minlength=n_p)))

    # ------------------------------------------------------------------ solutions

    def objective(self, pairs: npt.ArrayLike) -> float:
        """Total weight of the meetings of ``pairs`` (in :class:`PriorityWeights` units)."""
        return float(self.weight_units[np.asarray(pairs, dtype=np.int64)].sum()) / WEIGHT_UNITS

    def meetings_per_participant(self, pairs: npt.ArrayLike) -> IntArray:
        idx = np.asarray(pairs, dtype=np.int64)
        ends = np.concatenate((self.pair_a[idx], self.pair_b[idx]))
        return np.bincount(ends, minlength=self.n_participants)

    def assign_tables(self, pair: npt.ArrayLike, slot: npt.ArrayLike, group: npt.ArrayLike) -> IntArray:
        """Concrete tables for placements, deterministically: locks get their table, kept previous meetings their
        old table, then the rest (by slot, group, pair) the lowest free table of the group.

        Raises :class:`SolverFailed` when a group holds more meetings in a slot than it has tables.
        """
        pair, slot, group = (np.asarray(x, dtype=np.int64) for x in (pair, slot, group))
        fixed = {(int(p), int(s)): int(t) for p, s, t in zip(*self.locks, strict=True)}
        for p, s, t in zip(self.prev_pair.tolist(), self.prev_slot.tolist(), self.prev_table.tolist(), strict=True):
            fixed.setdefault((p, s), t)
        members = [np.flatnonzero(self.table_group == g).tolist() for g in range(self.n_groups)]
        out = np.full(pair.size, -1, dtype=np.int64)
        used: set[tuple[int, int]] = set()
        first = [fixed.get((p, s), -1) for p, s in zip(pair.tolist(), slot.tolist(), strict=True)]
        unfixed = np.array([t < 0 for t in first], dtype=bool)
        for k in np.lexsort((pair, group, slot, unfixed)).tolist():
            s, g, t = int(slot[k]), int(group[k]), first[k]
            if t < 0 or self.table_group[t] != g or (s, t) in used:
                t = next((x for x in members[g] if (s, x) not in used), -1)
            if t < 0:
                raise SolverFailed(f"the solver placed more meetings in {self.slot_ids[s]} than group {g} has tables")
            used.add((s, t))
            out[k] = t
        return out

    def decode(self, pair: npt.ArrayLike, slot: npt.ArrayLike, table: npt.ArrayLike) -> tuple[Meeting, ...]:
        """Meetings of ``(pair, slot, table)`` triples, sorted by slot start then table id."""
        pair, slot, table = (np.asarray(x, dtype=np.int64).reshape(-1) for x in (pair, slot, table))
        if not pair.size == slot.size == table.size:
            raise SolverFailed("decode needs as many slots and tables as pairs")
        for arr, hi, what in (
            (pair, self.n_pairs, "pair"),
            (slot, self.n_slots, "slot"),
            (table, self.n_tables, "table"),
        ):
            if arr.size and (arr.min() < 0 or arr.max() >= hi):
                raise SolverFailed(f"the solver returned a {what} index out of range")
        order = np.lexsort((table, slot))
        ids = self.participant_ids
        return tuple(
            Meeting(
                self.slot_ids[s],
                self.table_ids[t],
                ids[self.pair_a[p]],
                ids[self.pair_b[p]],
                ORIGINS[self.pair_origin[p]],
                float(self.pair_affinity[p]),
            )
            for p, s, t in zip(pair[order].tolist(), slot[order].tolist(), table[order].tolist(), strict=True)
        )

    def encode(self, meetings: Iterable[Meeting]) -> tuple[IntArray, IntArray, IntArray]:
        """``(pair, slot, table)`` arrays of ``meetings`` (inverse of :meth:`decode`); :class:`InvalidInput` for
        a meeting that is not a candidate pair, or names an unknown slot or table."""
        people = {pid: k for k, pid in enumerate(self.participant_ids)}
        pairs = {
            (min(a, b), max(a, b)): k
            for k, (a, b) in enumerate(zip(self.pair_a.tolist(), self.pair_b.tolist(), strict=True))
        }
        slots = {s: k for k, s in enumerate(self.slot_ids)}
        tables = {t: k for k, t in enumerate(self.table_ids)}
        out: list[tuple[int, int, int]] = []
        for m in meetings:
            a, b = people.get(m.a_id, -1), people.get(m.b_id, -1)
            p = pairs.get((min(a, b), max(a, b)), -1)
            s, t = slots.get(m.slot_id, -1), tables.get(m.table_id, -1)
            if min(a, b, p, s, t) < 0:
                raise InvalidInput(f"meeting {m.a_id}-{m.b_id} in {m.slot_id} at {m.table_id} is not in this problem")
            out.append((p, s, t))
        cols = np.array(out, dtype=np.int64).reshape(-1, 3)
        return cols[:, 0], cols[:, 1], cols[:, 2]

    @cached_property
    def locked_meetings(self) -> tuple[Meeting, ...]:
        return self.decode(*self.locks)

    @cached_property
    def previous_meetings(self) -> tuple[Meeting, ...]:
        """The previous meetings that may be kept where they were."""
        return self.decode(self.prev_pair, self.prev_slot, self.prev_table)
