"""The B2B meeting schedule as data: where a meeting comes from, one scheduled meeting, and the codes of the encoding.

Shared by the meeting scheduler (:mod:`matcher.meetings.encoding` and everything above it), the independent
checker and the exports (CSV, .ics, HTML). ``ORIGINS``, ``ATTENDANCES``, ``KINDS`` and ``FORBIDDEN_REASONS`` are the
codes the encoding stores in its arrays (a code is a position in the tuple); ``WEIGHT_UNITS`` the integer units of a
weight.

Table kinds, decided once here (:func:`allowed_kinds`): an online participant is remote, so any meeting with one
uses an online room (an on-site participant joins it from the venue); a physical table needs both participants on
site or hybrid; two on-site participants never use an online room (it would take a room a remote participant
needs). So onsite+onsite -> physical, onsite+hybrid and hybrid+hybrid -> either, anything with online -> online room.

Example
-------
>>> ORIGINS.index(Origin.ACCEPTED), PriorityWeights().of(Origin.SUGGESTED, 0.5)
(1, 1.5)
>>> str(TierOrder.parse("coverage, accepted, requested, balance, suggested"))
'kept,coverage,accepted,requested,balance,suggested'
>>> from matcher.event.schema import Attendance as A
>>> sorted(k.value for k in allowed_kinds(A.ONSITE, A.HYBRID))
['online', 'physical']
>>> sorted(k.value for k in allowed_kinds(A.ONSITE, A.ONLINE))
['online']
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from matcher.errors import InvalidInput
from matcher.event.schema import Attendance, TableKind
from matcher.matching.filters import Exclusion

__all__ = [
    "ATTENDANCES",
    "FORBIDDEN_REASONS",
    "KINDS",
    "ORIGINS",
    "TIER_REASONS",
    "WEIGHT_UNITS",
    "Meeting",
    "Origin",
    "PriorityWeights",
    "Tier",
    "TierOrder",
    "allowed_kinds",
]


class Origin(StrEnum):
    """Why two participants meet, in priority order (locked first)."""

    LOCKED = "locked"
    ACCEPTED = "accepted"
    MUTUAL = "mutual"
    PENDING = "pending"
    SUGGESTED = "suggested"


@dataclass(frozen=True)
class PriorityWeights:
    """Weight of a meeting by origin; a suggested meeting weighs ``suggested`` x its affinity (0..1)."""

    locked: float = 100.0
    accepted: float = 10.0
    mutual: float = 8.0
    pending: float = 5.0
    suggested: float = 3.0

    def of(self, origin: Origin, affinity: float = 1.0) -> float:
        base = float(getattr(self, origin.value))
        return base * max(0.0, min(1.0, affinity)) if origin is Origin.SUGGESTED else base


class Tier(StrEnum):
    """A level of the lexicographic schedule objective (locked meetings are hard and come before every tier).

    ``kept``: previous meetings kept at their slot and table (only when re-planning); ``accepted``: accepted
    requests scheduled (a count); ``coverage``: participants with a possible meeting who get one; ``requested``:
    mutual and one-sided pending requests, by their weights; ``balance``: the fewest meetings of a covered
    participant who could have more (then, among equal schedules, fewer idle gaps in a day); ``suggested``:
    unrequested pairs, by ``suggested`` x affinity.
    """

    KEPT = "kept"
    ACCEPTED = "accepted"
    COVERAGE = "coverage"
    REQUESTED = "requested"
    BALANCE = "balance"
    SUGGESTED = "suggested"


#: Why the default order is what it is, one line per tier (the CLI's help and the docs show these).
TIER_REASONS: dict[Tier, str] = {
    Tier.KEPT: "a re-plan first keeps what people already have in their calendars",
    Tier.ACCEPTED: "two people who both said yes must get their meeting: the first promise of a brokerage event",
    Tier.COVERAGE: "then nobody who can meet anyone goes home with no meeting",
    Tier.REQUESTED: "then what one or both sides asked for, mutual requests before one-sided ones (their weights)",
    Tier.BALANCE: "then spread what is left: raise the fewest meetings anyone has, fewer idle gaps",
    Tier.SUGGESTED: "last, pairs nobody asked for, by affinity: they only use capacity nobody requested",
}


@dataclass(frozen=True)
class TierOrder:
    """The order of the schedule's tiers, highest priority first (default: :data:`TIER_REASONS`' order).

    Every tier but ``kept`` appears exactly once; ``kept`` may be placed anywhere and goes first when left out
    (it only counts when re-planning). ``coverage`` must come before ``balance``, which raises the minimum over
    covered participants. :meth:`parse` reads ``"accepted,coverage,requested,balance,suggested"``.
    """

    tiers: tuple[Tier, ...] = tuple(Tier)

    def __post_init__(self) -> None:
        try:
            tiers = tuple(Tier(t) for t in self.tiers)
        except ValueError as exc:
            raise InvalidInput(f"unknown tier in {','.join(map(str, self.tiers))}: use {_NAMES}") from exc
        if Tier.KEPT not in tiers:
            tiers = (Tier.KEPT, *tiers)
        if sorted(tiers) != sorted(Tier) or len(tiers) != len(Tier):
            raise InvalidInput(
                f"the tier order {','.join(tiers)} must name each of {_NAMES} exactly once (kept is optional)"
            )
        if tiers.index(Tier.COVERAGE) > tiers.index(Tier.BALANCE):
            raise InvalidInput("put coverage before balance: balance raises the fewest meetings of covered people")
        object.__setattr__(self, "tiers", tiers)

    @classmethod
    def parse(cls, text: str) -> TierOrder:
        """The order written as comma-separated tier names, e.g. ``"accepted,coverage,requested,balance,suggested"``."""
        return cls(tuple(t.strip() for t in text.split(",") if t.strip()))  # type: ignore[misc]

    def __str__(self) -> str:
        return ",".join(t.value for t in self.tiers)

    def active(self, replanning: bool) -> tuple[Tier, ...]:
        """The tiers that count: all of them when re-planning, else all but ``kept``."""
        return tuple(t for t in self.tiers if replanning or t is not Tier.KEPT)


_NAMES = ", ".join(t.value for t in Tier)


@dataclass(frozen=True, order=True)
class Meeting:
    """One scheduled meeting: ``a_id`` < ``b_id`` is not required; ``score`` is the pair's affinity."""

    slot_id: str
    table_id: str
    a_id: str
    b_id: str
    origin: Origin
    score: float

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.a_id, self.b_id))


#: Origin codes of the encoding (position in this tuple); lower is higher priority.
ORIGINS: tuple[Origin, ...] = tuple(Origin)
#: Attendance and table-kind codes of the encoding: position in these tuples.
ATTENDANCES: tuple[Attendance, ...] = (Attendance.ONSITE, Attendance.ONLINE, Attendance.HYBRID)
KINDS: tuple[TableKind, ...] = (TableKind.PHYSICAL, TableKind.ONLINE)
#: Why a pair is forbidden, as encoded in ``forbidden_reason`` (same organisation is separate).
FORBIDDEN_REASONS: tuple[Exclusion, ...] = (Exclusion.CONFLICT, Exclusion.DECLINED)

WEIGHT_UNITS = 1000
"""Integer weight units per :class:`PriorityWeights` unit: weights are rounded to 1/1000."""


def allowed_kinds(a: Attendance, b: Attendance) -> frozenset[TableKind]:
    """The table kinds a meeting of participants attending as ``a`` and ``b`` may use (see the module doc)."""
    kinds = set()
    if Attendance.ONLINE not in (a, b):
        kinds.add(TableKind.PHYSICAL)
    if (a, b) != (Attendance.ONSITE, Attendance.ONSITE):
        kinds.add(TableKind.ONLINE)
    return frozenset(kinds)
