"""API keys in the database (only prefixes and digests), and resolving a presented key to a :class:`Principal`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.errors import UnknownName
from service.db.models import ApiKeyRow, EventRow, ParticipantRow
from service.security import KeyRole, Principal, matches, new_key, prefix_of


def create_key(
    session: Session, role: KeyRole, event: EventRow | None, participant: ParticipantRow | None, label: str = ""
) -> tuple[str, ApiKeyRow]:
    """Store a new key; returns the key itself (shown once, never stored) and its row."""
    plain, prefix, digest = new_key()
    row = ApiKeyRow(
        prefix=prefix,
        digest=digest,
        role=role.value,
        event_id=event.id if event is not None else None,
        participant_id=participant.id if participant is not None else None,
        label=label,
    )
    session.add(row)
    session.flush()
    return plain, row


def resolve(session: Session, key: str) -> Principal | None:
    """The principal of a stored key, or ``None`` for an unknown or malformed one."""
    prefix = prefix_of(key)
    if prefix is None:
        return None
    found = session.execute(
        select(ApiKeyRow, EventRow.slug, ParticipantRow.pid)
        .outerjoin(EventRow, ApiKeyRow.event_id == EventRow.id)
        .outerjoin(ParticipantRow, ApiKeyRow.participant_id == ParticipantRow.id)
        .where(ApiKeyRow.prefix == prefix)
    ).one_or_none()
    if found is None:
        return None
    row, slug, pid = found
    if not matches(key, row.digest):
        return None
    role = KeyRole(row.role)
    if role is KeyRole.PARTICIPANT and pid is None:
        return None
    return Principal(role=role, event=slug, participant=pid, key_id=row.id)


def list_keys(session: Session, event_id: int) -> list[tuple[ApiKeyRow, str | None]]:
    """The keys of an event with their participant ids, oldest first."""
    rows = session.execute(
        select(ApiKeyRow, ParticipantRow.pid)
        .outerjoin(ParticipantRow, ApiKeyRow.participant_id == ParticipantRow.id)
        .where(ApiKeyRow.event_id == event_id)
        .order_by(ApiKeyRow.id)
    ).all()
    return [(row, pid) for row, pid in rows]


def delete_key(session: Session, event_id: int, prefix: str) -> None:
    """Revoke a key of the event by prefix; :class:`UnknownName` (404) if there is none."""
    row = session.scalars(
        select(ApiKeyRow).where(ApiKeyRow.event_id == event_id, ApiKeyRow.prefix == prefix)
    ).one_or_none()
    if row is None:
        raise UnknownName(f"no key '{prefix}' in this event; list them with GET .../keys")
    session.delete(row)
