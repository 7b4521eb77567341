"""The independent schedule checker: every named constraint passes a valid schedule and catches a broken one.

The event is small enough to check by hand::

    s1 startup onsite, org A        i1 investor onsite, hosts T1       slots S1 S2 S3
    s2 startup online, only S2, S3  m1 mentor onsite, org A            tables T1 (physical, i1), T2 (physical),
    s3 startup hybrid, max 1        m2 mentor onsite                          O1 (online)
    conflict s3-m2; s1 -> m2 declined; locked: s1-i1 in S1 at T1
"""

from __future__ import annotations

import pytest

from matcher.errors import ConstraintViolation, InvalidInput
from matcher.event.schema import (
    Attendance,
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
from matcher.meetings.constraints import ALL_CONSTRAINTS, Rule
from matcher.meetings.csv import parse_meetings_csv
from matcher.meetings.model import Meeting, Origin, allowed_kinds
from tests.builders import person, slot

EVENT = Event(
    name="hand",
    participants=(
        person("s1", "startup", organisation="A"),
        person("s2", "startup", "online"),
        person("s3", "startup", "hybrid", max_meetings=1),
        person("i1", "investor"),
        person("m1", "mentor", organisation="A"),
        person("m2", "mentor"),
    ),
    slots=(slot(1), slot(2), slot(3)),
    tables=(
        Table(table_id="T1", host_id="i1"),
        Table(table_id="T2"),
        Table(table_id="O1", kind=TableKind.ONLINE),
    ),
    availability=(Availability(participant_id="s2", slot_id="S2"), Availability(participant_id="s2", slot_id="S3")),
    requests=(MeetingRequest(from_id="s1", to_id="m2", status=RequestStatus.DECLINED),),
    conflicts=(Conflict(a_id="s3", b_id="m2"),),
    locked=(LockedMeeting(a_id="s1", b_id="i1", slot_id="S1", table_id="T1"),),
)


def meet(a: str, b: str, slot_id: str, table: str) -> Meeting:
    return Meeting(slot_id, table, a, b, Origin.SUGGESTED, 0.5)


KNOWN_IDS = Rule.KNOWN_IDS
LOCK = meet("s1", "i1", "S1", "T1")
VALID = (LOCK, meet("s3", "m1", "S1", "T2"), meet("s2", "m2", "S2", "O1"))


def named(found: tuple[ConstraintViolation, ...], rule: str) -> list[ConstraintViolation]:
    return [v for v in found if v.constraint == rule]


def test_a_valid_schedule_has_no_violation() -> None:
    assert check(EVENT, VALID) == ()


def test_every_constraint_is_named_once() -> None:
    names = [c.name.value for c in ALL_CONSTRAINTS]
    assert sorted(names) == sorted(r.value for r in Rule)
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(
    ("rule", "extra", "who", "slot_id"),
    [
        (Rule.ONE_PER_SLOT, [meet("s1", "m2", "S1", "O1")], "s1", "S1"),
        (Rule.PAIR_ONCE, [meet("s2", "m2", "S3", "O1")], "s2", "S2"),
        (Rule.TABLE_PER_SLOT, [meet("s2", "m1", "S2", "O1")], "m1", "S2"),
        (Rule.AVAILABILITY, [meet("s2", "m1", "S1", "O1")], "s2", "S1"),
        (Rule.TABLE_KIND, [meet("s2", "m1", "S3", "T2")], "s2", "S3"),  # online participant at a physical table
        (Rule.TABLE_KIND, [meet("m2", "s1", "S2", "O1")], "m2", "S2"),  # two on site in an online room
        (Rule.HOST_TABLE, [meet("s2", "m1", "S2", "T1")], "i1", "S2"),  # someone else's meeting at i1's table
        (Rule.HOST_TABLE, [meet("i1", "s3", "S2", "T2")], "i1", "S2"),  # the host away from their table
        (Rule.MAX_MEETINGS, [meet("s3", "m1", "S3", "T2")], "s3", "S3"),
        (Rule.NO_FORBIDDEN_PAIR, [meet("s3", "m2", "S2", "T2")], "m2", "S2"),  # conflict (and s3 over max)
        (Rule.NO_FORBIDDEN_PAIR, [meet("s1", "m1", "S2", "T2")], "m1", "S2"),  # same organisation
        (Rule.NO_FORBIDDEN_PAIR, [meet("m2", "s1", "S3", "T2")], "s1", "S3"),  # declined request
    ],
)
def test_each_constraint_catches_its_violation(rule: Rule, extra: list[Meeting], who: str, slot_id: str) -> None:
    found = named(check(EVENT, (*VALID, *extra)), rule.value)
    assert found, f"{rule} not reported"
    assert any(who in v.participants and slot_id in v.slots for v in found), found
    assert all(v.message for v in found)


def test_constraints_that_would_be_broken_by_the_extra_meeting_only() -> None:
    """Adding one meeting breaks exactly the constraints the rules predict, no others."""
    found = check(EVENT, (*VALID, meet("s2", "m1", "S3", "T2")))
    assert {v.constraint for v in found} == {Rule.TABLE_KIND.value}
    assert found[0].message.startswith("s2 attends online")


def test_missing_or_moved_lock_is_reported() -> None:
    missing = named(check(EVENT, VALID[1:]), Rule.LOCKED_KEPT.value)
    assert [v.participants for v in missing] == [("s1", "i1")] and missing[0].slots == ("S1",)
    moved = named(check(EVENT, (meet("i1", "s1", "S3", "T1"), *VALID[1:])), Rule.LOCKED_KEPT.value)
    assert "found in S3 at T1" in moved[0].message


def test_self_meeting_is_forbidden() -> None:
    found = named(check(EVENT, (*VALID, meet("m2", "m2", "S3", "T2"))), Rule.NO_FORBIDDEN_PAIR.value)
    assert found and "same participant" in found[0].message


def test_unknown_ids_are_reported_and_skipped_by_the_other_checks() -> None:
    found = check(EVENT, (*VALID, meet("x9", "m1", "S9", "T9")))
    assert [v.constraint for v in found] == [KNOWN_IDS] * 3
    assert {v.message.rsplit(" ", 1)[1] for v in found} == {"x9", "S9", "T9"}


def test_table_kind_rule() -> None:
    on, off, hy = Attendance.ONSITE, Attendance.ONLINE, Attendance.HYBRID
    physical, online = TableKind.PHYSICAL, TableKind.ONLINE
    assert allowed_kinds(on, on) == {physical}
    assert allowed_kinds(on, hy) == allowed_kinds(hy, hy) == {physical, online}
    assert allowed_kinds(on, off) == allowed_kinds(hy, off) == allowed_kinds(off, off) == {online}


def test_parse_meetings_csv_round_trip() -> None:
    text = "\ufeffslot_id,table_id,a_id,b_id,origin,score,note\nS1,T1,s1,i1,locked,0.75,x\n\nS2 , O1,s2,m2,,,\n"
    assert parse_meetings_csv(text) == (
        Meeting("S1", "T1", "s1", "i1", Origin.LOCKED, 0.75),
        Meeting("S2", "O1", "s2", "m2", Origin.SUGGESTED, 0.0),
    )


def test_parse_meetings_csv_reports_every_problem_with_row_and_column() -> None:
    text = "slot_id,table_id,a_id,b_id,origin,score\nS1,T1,,i1,locked,0.5\nS2,T2,s2,m2,maybe,high\n"
    with pytest.raises(InvalidInput) as err:
        parse_meetings_csv(text)
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "a_id"), (3, "origin"), (3, "score")]
    with pytest.raises(InvalidInput) as err:
        parse_meetings_csv("slot,table_id,a_id\nS1,T1,s1\n")
    assert err.value.problems[0].row == 1 and "slot_id" in err.value.problems[0].message
