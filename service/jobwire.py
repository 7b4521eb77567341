"""The job wire format: what the service writes to a worker process's standard input, and its parsing.

:mod:`service.jobs` writes it with :func:`job_payload`, :mod:`service.worker` reads it with :func:`read_job`; the
format lives here so that neither imports the other. One job is one JSON object::

    {"settings": {...}, "job_id": ..., "event_id": ..., "schedule": {...}, "previous": [meeting, ...] | null}

``settings`` leave out the admin key; ``previous`` is the schedule a meetings job re-plans from (``null`` plans
afresh), each meeting as :func:`meeting_json` writes it.

Example
-------
>>> from matcher.meetings.model import Meeting, Origin
>>> m = Meeting("S1", "T1", "s1", "i1", Origin.LOCKED, 0.5)
>>> meeting_json(m)
{'slot_id': 'S1', 'table_id': 'T1', 'a_id': 's1', 'b_id': 'i1', 'origin': 'locked', 'score': 0.5}
>>> meeting_of_json(meeting_json(m)) == m
True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from matcher.meetings.model import Meeting, Origin
from service.schemas.jobs import Schedule, ScheduleCreate
from service.settings import Settings

__all__ = ["JobInput", "job_payload", "meeting_json", "meeting_of_json", "read_job"]

_SCHEDULE: TypeAdapter[Schedule] = TypeAdapter(ScheduleCreate)


def meeting_json(meeting: Meeting) -> dict[str, Any]:
    """A meeting as a JSON object (the score at full precision)."""
    return {
        "slot_id": meeting.slot_id,
        "table_id": meeting.table_id,
        "a_id": meeting.a_id,
        "b_id": meeting.b_id,
        "origin": meeting.origin.value,
        "score": meeting.score,
    }


def meeting_of_json(data: dict[str, Any]) -> Meeting:
    """The meeting :func:`meeting_json` wrote."""
    return Meeting(
        str(data["slot_id"]),
        str(data["table_id"]),
        str(data["a_id"]),
        str(data["b_id"]),
        Origin(data["origin"]),
        float(data["score"]),
    )


@dataclass(frozen=True)
class JobInput:
    """One job as a worker reads it."""

    settings: Settings
    job_id: str
    slug: str
    schedule: Schedule
    previous: tuple[Meeting, ...] | None


def job_payload(
    settings: Settings, job_id: str, slug: str, schedule: Schedule, previous: tuple[Meeting, ...] | None
) -> bytes:
    """What the service writes to a worker's standard input (the admin key is left out)."""
    data = {
        "settings": settings.model_dump(mode="json", exclude={"admin_key", "demo_event"}),
        "job_id": job_id,
        "event_id": slug,
        "schedule": schedule.model_dump(mode="json"),
        "previous": None if previous is None else [meeting_json(m) for m in previous],
    }
    return json.dumps(data).encode()


def read_job(payload: bytes) -> JobInput:
    """The job :func:`job_payload` wrote."""
    data: dict[str, Any] = json.loads(payload)
    previous = data.get("previous")
    return JobInput(
        settings=Settings.model_validate(data["settings"]),
        job_id=str(data["job_id"]),
        slug=str(data["event_id"]),
        schedule=_SCHEDULE.validate_python(data["schedule"]),
        previous=None if previous is None else tuple(meeting_of_json(m) for m in previous),
    )
