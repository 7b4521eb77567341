"""Hard filters: pairs that are never matched, and why.

Example
-------
>>> from matcher.event.schema import Event
>>> rules = PairRules.from_event(Event(name="e", participants=()))
>>> rules.conflicts
frozenset()
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from matcher.event.schema import COMPLEMENTARY, Event, Participant, RequestStatus, Role


class Exclusion(StrEnum):
    """Why a pair is never matched. The value reads as the end of "excluded: ..."."""

    SELF = "same participant"
    ROLE = "roles are not complementary"
    LANGUAGE = "no common language"
    CONFLICT = "listed in conflicts.csv"
    DECLINED = "a meeting request was declined"
    SAME_ORGANISATION = "same organisation"
    STAGE = "the investor does not invest at this stage"
    TICKET = "the amount sought is outside the investor's ticket range"


def _pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


@dataclass(frozen=True)
class PairRules:
    """The event-level facts the filters need: conflicts, declined requests, and the strictness options."""

    conflicts: frozenset[frozenset[str]]
    declined: frozenset[frozenset[str]]
    strict_stage: bool = False
    strict_ticket: bool = False

    @classmethod
    def from_event(cls, event: Event, *, strict_stage: bool = False, strict_ticket: bool = False) -> PairRules:
        return cls(
            conflicts=frozenset(_pair(c.a_id, c.b_id) for c in event.conflicts),
            declined=frozenset(_pair(r.from_id, r.to_id) for r in event.requests if r.status is RequestStatus.DECLINED),
            strict_stage=strict_stage,
            strict_ticket=strict_ticket,
        )

    def exclusion(self, a: Participant, b: Participant) -> Exclusion | None:
        """The first reason the pair (a, b) is excluded, or ``None`` when it may be matched."""
        if a.id == b.id:
            return Exclusion.SELF
        if b.role not in COMPLEMENTARY[a.role]:
            return Exclusion.ROLE
        if not set(a.languages) & set(b.languages):
            return Exclusion.LANGUAGE
        pair = _pair(a.id, b.id)
        if pair in self.conflicts:
            return Exclusion.CONFLICT
        if pair in self.declined:
            return Exclusion.DECLINED
        if a.organisation and a.organisation.casefold() == b.organisation.casefold():
            return Exclusion.SAME_ORGANISATION
        startup, investor = (a, b) if a.role is Role.STARTUP else (b, a)
        if investor.role is Role.INVESTOR:
            stage = startup.startup_stage
            if self.strict_stage and stage is not None and investor.stage and stage not in investor.stage:
                return Exclusion.STAGE
            sought = startup.ticket_min_eur
            lo, hi = investor.ticket_min_eur, investor.ticket_max_eur
            if (
                self.strict_ticket
                and sought is not None
                and ((lo is not None and sought < lo) or (hi is not None and sought > hi))
            ):
                return Exclusion.TICKET
        return None
