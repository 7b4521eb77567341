"""Solving one job and recording its outcome: what a worker process runs (:mod:`service.worker`).

It sits below both :mod:`service.jobs` (which records what a worker could not, with :func:`record_failure`) and
:mod:`service.worker`, and imports neither.
"""

from __future__ import annotations

import logging

from matcher.meetings.model import Meeting
from service.db.session import Database
from service.engines import EngineCache
from service.errors import INTERNAL, error_of
from service.schedules import run
from service.schemas.common import ErrorBody
from service.schemas.jobs import JobStatus, Schedule
from service.settings import Settings
from service.store import jobs as job_store

log = logging.getLogger("service.jobs")


def _progress(db: Database, job_id: str, progress: float, message: str) -> None:
    with db.session() as session:
        job_store.set_progress(session, job_id, progress, message, JobStatus.RUNNING)


def record_failure(db: Database, job_id: str, body: ErrorBody) -> None:
    """Record that a job failed with ``body`` (logged, not raised, when the job is gone with its event)."""
    try:
        with db.session() as session:
            job_store.finish(session, job_id, None, (), body)
    except Exception:
        log.exception("job %s: cannot record its failure (was its event deleted?)", job_id)


def execute(
    db: Database,
    engines: EngineCache,
    settings: Settings,
    job_id: str,
    slug: str,
    schedule: Schedule,
    previous: tuple[Meeting, ...] | None,
) -> None:
    """Solve one job and record its outcome (result or error body) in the database.

    ``previous`` is the schedule a meetings job re-plans from; ``None`` plans afresh.
    """
    try:
        _progress(db, job_id, 0.05, "loading the event and its index")
        engine = engines.get(slug)
        _progress(db, job_id, 0.25, f"solving ({schedule.kind})")
        outcome = run(engine, schedule, settings.job_time_limit_max, settings.solver_workers, previous)
        _progress(db, job_id, 0.95, "storing the result")
        with db.session() as session:
            job_store.finish(session, job_id, outcome.summary, outcome.items, None)
    except Exception as exc:
        status, body = error_of(exc)
        if status == 500:
            log.error("job %s (%s) failed", job_id, schedule.kind, exc_info=exc)
            body = INTERNAL
        record_failure(db, job_id, body)
