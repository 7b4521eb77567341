"""Conversions between database rows and the core's frozen records (the rows hold validated values only)."""

from __future__ import annotations

from typing import Any

from matcher.event.schema import Document, Participant, PitchSession, Slot
from service.db.models import DocumentRow, ParticipantRow, SessionRow, SlotRow

#: Every field of :class:`~matcher.event.schema.Participant` but ``id`` (stored as ``pid``); a test pins this list.
PARTICIPANT_FIELDS = (
    "name",
    "role",
    "organisation",
    "country",
    "languages",
    "sectors",
    "description",
    "stage",
    "ticket_min_eur",
    "ticket_max_eur",
    "max_meetings",
    "mentor_capacity",
    "deals",
    "attendance",
    "timezone",
    "email",
)


def participant_values(p: Participant) -> dict[str, Any]:
    """Column values of a participant row (lists as JSON arrays, enums as their values)."""
    data = p.model_dump(mode="json")
    return {"pid": p.id, **{name: data[name] for name in PARTICIPANT_FIELDS}}


def participant_record(row: ParticipantRow) -> Participant:
    """The core record of a stored participant."""
    data = {name: getattr(row, name) for name in PARTICIPANT_FIELDS}
    return Participant.model_validate({"id": row.pid, **data})


def document_values(doc: Document, position: int) -> dict[str, Any]:
    """Column values of a document row."""
    return {"position": position, "title": doc.title, "text": doc.text}


def document_record(pid: str, row: DocumentRow) -> Document:
    """The core record of a stored document."""
    return Document(participant_id=pid, title=row.title, text=row.text)


def slot_values(slot: Slot) -> dict[str, Any]:
    """Column values of a slot row."""
    return {"slot_id": slot.slot_id, "starts_at": slot.start.isoformat(), "ends_at": slot.end.isoformat()}


def slot_record(row: SlotRow) -> Slot:
    """The core record of a stored slot."""
    return Slot.model_validate({"slot_id": row.slot_id, "start": row.starts_at, "end": row.ends_at})


def session_values(s: PitchSession) -> dict[str, Any]:
    """Column values of a pitching-session row."""
    return {
        "session_id": s.session_id,
        "starts_at": s.start.isoformat(),
        "ends_at": s.end.isoformat(),
        "room": s.room,
        "max_pitches": s.max_pitches,
        "min_jury": s.min_jury,
        "max_jury": s.max_jury,
        "theme": s.theme,
    }


def session_record(row: SessionRow) -> PitchSession:
    """The core record of a stored pitching session."""
    return PitchSession.model_validate(
        {
            "session_id": row.session_id,
            "start": row.starts_at,
            "end": row.ends_at,
            "room": row.room,
            "max_pitches": row.max_pitches,
            "min_jury": row.min_jury,
            "max_jury": row.max_jury,
            "theme": row.theme,
        }
    )
