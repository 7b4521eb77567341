"""Participants: create, list, read, replace, erase; their suggestions and their meeting agenda."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from matcher.errors import UnknownName
from matcher.event.schema import Role
from matcher.exports.ics import participant_calendar
from service.deps import (
    EnginesDep,
    EventId,
    OrganiserDep,
    PageDep,
    ParticipantId,
    ProfilesDep,
    RuntimeDep,
    SelfOrOrganiserDep,
    SessionDep,
    SuggestionsDep,
)
from service.exceptions import Forbidden
from service.routes.common import COMMON, errors
from service.schedules import meetings_of
from service.schemas.common import Page
from service.schemas.jobs import JobKind, JobStatus
from service.schemas.participants import ParticipantCreate, ParticipantPublic, ParticipantUpdate
from service.schemas.suggestions import SuggestionPublic
from service.store import events as event_store
from service.store import jobs as job_store
from service.store import participants as participant_store
from service.store.records import participant_record

router = APIRouter(prefix="/v1/events/{event_id}/participants", tags=["participants"], responses=COMMON)


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(409))
def create_participant(
    event_id: EventId, body: ParticipantCreate, who: OrganiserDep, profiles: ProfilesDep
) -> ParticipantPublic:
    """Add a participant; only its texts are embedded and it joins the index at once (organiser)."""
    return profiles.create(event_id, body)


@router.get("")
def list_participants(
    event_id: EventId,
    who: OrganiserDep,
    page: PageDep,
    session: SessionDep,
    role: Annotated[Role | None, Query(description="Only participants of this role.")] = None,
) -> Page[ParticipantPublic]:
    """List the event's participants, with e-mails and documents, in their stored order (organiser)."""
    event = event_store.event_row(session, event_id)
    rows, total = participant_store.list_participants(session, event.id, role, page.limit, page.offset)
    items = [ParticipantPublic.of(participant_record(r), participant_store.documents_of(session, r)) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


@router.get("/{participant_id}")
def read_participant(
    event_id: EventId, participant_id: ParticipantId, who: SelfOrOrganiserDep, session: SessionDep
) -> ParticipantPublic:
    """Read a participant's profile (organiser, or the participant itself)."""
    event = event_store.event_row(session, event_id)
    row = participant_store.participant_row(session, event.id, participant_id, event_id)
    return ParticipantPublic.of(participant_record(row), participant_store.documents_of(session, row))


@router.put("/{participant_id}")
def replace_participant(
    event_id: EventId, participant_id: ParticipantId, body: ParticipantUpdate, who: OrganiserDep, profiles: ProfilesDep
) -> ParticipantPublic:
    """Replace a participant's profile and documents; its index entry is updated in place (organiser)."""
    return profiles.update(event_id, participant_id, body)


@router.delete("/{participant_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_participant(
    event_id: EventId, participant_id: ParticipantId, who: OrganiserDep, profiles: ProfilesDep
) -> Response:
    """Erase a participant everywhere: rows, requests, keys, index, cached vectors; its meetings are cancelled."""
    profiles.delete(event_id, participant_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{participant_id}/suggestions", response_model=list[SuggestionPublic])
async def suggestions(
    event_id: EventId,
    participant_id: ParticipantId,
    who: SelfOrOrganiserDep,
    runtime: RuntimeDep,
    bodies: SuggestionsDep,
    role: Annotated[Role, Query(description="Role of the suggested participants.")],
    k: Annotated[int, Query(ge=1, le=1000, description="Number of suggestions (capped by the service).")] = 10,
) -> Response:
    """Ranked suggestions with scores and explanations, as `matcher suggest --json` (organiser, or itself)."""
    k = min(k, runtime.settings.suggestions_max)
    body = await runtime.compute(bodies.json, event_id, participant_id, role, k, short=bodies.ready(event_id))
    return Response(body, media_type="application/json")


@router.get(
    "/{participant_id}/agenda.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "An RFC 5545 calendar"}},
)
def agenda(
    event_id: EventId,
    participant_id: ParticipantId,
    who: SelfOrOrganiserDep,
    engines: EnginesDep,
    session: SessionDep,
    job_id: Annotated[str | None, Query(max_length=32, description="A meetings job (default: the latest).")] = None,
) -> Response:
    """The participant's meetings as an .ics calendar, from the latest (or the given) meetings schedule."""
    event = event_store.event_row(session, event_id)
    participant_store.participant_row(session, event.id, participant_id, event_id)
    if job_id is None:
        row = job_store.latest_succeeded(session, event.id, JobKind.MEETINGS)
        if row is None:
            raise UnknownName(f"event '{event_id}' has no meeting schedule yet; POST a schedule of kind meetings")
    else:
        row, _ = job_store.get(session, job_id)
        if row.event_id != event.id:
            raise Forbidden(f"job '{job_id}' belongs to another event")
        if row.kind != JobKind.MEETINGS.value or row.status != JobStatus.SUCCEEDED.value:
            raise UnknownName(f"job '{job_id}' is not a finished meetings schedule")
    stored = engines.event(event_id)
    slots = {s.slot_id for s in stored.slots}
    meetings = [
        m
        for m in meetings_of(job_store.items(session, row.id))
        if m.slot_id in slots and m.a_id in stored.by_id and m.b_id in stored.by_id
    ]
    calendar = participant_calendar(stored, meetings, participant_id)
    return Response(
        calendar,
        media_type="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{participant_id}.ics"'},
    )
