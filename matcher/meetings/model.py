"""The B2B meeting schedule as data: where a meeting comes from, and one scheduled meeting.

Shared by the meeting scheduler (:mod:`matcher.meetings.problem`, :mod:`matcher.solvers`), the independent
checker and the exports (CSV, .ics, HTML).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
