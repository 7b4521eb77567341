"""The B2B meeting problem the solvers take: the encoding, its locks checked, with its placement space.

:class:`MeetingProblem` is a :class:`~matcher.meetings.encoding.MeetingEncoding` (the id <-> index mappings and
read-only arrays) that also checks, on construction, that the locked meetings break no hard constraint, and keeps
its :class:`~matcher.meetings.placements.Placements` (one CP-SAT variable each), who can meet at all and the most
meetings each participant could have. :meth:`MeetingProblem.build` encodes an event (see
:mod:`matcher.meetings.build`); :meth:`~MeetingProblem.assign_tables` picks concrete tables for placements and
:meth:`~MeetingProblem.decode` turns them into :class:`~matcher.meetings.model.Meeting` s.

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
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from matcher.errors import Infeasible
from matcher.event.schema import Event
from matcher.meetings import build as builder
from matcher.meetings import placements as space
from matcher.meetings.constraints import ALL_CONSTRAINTS, Rule, violations_of
from matcher.meetings.encoding import MeetingEncoding
from matcher.meetings.model import Meeting, PriorityWeights, TierOrder
from matcher.meetings.placements import Placements

__all__ = ["MeetingProblem"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class MeetingProblem(MeetingEncoding):
    """A :class:`MeetingEncoding` whose locks hold every hard constraint, with its placement space.

    Use :meth:`build`; the direct constructor validates too, and raises :class:`Infeasible` when the locks break a
    hard constraint.
    """

    def __post_init__(self) -> None:
        super().__post_init__()
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
        tiers: TierOrder = TierOrder(),
    ) -> MeetingProblem:
        """Encode ``event``: candidate pairs from requests, ``suggested`` ``(a_id, b_id, affinity 0..1)`` pairs,
        locks and the ``previous`` schedule.

        A pair with an accepted request is ``accepted``; requests both ways, none accepted, ``mutual``; otherwise
        ``pending``; unrequested suggestions ``suggested``; locked pairs ``locked`` (never filtered here, but
        checked against every hard constraint: :class:`Infeasible` names what they break). Requested and
        suggested pairs excluded by :class:`~matcher.matching.filters.PairRules` are listed in ``excluded``. A
        previous meeting's pair stays a candidate unless now excluded (with its old origin; a lock that was removed
        counts as accepted), and it may be kept at its slot and table when that placement is still possible and
        not taken by a lock or an earlier previous meeting. Raises :class:`InvalidInput` for unknown ids or
        affinities outside 0..1. ``tiers`` orders the objective's levels (:class:`~matcher.meetings.model.Tier`).
        """
        return builder.build(cls, event, suggested, weights, previous, tiers)

    @cached_property
    def placements(self) -> Placements:
        """Every ``(pair, slot, group)`` that every domain constraint allows: one CP-SAT variable each."""
        return Placements.of(self)

    def placement_index(self, pair: npt.ArrayLike, slot: npt.ArrayLike, group: npt.ArrayLike) -> IntArray:
        """Index into :attr:`placements` of each ``(pair, slot, group)``, -1 where it is not a placement."""
        return space.placement_index(self, self.placements, pair, slot, group)

    @cached_property
    def lock_placements(self) -> IntArray:
        """Index into :attr:`placements` of each lock (every lock is a placement: the constructor checks it)."""
        return self.placement_index(self.lock_pair, self.lock_slot, self.table_group[self.lock_table])

    @cached_property
    def kept_placements(self) -> IntArray:
        """Index into :attr:`placements` of each previous meeting that can stay where it was."""
        prev = self.placement_index(self.prev_pair, self.prev_slot, self.table_group[self.prev_table])
        return prev[prev >= 0]

    @cached_property
    def eligible(self) -> npt.NDArray[np.bool_]:
        """Participants with at least one possible meeting (the ones coverage counts)."""
        return space.eligible(self, self.placements)

    @cached_property
    def ceiling(self) -> IntArray:
        """Per participant, the most meetings they could have: min(max_meetings, slots, pairs) over placements."""
        return space.ceiling(self, self.placements)
