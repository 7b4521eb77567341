"""Events in the database: create, find, list, delete, count, and the two directions between rows and ``Event``.

:func:`load_event` rebuilds the core's frozen :class:`~matcher.event.schema.Event` from the rows (participants in their
stored order), so every plan runs on a stored event exactly as on an event directory. :func:`replace_content`
stores a whole validated ``Event`` (an import): participants are upserted by id, so their keys survive, and the
event-level files (slots, tables, availability, requests, conflicts, locked meetings, sessions) are replaced.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from matcher.errors import UnknownName
from matcher.event.schema import (
    Availability,
    Conflict,
    Document,
    Event,
    LockedMeeting,
    MeetingRequest,
    Participant,
    Table,
    TableKind,
)
from service.db.models import (
    AvailabilityRow,
    ConflictRow,
    DocumentRow,
    EventRow,
    LockedRow,
    ParticipantRow,
    RequestRow,
    SessionRow,
    SlotRow,
    TableRow,
    TextKeyRow,
)
from service.exceptions import AlreadyExists
from service.store.records import (
    document_record,
    document_values,
    participant_record,
    participant_values,
    session_record,
    session_values,
    slot_record,
    slot_values,
)


def find_event(session: Session, slug: str) -> EventRow | None:
    """The event with this id, or ``None``."""
    return session.scalars(select(EventRow).where(EventRow.slug == slug)).one_or_none()


def event_row(session: Session, slug: str) -> EventRow:
    """The event with this id; :class:`UnknownName` (404) if there is none."""
    row = find_event(session, slug)
    if row is None:
        raise UnknownName(f"no event '{slug}'; list the events with GET /v1/events")
    return row


def create_event(session: Session, slug: str, name: str, model: str, settings: dict[str, object]) -> EventRow:
    """Store a new event; :class:`AlreadyExists` (409) if the id is taken."""
    if session.scalars(select(EventRow.id).where(EventRow.slug == slug)).first() is not None:
        raise AlreadyExists(f"event '{slug}' exists already; choose another id or delete it first")
    row = EventRow(slug=slug, name=name, model=model, settings=settings)
    session.add(row)
    session.flush()
    return row


def list_events(session: Session, only: Collection[int] | None, limit: int, offset: int) -> tuple[list[EventRow], int]:
    """A page of events (``only``: restricted to these event keys), oldest first, and the total."""
    query = select(EventRow)
    if only is not None:
        query = query.where(EventRow.id.in_(list(only)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(EventRow.id).limit(limit).offset(offset)).all()
    return list(rows), int(total)


def _count(session: Session, model: Any, event_id: int) -> int:
    column = model.event_id
    return int(session.scalar(select(func.count()).select_from(model).where(column == event_id)) or 0)


def counts(session: Session, event_id: int) -> dict[str, object]:
    """How many records of each kind an event holds (participants by role)."""
    roles = session.execute(
        select(ParticipantRow.role, func.count())
        .where(ParticipantRow.event_id == event_id)
        .group_by(ParticipantRow.role)
    ).all()
    documents = session.scalar(
        select(func.count())
        .select_from(DocumentRow)
        .join(ParticipantRow, DocumentRow.participant_id == ParticipantRow.id)
        .where(ParticipantRow.event_id == event_id)
    )
    return {
        "participants": {str(role): int(n) for role, n in roles},
        "documents": int(documents or 0),
        "slots": _count(session, SlotRow, event_id),
        "tables": _count(session, TableRow, event_id),
        "availability": _count(session, AvailabilityRow, event_id),
        "requests": _count(session, RequestRow, event_id),
        "conflicts": _count(session, ConflictRow, event_id),
        "locked": _count(session, LockedRow, event_id),
        "sessions": _count(session, SessionRow, event_id),
    }


def participant_ids(session: Session, event_id: int) -> dict[str, int]:
    """Participant id -> row key, for the event."""
    rows = session.execute(select(ParticipantRow.pid, ParticipantRow.id).where(ParticipantRow.event_id == event_id))
    return {pid: key for pid, key in rows}


def load_event(session: Session, row: EventRow) -> Event:
    """The core ``Event`` of the stored rows."""
    eid = row.id
    people = session.scalars(
        select(ParticipantRow)
        .where(ParticipantRow.event_id == eid)
        .order_by(ParticipantRow.position, ParticipantRow.id)
    ).all()
    pid_of = {p.id: p.pid for p in people}
    participants = tuple(participant_record(p) for p in people)
    docs = session.scalars(
        select(DocumentRow)
        .join(ParticipantRow, DocumentRow.participant_id == ParticipantRow.id)
        .where(ParticipantRow.event_id == eid)
        .order_by(ParticipantRow.position, ParticipantRow.id, DocumentRow.position)
    ).all()
    slots = session.scalars(select(SlotRow).where(SlotRow.event_id == eid).order_by(SlotRow.id)).all()
    slot_of = {s.id: s.slot_id for s in slots}
    tables = session.scalars(select(TableRow).where(TableRow.event_id == eid).order_by(TableRow.id)).all()
    table_of = {t.id: t.table_id for t in tables}

    def rows_of(model: Any) -> list[Any]:
        return list(session.scalars(select(model).where(model.event_id == eid).order_by(model.id)).all())

    return Event(
        name=row.slug,
        participants=participants,
        documents=tuple(document_record(pid_of[d.participant_id], d) for d in docs),
        slots=tuple(slot_record(s) for s in slots),
        tables=tuple(
            Table(
                table_id=t.table_id,
                name=t.name,
                kind=TableKind(t.kind),
                host_id=pid_of.get(t.host_id) if t.host_id is not None else None,
            )
            for t in tables
        ),
        availability=tuple(
            Availability(participant_id=pid_of[a.participant_id], slot_id=slot_of[a.slot_id])
            for a in rows_of(AvailabilityRow)
        ),
        requests=tuple(
            MeetingRequest(from_id=pid_of[r.from_id], to_id=pid_of[r.to_id], status=r.status)
            for r in rows_of(RequestRow)
        ),
        conflicts=tuple(Conflict(a_id=pid_of[c.a_id], b_id=pid_of[c.b_id]) for c in rows_of(ConflictRow)),
        locked=tuple(
            LockedMeeting(
                a_id=pid_of[m.a_id], b_id=pid_of[m.b_id], slot_id=slot_of[m.slot_id], table_id=table_of[m.table_id]
            )
            for m in rows_of(LockedRow)
        ),
        sessions=tuple(session_record(s) for s in rows_of(SessionRow)),
    )


def upsert_participant(
    session: Session, event_id: int, p: Participant, position: int, existing: ParticipantRow | None = None
) -> ParticipantRow:
    """Insert a participant, or overwrite ``existing`` in place (its key, keys and requests survive)."""
    values = participant_values(p)
    row = existing or ParticipantRow(event_id=event_id, position=position)
    for name, value in values.items():
        setattr(row, name, value)
    if existing is None:
        session.add(row)
    session.flush()
    return row


def replace_documents(session: Session, participant_key: int, documents: Collection[Document]) -> None:
    """Replace a participant's documents, in order."""
    session.execute(delete(DocumentRow).where(DocumentRow.participant_id == participant_key))
    session.add_all(
        DocumentRow(participant_id=participant_key, **document_values(d, i)) for i, d in enumerate(documents)
    )


def replace_text_keys(session: Session, participant_key: int, model: str, keys: Collection[bytes]) -> None:
    """Record which cached texts (keys, with the model) a participant uses."""
    session.execute(delete(TextKeyRow).where(TextKeyRow.participant_id == participant_key))
    session.add_all(TextKeyRow(participant_id=participant_key, model=model, text_key=k) for k in keys)


def replace_content(
    session: Session, row: EventRow, event: Event, keys_of: Mapping[str, Collection[bytes]], model: str
) -> None:
    """Store a whole validated event over the stored one; participants it lacks must be erased before."""
    eid = row.id
    existing = {p.pid: p for p in session.scalars(select(ParticipantRow).where(ParticipantRow.event_id == eid)).all()}
    tables_first: tuple[Any, ...] = (AvailabilityRow, LockedRow, ConflictRow, RequestRow, TableRow, SlotRow, SessionRow)
    for model_row in tables_first:
        session.execute(delete(model_row).where(model_row.event_id == eid))
    key: dict[str, int] = {}
    for position, p in enumerate(event.participants):
        stored = upsert_participant(session, eid, p, position, existing.get(p.id))
        key[p.id] = stored.id
        replace_documents(session, stored.id, event.documents_of.get(p.id, ()))
        replace_text_keys(session, stored.id, model, keys_of.get(p.id, ()))
    slots = {s.slot_id: SlotRow(event_id=eid, **slot_values(s)) for s in event.slots}
    tables = {
        t.table_id: TableRow(
            event_id=eid, table_id=t.table_id, name=t.name, kind=t.kind.value, host_id=key.get(t.host_id or "")
        )
        for t in event.tables
    }
    session.add_all([*slots.values(), *tables.values()])
    session.add_all(SessionRow(event_id=eid, **session_values(s)) for s in event.sessions)
    session.flush()
    session.add_all(
        AvailabilityRow(event_id=eid, participant_id=key[a.participant_id], slot_id=slots[a.slot_id].id)
        for a in event.availability
    )
    session.add_all(
        RequestRow(event_id=eid, from_id=key[r.from_id], to_id=key[r.to_id], status=r.status.value)
        for r in event.requests
    )
    session.add_all(ConflictRow(event_id=eid, a_id=key[c.a_id], b_id=key[c.b_id]) for c in event.conflicts)
    session.add_all(
        LockedRow(
            event_id=eid,
            a_id=key[m.a_id],
            b_id=key[m.b_id],
            slot_id=slots[m.slot_id].id,
            table_id=tables[m.table_id].id,
        )
        for m in event.locked
    )
    session.flush()


def next_position(session: Session, event_id: int) -> int:
    """The position of a participant added after every stored one."""
    last = session.scalar(select(func.max(ParticipantRow.position)).where(ParticipantRow.event_id == event_id))
    return 0 if last is None else int(last) + 1


def participants_by_key(session: Session, event_id: int) -> dict[int, str]:
    """Row key -> participant id, for the event."""
    return {key: pid for pid, key in participant_ids(session, event_id).items()}


def referenced(session: Session, model: str, keys: Collection[bytes]) -> set[bytes]:
    """The text keys among ``keys`` that some participant (of any event) still uses with ``model``."""
    found: set[bytes] = set()
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        query = select(TextKeyRow.text_key).where(TextKeyRow.model == model, TextKeyRow.text_key.in_(chunk))
        found.update(bytes(k) for k in session.scalars(query))
    return found
