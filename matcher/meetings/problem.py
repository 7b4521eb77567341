"""B2B meetings: who may meet whom, when and at which kind of table, as one frozen encoding.

:class:`MeetingProblem` is the single owner of the id <-> index mappings (participants, slots in chronological
order, tables sorted by id). Solvers see only its read-only arrays: candidate pairs with a weight and an origin,
availability ``bool[participant, slot]``, attendance, caps, table kinds and hosts, locks and the previous schedule.
Tables are pooled into *groups* of interchangeable tables (all unhosted physical tables, all unhosted online rooms,
and per host their own tables of each kind), so a solver chooses ``(pair, slot, group)`` placements
(:attr:`~MeetingProblem.placements`) and :meth:`~MeetingProblem.assign_tables` picks concrete tables afterwards,
deterministically. :meth:`~MeetingProblem.decode` turns the result into :class:`~matcher.meetings.model.Meeting` s.

Example
-------
>>> from datetime import datetime, timedelta, timezone
>>> from matcher.event.schema import Event, MeetingRequest, Participant, Slot, Table
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

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from matcher.errors import Infeasible, InvalidInput, SolverFailed
from matcher.event.schema import Event
from matcher.meetings import build as meeting_builder
from matcher.meetings.build import unique_index
from matcher.meetings.constraints import ALL_CONSTRAINTS, DOMAIN_CONSTRAINTS, Rule, violations_of
from matcher.meetings.model import Meeting, PriorityWeights
from matcher.meetings.view import ATTENDANCES, FORBIDDEN_REASONS, KINDS, ORIGINS

__all__ = ["ORIGINS", "WEIGHT_UNITS", "MeetingProblem", "Placements"]

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


_TRIPLES = {
    "lock_pair": ("lock_pair", "lock_slot", "lock_table"),
    "prev_pair": ("prev_pair", "prev_slot", "prev_table"),
    "forbidden_a": ("forbidden_a", "forbidden_b", "forbidden_reason"),
}


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
            unique_index(getattr(self, name), what)
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
        suggested pairs excluded by :class:`~matcher.matching.filters.PairRules` are listed in ``excluded``. A previous
        meeting's pair stays a candidate unless now excluded (with its old origin; a lock that was removed counts
        as accepted), and it may be kept at its slot and table when that placement is still possible and not
        taken by a lock or an earlier previous meeting. Raises :class:`InvalidInput` for unknown ids or
        affinities outside 0..1.
        """
        return meeting_builder.build(cls, event, suggested, weights, previous)

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
