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
>>> from matcher.event.schema import Attendance as A
>>> sorted(k.value for k in allowed_kinds(A.ONSITE, A.HYBRID))
['online', 'physical']
>>> sorted(k.value for k in allowed_kinds(A.ONSITE, A.ONLINE))
['online']
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from matcher.event.schema import Attendance, TableKind
from matcher.matching.filters import Exclusion

__all__ = [
    "ATTENDANCES",
    "FORBIDDEN_REASONS",
    "KINDS",
    "ORIGINS",
    "WEIGHT_UNITS",
    "Meeting",
    "Origin",
    "PriorityWeights",
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
