"""Schedule jobs: each runs in its own worker process, so neither a slow nor a crashing solver touches the API.

A pool of ``job_workers`` threads queues the jobs; each thread starts one process per job (``python -m
service.worker``, see :mod:`service.worker`), writes it the job in the wire format of :mod:`service.jobwire` and
waits for it. The process rebuilds the event's engine from the database and the embedding cache (no model load:
every text a plan embeds is cached at import), solves (:func:`service.execute.execute`), and writes progress and
the result to the database. A process that dies without recording an outcome (a native solver abort, a kill)
leaves its job failed with ``solver_failed``. Jobs left queued or running by a previous service process are marked
failed at start-up (``interrupted``); a worker process exits when the service is gone, so it never outlives it.
Run one service process per database. This module and the worker do not import each other.

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
from service.exceptions import Forbidden, NotReady
from service.execute import record_failure
from service.jobwire import job_payload
from service.schedules import meetings_of
from service.schemas.common import ErrorBody
from service.schemas.jobs import JobKind, JobStatus, MeetingsSchedule, Schedule
from service.settings import Settings
from service.store import events as event_store
from service.store import jobs as job_store

log = logging.getLogger("service.jobs")


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

    def _previous(self, session: Session, event_key: int, schedule: Schedule) -> tuple[Meeting, ...] | None:
        """The meetings of the finished schedule a meetings job re-plans from (``None``: it plans afresh)."""
        if not isinstance(schedule, MeetingsSchedule) or schedule.options.previous_job is None:
            return None
        row, _ = job_store.get(session, schedule.options.previous_job)
        if row.event_id != event_key:
            raise Forbidden(f"job '{row.id}' belongs to another event")
        if row.kind != JobKind.MEETINGS.value or row.status != JobStatus.SUCCEEDED.value:
            raise NotReady(f"job '{row.id}' is not a finished meetings schedule; re-plan from one that is")
        return meetings_of(job_store.items(session, row.id))

    def _forget(self, job_id: str) -> None:
        with self._lock:
            self._futures.pop(job_id, None)

    def _supervise(self, job_id: str, slug: str, schedule: Schedule, previous: tuple[Meeting, ...] | None) -> None:
        payload = job_payload(self.settings, job_id, slug, schedule, previous)
        with self._lock:
            if self._closing:
                record_failure(self.db, job_id, job_store.INTERRUPTED)
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
            record_failure(self.db, job_id, body)

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
                record_failure(self.db, job_id, job_store.INTERRUPTED)
        for process in processes:
            process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)
