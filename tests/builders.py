"""Test builders: hand-built event records (participants, 20-minute slots from 9:00 UTC) and a CSV reader."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file written by the CLI, as dicts by header."""
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
