"""Schedule jobs: each runs in its own worker process, so neither a slow nor a crashing solver touches the API.

A pool of ``job_workers`` threads queues the jobs; each thread starts one process per job (``python -m
service.worker``, see :mod:`service.worker`) and waits for it. The process rebuilds the event's engine from the
database and the embedding cache (no model load: every text a plan embeds is cached at import), solves, and writes
progress and the result to the database. A process that dies
without recording an outcome (a native solver abort, a kill) leaves its job failed with ``solver_failed``. Jobs left
queued or running by a previous service process are marked failed at start-up (``interrupted``); a worker process
exits when the service is gone, so it never outlives it. Run one service process per database.

Example
-------
>>> job_id = runner.submit("demo", MentorsSchedule(kind="mentors"))       # doctest: +SKIP
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy.orm import Session

from matcher.meetings.model import Meeting
from service.db.session import Database
from service.engines import EngineCache
from service.errors import INTERNAL, error_of
from service.exceptions import Forbidden, NotReady
from service.schedules import MeetingsSchedule, Schedule, meetings_of, run
from service.schemas.common import ErrorBody
from service.schemas.jobs import JobKind, JobStatus
from service.settings import Settings
from service.store import events as event_store
from service.store import jobs as job_store
from service.worker import job_payload

log = logging.getLogger("service.jobs")


def _progress(db: Database, job_id: str, progress: float, message: str) -> None:
    with db.session() as session:
        job_store.set_progress(session, job_id, progress, message, JobStatus.RUNNING)


def _record(db: Database, job_id: str, body: ErrorBody) -> None:
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
    previous: tuple[Meeting, ...],
) -> None:
    """Solve one job and record its outcome (result or error body) in the database."""
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
        _record(db, job_id, body)


def _crashed(code: int | None) -> str:
    return (
        f"the job's worker process stopped (exit code {code}) before it finished; retry, lower the "
        "time limit, or try another solver"
    )


class JobRunner:
    """Queues schedules and runs each in a worker process; records what the processes could not."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=settings.job_workers, thread_name_prefix="matcher-job")
        self._lock = threading.Lock()
        self._futures: dict[str, Future[None]] = {}
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self._closing = False

    def recover(self) -> int:
        """Mark jobs a previous process left unfinished as failed; returns how many."""
        with self.db.session() as session:
            count = job_store.fail_unfinished(session)
        if count:
            log.warning("marked %d interrupted job(s) failed", count)
        return count

    def submit(self, slug: str, schedule: Schedule) -> str:
        """Queue a schedule of the event; returns the job id at once."""
        with self.db.session() as session:
            event = event_store.event_row(session, slug)
            previous = self._previous(session, event.id, schedule)
            row = job_store.create(session, event, JobKind(schedule.kind), schedule.options.model_dump(mode="json"))
            job_id = row.id
        with self._lock:
            future = self._pool.submit(self._supervise, job_id, slug, schedule, previous)
            self._futures[job_id] = future
        future.add_done_callback(lambda _: self._forget(job_id))
        return job_id

    def _previous(self, session: Session, event_key: int, schedule: Schedule) -> tuple[Meeting, ...]:
        """The meetings of the finished schedule a meetings job re-plans from (none by default)."""
        if not isinstance(schedule, MeetingsSchedule) or schedule.options.previous_job is None:
            return ()
        row, _ = job_store.get(session, schedule.options.previous_job)
        if row.event_id != event_key:
            raise Forbidden(f"job '{row.id}' belongs to another event")
        if row.kind != JobKind.MEETINGS.value or row.status != JobStatus.SUCCEEDED.value:
            raise NotReady(f"job '{row.id}' is not a finished meetings schedule; re-plan from one that is")
        return meetings_of(job_store.items(session, row.id))

    def _forget(self, job_id: str) -> None:
        with self._lock:
            self._futures.pop(job_id, None)

    def _supervise(self, job_id: str, slug: str, schedule: Schedule, previous: tuple[Meeting, ...]) -> None:
        payload = job_payload(self.settings, job_id, slug, schedule, previous)
        with self._lock:
            if self._closing:
                _record(self.db, job_id, job_store.INTERRUPTED)
                return
            process = subprocess.Popen([sys.executable, "-m", "service.worker"], stdin=subprocess.PIPE)
            self._processes[job_id] = process
        try:
            process.communicate(payload)
        finally:
            with self._lock:
                self._processes.pop(job_id, None)
        with self.db.session() as session:
            row, _ = job_store.get(session, job_id)
            finished = row.status in (JobStatus.SUCCEEDED.value, JobStatus.FAILED.value)
        if not finished:
            crashed = ErrorBody(error="solver_failed", message=_crashed(process.returncode))
            body = job_store.INTERRUPTED if self._closing else crashed
            log.error("job %s: worker process exited with code %s", job_id, process.returncode)
            _record(self.db, job_id, body)

    def running(self) -> int:
        """How many jobs are queued or running in this process."""
        with self._lock:
            return len(self._futures)

    def shutdown(self) -> None:
        """Stop: queued jobs and running worker processes are ended and their jobs marked failed (interrupted)."""
        with self._lock:
            self._closing = True
            pending = list(self._futures.items())
            processes = list(self._processes.values())
        for job_id, future in pending:
            if future.cancel():
                _record(self.db, job_id, job_store.INTERRUPTED)
        for process in processes:
            process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)
