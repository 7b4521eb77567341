"""Participants in the database: find, list, and erase (every row that names them; their meetings cancelled)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from matcher.errors import UnknownName
from matcher.event.schema import Document, Role
from service.db.models import (
    ApiKeyRow,
    AvailabilityRow,
    ConflictRow,
    DocumentRow,
    JobItemRow,
    JobRow,
    LockedRow,
    ParticipantRow,
    RequestRow,
    TableRow,
    TextKeyRow,
)
from service.store.records import document_record

CHUNK = 500


def _chunks(values: Sequence[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


def participant_row(session: Session, event_id: int, pid: str, event_slug: str = "") -> ParticipantRow:
    """The participant with this id in the event; :class:`UnknownName` (404) if there is none."""
    row = session.scalars(
        select(ParticipantRow).where(ParticipantRow.event_id == event_id, ParticipantRow.pid == pid)
    ).one_or_none()
    if row is None:
        raise UnknownName(f"no participant '{pid}' in event '{event_slug}'; check the id")
    return row


def exists(session: Session, event_id: int, pid: str) -> bool:
    """Whether the event has a participant with this id."""
    query = select(ParticipantRow.id).where(ParticipantRow.event_id == event_id, ParticipantRow.pid == pid)
    return session.scalars(query).first() is not None


def documents_of(session: Session, row: ParticipantRow) -> tuple[Document, ...]:
    """A participant's documents as core records, in order."""
    docs = session.scalars(
        select(DocumentRow).where(DocumentRow.participant_id == row.id).order_by(DocumentRow.position)
    ).all()
    return tuple(document_record(row.pid, d) for d in docs)


def list_participants(
    session: Session, event_id: int, role: Role | None, limit: int, offset: int
) -> tuple[list[ParticipantRow], int]:
    """A page of an event's participants in their stored order, and the total."""
    query = select(ParticipantRow).where(ParticipantRow.event_id == event_id)
    if role is not None:
        query = query.where(ParticipantRow.role == role.value)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(ParticipantRow.position, ParticipantRow.id).limit(limit).offset(offset))
    return list(rows.all()), int(total)


def text_keys(session: Session, participant_keys: Collection[int]) -> dict[str, set[bytes]]:
    """The cached-text keys these participants use, by model."""
    out: dict[str, set[bytes]] = {}
    for chunk in _chunks(list(participant_keys)):
        rows = session.execute(
            select(TextKeyRow.model, TextKeyRow.text_key).where(TextKeyRow.participant_id.in_(chunk))
        )
        for model, key in rows:
            out.setdefault(model, set()).add(bytes(key))
    return out


def cancel_items(session: Session, event_id: int, pids: Collection[str]) -> int:
    """Mark the stored schedule items of these participants cancelled (and drop their explanation texts)."""
    jobs = select(JobRow.id).where(JobRow.event_id == event_id)
    changed = 0
    for chunk in _chunks(sorted(pids)):
        result = session.execute(
            update(JobItemRow)
            .where(JobItemRow.job_id.in_(jobs), or_(JobItemRow.a_id.in_(chunk), JobItemRow.b_id.in_(chunk)))
            .values(status="cancelled", explanation=None)
        )
        changed += int(getattr(result, "rowcount", 0) or 0)
    return changed


def erase(session: Session, event_id: int, pids: Collection[str]) -> dict[str, set[bytes]]:
    """Delete participants and every row naming them; returns the text keys they used (by model).

    The caller deletes the cached vectors of those keys that no remaining participant uses, after the commit.
    """
    keys = [
        key
        for chunk in _chunks(sorted(pids))
        for key in session.scalars(
            select(ParticipantRow.id).where(ParticipantRow.event_id == event_id, ParticipantRow.pid.in_(chunk))
        )
    ]
    used = text_keys(session, keys)
    cancel_items(session, event_id, pids)
    for chunk in _chunks(keys):
        session.execute(update(TableRow).where(TableRow.host_id.in_(chunk)).values(host_id=None))
        children: tuple[tuple[Any, tuple[Any, ...]], ...] = (
            (DocumentRow, (DocumentRow.participant_id,)),
            (TextKeyRow, (TextKeyRow.participant_id,)),
            (AvailabilityRow, (AvailabilityRow.participant_id,)),
            (RequestRow, (RequestRow.from_id, RequestRow.to_id)),
            (ConflictRow, (ConflictRow.a_id, ConflictRow.b_id)),
            (LockedRow, (LockedRow.a_id, LockedRow.b_id)),
            (ApiKeyRow, (ApiKeyRow.participant_id,)),
        )
        for model, columns in children:
            session.execute(delete(model).where(or_(*(column.in_(chunk) for column in columns))))
        session.execute(delete(ParticipantRow).where(ParticipantRow.id.in_(chunk)))
    session.flush()
    return used
