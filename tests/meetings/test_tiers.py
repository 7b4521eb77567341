"""The lexicographic tiers of the meeting schedule, as properties on random small events.

Tiny events are solved by brute force: every feasible schedule is enumerated from the single meetings the
independent checker accepts (one meeting per participant per slot, per table per slot, ``max_meetings`` and the
locks enforced here), its tier vector computed with :func:`stage_level`; CP-SAT must reach the lexicographic
maximum, and each tier's bound must hold over every schedule at least as good on the tiers before it. Larger
small events compare CP-SAT with the greedy baseline (lexicographically: with accepted requests first, more of
them can leave more people without a meeting, as a hand-made event shows), a seed with itself, and a re-plan with
the plan it repeats.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.event.schema import (
    Availability,
    Conflict,
    Event,
    LockedMeeting,
    MeetingRequest,
    RequestStatus,
    Table,
    TableKind,
)
from matcher.meetings.check import check
from matcher.meetings.constraints import Rule
from matcher.meetings.cpsat import CpSatMeetingSolver
from matcher.meetings.greedy import GreedyMeetingSolver
from matcher.meetings.model import ORIGINS, Meeting, TierOrder
from matcher.meetings.problem import MeetingProblem
from matcher.meetings.replan import compare
from matcher.meetings.selection import shown, stage_level, tier_stages
from matcher.solving.base import Limits
from tests.builders import person, slots

IntArray = npt.NDArray[np.int64]

LIMITS = Limits(time_limit_s=5, seed=11)
ORDERS = (
    TierOrder(),
    TierOrder.parse("coverage,accepted,requested,balance,suggested"),
    TierOrder.parse("requested,coverage,suggested,balance,accepted"),
)
PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROLES = {"s": "startup", "i": "investor", "m": "mentor"}


# ---------------------------------------------------------------- random small events


def many(lo: int, hi: int) -> st.SearchStrategy[int]:
    """``lo`` to ``hi``, the largest first (hypothesis starts from and shrinks towards the smallest draw)."""
    return st.integers(0, hi - lo).map(lambda k: hi - k)


@st.composite
def small_events(draw: st.DrawFn, startups: int = 4, partners: int = 3, n_slots: int = 3, tables: int = 2) -> Event:
    """A random event: startups meeting investors and mentors, on site, online or hybrid, with caps,
    organisations, availability, requests both ways (accepted, pending, declined), conflicts, a host's table and
    online rooms."""
    ids = [f"s{k}" for k in range(draw(many(1, startups)))]
    others = [f"{draw(st.sampled_from('im'))}{k}" for k in range(draw(many(1, partners)))]
    people = tuple(
        person(
            pid,
            ROLES[pid[0]],
            draw(st.sampled_from(["onsite", "onsite", "onsite", "hybrid", "online"])),
            organisation=draw(st.sampled_from(["", "", "", "", "A"])),
            max_meetings=draw(st.sampled_from([None, None, None, None, None, 1, 2, 0])),
        )
        for pid in ids + others
    )
    times = slots(draw(many(2, n_slots)))
    kinds = [TableKind.PHYSICAL, *(draw(st.sampled_from(TableKind)) for _ in range(tables - 1))]
    kinds = kinds[: draw(many(1, tables))]
    host = draw(st.sampled_from([None, None, others[-1]])) if len(kinds) > 1 else None
    rooms = tuple(Table(table_id=f"T{k}", kind=kind, host_id=host if k == 0 else None) for k, kind in enumerate(kinds))
    availability = tuple(
        Availability(participant_id=p.id, slot_id=s.slot_id)
        for p in people
        if draw(st.integers(0, 4)) == 4
        for s in times
        if draw(st.booleans())
    )
    pairs = [(s, p) for s in ids for p in others]
    status = st.sampled_from([RequestStatus.ACCEPTED, RequestStatus.ACCEPTED, RequestStatus.PENDING, *RequestStatus])
    requests = tuple(
        MeetingRequest(from_id=a, to_id=b, status=draw(status))
        for s, p in pairs
        for a, b in ((s, p), (p, s))
        if draw(st.integers(0, 2)) == 0
    )
    conflicts = tuple(Conflict(a_id=s, b_id=p) for s, p in pairs if draw(st.integers(0, 9)) == 9)
    return Event(
        name="tiers",
        participants=people,
        slots=times,
        tables=rooms,
        availability=availability,
        requests=requests,
        conflicts=conflicts,
    )


@st.composite
def cases(draw: st.DrawFn, **sizes: int) -> tuple[Event, list[tuple[str, str, float]]]:
    """A small event, suggestions for about half its startup-partner pairs, and sometimes a feasible lock."""
    event = draw(small_events(**sizes))
    ids = [p.id for p in event.participants]
    suggested = [
        (s, p, draw(st.sampled_from([0.1, 0.4, 0.7, 1.0])))
        for s in ids
        if s[0] == "s"
        for p in ids
        if p[0] != "s" and not draw(st.booleans())
    ]
    if draw(st.booleans()):
        first = GreedyMeetingSolver().solve(MeetingProblem.build(event, suggested), LIMITS).solution or ()
        if first:
            m = first[draw(st.integers(0, len(first) - 1))]
            lock = LockedMeeting(a_id=m.a_id, b_id=m.b_id, slot_id=m.slot_id, table_id=m.table_id)
            event = dataclasses.replace(event, locked=(lock,))
    return event, suggested


# ---------------------------------------------------------------- tier vectors and brute force


def tier_vector(problem: MeetingProblem, pairs: IntArray, kept: int = 0) -> tuple[int, ...]:
    """The schedule's level on each tier of the problem's order (weights in units), by :func:`stage_level`."""
    return tuple(stage_level(problem, stage, pairs, kept) for stage in tier_stages(problem))


def vector_of(problem: MeetingProblem, meetings: Sequence[Meeting]) -> tuple[int, ...]:
    return tier_vector(problem, problem.encode(meetings)[0])


def zeros(problem: MeetingProblem, meetings: Sequence[Meeting]) -> int:
    """Participants with a possible meeting who have none."""
    degree = problem.meetings_per_participant(problem.encode(meetings)[0])
    return int((degree[problem.eligible] == 0).sum())


def single_meetings(event: Event, problem: MeetingProblem) -> list[list[tuple[int, tuple[int, ...]]]]:
    """Per candidate pair, every ``(slot, tables)`` where the meeting alone breaks no rule :func:`check` knows
    (locks aside), the tables that pass grouped by kind and host (the only table facts a rule reads)."""
    ids, tables = problem.participant_ids, {t.table_id: t for t in event.tables}
    options: list[list[tuple[int, tuple[int, ...]]]] = []
    for k in range(problem.n_pairs):
        a, b = ids[problem.pair_a[k]], ids[problem.pair_b[k]]
        origin = ORIGINS[problem.pair_origin[k]]
        mine: list[tuple[int, tuple[int, ...]]] = []
        for s, slot_id in enumerate(problem.slot_ids):
            ok: dict[tuple[str, str | None], list[int]] = {}
            for t, table_id in enumerate(problem.table_ids):
                found = check(event, [Meeting(slot_id, table_id, a, b, origin, 0.0)])
                if all(v.constraint == Rule.LOCKED_KEPT for v in found):
                    ok.setdefault((tables[table_id].kind, tables[table_id].host_id), []).append(t)
            mine.extend((s, tuple(ts)) for ts in ok.values())
        options.append(mine)
    return options


def feasible_schedules(event: Event, problem: MeetingProblem) -> dict[int, tuple[tuple[int, int, int], ...]]:
    """Every set of candidate pairs (a bit mask) some schedule holds, with one such schedule as ``(pair, slot,
    table)`` triples: the locks where they are, then a depth-first enumeration of every other pair's placements
    (a free table of a kind and host, each such table being as good as another)."""
    n_p, n_s = problem.n_participants, problem.n_slots
    options = single_meetings(event, problem)
    cap = np.where(problem.max_meetings < 0, n_s, problem.max_meetings).tolist()
    ends = list(zip(problem.pair_a.tolist(), problem.pair_b.tolist(), strict=True))
    count = [0] * n_p
    busy = 0  # bit (participant * n_s + slot), then bit ((n_p + table) * n_s + slot)
    placed: list[tuple[int, int, int]] = []
    for k, s, t in zip(*(x.tolist() for x in problem.locks), strict=True):
        for i in ends[k]:
            count[i] += 1
        busy |= 1 << (ends[k][0] * n_s + s) | 1 << (ends[k][1] * n_s + s) | 1 << ((n_p + t) * n_s + s)
        placed.append((k, s, t))
    locked = set(problem.lock_pair.tolist())
    found: dict[int, tuple[tuple[int, int, int], ...]] = {}

    def visit(k: int, mask: int, busy: int) -> None:
        if k == problem.n_pairs:
            found.setdefault(mask, tuple(placed))
            return
        if k in locked:
            visit(k + 1, mask | 1 << k, busy)
            return
        visit(k + 1, mask, busy)
        a, b = ends[k]
        if count[a] >= cap[a] or count[b] >= cap[b]:
            return
        for s, ts in options[k]:
            people = 1 << (a * n_s + s) | 1 << (b * n_s + s)
            free = [t for t in ts if not busy >> ((n_p + t) * n_s + s) & 1]
            if busy & people or not free:
                continue
            count[a], count[b] = count[a] + 1, count[b] + 1
            placed.append((k, s, free[0]))
            visit(k + 1, mask | 1 << k, busy | people | 1 << ((n_p + free[0]) * n_s + s))
            placed.pop()
            count[a], count[b] = count[a] - 1, count[b] - 1

    visit(0, 0, busy)
    return found


def pairs_of(mask: int, n: int) -> IntArray:
    return np.array([k for k in range(n) if mask >> k & 1], dtype=np.int64)


# ---------------------------------------------------------------- 3. tiny events: CP-SAT is the brute-force optimum


@PROPERTY
@given(case=cases(), order=st.sampled_from(ORDERS))
def test_cpsat_reaches_the_brute_force_optimum_tier_by_tier(
    case: tuple[Event, list[tuple[str, str, float]]], order: TierOrder
) -> None:
    event, suggested = case
    problem = MeetingProblem.build(event, suggested, tiers=order)
    schedules = feasible_schedules(event, problem)
    masks = sorted(schedules)
    vectors = np.array([tier_vector(problem, pairs_of(m, problem.n_pairs)) for m in masks], dtype=np.int64)
    best = max(range(len(masks)), key=lambda j: tuple(vectors[j].tolist()))
    # the enumeration is sound: its best schedule passes the independent check
    pair, slot, table = np.array(schedules[masks[best]], dtype=np.int64).reshape(-1, 3).T
    assert check(event, problem.decode(pair, slot, table)) == ()

    result = CpSatMeetingSolver().solve(problem, LIMITS)
    assert result.solution is not None and check(event, result.solution) == ()
    got = vector_of(problem, result.solution)
    mask = sum(1 << int(k) for k in problem.encode(result.solution)[0].tolist())
    assert mask in schedules, "CP-SAT found a schedule the enumeration missed"
    stages = tier_stages(problem)
    assert got == tuple(vectors[best].tolist()), f"{stages}: CP-SAT {got}, brute force {vectors[best].tolist()}"

    assert [level.name for level in result.levels] == stages
    for k, (stage, level) in enumerate(zip(stages, result.levels, strict=True)):
        assert level.value == pytest.approx(shown(stage, got[k]))
        # the best any schedule at least as good as CP-SAT's on the tiers before this one does on this one
        rows = np.all(vectors[:, :k] >= np.array(got[:k], dtype=np.int64), axis=1)
        ceiling = shown(stage, int(vectors[rows, k].max()))
        if level.bound is not None:
            assert level.bound >= ceiling - 1e-9, (stage, level, ceiling)
        if level.proven:
            assert level.bound is not None and level.value == pytest.approx(level.bound) == pytest.approx(ceiling)

    greedy = GreedyMeetingSolver().solve(problem, LIMITS)
    assert greedy.solution is not None and check(event, greedy.solution) == ()
    assert vector_of(problem, greedy.solution) <= got


def more_accepted_fewer_covered() -> tuple[Event, list[tuple[str, str, float]]]:
    """One table, two slots. s0 and s1 asked i0 (accepted), s1 can only meet in S1; s2 and i1 are suggested.
    First fit puts s0-i0 in S1, loses s1-i0 and gives S2 to s2-i1; two accepted meetings fill both slots."""
    people = (*(person(f"s{k}", "startup") for k in range(3)), person("i0", "investor"), person("i1", "investor"))
    event = Event(
        name="accepted-first",
        participants=people,
        slots=slots(2),
        tables=(Table(table_id="T0"),),
        availability=(Availability(participant_id="s1", slot_id="S1"),),
        requests=tuple(MeetingRequest(from_id=s, to_id="i0", status=RequestStatus.ACCEPTED) for s in ("s0", "s1")),
    )
    return event, [("s2", "i1", 0.5)]


def test_the_enumeration_on_a_hand_checked_event() -> None:
    """One table, two slots, s1 only free in S1: every set of the three pairs but all three is feasible, and the
    two accepted meetings only with s1 in S1 (which first fit misses and CP-SAT finds)."""
    event, suggested = more_accepted_fewer_covered()
    problem = MeetingProblem.build(event, suggested)
    ids = problem.participant_ids
    assert [(ids[a], ids[b]) for a, b in zip(problem.pair_a, problem.pair_b, strict=True)] == [
        ("s0", "i0"),
        ("s1", "i0"),
        ("s2", "i1"),
    ]
    schedules = feasible_schedules(event, problem)
    assert sorted(schedules) == list(range(7)) and sorted(schedules[0b011]) == [(0, 1, 0), (1, 0, 0)]
    greedy = GreedyMeetingSolver().solve(problem, LIMITS).solution or ()
    assert vector_of(problem, greedy)[0] == 1
    assert vector_of(problem, CpSatMeetingSolver().solve(problem, LIMITS).solution or ())[0] == 2


# ---------------------------------------------------------------- 1, 2. CP-SAT and greedy


def test_more_accepted_meetings_can_leave_more_people_without_one() -> None:
    """A counterexample to "CP-SAT never leaves more participants at zero meetings than the greedy": under the
    default order accepted requests come first, so CP-SAT leaves two people without a meeting where the greedy
    leaves one. With coverage first the claim holds."""
    event, suggested = more_accepted_fewer_covered()
    problem = MeetingProblem.build(event, suggested)
    greedy = GreedyMeetingSolver().solve(problem, LIMITS).solution or ()
    best = CpSatMeetingSolver().solve(problem, LIMITS).solution or ()
    assert [(m.slot_id, m.a_id, m.b_id) for m in greedy] == [("S1", "s0", "i0"), ("S2", "s2", "i1")]
    assert [(m.slot_id, m.a_id, m.b_id) for m in best] == [("S1", "s1", "i0"), ("S2", "s0", "i0")]
    assert (zeros(problem, greedy), zeros(problem, best)) == (1, 2)
    covering = MeetingProblem.build(event, suggested, tiers=ORDERS[1])
    best = CpSatMeetingSolver().solve(covering, LIMITS).solution or ()
    assert zeros(covering, best) == 1 and vector_of(covering, best)[:2] == (4, 1)


@PROPERTY
@given(case=cases(startups=5, partners=4, n_slots=4, tables=3), order=st.sampled_from(ORDERS))
def test_cpsat_is_never_behind_the_greedy(case: tuple[Event, list[tuple[str, str, float]]], order: TierOrder) -> None:
    """Both schedules pass the checker; CP-SAT's tier vector is lexicographically at least the greedy's. What that
    implies: under the default order, at least as many accepted requests, and when the counts tie, nobody more at
    zero meetings (with more accepted meetings there can be more: see the test above); with coverage first,
    never more people at zero meetings."""
    event, suggested = case
    problem = MeetingProblem.build(event, suggested, tiers=order)
    result = CpSatMeetingSolver().solve(problem, LIMITS)
    greedy, best = GreedyMeetingSolver().solve(problem, LIMITS).solution, result.solution
    assert greedy is not None and best is not None
    assert check(event, greedy) == () and check(event, best) == ()
    mine, theirs = vector_of(problem, best), vector_of(problem, greedy)
    assert mine >= theirs
    stages = tier_stages(problem)
    at = dict(zip(stages, zip(mine, theirs, strict=True), strict=True))
    if stages[0] == "accepted":
        assert at["accepted"][0] >= at["accepted"][1]
        if at["accepted"][0] == at["accepted"][1]:
            assert zeros(problem, best) <= zeros(problem, greedy)
    if stages[0] == "coverage":
        assert zeros(problem, best) <= zeros(problem, greedy)
    for level in result.levels:
        assert level.bound is None or level.value <= level.bound + 1e-9


# ---------------------------------------------------------------- 4, 5. determinism and re-planning


@PROPERTY
@given(case=cases(startups=5, partners=4, n_slots=4, tables=3), order=st.sampled_from(ORDERS))
def test_same_seed_same_schedule_and_a_replan_moves_nothing(
    case: tuple[Event, list[tuple[str, str, float]]], order: TierOrder
) -> None:
    event, suggested = case
    problem = MeetingProblem.build(event, suggested, tiers=order)
    first = CpSatMeetingSolver().solve(problem, LIMITS)
    again = CpSatMeetingSolver().solve(MeetingProblem.build(event, suggested, tiers=order), LIMITS)
    assert first.solution is not None and again.solution == first.solution
    assert [dataclasses.astuple(level) for level in again.levels] == [
        dataclasses.astuple(level) for level in first.levels
    ]

    previous = first.solution
    replanning = MeetingProblem.build(event, suggested, previous=previous, tiers=order)
    assert ("kept" in tier_stages(replanning)) == bool(previous)
    result = CpSatMeetingSolver().solve(replanning, LIMITS)
    assert result.solution is not None and check(event, result.solution) == ()
    report = compare(event, previous, result.solution)
    assert report.unchanged and len(report.kept) == len(previous), report.lines()
    if all(level.proven for level in first.levels):  # nothing can be added to an optimal schedule
        assert report.new == (), report.lines()
    levels = {level.name: level for level in result.levels}
    if previous:
        assert levels["kept"].value == len(previous) and levels["kept"].proven
    # keeping everything costs nothing: the previous schedule is still there to be extended
    assert tuple(levels[level.name].value for level in first.levels) >= tuple(level.value for level in first.levels)
