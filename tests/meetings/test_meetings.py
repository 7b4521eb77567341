"""The meeting scheduler: problem encoding, greedy and CP-SAT solvers, locks, re-planning.

Property tests draw small random events (built as ``Event`` objects) and check the invariants every solver must
keep: the independent checker finds nothing, CP-SAT is never lexicographically behind greedy, the objective
never exceeds the bound, a seed fixes the schedule, and re-planning an unchanged event moves nothing.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.gen_event import generate_event
from matcher.errors import Infeasible, InvalidInput
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
from matcher.meetings.model import Meeting, Origin, PriorityWeights, TierOrder
from matcher.meetings.problem import MeetingProblem
from matcher.meetings.replan import compare, replan
from matcher.meetings.selection import stage_level, tier_stages
from matcher.solving.base import Limits, SolveStatus
from tests.builders import person, slots

LIMITS = Limits(time_limit_s=20, seed=3)


def levels(problem: MeetingProblem, meetings: tuple[Meeting, ...]) -> tuple[int, int, float]:
    """(coverage, floor, weight) as the CP-SAT solver ranks schedules, computed from the schedule alone."""
    pairs = problem.encode(meetings)[0]
    degree = problem.meetings_per_participant(pairs)[problem.eligible]
    ceiling = problem.ceiling[problem.eligible]
    holding = degree[(degree >= 1) & (degree < ceiling)]
    floor = int(holding.min()) if holding.size else int(ceiling.max(initial=0))
    return int((degree >= 1).sum()), floor, problem.objective(pairs)


def tier_vector(problem: MeetingProblem, meetings: tuple[Meeting, ...]) -> tuple[int, ...]:
    """The tier levels in the problem's order: what CP-SAT maximises lexicographically."""
    pairs = problem.encode(meetings)[0]
    return tuple(stage_level(problem, s, pairs, 0) for s in tier_stages(problem))


# ---------------------------------------------------------------- encoding


def test_build_classifies_requests_and_suggestions(tiny_event: Event) -> None:
    problem = MeetingProblem.build(tiny_event, [("s1", "m1", 0.9), ("s3", "c1", 0.4), ("i2", "s2", 0.6)])
    ids = problem.participant_ids
    pairs = {
        (ids[a], ids[b]): (Origin(o), w, s)
        for a, b, o, w, s in zip(
            problem.pair_a,
            problem.pair_b,
            (list(Origin)[k] for k in problem.pair_origin),
            problem.pair_weight,
            problem.pair_affinity,
            strict=True,
        )
    }
    assert pairs == {("s1", "i1"): (Origin.LOCKED, 100.0, 0.0), ("s1", "m1"): (Origin.SUGGESTED, 2.7, 0.9)}
    # s2 <-> i2 asked both ways, but they share no language; s3 -> c1 was declined
    assert ("s2", "i2", "no common language") in problem.excluded
    assert all(x[:2] != ("s3", "c1") for x in problem.excluded)
    assert problem.slot_ids == ("S1", "S2", "S3") and problem.table_ids == ("O1", "T1", "T2")
    assert problem.available[ids.index("s2")].tolist() == [False, True, True]
    with pytest.raises(ValueError):
        problem.pair_weight[0] = 1.0  # read-only


def test_mutual_pending_and_accepted_origins() -> None:
    people = (person("s1", "startup"), person("s2", "startup"), person("s3", "startup"), person("i1", "investor"))
    requests = (
        MeetingRequest(from_id="s1", to_id="i1", status=RequestStatus.PENDING),
        MeetingRequest(from_id="i1", to_id="s1", status=RequestStatus.PENDING),
        MeetingRequest(from_id="s2", to_id="i1", status=RequestStatus.PENDING),
        MeetingRequest(from_id="s3", to_id="i1", status=RequestStatus.PENDING),
        MeetingRequest(from_id="i1", to_id="s3", status=RequestStatus.ACCEPTED),
    )
    problem = MeetingProblem.build(Event(name="o", participants=people, slots=slots(1), requests=requests))
    origins = [list(Origin)[k] for k in problem.pair_origin]
    assert origins == [Origin.MUTUAL, Origin.PENDING, Origin.ACCEPTED]
    assert problem.pair_weight.tolist() == [8.0, 5.0, 10.0]


def test_unknown_ids_and_bad_affinities_are_invalid_input(tiny_event: Event) -> None:
    with pytest.raises(InvalidInput) as err:
        MeetingProblem.build(tiny_event, [("s1", "nobody", 0.5), ("s1", "m1", 1.5)])
    assert [(p.row, p.column) for p in err.value.problems] == [(1, "b_id"), (2, "affinity")]


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_encode_decode_round_trip(data: st.DataObject) -> None:
    event = data.draw(events())
    problem = MeetingProblem.build(event, data.draw(suggestions(event)))
    pl = problem.placements
    chosen = data.draw(st.lists(st.integers(0, max(pl.size - 1, 0)), max_size=pl.size, unique=True)) if pl.size else []
    pair, slot, table = pl.pair[chosen], pl.slot[chosen], problem.table_group[:0].copy()
    table = np.array([np.flatnonzero(problem.table_group == g)[0] for g in pl.group[chosen]], dtype=np.int64)
    meetings = problem.decode(pair, slot, table)
    back = problem.decode(*problem.encode(meetings))
    assert back == meetings
    assert [(m.slot_id, m.table_id) for m in meetings] == sorted(
        ((m.slot_id, m.table_id) for m in meetings), key=lambda x: (problem.slot_ids.index(x[0]), x[1])
    )


# ---------------------------------------------------------------- locks


def lock_event(*locks: tuple[str, str, str, str]) -> Event:
    return Event(
        name="locks",
        participants=(
            person("s1", "startup"),
            person("s2", "startup", "online"),
            person("s3", "startup", max_meetings=1),
            person("i1", "investor"),
            person("m1", "mentor"),
        ),
        slots=slots(2),
        tables=(Table(table_id="T1", host_id="i1"), Table(table_id="T2"), Table(table_id="O1", kind=TableKind.ONLINE)),
        availability=(Availability(participant_id="s2", slot_id="S2"),),
        locked=tuple(LockedMeeting(a_id=a, b_id=b, slot_id=s, table_id=t) for a, b, s, t in locks),
    )


@pytest.mark.parametrize(
    ("locks", "rule", "who", "slot_id"),
    [
        ((("s1", "i1", "S1", "T1"), ("s1", "m1", "S1", "T2")), Rule.ONE_PER_SLOT, "s1", "S1"),
        ((("s1", "m1", "S1", "O1"),), Rule.TABLE_KIND, "s1", "S1"),
        ((("s2", "m1", "S1", "O1"),), Rule.AVAILABILITY, "s2", "S1"),
        ((("s1", "m1", "S2", "T1"),), Rule.HOST_TABLE, "i1", "S2"),
        ((("s3", "m1", "S1", "T2"), ("s3", "i1", "S2", "T1")), Rule.MAX_MEETINGS, "s3", "S2"),
        ((("s1", "m1", "S1", "T2"), ("s1", "m1", "S2", "T2")), Rule.PAIR_ONCE, "m1", "S2"),
        ((("s1", "m1", "S1", "T2"), ("s3", "i1", "S1", "T2")), Rule.TABLE_PER_SLOT, "s3", "S1"),
    ],
)
def test_infeasible_locks_name_the_constraint(
    locks: tuple[tuple[str, str, str, str], ...], rule: Rule, who: str, slot_id: str
) -> None:
    with pytest.raises(Infeasible) as err:
        MeetingProblem.build(lock_event(*locks))
    found = [v for v in err.value.violations if v.constraint == rule.value]
    assert any(who in v.participants and slot_id in v.slots for v in found), err.value.violations
    assert rule.value in str(err.value)


def test_feasible_locks_are_kept_by_both_solvers() -> None:
    event = lock_event(("s1", "i1", "S2", "T1"), ("s2", "m1", "S2", "O1"))
    problem = MeetingProblem.build(event, [("s1", "m1", 0.4), ("s3", "i1", 0.8)])
    for solver in (GreedyMeetingSolver(), CpSatMeetingSolver()):
        result = solver.solve(problem, LIMITS)
        assert result.solution is not None and check(event, result.solution) == ()
        assert {(m.a_id, m.slot_id, m.table_id) for m in result.solution if m.origin is Origin.LOCKED} == {
            ("s1", "S2", "T1"),
            ("s2", "S2", "O1"),
        }


# ---------------------------------------------------------------- solvers on hand-made events


def test_greedy_gives_everyone_a_turn_before_anyone_a_second_meeting() -> None:
    """One table, two slots: s1 has two accepted requests, s2 only a suggestion. The round-robin gives s2 the
    second table-slot; the tier-by-tier variant (the default baseline) gives it to s1's second accepted request."""
    people = (person("s1", "startup"), person("s2", "startup"), person("i1", "investor"), person("i2", "investor"))
    requests = (
        MeetingRequest(from_id="s1", to_id="i1", status=RequestStatus.ACCEPTED),
        MeetingRequest(from_id="s1", to_id="i2", status=RequestStatus.ACCEPTED),
    )
    event = Event(name="rr", participants=people, slots=slots(2), tables=(Table(table_id="T1"),), requests=requests)
    problem = MeetingProblem.build(event, [("s2", "i2", 0.5)])
    result = GreedyMeetingSolver(tiered=False).solve(problem, LIMITS)
    assert result.status is SolveStatus.FEASIBLE and result.bound is None
    assert [(m.slot_id, m.a_id, m.b_id) for m in result.solution or ()] == [("S1", "s1", "i1"), ("S2", "s2", "i2")]
    tiered = GreedyMeetingSolver().solve(problem, LIMITS)
    assert [(m.a_id, m.b_id) for m in tiered.solution or ()] == [("s1", "i1"), ("s1", "i2")]


def test_cpsat_places_what_first_fit_cannot() -> None:
    """Greedy puts s1-i1 in S1, after which s2 (only in S1) cannot meet i1; CP-SAT swaps them."""
    people = (person("s1", "startup"), person("s2", "startup"), person("i1", "investor"))
    event = Event(
        name="swap",
        participants=people,
        slots=slots(2),
        tables=(Table(table_id="T1"),),
        availability=(Availability(participant_id="s2", slot_id="S1"),),
        requests=(
            MeetingRequest(from_id="s1", to_id="i1", status=RequestStatus.ACCEPTED),
            MeetingRequest(from_id="s2", to_id="i1", status=RequestStatus.ACCEPTED),
        ),
    )
    problem = MeetingProblem.build(event)
    greedy = GreedyMeetingSolver().solve(problem, LIMITS)
    best = CpSatMeetingSolver().solve(problem, LIMITS)
    assert greedy.objective == 10.0 and best.objective == best.bound == 20.0
    assert best.status is SolveStatus.OPTIMAL
    assert [(m.slot_id, m.a_id) for m in best.solution or ()] == [("S1", "s2"), ("S2", "s1")]


def test_accepted_requests_come_before_coverage_unless_ordered_otherwise() -> None:
    """One table, two slots: s1's two accepted requests take both table-slots by default (the first promise of a
    brokerage event), leaving s2 without a meeting; with coverage first, everyone meets (s1-i1 and s2-i2)."""
    people = (person("s1", "startup"), person("s2", "startup"), person("i1", "investor"), person("i2", "investor"))
    requests = (
        MeetingRequest(from_id="s1", to_id="i1", status=RequestStatus.ACCEPTED),
        MeetingRequest(from_id="s1", to_id="i2", status=RequestStatus.ACCEPTED),
    )
    event = Event(name="cover", participants=people, slots=slots(2), tables=(Table(table_id="T1"),), requests=requests)
    problem = MeetingProblem.build(event, [("s2", "i2", 0.1)])
    best = CpSatMeetingSolver().solve(problem, LIMITS)
    assert best.solution is not None and best.status is SolveStatus.OPTIMAL
    assert levels(problem, best.solution) == (3, 1, 20.0)
    accepted = next(level for level in best.levels if level.name == "accepted")
    assert (accepted.value, accepted.bound, accepted.proven) == (2, 2, True)
    first = MeetingProblem.build(
        event, [("s2", "i2", 0.1)], tiers=TierOrder.parse("coverage,accepted,requested,balance,suggested")
    )
    covering = CpSatMeetingSolver().solve(first, LIMITS)
    assert covering.solution is not None
    assert levels(first, covering.solution)[:2] == (4, 1) and covering.objective == pytest.approx(10.3)
    assert [(t.name, t.value) for t in covering.levels][:2] == [("coverage", 4), ("accepted", 1)]


def test_tiny_event_fixture(tiny_event: Event) -> None:
    problem = MeetingProblem.build(tiny_event, [("s1", "m1", 0.9), ("s1", "c1", 0.3), ("s3", "m3", 0.7)])
    result = CpSatMeetingSolver().solve(problem, LIMITS)
    assert result.status is SolveStatus.OPTIMAL and result.solution is not None
    assert check(tiny_event, result.solution) == ()
    assert ("s3", "m3", "same organisation") in problem.excluded


def test_generated_event_end_to_end() -> None:
    """A generated event exercises hosts, online rooms, availability windows, caps and locks together."""
    gen = generate_event(
        n_startups=30,
        n_investors=12,
        n_mentors=8,
        n_slots=6,
        n_physical=8,
        n_online=3,
        n_hosted=2,
        target_pairs=160,
        n_locked=2,
        seed=5,
    )
    problem = gen.problem()
    greedy = GreedyMeetingSolver().solve(problem, LIMITS)
    best = CpSatMeetingSolver().solve(problem, LIMITS)
    assert greedy.solution is not None and best.solution is not None
    assert check(gen.event, greedy.solution) == () and check(gen.event, best.solution) == ()
    assert tier_vector(problem, best.solution) >= tier_vector(problem, greedy.solution)
    assert best.objective is not None and best.bound is not None and best.objective <= best.bound


# ---------------------------------------------------------------- re-planning


def test_replan_reports_moves_and_drops_with_reasons(tiny_event: Event) -> None:
    suggested = [("s1", "m1", 0.9), ("s1", "c1", 0.3)]
    first = CpSatMeetingSolver().solve(MeetingProblem.build(tiny_event, suggested), LIMITS).solution or ()
    assert {(m.a_id, m.b_id, m.slot_id) for m in first} == {("s1", "i1", "S1"), ("s1", "m1", "S2"), ("s1", "c1", "S3")}
    changed = dataclasses.replace(
        tiny_event,
        participants=tuple(p for p in tiny_event.participants if p.id != "c1"),
        requests=tuple(r for r in tiny_event.requests if "c1" not in (r.from_id, r.to_id)),
        availability=(*tiny_event.availability, *(Availability(participant_id="s1", slot_id=s) for s in ("S1", "S3"))),
    )
    result, report = replan(changed, first, suggested=suggested[:1], limits=LIMITS)
    assert result.solution is not None and check(changed, result.solution) == ()
    assert report.summary() == "1 kept, 1 moved, 1 dropped, 0 new"
    assert report.moved[0].after.slot_id == "S3" and report.moved[0].reason.startswith("availability: s1 is not")
    assert report.dropped[0].reason == "c1 is not in the event (cancelled?)"


def test_compare_lists_new_meetings() -> None:
    a, b = Meeting("S1", "T1", "s1", "i1", Origin.ACCEPTED, 0), Meeting("S2", "T1", "s2", "i1", Origin.PENDING, 0)
    report = compare(Event(name="x", participants=()), [a], [b, a])
    assert report.kept == (a,) and report.new == (b,) and report.unchanged


# ---------------------------------------------------------------- properties on random small events


@st.composite
def events(draw: st.DrawFn) -> Event:
    n_s, n_p, n_slots = draw(st.integers(1, 5)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    startups = [f"s{k}" for k in range(n_s)]
    partners = [f"{draw(st.sampled_from('im'))}{k}" for k in range(n_p)]
    attend = st.sampled_from(["onsite", "onsite", "hybrid", "online"])
    people = tuple(
        person(
            pid,
            "startup" if pid[0] == "s" else {"i": "investor", "m": "mentor"}[pid[0]],
            draw(attend),
            organisation=draw(st.sampled_from(["", "", "A", "B"])),
            max_meetings=draw(st.sampled_from([None, None, None, 0, 1, 2, 3])),
        )
        for pid in startups + partners
    )
    all_slots = slots(n_slots)
    n_phys, n_online = draw(st.sampled_from([0, 1, 2, 2, 3])), draw(st.sampled_from([0, 1, 1, 2]))
    host = draw(st.none() | st.sampled_from(partners))
    tables = tuple(Table(table_id=f"T{k}", host_id=host if k == 0 else None) for k in range(n_phys))
    tables += tuple(Table(table_id=f"O{k}", kind=TableKind.ONLINE) for k in range(n_online))
    availability = tuple(
        Availability(participant_id=p.id, slot_id=s.slot_id)
        for p in people
        if draw(st.booleans()) and draw(st.booleans())
        for s in all_slots
        if draw(st.booleans())
    )
    pairs = [(s, p) for s in startups for p in partners]
    requests = tuple(
        MeetingRequest(from_id=a, to_id=b, status=draw(st.sampled_from([*RequestStatus, RequestStatus.PENDING])))
        for s, p in pairs
        for a, b in ((s, p), (p, s))
        if draw(st.integers(0, 3)) == 0
    )
    conflicts = tuple(Conflict(a_id=s, b_id=p) for s, p in pairs if draw(st.integers(0, 7)) == 0)
    return Event(
        name="random",
        participants=people,
        slots=all_slots,
        tables=tables,
        availability=availability,
        requests=requests,
        conflicts=conflicts,
    )


@st.composite
def suggestions(draw: st.DrawFn, event: Event) -> list[tuple[str, str, float]]:
    startups = [p.id for p in event.participants if p.id[0] == "s"]
    partners = [p.id for p in event.participants if p.id[0] != "s"]
    return [(s, p, draw(st.floats(0, 1))) for s in startups for p in partners if draw(st.integers(0, 3)) > 0]


def with_lock(event: Event, suggested: list[tuple[str, str, float]]) -> Event:
    """The event with its first greedy meeting locked (a lock that is feasible by construction)."""
    first = GreedyMeetingSolver().solve(MeetingProblem.build(event, suggested), LIMITS).solution or ()
    locks = tuple(LockedMeeting(a_id=m.a_id, b_id=m.b_id, slot_id=m.slot_id, table_id=m.table_id) for m in first[:1])
    return dataclasses.replace(event, locked=locks)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_solvers_keep_every_invariant(data: st.DataObject) -> None:
    event = data.draw(events())
    suggested = data.draw(suggestions(event))
    if data.draw(st.booleans()):
        event = with_lock(event, suggested)
    problem = MeetingProblem.build(event, suggested, PriorityWeights())
    greedy = GreedyMeetingSolver().solve(problem, LIMITS)
    best = CpSatMeetingSolver().solve(problem, LIMITS)
    assert greedy.solution is not None and best.solution is not None
    assert check(event, greedy.solution) == ()
    assert check(event, best.solution) == ()
    assert tier_vector(problem, best.solution) >= tier_vector(problem, greedy.solution)
    assert best.objective is not None and best.bound is not None
    assert best.objective <= best.bound + 1e-9
    # Proven optimal in almost every case; when the pair selection cannot be placed slot by slot as chosen, the
    # two-step solver honestly reports a feasible schedule below its bound (seen on 1 random event in a few hundred).
    assert best.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    if best.status is SolveStatus.OPTIMAL:
        assert best.objective == pytest.approx(best.bound)

    again = CpSatMeetingSolver().solve(problem, LIMITS)
    assert again.solution == best.solution

    result, report = replan(event, best.solution, suggested=suggested, limits=LIMITS)
    assert report.unchanged and report.new == () and result.solution == best.solution
    _, from_greedy = replan(event, greedy.solution, suggested=suggested, limits=LIMITS)
    assert from_greedy.unchanged
