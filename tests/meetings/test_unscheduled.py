"""Why accepted requests stay unscheduled, and what locks that cannot be kept break: one small event per cause.

Most tests hand the analysis a schedule written by hand (the cause is then checkable at a glance); the last ones
solve real events with greedy and CP-SAT and check that every accepted pair left out gets exactly one reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pytest
from ortools.sat.python import cp_model

from benchmarks.gen_event import generate_event
from matcher.errors import Infeasible
from matcher.event.schema import (
    Availability,
    Conflict,
    Event,
    LockedMeeting,
    MeetingRequest,
    Participant,
    RequestStatus,
    Table,
    TableKind,
)
from matcher.meetings.constraints import LockedKeptRule, ModelVars, Rule
from matcher.meetings.cpsat import CpSatMeetingSolver
from matcher.meetings.encoding import MeetingEncoding
from matcher.meetings.greedy import GreedyMeetingSolver
from matcher.meetings.model import Meeting, Origin
from matcher.meetings.placements import Placements
from matcher.meetings.problem import MeetingProblem
from matcher.meetings.unscheduled import MAX_REASON, Cause, UnscheduledRequest, lock_violations, unscheduled_accepted
from matcher.solving.base import Limits
from tests.builders import person, slots

ACCEPTED = RequestStatus.ACCEPTED


def event_of(
    people: Sequence[Participant],
    accepted: Sequence[tuple[str, str]],
    *,
    n_slots: int = 2,
    tables: Sequence[Table] = (Table(table_id="T1"),),
    only: Sequence[tuple[str, str]] = (),
    conflicts: Sequence[Conflict] = (),
    locked: Sequence[LockedMeeting] = (),
) -> Event:
    """An event of ``people`` with ``accepted`` requests, slots S1.. (20 minutes from 09:00) and ``tables``."""
    return Event(
        name="why",
        participants=tuple(people),
        slots=slots(n_slots),
        tables=tuple(tables),
        availability=tuple(Availability(participant_id=p, slot_id=s) for p, s in only),
        requests=tuple(MeetingRequest(from_id=a, to_id=b, status=ACCEPTED) for a, b in accepted),
        conflicts=tuple(conflicts),
        locked=tuple(locked),
    )


def meet(a: str, b: str, slot_id: str, table: str = "T1") -> Meeting:
    return Meeting(slot_id, table, a, b, Origin.SUGGESTED, 0.5)


def why(event: Event, meetings: Sequence[Meeting] = ()) -> list[UnscheduledRequest]:
    return list(unscheduled_accepted(event, MeetingProblem.build(event), meetings))


def only_reason(event: Event, meetings: Sequence[Meeting] = ()) -> UnscheduledRequest:
    found = why(event, meetings)
    assert len(found) == 1, found
    assert len(found[0].reason) <= MAX_REASON, found[0].reason
    return found[0]


STARTUPS = tuple(person(f"s{k}", "startup") for k in (1, 2, 3))
INVESTORS = tuple(person(f"i{k}", "investor") for k in (1, 2, 3))


# ---------------------------------------------------------------- structural causes: no placement at all


def test_no_common_slot_names_both_windows_in_event_time() -> None:
    only = [("s1", "S1"), ("s1", "S2"), ("i1", "S4"), ("i1", "S5"), ("i1", "S6"), ("i1", "S8")]
    found = only_reason(event_of((STARTUPS[0], INVESTORS[0]), [("s1", "i1")], n_slots=8, only=only))
    assert found.constraint is Cause.AVAILABILITY and (found.a_id, found.b_id) == ("s1", "i1")
    # consecutive slots merge into one range; builders' slots are in UTC, the event's own offset
    assert found.reason == "no common free slot: s1 is available 09:00-09:40, i1 10:00-11:00, 11:20-11:40"


def test_max_meetings_zero() -> None:
    found = only_reason(event_of((STARTUPS[0], person("i1", "investor", max_meetings=0)), [("s1", "i1")]))
    assert found.constraint is Cause.MAX_MEETINGS and found.reason == "i1 has max_meetings 0"


@pytest.mark.parametrize(
    ("attendance", "kind", "words"),
    [
        ("onsite", TableKind.ONLINE, "s1 and i1 are both on site but there are no physical tables"),
        ("online", TableKind.PHYSICAL, "i1 attends online but there are no online rooms"),
    ],
)
def test_no_table_of_a_suitable_kind(attendance: str, kind: TableKind, words: str) -> None:
    people = (STARTUPS[0], person("i1", "investor", attendance))
    found = only_reason(event_of(people, [("s1", "i1")], tables=(Table(table_id="X1", kind=kind),)))
    assert found.constraint is Cause.TABLE_KIND and found.reason == words


def test_host_tables() -> None:
    people = (person("s1", "startup", "online"), STARTUPS[1], INVESTORS[0])
    tables = (
        Table(table_id="T1", host_id="i1"),
        Table(table_id="T2", host_id="s2"),
        Table(table_id="O1", kind=TableKind.ONLINE),
    )
    found = why(event_of(people, [("s1", "i1"), ("s2", "i1")], tables=tables))
    assert [u.constraint for u in found] == [Cause.HOST_TABLE, Cause.HOST_TABLE]
    assert (
        found[0].reason == "i1 hosts T1 and meets only there, but s1 attends online: their meeting needs an online room"
    )
    assert "s2 and i1 both host tables (T2; T1)" in found[1].reason


# ---------------------------------------------------------------- excluded by the hard filters


def test_excluded_accepted_requests_are_listed() -> None:
    people = (
        person("s1", "startup", organisation="Acme"),
        person("i1", "investor", organisation="acme"),
        person("s2", "startup"),
        person("i2", "investor"),
        person("s3", "startup", languages="de"),
        person("i3", "investor"),
    )
    declined = MeetingRequest(from_id="i3", to_id="s2", status=RequestStatus.DECLINED)
    accepted = [("s1", "i1"), ("s2", "i2"), ("s3", "i3"), ("s2", "i3")]
    event = event_of(people, accepted, conflicts=[Conflict(a_id="i2", b_id="s2")])
    event = dataclasses.replace(event, requests=(*event.requests, declined))
    found = why(event)
    assert [(u.a_id, u.b_id, u.constraint) for u in found] == [
        ("s1", "i1", Cause.EXCLUDED),
        ("s2", "i2", Cause.EXCLUDED),
        ("s3", "i3", Cause.EXCLUDED),
        ("s2", "i3", Cause.EXCLUDED),
    ]
    assert found[0].reason == "excluded: s1 and i1 are of the same organisation (Acme)"
    assert found[1].reason == "excluded: s2 and i2 are in conflict (conflicts.csv)"
    assert found[2].reason == "excluded: s3 and i3 share no language (s3 speaks de, i3 en)"
    assert "declined" in found[3].reason


# ---------------------------------------------------------------- causes in the schedule


def test_at_max_meetings_counts_accepted_requests() -> None:
    people = (person("s1", "startup", max_meetings=2), *INVESTORS)
    event = event_of(people, [("s1", "i1"), ("s1", "i2"), ("s1", "i3")], n_slots=3)
    found = only_reason(event, [meet("s1", "i1", "S1"), meet("s1", "i3", "S2")])
    assert (found.b_id, found.constraint) == ("i2", Cause.MAX_MEETINGS)
    assert found.reason == "s1 has max_meetings 2 and 2 meetings already scheduled (2 of them accepted requests)"


def test_busy_in_every_common_slot_names_whom() -> None:
    event = event_of(
        (*STARTUPS[:2], *INVESTORS[:2]), [("s1", "i1")], tables=(Table(table_id="T1"), Table(table_id="T2"))
    )
    found = only_reason(event, [meet("s1", "i2", "S1"), meet("s2", "i1", "S2")])
    assert found.constraint is Cause.BUSY
    assert found.reason == "in every slot both are available one of them is busy: S1 s1 meets i2, S2 i1 meets s2"


def test_tables_full() -> None:
    event = event_of((*STARTUPS[:2], *INVESTORS[:2]), [("s1", "i1")], n_slots=1)
    found = only_reason(event, [meet("s2", "i2", "S1")])
    assert found.constraint is Cause.TABLES_FULL
    assert found.reason == "no physical table free in the slots both have (S1)"


def test_no_online_room_free() -> None:
    people = (person("s1", "startup", "online"), person("s2", "startup", "online"), *INVESTORS[:2])
    event = event_of(people, [("s1", "i1")], tables=(Table(table_id="O1", kind=TableKind.ONLINE), Table(table_id="T1")))
    found = only_reason(event, [meet("s2", "i2", "S1", "O1"), meet("s2", "i2", "S2", "O1")])
    assert found.constraint is Cause.TABLES_FULL
    assert found.reason == "no online room free in the slots both have (S1, S2)"


def test_busy_in_some_slots_and_no_table_in_the_others() -> None:
    event = event_of((*STARTUPS[:2], *INVESTORS[:2]), [("s1", "i1")])
    found = only_reason(event, [meet("s2", "i2", "S1"), meet("i2", "s1", "S2")])
    assert found.constraint is Cause.BUSY
    assert found.reason == (
        "busy in 1 of the 2 slots both are available (S2 s1 meets i2); in the other 1 no physical table is free (S1)"
    )


def test_many_slots_are_summarised_within_the_length_limit() -> None:
    people = (*STARTUPS[:2], *(person(f"i{k}", "investor") for k in range(1, 14)))
    event = event_of(people, [("s1", "i1")], n_slots=12)
    meetings = [meet("s1", f"i{k + 1}", f"S{k}") for k in range(1, 10)]  # s1 is busy in S1..S9
    meetings += [meet("s2", f"i{k + 1}", f"S{k}") for k in (10, 11)]  # T1 is taken in S10, S11
    found = why(event, meetings)
    assert [u.constraint for u in found] == [Cause.SOLVER] and "S12 (12:40-13:00)" in found[0].reason
    found = [only_reason(event, [*meetings, meet("s2", "i13", "S12")])]
    assert found[0].constraint is Cause.BUSY
    assert found[0].reason.startswith("busy in 9 of the 12 slots both are available (S1 s1 meets i2, S2 s1 meets i3")
    assert found[0].reason.endswith("more); in the other 3 no physical table is free (S10, S11, S12)")


def test_a_free_placement_is_put_down_to_the_solver() -> None:
    found = only_reason(event_of((STARTUPS[0], INVESTORS[0]), [("s1", "i1")]))
    assert found.constraint is Cause.SOLVER and "S1 (09:00-09:20)" in found.reason


def test_scheduled_requests_and_both_directions_are_listed_once() -> None:
    event = event_of((*STARTUPS[:2], INVESTORS[0]), [("s1", "i1"), ("i1", "s1"), ("i1", "s2"), ("s2", "i1")], n_slots=1)
    found = why(event, [meet("i1", "s1", "S1")])
    assert [(u.a_id, u.b_id, u.constraint) for u in found] == [("i1", "s2", Cause.BUSY)]
    assert found[0].reason.endswith("S1 i1 meets s1")


# ---------------------------------------------------------------- real schedules


def generated() -> Event:
    return generate_event(
        n_startups=30, n_investors=12, n_mentors=8, n_slots=4, n_physical=3, n_online=1, n_hosted=2,
        target_pairs=200, n_locked=2, seed=1,
    ).event  # fmt: skip


@pytest.mark.parametrize("solver", [GreedyMeetingSolver(), CpSatMeetingSolver()], ids=["greedy", "cpsat"])
@pytest.mark.parametrize("which", ["tiny", "generated"])
def test_every_unscheduled_accepted_pair_gets_one_reason(
    solver: GreedyMeetingSolver | CpSatMeetingSolver, which: str, tiny_event: Event
) -> None:
    event = tiny_event if which == "tiny" else generated()
    problem = MeetingProblem.build(event)
    result = solver.solve(problem, Limits(time_limit_s=2, seed=3))
    assert result.solution is not None
    accepted = {frozenset((r.from_id, r.to_id)) for r in event.requests if r.status is ACCEPTED}
    found = unscheduled_accepted(event, problem, result.solution)
    listed = [frozenset((u.a_id, u.b_id)) for u in found]
    assert len(listed) == len(set(listed)) and set(listed) == accepted - {m.pair for m in result.solution}
    assert all(u.reason and len(u.reason) <= MAX_REASON for u in found)
    if isinstance(solver, GreedyMeetingSolver):  # a pair that did not fit when tried never fits later
        assert all(u.constraint is not Cause.SOLVER for u in found)
    if which == "generated":
        assert len(found) > 3 and {Cause.BUSY, Cause.EXCLUDED} <= {u.constraint for u in found}


# ---------------------------------------------------------------- locks that cannot be kept


def lock_event(*locks: tuple[str, str, str, str]) -> Event:
    people = (
        person("s1", "startup", organisation="A"),
        person("s2", "startup", "online"),
        person("s3", "startup", max_meetings=1),
        person("i1", "investor"),
        person("m1", "mentor", organisation="a"),
    )
    tables = (Table(table_id="T1", host_id="i1"), Table(table_id="T2"), Table(table_id="O1", kind=TableKind.ONLINE))
    locked = tuple(LockedMeeting(a_id=a, b_id=b, slot_id=s, table_id=t) for a, b, s, t in locks)
    return event_of(people, [], tables=tables, only=[("s2", "S2")], locked=locked)


@pytest.mark.parametrize(
    ("locks", "rule", "words"),
    [
        ([("s2", "i1", "S1", "O1")], Rule.AVAILABILITY, ["s2 is not available in S1", "move the lock"]),
        ([("s3", "i1", "S1", "O1")], Rule.TABLE_KIND, ["physical table", "table_id"]),
        ([("s3", "i1", "S1", "T1"), ("s3", "m1", "S1", "T2")], Rule.ONE_PER_SLOT, ["s3 has 2 meetings in S1"]),
        ([("s3", "i1", "S1", "T1"), ("s2", "m1", "S1", "T1")], Rule.TABLE_PER_SLOT, ["table T1", "other tables"]),
        ([("s3", "i1", "S1", "T1"), ("s3", "m1", "S2", "T2")], Rule.MAX_MEETINGS, ["max_meetings is 1", "raise"]),
        ([("s1", "m1", "S1", "T2")], Rule.NO_FORBIDDEN_PAIR, ["same organisation", "remove the lock"]),
        ([("s3", "m1", "S2", "T1")], Rule.HOST_TABLE, ["kept by host i1", "table_id"]),
    ],
)
def test_a_lock_that_cannot_be_kept_says_who_when_and_what_to_change(
    locks: list[tuple[str, str, str, str]], rule: Rule, words: list[str]
) -> None:
    event = lock_event(*locks)
    with pytest.raises(Infeasible) as err:
        MeetingProblem.build(event)
    raised = [v for v in err.value.violations if v.constraint == rule.value]
    assert raised and "locked.csv" in str(err.value)
    found = [v for v in lock_violations(event) if v.constraint == rule.value]
    assert [v.participants for v in found] == [v.participants for v in raised]
    slot = raised[0].slots[-1]
    assert f"{slot} (09:" in found[0].message  # the event knows the slot's time, the encoding does not
    assert all(w in found[0].message for w in words), found[0].message


def test_lock_violations_of_a_valid_event_is_empty() -> None:
    assert lock_violations(lock_event(("s1", "i1", "S1", "T1"), ("s2", "m1", "S2", "O1"))) == ()


def test_a_lock_with_no_placement_names_that_lock() -> None:
    """The model-building check names the lock that has no placement, not the lock of the same index in slot order."""
    i32, i8 = (lambda *v: np.array(v, dtype=np.int32)), (lambda *v: np.array(v, dtype=np.int8))
    enc = MeetingEncoding(
        ("s1", "i1", "s2"), ("S1", "S2"), ("T1",), pair_a=i32(0, 2), pair_b=i32(1, 1),
        pair_weight=np.array([100.0, 100.0]), pair_origin=i8(0, 0), pair_affinity=np.zeros(2),
        available=np.array([[True, False], [True, True], [True, True]]), attendance=i8(0, 0, 0),
        max_meetings=i32(-1, -1, -1), organisation=i32(-1, -1, -1), table_kind=i8(0), table_host=i32(-1),
        lock_pair=i32(0, 1), lock_slot=i32(1, 0), lock_table=i32(0, 0),
    )  # fmt: skip
    pl = Placements.of(enc)
    model = cp_model.CpModel()
    literals = [model.new_bool_var(f"x{k}") for k in range(pl.size)]
    with pytest.raises(Infeasible) as err:
        LockedKeptRule().add_to(model, ModelVars(enc, pl.pair, pl.slot, pl.group, literals))
    (v,) = err.value.violations
    assert v.participants == ("s1", "i1") and v.slots == ("S2",) and "locked in S2 at T1" in v.message
