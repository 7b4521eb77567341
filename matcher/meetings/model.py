"""The B2B meeting schedule as data: where a meeting comes from, one scheduled meeting, and the codes of the encoding.

Shared by the meeting scheduler (:mod:`matcher.meetings.encoding` and everything above it), the independent
checker and the exports (CSV, .ics, HTML). ``ORIGINS``, ``ATTENDANCES``, ``KINDS`` and ``FORBIDDEN_REASONS`` are the
codes the encoding stores in its arrays (a code is a position in the tuple); ``WEIGHT_UNITS`` the integer units of a
weight.

Example
-------
>>> ORIGINS.index(Origin.ACCEPTED), PriorityWeights().of(Origin.SUGGESTED, 0.5)
(1, 1.5)
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
