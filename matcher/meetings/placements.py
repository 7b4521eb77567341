"""The placement space of a meeting encoding: every ``(pair, slot, table group)`` a meeting may take.

A placement exists when both participants are available in the slot, the group is the right one for the pair
(its host's own tables when one of the two hosts, else the shared pools) and every
:class:`~matcher.meetings.constraints.DomainConstraint` allows it; each is one CP-SAT variable. From it follow who
can meet at all (:func:`eligible`) and the most meetings each participant could have (:func:`ceiling`).

Example
-------
>>> import numpy as np
>>> from matcher.meetings.encoding import MeetingEncoding
>>> enc = MeetingEncoding(("s1", "i1"), ("S1", "S2"), ("T1",), pair_a=[0], pair_b=[1], pair_weight=[10.0],
...     pair_origin=[1], pair_affinity=[0.8], available=np.array([[True, True], [False, True]]),
...     attendance=[0, 0], max_meetings=[-1, -1], organisation=[-1, -1], table_kind=[0], table_host=[-1])
>>> pl = Placements.of(enc)
>>> pl.pair.tolist(), pl.slot.tolist(), pl.group.tolist()
([0], [1], [0])
>>> placement_index(enc, pl, [0, 0], [0, 1], [0, 0]).tolist(), ceiling(enc, pl).tolist()
([-1, 0], [1, 1])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.meetings.constraints import DOMAIN_CONSTRAINTS
from matcher.meetings.encoding import MeetingEncoding
from matcher.meetings.model import KINDS

__all__ = ["Placements", "ceiling", "eligible", "placement_index"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Placements:
    """Feasible ``(pair, slot, group)`` combinations, sorted by pair, slot, group."""

    pair: IntArray
    slot: IntArray
    group: IntArray

    @property
    def size(self) -> int:
        return int(self.pair.size)

    @classmethod
    def of(cls, enc: MeetingEncoding) -> Placements:
        """Every ``(pair, slot, group)`` that every :class:`DomainConstraint` allows, read-only.

        Groups considered for a pair: its host's own groups when one of the two hosts tables, else the two pools.
        """
        a, b = enc.pair_a.astype(np.int64), enc.pair_b.astype(np.int64)
        both = enc.available[a] & enc.available[b]
        size, host_group = enc.group_size, enc.host_group
        parts = []
        for k in range(len(KINDS)):
            pool = k if size[k] > 0 else -1
            g = np.where(enc.is_host[a], host_group[a, k], np.where(enc.is_host[b], host_group[b, k], pool))
            pair, slot = np.nonzero(both & (g >= 0)[:, None])
            parts.append((pair, slot, g[pair]))
        pair, slot, group = (np.concatenate([p[i] for p in parts]).astype(np.int64) for i in range(3))
        keep = np.ones(pair.size, dtype=bool)
        for c in DOMAIN_CONSTRAINTS:
            keep &= c.allows(enc, pair, slot, group)
        pair, slot, group = pair[keep], slot[keep], group[keep]
        order = np.lexsort((group, slot, pair))
        out = cls(pair[order], slot[order], group[order])
        for arr in (out.pair, out.slot, out.group):
            arr.flags.writeable = False
        return out


def _keys(enc: MeetingEncoding, pair: npt.ArrayLike, slot: npt.ArrayLike, group: npt.ArrayLike) -> IntArray:
    return (np.asarray(pair, dtype=np.int64) * enc.n_slots + np.asarray(slot)) * enc.n_groups + np.asarray(group)


def placement_index(
    enc: MeetingEncoding, pl: Placements, pair: npt.ArrayLike, slot: npt.ArrayLike, group: npt.ArrayLike
) -> IntArray:
    """Index into ``pl`` of each ``(pair, slot, group)``, -1 where it is not a placement."""
    want = _keys(enc, np.asarray(pair), np.asarray(slot), np.asarray(group))
    if not pl.size:
        return np.full(want.shape, -1, dtype=np.int64)
    known = _keys(enc, pl.pair, pl.slot, pl.group)
    at = np.minimum(np.searchsorted(known, want), known.size - 1)
    return np.where(known[at] == want, at, -1)


def eligible(enc: MeetingEncoding, pl: Placements) -> npt.NDArray[np.bool_]:
    """Participants with at least one possible meeting (the ones coverage counts)."""
    out = np.zeros(enc.n_participants, dtype=bool)
    out[enc.pair_a[pl.pair]] = True
    out[enc.pair_b[pl.pair]] = True
    return out


def ceiling(enc: MeetingEncoding, pl: Placements) -> IntArray:
    """Per participant, the most meetings they could have: min(max_meetings, slots, pairs) over placements."""
    n_p, n_s = enc.n_participants, enc.n_slots
    ends = np.concatenate((enc.pair_a[pl.pair], enc.pair_b[pl.pair])).astype(np.int64)
    slots = np.unique(ends * n_s + np.concatenate((pl.slot, pl.slot))) // n_s
    pairs = np.unique(ends * max(enc.n_pairs, 1) + np.concatenate((pl.pair, pl.pair))) // max(enc.n_pairs, 1)
    cap = np.where(enc.max_meetings < 0, n_s, enc.max_meetings)
    return np.minimum(cap, np.minimum(np.bincount(slots, minlength=n_p), np.bincount(pairs, minlength=n_p)))
