"""Schedules as jobs: start one (202 and a job id), list them, follow a job, fetch its result as JSON or CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from sqlalchemy.orm import Session

from service.deps import EventId, JobId, JobsDep, OrganiserDep, PageDep, PrincipalDep, SessionDep
from service.exceptions import JobFailed, NotReady
from service.routes.common import COMMON, errors
from service.schedules import result_csv
from service.schemas.common import Page
from service.schemas.jobs import JobKind, JobPublic, JobResult, JobStatus, ScheduleCreate
from service.security import Principal
from service.store import events as event_store
from service.store import jobs as job_store

router = APIRouter(tags=["schedules"], responses=COMMON)


@router.post("/v1/events/{event_id}/schedules", status_code=status.HTTP_202_ACCEPTED, responses=errors(409))
def start_schedule(
    event_id: EventId, body: ScheduleCreate, who: OrganiserDep, jobs: JobsDep, session: SessionDep, response: Response
) -> JobPublic:
    """Start solving a schedule (meetings, mentors or pitches) in the background; follow it at /v1/jobs/{id}."""
    job_id = jobs.submit(event_id, body)
    response.headers["Location"] = f"/v1/jobs/{job_id}"
    row, slug = job_store.get(session, job_id)
    return job_store.public(row, slug)


@router.get("/v1/events/{event_id}/schedules")
def list_schedules(
    event_id: EventId,
    who: OrganiserDep,
    page: PageDep,
    session: SessionDep,
    kind: Annotated[JobKind | None, Query(description="Only jobs of this kind.")] = None,
) -> Page[JobPublic]:
    """List the event's schedule jobs, newest first (organiser)."""
    event = event_store.event_row(session, event_id)
    rows, total = job_store.listing(session, event.id, kind, page.limit, page.offset)
    items = [job_store.public(r, event_id) for r in rows]
    return Page(items=items, total=total, limit=page.limit, offset=page.offset)


def _job(session: Session, job_id: str, who: Principal) -> JobPublic:
    row, slug = job_store.get(session, job_id)
    who.require_organiser(slug)
    return job_store.public(row, slug)


@router.get("/v1/jobs/{job_id}")
def read_job(job_id: JobId, who: PrincipalDep, session: SessionDep) -> JobPublic:
    """A job's status (queued, running, succeeded, failed), progress and error (organiser of its event)."""
    return _job(session, job_id, who)


def _finished(session: Session, job_id: str, who: Principal) -> JobPublic:
    job = _job(session, job_id, who)
    if job.status is JobStatus.FAILED and job.error is not None:
        raise JobFailed(job.error)
    if job.status is not JobStatus.SUCCEEDED:
        raise NotReady(f"job '{job_id}' is {job.status.value} ({job.progress:.0%}); poll GET /v1/jobs/{job_id}")
    return job


@router.get("/v1/jobs/{job_id}/result", responses=errors(409))
def job_result(job_id: JobId, who: PrincipalDep, session: SessionDep) -> JobResult:
    """A finished job's summary and rows as JSON; 409 while it runs, or with why it failed (e.g. infeasible)."""
    job = _finished(session, job_id, who)
    row, _ = job_store.get(session, job_id)
    return JobResult(job=job, summary=row.summary or {}, items=job_store.items(session, job_id))


@router.get(
    "/v1/jobs/{job_id}/result.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "One row per item"}, **errors(409)},
)
def job_result_csv(job_id: JobId, who: PrincipalDep, session: SessionDep) -> Response:
    """A finished job's rows as CSV (the columns of the CLI's files, plus status)."""
    job = _finished(session, job_id, who)
    event = None
    if job.kind is JobKind.MEETINGS:  # the slots' start and end, as in the CLI's meetings.csv
        event = event_store.load_event(session, event_store.event_row(session, job.event_id))
    text = result_csv(job.kind, job_store.items(session, job_id), event)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{job.kind.value}-{job_id}.csv"'},
    )
