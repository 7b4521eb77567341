"""From an :class:`~matcher.event.schema.Event` to a meeting encoding.

:func:`build` is the body of :meth:`MeetingProblem.build <matcher.meetings.problem.MeetingProblem.build>`, which
stays the public entry point. It resolves ids to indices while reading availability, suggestions, requests and
locks (:class:`_Indexer`, which collects every unknown reference as a :class:`~matcher.errors.Problem`), classifies
the candidate pairs by origin and sets the excluded ones apart (:func:`_candidates`), and pins the previous meetings
that can stay where they were (:func:`_pin`). The class to build (a :class:`~matcher.meetings.encoding.MeetingEncoding`
or a subclass, such as the problem) is passed in, so this module sits below the problem.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from matcher.errors import InvalidInput, Problem
from matcher.event.schema import Event, RequestStatus
from matcher.matching.filters import PairRules
from matcher.meetings.encoding import MeetingEncoding
from matcher.meetings.model import (
    ATTENDANCES,
    FORBIDDEN_REASONS,
    KINDS,
    ORIGINS,
    Meeting,
    Origin,
    PriorityWeights,
    TierOrder,
)
from matcher.meetings.placements import Placements, placement_index
from matcher.meetings.view import ScheduleView
from matcher.solving.arrays import id_index

__all__ = ["build"]

E = TypeVar("E", bound=MeetingEncoding)


def _key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a <= b else (b, a)


class _Indexer:
    """Id -> index lookups of an event while it is encoded; collects every unknown reference as a Problem."""

    def __init__(self, event: Event) -> None:
        self.problems: list[Problem] = []
        self.people = id_index([p.id for p in event.participants], "participant")
        self.slots = sorted(event.slots, key=lambda s: (s.start, s.slot_id))
        self.slot_ix = id_index([s.slot_id for s in self.slots], "slot")
        self.tables = sorted(event.tables, key=lambda t: t.table_id)
        self.table_ix = id_index([t.table_id for t in self.tables], "table")
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
    """Candidate pairs with their origin, and the excluded ones with the reason (see :func:`build`)."""
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


def build(
    cls: type[E],
    event: Event,
    suggested: Iterable[tuple[str, str, float]] = (),
    weights: PriorityWeights = PriorityWeights(),
    previous: Iterable[Meeting] = (),
    tiers: TierOrder = TierOrder(),
) -> E:
    """Encode ``event`` as a ``cls``; see :meth:`~matcher.meetings.problem.MeetingProblem.build`."""
    ix = _Indexer(event)
    available = ix.availability(event)
    hosts = [
        ix.person(t.host_id, "tables.csv", r, "host_id") if t.host_id else -1 for r, t in enumerate(ix.tables, start=2)
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
        org_codes.setdefault(o.casefold(), len(org_codes)) if (o := p.organisation) else -1 for p in event.participants
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
        tiers=tiers,
    )
    return _pin(problem, previous, pair_index, ix) if previous else problem


def _pin(problem: E, previous: Sequence[Meeting], pair_index: dict[tuple[int, int], int], ix: _Indexer) -> E:
    """``problem`` with the previous meetings that can stay where they were as ``prev_*``: their placement
    must still exist and not clash with a lock or an earlier previous meeting."""
    lock_a, lock_b = problem.pair_a[problem.lock_pair].tolist(), problem.pair_b[problem.lock_pair].tolist()
    busy = {(p, s) for a, b, s in zip(lock_a, lock_b, problem.lock_slot.tolist(), strict=True) for p in (a, b)}
    taken = set(zip(problem.lock_slot.tolist(), problem.lock_table.tolist(), strict=True))
    pinned: dict[int, tuple[int, int]] = {}
    space = Placements.of(problem)
    for m in previous:
        a, b = ix.people.get(m.a_id, -1), ix.people.get(m.b_id, -1)
        pair = pair_index.get(_key(a, b), -1)
        s, t = ix.slot_ix.get(m.slot_id, -1), ix.table_ix.get(m.table_id, -1)
        if min(a, b, pair, s, t) < 0 or pair in pinned:
            continue
        at = placement_index(problem, space, np.array([pair]), np.array([s]), problem.table_group[[t]])[0]
        free = (s, t) not in taken and (a, s) not in busy and (b, s) not in busy
        if at >= 0 and (free or problem.lock_of_pair[pair] >= 0):
            taken.add((s, t))
            busy.update({(a, s), (b, s)})
            pinned[pair] = (s, t)
    cols = np.array([(p, s, t) for p, (s, t) in pinned.items()], dtype=np.int32).reshape(-1, 3)
    return dataclasses.replace(problem, prev_pair=cols[:, 0], prev_slot=cols[:, 1], prev_table=cols[:, 2])
