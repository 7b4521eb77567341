"""Dependencies of the routes, as ``Annotated`` aliases (tests swap them with ``app.dependency_overrides``).

Example
-------
>>> @router.get("/v1/events/{event_id}")                                 # doctest: +SKIP
... def read(event_id: str, who: PrincipalDep, session: SessionDep) -> EventPublic: ...
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from matcher.errors import InvalidInput, Problem
from service.engines import EngineCache
from service.exceptions import NotAuthenticated
from service.jobs import JobRunner
from service.profiles import Profiles
from service.runtime import Runtime
from service.security import KeyRole, Principal, digest_of
from service.settings import Settings
from service.store import keys as key_store
from service.suggestions import SuggestionBodies

_ID = r"^[A-Za-z0-9][A-Za-z0-9._:\-]*$"

EventId = Annotated[
    str, Path(min_length=1, max_length=128, pattern=_ID, examples=["sample-event"], description="The event's id.")
]
ParticipantId = Annotated[
    str, Path(min_length=1, max_length=128, pattern=_ID, examples=["s001"], description="A participant's id.")
]
JobId = Annotated[str, Path(min_length=32, max_length=32, pattern="^[0-9a-f]{32}$", description="A job's id.")]


def _query_names(dependant: Any) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def known_query_only(request: Request) -> None:
    """Refuse query parameters a route does not take (``?limt=5`` is a typo, not a default page)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None or not request.query_params:
        return
    allowed = _query_names(dependant)
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        hint = f"use {', '.join(sorted(allowed))}" if allowed else "this route takes none"
        raise InvalidInput(
            f"unknown query parameter(s): {', '.join(unknown)}",
            tuple(Problem("query", None, name, f"unknown parameter '{name}'; {hint}") for name in unknown),
        )


async def get_runtime(request: Request) -> Runtime:
    """The running service's parts (built by the lifespan)."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_settings(runtime: RuntimeDep) -> Settings:
    """The service's settings."""
    return runtime.settings


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    """A database session, committed before the response is sent (rolled back on error)."""
    with runtime.db.session() as session:
        yield session


async def get_engines(runtime: RuntimeDep) -> EngineCache:
    """The per-event engines."""
    return runtime.engines


async def get_suggestions(runtime: RuntimeDep) -> SuggestionBodies:
    """Suggestions as JSON bodies, remembered until their event changes."""
    return runtime.suggestions


async def get_profiles(runtime: RuntimeDep) -> Profiles:
    """Changes to events and participants (database, cache and index together)."""
    return runtime.profiles


async def get_jobs(runtime: RuntimeDep) -> JobRunner:
    """The schedule job runner."""
    return runtime.jobs


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
EnginesDep = Annotated[EngineCache, Depends(get_engines)]
SuggestionsDep = Annotated[SuggestionBodies, Depends(get_suggestions)]
ProfilesDep = Annotated[Profiles, Depends(get_profiles)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key: `Authorization: Bearer mk_...` (from `matcher keys create` or POST .../keys).",
)


async def get_principal(
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Who is calling: the admin key of the settings, or a stored key; 401 without a known key."""
    if credentials is None or not credentials.credentials:
        raise NotAuthenticated("send an API key: Authorization: Bearer <key>")
    key = credentials.credentials
    digest = digest_of(key)
    admin = runtime.settings.admin_key
    if admin is not None and hmac.compare_digest(digest, digest_of(admin.get_secret_value())):
        return Principal(role=KeyRole.ADMIN)
    principal = runtime.principals.get(digest)
    if principal is None:
        principal = await run_in_threadpool(_lookup, runtime, key)
        if principal is None:
            raise NotAuthenticated("unknown API key; create one with `matcher keys create`")
        runtime.principals.put(digest, principal)
    return principal


def _lookup(runtime: Runtime, key: str) -> Principal | None:
    with runtime.db.session() as session:
        return key_store.resolve(session, key)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


@dataclass(frozen=True)
class PageParams:
    """The page a list route returns: at most ``limit`` items after ``offset``."""

    limit: int
    offset: int


async def get_page(
    settings: SettingsDep,
    limit: Annotated[
        int, Query(ge=1, le=10_000, description="Items per page (capped at the service's page_max).")
    ] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9, description="Items skipped.")] = 0,
) -> PageParams:
    """Pagination parameters; the limit is capped at ``settings.page_max`` (the page says which was used)."""
    return PageParams(min(limit, settings.page_max), offset)


PageDep = Annotated[PageParams, Depends(get_page)]


async def admin_only(who: PrincipalDep) -> Principal:
    """An admin key (checked before the body is validated)."""
    who.require_admin()
    return who


async def event_member(event_id: EventId, who: PrincipalDep) -> Principal:
    """Any key of the event in the path."""
    who.require_event(event_id)
    return who


async def event_organiser(event_id: EventId, who: PrincipalDep) -> Principal:
    """An organiser key of the event in the path (or an admin key)."""
    who.require_organiser(event_id)
    return who


async def self_or_organiser(event_id: EventId, participant_id: ParticipantId, who: PrincipalDep) -> Principal:
    """The participant in the path itself, or an organiser of its event."""
    who.require_self_or_organiser(event_id, participant_id)
    return who


AdminDep = Annotated[Principal, Depends(admin_only)]
MemberDep = Annotated[Principal, Depends(event_member)]
OrganiserDep = Annotated[Principal, Depends(event_organiser)]
SelfOrOrganiserDep = Annotated[Principal, Depends(self_or_organiser)]
