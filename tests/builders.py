"""Hand-built event records for the meeting tests: participants, and 20-minute slots from 9:00 UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from matcher.event.schema import Participant, Slot

T0 = datetime(2026, 12, 10, 9, tzinfo=UTC)


def person(pid: str, role: str, attendance: str = "onsite", **extra: object) -> Participant:
    """A participant named after its id, in France, speaking English; ``extra`` sets any other field."""
    return Participant.model_validate(
        {
            "id": pid,
            "name": pid,
            "role": role,
            "country": "FR",
            "languages": "en",
            "description": "-",
            "attendance": attendance,
            **extra,
        }
    )


def slot(k: int) -> Slot:
    """The ``k``-th 20-minute slot (1-based), ``S<k>``."""
    return Slot(slot_id=f"S{k}", start=T0 + timedelta(minutes=20 * (k - 1)), end=T0 + timedelta(minutes=20 * k))


def slots(n: int) -> tuple[Slot, ...]:
    """Slots ``S1`` to ``S<n>``, back to back."""
    return tuple(slot(k) for k in range(1, n + 1))
