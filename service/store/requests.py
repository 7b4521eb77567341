"""Meeting requests in the database: send, find, list (for one participant or all), answer, withdraw."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from matcher.errors import InvalidInput, Problem, UnknownName
from matcher.event.schema import RequestStatus
from service.db.models import ParticipantRow, RequestRow, utcnow
from service.exceptions import AlreadyExists
from service.schemas.requests import RequestPublic

_From = aliased(ParticipantRow)
_To = aliased(ParticipantRow)


def _query() -> Any:
    return (
        select(RequestRow, _From.pid, _To.pid)
        .join(_From, RequestRow.from_id == _From.id)
        .join(_To, RequestRow.to_id == _To.id)
    )


def public(row: RequestRow, from_pid: str, to_pid: str) -> RequestPublic:
    """A request as shown."""
    return RequestPublic(
        id=row.id,
        from_id=from_pid,
        to_id=to_pid,
        status=RequestStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def create(session: Session, event_id: int, sender: ParticipantRow, receiver: ParticipantRow) -> RequestPublic:
    """A new pending request; one per ordered pair."""
    if sender.id == receiver.id:
        raise InvalidInput(
            "a participant cannot request a meeting with itself",
            (Problem("body", None, "to_id", f"'{receiver.pid}' is the sender; name another participant"),),
        )
    taken = select(RequestRow.id).where(RequestRow.from_id == sender.id, RequestRow.to_id == receiver.id)
    if session.scalars(taken).first() is not None:
        raise AlreadyExists(f"'{sender.pid}' has already sent '{receiver.pid}' a request")
    row = RequestRow(event_id=event_id, from_id=sender.id, to_id=receiver.id, status=RequestStatus.PENDING.value)
    session.add(row)
    session.flush()
    return public(row, sender.pid, receiver.pid)


def get(session: Session, event_id: int, request_id: int) -> RequestPublic:
    """One request of the event; :class:`UnknownName` (404) if there is none."""
    found = session.execute(_query().where(RequestRow.event_id == event_id, RequestRow.id == request_id)).one_or_none()
    if found is None:
        raise UnknownName(f"no request {request_id} in this event")
    return public(*found)


def listing(
    session: Session, event_id: int, participant: int | None, status: RequestStatus | None, limit: int, offset: int
) -> tuple[list[RequestPublic], int]:
    """A page of the event's requests (``participant``: only those it sent or received), oldest first."""
    query = _query().where(RequestRow.event_id == event_id)
    if participant is not None:
        query = query.where(or_(RequestRow.from_id == participant, RequestRow.to_id == participant))
    if status is not None:
        query = query.where(RequestRow.status == status.value)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(RequestRow.id).limit(limit).offset(offset)).all()
    return [public(*found) for found in rows], int(total)


def answer(session: Session, event_id: int, request_id: int, status: RequestStatus) -> RequestPublic:
    """Set a request's status (accepted or declined)."""
    row = session.get(RequestRow, request_id)
    if row is None or row.event_id != event_id:
        raise UnknownName(f"no request {request_id} in this event")
    row.status = status.value
    row.updated_at = utcnow()
    session.flush()
    return get(session, event_id, request_id)


def delete(session: Session, event_id: int, request_id: int) -> None:
    """Remove a request of the event."""
    row = session.get(RequestRow, request_id)
    if row is None or row.event_id != event_id:
        raise UnknownName(f"no request {request_id} in this event")
    session.delete(row)
    session.flush()
