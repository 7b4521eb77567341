"""A job's worker process: ``python -m service.worker`` reads one job as JSON on standard input and solves it.

The service starts one per job (see :mod:`service.jobs`); a crash here (a native solver abort, a kill) never takes
the API down. The process watches its parent and exits when the service is gone, so it never outlives it.

Input: ``{"settings": {...}, "job_id": ..., "event_id": ..., "schedule": {...}, "previous": [meeting, ...]}``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from dataclasses import asdict
from typing import Any

from pydantic import TypeAdapter

from matcher.meetings.model import Meeting, Origin
from service.schedules import Schedule
from service.schemas.jobs import ScheduleCreate
from service.settings import Settings

_SCHEDULE: TypeAdapter[Schedule] = TypeAdapter(ScheduleCreate)


def job_payload(settings: Settings, job_id: str, slug: str, schedule: Schedule, previous: tuple[Meeting, ...]) -> bytes:
    """What the service writes to a worker's standard input (the admin key is left out)."""
    data = {
        "settings": settings.model_dump(mode="json", exclude={"admin_key", "demo_event"}),
        "job_id": job_id,
        "event_id": slug,
        "schedule": schedule.model_dump(mode="json"),
        "previous": [{**asdict(m), "origin": m.origin.value} for m in previous],
    }
    return json.dumps(data).encode()


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
    from service.jobs import execute

    logging.basicConfig(level=logging.INFO, format="%(levelname)s [%(name)s] %(message)s")
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    data: dict[str, Any] = json.loads(sys.stdin.buffer.read())
    settings = Settings.model_validate(data["settings"])
    schedule = _SCHEDULE.validate_python(data["schedule"])
    previous = tuple(Meeting(**{**m, "origin": Origin(m["origin"])}) for m in data["previous"])
    db = Database(settings.resolved_database_url)
    hub = EmbeddingHub(load_registry(settings.registry_path), settings.resolved_cache_path)
    try:
        execute(db, EngineCache(db, hub), settings, data["job_id"], data["event_id"], schedule, previous)
    finally:
        hub.close()
        db.dispose()


if __name__ == "__main__":
    main()
