"""Jobs and their result rows in the database."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from matcher.errors import UnknownName
from service.db.models import EventRow, JobItemRow, JobRow, utcnow
from service.schemas.common import ErrorBody
from service.schemas.jobs import JobItem, JobKind, JobPublic, JobStatus

INTERRUPTED = ErrorBody(
    error="interrupted",
    message="the service stopped while this job was queued or running; submit the schedule again",
)


def public(row: JobRow, slug: str) -> JobPublic:
    """A job as shown, with its event's id."""
    return JobPublic(
        id=row.id,
        event_id=slug,
        kind=JobKind(row.kind),
        status=JobStatus(row.status),
        progress=row.progress,
        message=row.message,
        options=row.options,
        error=ErrorBody.model_validate(row.error) if row.error else None,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def create(session: Session, event: EventRow, kind: JobKind, options: dict[str, Any]) -> JobRow:
    """A new queued job of the event."""
    row = JobRow(
        id=uuid.uuid4().hex,
        event_id=event.id,
        kind=kind.value,
        options=options,
        status=JobStatus.QUEUED.value,
        progress=0.0,
        message="queued",
    )
    session.add(row)
    session.flush()
    return row


def get(session: Session, job_id: str) -> tuple[JobRow, str]:
    """A job and its event's id; :class:`UnknownName` (404) if there is none."""
    found = session.execute(
        select(JobRow, EventRow.slug).join(EventRow, JobRow.event_id == EventRow.id).where(JobRow.id == job_id)
    ).one_or_none()
    if found is None:
        raise UnknownName(f"no job '{job_id}'; list an event's jobs with GET /v1/events/{{event_id}}/schedules")
    return found[0], found[1]


def listing(session: Session, event_id: int, kind: JobKind | None, limit: int, offset: int) -> tuple[list[JobRow], int]:
    """A page of an event's jobs, newest first, and the total."""
    query = select(JobRow).where(JobRow.event_id == event_id)
    if kind is not None:
        query = query.where(JobRow.kind == kind.value)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(JobRow.created_at.desc(), JobRow.id).limit(limit).offset(offset)).all()
    return list(rows), int(total)


def latest_succeeded(session: Session, event_id: int, kind: JobKind) -> JobRow | None:
    """The event's most recently finished successful job of a kind, if any."""
    return session.scalars(
        select(JobRow)
        .where(JobRow.event_id == event_id, JobRow.kind == kind.value, JobRow.status == JobStatus.SUCCEEDED.value)
        .order_by(JobRow.finished_at.desc(), JobRow.id)
        .limit(1)
    ).first()


def set_progress(session: Session, job_id: str, progress: float, message: str, status: JobStatus) -> None:
    """Record a running job's progress (a failed job stays failed)."""
    values: dict[str, Any] = {"progress": progress, "message": message, "status": status.value}
    if status is JobStatus.RUNNING:
        values["started_at"] = utcnow()
    session.execute(update(JobRow).where(JobRow.id == job_id, JobRow.status != JobStatus.FAILED.value).values(values))


def finish(
    session: Session, job_id: str, summary: dict[str, Any] | None, items: Sequence[JobItem], error: ErrorBody | None
) -> None:
    """Record a job's outcome: its summary and rows, or the error it failed with."""
    status = JobStatus.FAILED if error is not None else JobStatus.SUCCEEDED
    session.execute(
        update(JobRow)
        .where(JobRow.id == job_id)
        .values(
            status=status.value,
            progress=1.0,
            message=status.value if error is None else error.message,
            summary=summary,
            error=error.model_dump(mode="json") if error is not None else None,
            finished_at=utcnow(),
        )
    )
    session.add_all(JobItemRow(job_id=job_id, **item.model_dump()) for item in items)


def items(session: Session, job_id: str) -> list[JobItem]:
    """A job's result rows, in order."""
    rows = session.scalars(select(JobItemRow).where(JobItemRow.job_id == job_id).order_by(JobItemRow.id)).all()
    fields = ("kind", "a_id", "b_id", "slot_id", "table_id", "position", "origin", "score", "explanation", "status")
    return [JobItem.model_validate({name: getattr(r, name) for name in fields}) for r in rows]


def fail_unfinished(session: Session) -> int:
    """Mark every queued or running job failed (start-up: no worker runs them any more)."""
    result = session.execute(
        update(JobRow)
        .where(JobRow.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]))
        .values(
            status=JobStatus.FAILED.value,
            message=INTERRUPTED.message,
            error=INTERRUPTED.model_dump(mode="json"),
            finished_at=utcnow(),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
