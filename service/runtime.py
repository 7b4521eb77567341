"""Everything a running service holds: database, embedding models, engines, profile changes, jobs, readiness.

Built by the app's lifespan (never at import time) from the one settings object; the routes reach it through the
dependencies of :mod:`service.deps`.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from matcher.embed import load_backend, load_registry
from matcher.event.eventdir import read_event_files
from service.db.migrate import upgrade
from service.db.session import Database
from service.embedding import BackendLoader, EmbeddingHub
from service.engines import EngineCache
from service.errors import error_of
from service.jobs import JobRunner
from service.profiles import Profiles
from service.schemas.events import EventCreate, EventSettings
from service.security import PrincipalCache
from service.settings import Settings
from service.store.events import find_event, list_events
from service.suggestions import SuggestionBodies

log = logging.getLogger("service")
T = TypeVar("T")


@dataclass
class Readiness:
    """Start-up progress: every stored event's index built (or the error that stopped the warm-up)."""

    indexes_ready: bool = False
    error: str | None = None
    events: int = 0


class Runtime:
    """The service's long-lived parts, wired together."""

    def __init__(self, settings: Settings, loader: BackendLoader = load_backend) -> None:
        self.settings = settings
        self.db = Database(settings.resolved_database_url)
        upgrade(self.db)
        self.hub = EmbeddingHub(load_registry(settings.registry_path), settings.resolved_cache_path, loader)
        self.default_model = settings.default_model or self.hub.default_model
        self.hub.spec(self.default_model)
        self.engines = EngineCache(self.db, self.hub)
        self.suggestions = SuggestionBodies(self.engines, settings.suggestion_cache)
        self.principals = PrincipalCache(settings.key_cache_seconds)
        self.profiles = Profiles(self.db, self.hub, self.engines, on_erase=self.principals.clear)
        self.jobs = JobRunner(self.db, settings)
        self.readiness = Readiness()
        self._cpu = anyio.CapacityLimiter(max(1, settings.compute_threads))
        self.jobs.recover()
        self._warmer: threading.Thread | None = None

    async def compute(self, fn: Callable[..., T], *args: Any, short: bool = False) -> T:
        """Run a CPU-bound call of the core in a thread, at most ``compute_threads`` at a time; a ``short`` one
        (about a millisecond, such as a suggestion from a built engine) runs in the event loop when
        ``compute_threads`` is 0.

        Many threads that each run short numpy and faiss calls fight over the GIL (every release and re-acquire can
        wait a whole switch interval), and handing a call to a thread and back costs about as much as a short call
        itself: on two cores, suggestions in the event loop serve 1.5 times as many requests as in one thread.
        Long calls (building an engine) never run in the event loop.
        """
        if short and self.settings.compute_threads == 0:
            return fn(*args)
        return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=self._cpu)

    def load_demo(self) -> None:
        """Create and import the demo event (``settings.demo_event``) unless it exists already."""
        directory = self.settings.demo_event
        if directory is None:
            return
        slug = directory.resolve().name
        with self.db.session() as session:
            if find_event(session, slug) is not None:
                return
        self.profiles.create_event(EventCreate(id=slug, name=slug, settings=EventSettings()), self.default_model)
        self.profiles.import_files(slug, read_event_files(directory))
        log.info("demo event '%s' loaded from %s", slug, directory)

    def warm_up(self) -> None:
        """Load the default model and build every event's index, in a background thread."""
        self._warmer = threading.Thread(target=self._warm, name="matcher-warm-up", daemon=True)
        self._warmer.start()

    def _warm(self) -> None:
        try:
            self.hub.load(self.default_model)
            with self.db.session() as session:
                rows, total = list_events(session, None, 1_000_000, 0)
                slugs = [row.slug for row in rows]
            self.readiness.events = total
            for slug in slugs:
                self.engines.get(slug)
            self.readiness.indexes_ready = True
        except Exception as exc:
            self.readiness.error = error_of(exc)[1].message
            log.error("warm-up failed", exc_info=exc)

    def skip_warm_up(self) -> None:
        """No warm-up: indexes are built on first use, the model loads on the first cache miss."""
        self.readiness.indexes_ready = True

    def status(self) -> dict[str, object]:
        """What ``/readyz`` reports."""
        model_loaded = self.hub.loaded(self.default_model)
        r = self.readiness
        return {
            "ready": model_loaded and r.indexes_ready and r.error is None,
            "model": self.default_model,
            "model_loaded": model_loaded,
            "indexes_ready": r.indexes_ready,
            "events": r.events,
            "indexes_built": len(self.engines.slugs()),
            "jobs_running": self.jobs.running(),
            "error": r.error,
            "suggestion_cache": asdict(self.suggestions.stats()),
        }

    def close(self) -> None:
        """Stop the jobs, close the cache and the database connections."""
        self.jobs.shutdown()
        self.hub.close()
        self.db.dispose()
