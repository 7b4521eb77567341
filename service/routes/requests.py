"""Meeting requests between participants: send, list, read, accept or decline (the receiver), withdraw.

A declined request is a hard filter of the engine (the pair is never suggested again) and an accepted one is
scheduled first, so every change reloads the event's rules in the engine.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from matcher.errors import InvalidInput, Problem
from matcher.event.schema import RequestStatus
from service.deps import EnginesDep, EventId, MemberDep, PageDep, SessionDep
from service.engines import EngineCache
from service.exceptions import Forbidden
from service.routes.common import COMMON, errors
from service.schemas.common import Page
from service.schemas.requests import RequestCreate, RequestPublic
from service.security import Principal
from service.store import events as event_store
from service.store import participants as participant_store
from service.store import requests as request_store

RequestId = Annotated[int, Path(ge=1, le=2**62, description="The request's number.")]

router = APIRouter(prefix="/v1/events/{event_id}/requests", tags=["requests"], responses=COMMON)


def _reload(engines: EngineCache, slug: str) -> None:
    with engines.changing(slug) as change:
        change.reload()


def _may_read(who: Principal, event_id: EventId, request: RequestPublic) -> None:
    if who.is_organiser_of(event_id) or who.participant in (request.from_id, request.to_id):
        return
    raise Forbidden("a participant key reads only the requests it sent or received")


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(409))
def send_request(
    event_id: EventId, body: RequestCreate, who: MemberDep, session: SessionDep, engines: EnginesDep
) -> RequestPublic:
    """Ask a participant for a meeting: a participant key sends as itself, an organiser names the sender."""
    sender = body.from_id or who.participant
    if sender is None:
        raise InvalidInput("who sends the request?", (Problem("body", None, "from_id", "give from_id"),))
    who.require_self_or_organiser(event_id, sender)
    event = event_store.event_row(session, event_id)
    from_row = participant_store.participant_row(session, event.id, sender, event_id)
    to_row = participant_store.participant_row(session, event.id, body.to_id, event_id)
    created = request_store.create(session, event.id, from_row, to_row)
    session.commit()
    _reload(engines, event_id)
    return created


@router.get("")
def list_requests(
    event_id: EventId,
    who: MemberDep,
    page: PageDep,
    session: SessionDep,
    participant_id: Annotated[str | None, Query(max_length=128, description="Only those it sent or received.")] = None,
    status_filter: Annotated[RequestStatus | None, Query(alias="status", description="Only this status.")] = None,
) -> Page[RequestPublic]:
    """List requests: an organiser sees all (or one participant's), a participant only its own."""
    if not who.is_organiser_of(event_id):
        if participant_id not in (None, who.participant):
            raise Forbidden("a participant key lists only its own requests")
        participant_id = who.participant
    event = event_store.event_row(session, event_id)
    key = None
    if participant_id is not None:
        key = participant_store.participant_row(session, event.id, participant_id, event_id).id
    items, total = request_store.listing(session, event.id, key, status_filter, page.limit, page.offset)
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{request_id}")
def read_request(event_id: EventId, request_id: RequestId, who: MemberDep, session: SessionDep) -> RequestPublic:
    """Read one request (organiser, its sender or its receiver)."""
    event = event_store.event_row(session, event_id)
    found = request_store.get(session, event.id, request_id)
    _may_read(who, event_id, found)
    return found


def _answer(
    event_id: EventId, request_id: int, answer: RequestStatus, who: Principal, session: SessionDep, engines: EngineCache
) -> RequestPublic:
    event = event_store.event_row(session, event_id)
    found = request_store.get(session, event.id, request_id)
    _may_read(who, event_id, found)
    if not who.is_self(event_id, found.to_id):
        raise Forbidden(f"only the receiving participant '{found.to_id}' answers this request, with its own key")
    answered = request_store.answer(session, event.id, request_id, answer)
    session.commit()
    _reload(engines, event_id)
    return answered


@router.post("/{request_id}/accept")
def accept_request(
    event_id: EventId, request_id: RequestId, who: MemberDep, session: SessionDep, engines: EnginesDep
) -> RequestPublic:
    """Accept a request addressed to you (the receiving participant's key); it is scheduled first."""
    return _answer(event_id, request_id, RequestStatus.ACCEPTED, who, session, engines)


@router.post("/{request_id}/decline")
def decline_request(
    event_id: EventId, request_id: RequestId, who: MemberDep, session: SessionDep, engines: EnginesDep
) -> RequestPublic:
    """Decline a request addressed to you (the receiving participant's key); the pair is never suggested again."""
    return _answer(event_id, request_id, RequestStatus.DECLINED, who, session, engines)


@router.delete("/{request_id}", status_code=status.HTTP_204_NO_CONTENT)
def withdraw_request(
    event_id: EventId, request_id: RequestId, who: MemberDep, session: SessionDep, engines: EnginesDep
) -> Response:
    """Withdraw a request (its sender) or remove it (organiser)."""
    event = event_store.event_row(session, event_id)
    found = request_store.get(session, event.id, request_id)
    if not (who.is_organiser_of(event_id) or who.is_self(event_id, found.from_id)):
        raise Forbidden("only the sender or an organiser removes a request")
    request_store.delete(session, event.id, request_id)
    session.commit()
    _reload(engines, event_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
