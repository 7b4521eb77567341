"""Events: create (admin), list, read, delete; bulk import of an event directory's CSV files; API keys."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, File, Path, Response, UploadFile, status
from sqlalchemy.orm import Session

from matcher.errors import InvalidInput, Problem
from service.deps import (
    AdminDep,
    EventId,
    MemberDep,
    OrganiserDep,
    PageDep,
    PrincipalDep,
    ProfilesDep,
    RuntimeDep,
    SessionDep,
    SettingsDep,
)
from service.exceptions import TooLarge
from service.routes.common import COMMON, errors
from service.schemas.common import Page
from service.schemas.events import EventCounts, EventCreate, EventPublic, EventSettings, ImportReport
from service.schemas.keys import KeyCreate, KeyCreated, KeyPublic
from service.security import KeyRole
from service.store import events as event_store
from service.store import keys as key_store
from service.store import participants as participant_store

KeyPrefix = Annotated[str, Path(min_length=1, max_length=32, description="A key's public prefix.")]

router = APIRouter(prefix="/v1/events", tags=["events"], responses=COMMON)


def _public(session: Session, slug: str) -> EventPublic:
    row = event_store.event_row(session, slug)
    return EventPublic(
        id=row.slug,
        name=row.name,
        settings=EventSettings.stored(row.settings),
        created_at=row.created_at,
        counts=EventCounts.model_validate(event_store.counts(session, row.id)),
    )


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(409))
def create_event(
    body: EventCreate, who: AdminDep, profiles: ProfilesDep, runtime: RuntimeDep, session: SessionDep
) -> EventPublic:
    """Create an empty event with its settings (admin key); its model defaults to the service's default."""
    profiles.create_event(body, runtime.default_model)
    return _public(session, body.id)


@router.get("")
def list_events(who: PrincipalDep, page: PageDep, session: SessionDep) -> Page[EventPublic]:
    """List the events this key may see (an admin sees all, other keys their own event), oldest first."""
    only = None
    if not who.is_admin:
        own = event_store.find_event(session, who.event or "")
        only = [own.id] if own is not None else []
    rows, total = event_store.list_events(session, only, page.limit, page.offset)
    return Page(items=[_public(session, r.slug) for r in rows], total=total, limit=page.limit, offset=page.offset)


@router.get("/{event_id}")
def read_event(event_id: EventId, who: MemberDep, session: SessionDep) -> EventPublic:
    """Read an event: its settings and how many records of each kind it holds."""
    return _public(session, event_id)


@router.delete("/{event_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_event(event_id: EventId, who: OrganiserDep, profiles: ProfilesDep) -> Response:
    """Delete an event and erase everything in it: participants, cached vectors, keys, schedules (organiser)."""
    profiles.delete_event(event_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{event_id}/import")
def import_event(
    event_id: EventId,
    files: Annotated[list[UploadFile], File(description="The event directory's CSV files (participants.csv...).")],
    who: OrganiserDep,
    profiles: ProfilesDep,
    settings: SettingsDep,
    session: SessionDep,
) -> ImportReport:
    """Replace the event's content by its CSV files, validated as `matcher validate` does (organiser)."""
    contents: dict[str, bytes] = {}
    problems: list[Problem] = []
    total = 0
    for upload in files:
        name = PurePath(upload.filename or "").name
        data = upload.file.read(settings.max_upload_bytes + 1)
        total += len(data)
        if total > settings.max_upload_bytes:
            raise TooLarge(f"the upload is over {settings.max_upload_bytes} bytes; send smaller files")
        if not name:
            problems.append(Problem("upload", None, None, "a file has no name; name it like participants.csv"))
        elif name in contents:
            problems.append(Problem(name, None, None, "uploaded twice; send each file once"))
        contents[name] = data
    if problems:
        raise InvalidInput(f"{len(problems)} problem(s) in the upload", tuple(problems))
    result = profiles.import_files(event_id, contents)
    return ImportReport(
        event=_public(session, event_id),
        embedded=result.embedded,
        cached=result.cached,
        removed_participants=list(result.removed),
    )


@router.post("/{event_id}/keys", status_code=status.HTTP_201_CREATED)
def create_key(event_id: EventId, body: KeyCreate, who: OrganiserDep, session: SessionDep) -> KeyCreated:
    """Issue an organiser key, or a participant's key, for this event; the key is shown this once (organiser)."""
    event = event_store.event_row(session, event_id)
    participant = None
    if body.participant_id is not None:
        participant = participant_store.participant_row(session, event.id, body.participant_id, event_id)
    plain, row = key_store.create_key(session, KeyRole(body.role.value), event, participant, body.label)
    return KeyCreated(
        key=plain,
        prefix=row.prefix,
        role=row.role,
        participant_id=body.participant_id,
        label=row.label,
        created_at=row.created_at,
    )


@router.get("/{event_id}/keys")
def list_keys(event_id: EventId, who: OrganiserDep, page: PageDep, session: SessionDep) -> Page[KeyPublic]:
    """List the event's keys by prefix (never the keys themselves) (organiser)."""
    event = event_store.event_row(session, event_id)
    found = key_store.list_keys(session, event.id)
    items = [
        KeyPublic(prefix=row.prefix, role=row.role, participant_id=pid, label=row.label, created_at=row.created_at)
        for row, pid in found[page.offset : page.offset + page.limit]
    ]
    return Page(items=items, total=len(found), limit=page.limit, offset=page.offset)


@router.delete("/{event_id}/keys/{prefix}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_key(
    event_id: EventId, prefix: KeyPrefix, who: OrganiserDep, session: SessionDep, runtime: RuntimeDep
) -> Response:
    """Revoke one of the event's keys by its prefix (organiser); it stops working at once."""
    event = event_store.event_row(session, event_id)
    key_store.delete_key(session, event.id, prefix)
    session.commit()
    runtime.principals.clear()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
