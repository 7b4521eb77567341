"""The B2B meeting encoding: who may meet whom, when and at which kind of table, as frozen arrays over indices.

:class:`MeetingEncoding` is the single owner of the id <-> index mappings (participants, slots in chronological
order, tables sorted by id). Solvers see only its read-only arrays: candidate pairs with a weight and an origin,
availability ``bool[participant, slot]``, attendance, caps, table kinds and hosts, locks and the previous schedule.
Tables are pooled into *groups* of interchangeable tables (all unhosted physical tables, all unhosted online rooms,
and per host their own tables of each kind), so a solver chooses ``(pair, slot, group)`` placements (their space is
:mod:`matcher.meetings.placements`) and :meth:`~MeetingEncoding.assign_tables` picks concrete tables afterwards,
deterministically. :meth:`~MeetingEncoding.decode` turns the result into :class:`~matcher.meetings.model.Meeting` s.
The problem the solvers take, :class:`~matcher.meetings.problem.MeetingProblem`, is this encoding with its locks
checked and its placement space.

Example
-------
>>> import numpy as np
>>> enc = MeetingEncoding(("s1", "i1"), ("S1",), ("T1",), pair_a=[0], pair_b=[1], pair_weight=[10.0],
...     pair_origin=[1], pair_affinity=[0.8], available=np.ones((2, 1), dtype=bool), attendance=[0, 0],
...     max_meetings=[-1, -1], organisation=[-1, -1], table_kind=[0], table_host=[-1])
>>> enc.decode([0], [0], [0])
(Meeting(slot_id='S1', table_id='T1', a_id='s1', b_id='i1', origin=<Origin.ACCEPTED: 'accepted'>, score=0.8),)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from matcher.errors import InvalidInput, SolverFailed
from matcher.meetings.model import ATTENDANCES, FORBIDDEN_REASONS, KINDS, ORIGINS, WEIGHT_UNITS, Meeting, TierOrder
from matcher.solving.arrays import frozen, id_index

__all__ = ["MeetingEncoding"]

IntArray = npt.NDArray[np.int64]


def _empty() -> npt.NDArray[np.int32]:
    return np.zeros(0, dtype=np.int32)


_TRIPLES = {
    "lock_pair": ("lock_pair", "lock_slot", "lock_table"),
    "prev_pair": ("prev_pair", "prev_slot", "prev_table"),
    "forbidden_a": ("forbidden_a", "forbidden_b", "forbidden_reason"),
}


@dataclass(frozen=True, eq=False)
class MeetingEncoding:
    """Frozen meeting-scheduling arrays over participant, slot and table indices (see the module docstring).

    ``pair_origin`` holds codes into :data:`ORIGINS`, ``attendance`` codes into ``ATTENDANCES`` (onsite, online,
    hybrid), ``table_kind`` codes into ``KINDS`` (physical, online). ``max_meetings``, ``table_host`` and
    ``organisation`` use -1 for "none". Locks and the previous schedule are ``(pair, slot, table)`` triples; the
    previous ones are those that may be kept where they were (see :meth:`build`). ``excluded`` lists the requested
    or suggested pairs left out, with the reason; ``tiers`` is the order of the objective's levels. The
    constructor validates shapes, codes and ranges.
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
    tiers: TierOrder = field(default_factory=TierOrder)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name, what in (("participant_ids", "participant"), ("slot_ids", "slot"), ("table_ids", "table")):
            set_(self, name, tuple(getattr(self, name)))
            id_index(getattr(self, name), what)
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
            set_(self, name, frozen(getattr(self, name), dtype, name, shape))
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
    def host_group(self) -> npt.NDArray[np.int64]:
        """``host_group[participant, kind]``: the group of that host's own tables of that kind, -1 when none."""
        return self._layout[4]

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
