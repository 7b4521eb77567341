"""One match engine per event, in memory: built lazily from the database and the embedding cache, then kept current.

The expensive part of an engine is its :class:`~matcher.matching.profile_index.ProfileIndex`; it is built once per
event and then changed in place, one participant at a time (``put``/``remove``). The cheap part, the frozen
``Event`` with its pair rules, is reloaded from the database after every change, and a new
:class:`~matcher.matching.engine.MatchEngine`
wraps the same index. Readers take the current engine without waiting (an attribute read); writers hold the
event's lock from their database commit until the new engine is in place, so changes apply in commit order.
Every engine put in place gets a new stamp (never reused, even for a re-created event): results computed by an
engine may be remembered under its stamp (:mod:`service.suggestions`).

Example
-------
>>> engines = EngineCache(db, hub)                      # doctest: +SKIP
>>> engines.get("cologne-2026").suggest("s001", Role.MENTOR, 3)      # doctest: +SKIP
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from matcher.event.schema import Event, Participant, Role
from matcher.matching.engine import MatchEngine, Suggestion
from matcher.matching.profile_index import ProfileIndex
from matcher.matching.profiles import TextUnit
from service.db.session import Database
from service.embedding import EmbeddingHub
from service.schemas.events import EventSettings
from service.store.events import event_row, load_event

_STAMPS = itertools.count(1)


@dataclass
class _Entry:
    lock: threading.RLock = field(default_factory=threading.RLock)
    #: The engine and its stamp, together in one attribute so that readers never see one without the other.
    current: tuple[MatchEngine, int] | None = None

    @property
    def engine(self) -> MatchEngine | None:
        return None if self.current is None else self.current[0]

    def set(self, engine: MatchEngine | None) -> None:
        self.current = None if engine is None else (engine, next(_STAMPS))


class EngineCache:
    """Engines by event id. ``get`` builds on first use; writers go through :meth:`changing`."""

    def __init__(self, db: Database, hub: EmbeddingHub) -> None:
        self.db = db
        self.hub = hub
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}

    def _entry(self, slug: str) -> _Entry:
        with self._lock:
            return self._entries.setdefault(slug, _Entry())

    def get(self, slug: str) -> MatchEngine:
        """The event's current engine (built from the database and the embedding cache on first use)."""
        return self.current(slug)[0]

    def current(self, slug: str) -> tuple[MatchEngine, int]:
        """The event's current engine and its stamp (a new stamp for every engine put in place)."""
        entry = self._entry(slug)
        current = entry.current
        if current is not None:
            return current
        with entry.lock:
            if entry.current is None:
                try:
                    entry.set(self._build(slug))
                except BaseException:
                    with self._lock:
                        if self._entries.get(slug) is entry:
                            del self._entries[slug]
                    raise
            assert entry.current is not None
            return entry.current

    def suggest(self, slug: str, participant: str, role: Role, k: int) -> tuple[Suggestion, ...]:
        """The event engine's ranked suggestions for one participant (with explanations)."""
        return self.get(slug).suggest(participant, role, k)

    def event(self, slug: str) -> Event:
        """The event as the engine sees it when built, else freshly loaded from the database (no index build)."""
        with self._lock:
            entry = self._entries.get(slug)
        engine = entry.engine if entry is not None else None
        return engine.event if engine is not None else self.load(slug)[0]

    def built(self, slug: str) -> bool:
        """Whether the event's engine is in memory."""
        with self._lock:
            entry = self._entries.get(slug)
        return entry is not None and entry.engine is not None

    def load(self, slug: str) -> tuple[Event, str, EventSettings]:
        """The stored event, its model name and its settings."""
        with self.db.session() as session:
            row = event_row(session, slug)
            return load_event(session, row), row.model, EventSettings.stored(row.settings)

    def _build(self, slug: str) -> MatchEngine:
        event, model, settings = self.load(slug)
        embedder = self.hub.embedder(model)
        index, _ = ProfileIndex.build(event, embedder)
        engine = MatchEngine(event, index, embedder, settings.affinity())
        engine.warm_explanations()
        return engine

    @contextmanager
    def changing(self, slug: str) -> Iterator[EngineChange]:
        """Hold the event's lock while a change is committed and applied to the engine (if one is built)."""
        entry = self._entry(slug)
        with entry.lock:
            yield EngineChange(self, slug, entry)

    def drop(self, slug: str) -> None:
        """Forget an event's engine (the event was deleted)."""
        with self._lock:
            entry = self._entries.pop(slug, None)
        if entry is not None:
            with entry.lock:
                entry.set(None)

    def slugs(self) -> list[str]:
        """The events whose engines are in memory."""
        with self._lock:
            return sorted(slug for slug, entry in self._entries.items() if entry.engine is not None)


@dataclass
class EngineChange:
    """What a writer may do to the engine of the event whose lock it holds."""

    cache: EngineCache
    slug: str
    entry: _Entry

    @property
    def engine(self) -> MatchEngine | None:
        """The engine in memory, if built."""
        return self.entry.engine

    def put(self, participant: Participant, units: Sequence[TextUnit], vectors: np.ndarray) -> None:
        """Add or replace one participant's vectors in the index (when built), then reload the event."""
        if self.entry.engine is not None:
            self.entry.engine.index.put(participant, units, vectors)
            self.reload()

    def remove(self, pid: str) -> None:
        """Erase one participant's vectors from the index (when built), then reload the event."""
        if self.entry.engine is not None:
            self.entry.engine.index.remove(pid)
            self.reload()

    def reload(self) -> None:
        """Reload the event (rules, requests, profiles) from the database, keeping the index."""
        current = self.entry.engine
        if current is None:
            return
        event, _, settings = self.cache.load(self.slug)
        self.entry.set(MatchEngine(event, current.index, current.embedder, settings.affinity()))

    def install(self, index: ProfileIndex) -> None:
        """Use a freshly built index (after an import) with the event as stored."""
        event, model, settings = self.cache.load(self.slug)
        engine = MatchEngine(event, index, self.cache.hub.embedder(model), settings.affinity())
        engine.warm_explanations()
        self.entry.set(engine)
