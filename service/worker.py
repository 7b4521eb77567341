"""A job's worker process: ``python -m service.worker`` reads one job as JSON on standard input and solves it.

The service starts one per job (see :mod:`service.jobs`); a crash here (a native solver abort, a kill) never takes
the API down. The process watches its parent and exits when the service is gone, so it never outlives it.

Input: one job in the wire format of :mod:`service.jobwire`; the solving is :func:`service.execute.execute`.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time

from service.jobwire import read_job


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(3)
        time.sleep(1.0)


def main() -> None:
    """Solve the job given on standard input and record its outcome in the database."""
    from matcher.embed import load_registry
    from service.db.session import Database
    from service.embedding import EmbeddingHub
    from service.engines import EngineCache
    from service.execute import execute

    logging.basicConfig(level=logging.INFO, format="%(levelname)s [%(name)s] %(message)s")
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    job = read_job(sys.stdin.buffer.read())
    settings = job.settings
    db = Database(settings.resolved_database_url)
    hub = EmbeddingHub(load_registry(settings.registry_path), settings.resolved_cache_path)
    try:
        execute(db, EngineCache(db, hub), settings, job.job_id, job.slug, job.schedule, job.previous)
    finally:
        hub.close()
        db.dispose()


if __name__ == "__main__":
    main()
