"""Suggestions as the JSON body of the suggestions route, remembered while the event's engine stays the same.

A body is kept under (event, participant, role, k) with the stamp of the engine that computed it, and served again
only while that engine is still the event's current one. Every change of an event (participant created, replaced or
erased, import, request answered, event deleted) puts a new engine in place, with a new stamp, before the change's
request returns; so no body computed before a change is served after it. ``size=0`` remembers nothing.

Example
-------
>>> bodies = SuggestionBodies(engines, size=4096)                       # doctest: +SKIP
>>> bodies.json("cologne-2026", "s001", Role.MENTOR, 10)[:9]             # doctest: +SKIP
b'[{"id":"m'
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from matcher.event.schema import Role
from service.engines import EngineCache
from service.schemas.suggestions import suggestions_json


@dataclass(frozen=True)
class CacheStats:
    """How often a body was served from memory."""

    hits: int
    misses: int


class SuggestionBodies:
    """The JSON bodies of suggestions, computed by the event's engine; the last ``size`` ones are remembered."""

    def __init__(self, engines: EngineCache, size: int) -> None:
        self.engines = engines
        self.size = size
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[str, str, Role, int], tuple[int, bytes]] = OrderedDict()
        self._hits = 0
        self._misses = 0

    def ready(self, slug: str) -> bool:
        """Whether the event's engine is built (then a body takes about a millisecond, else a build first)."""
        return self.engines.built(slug)

    def json(self, slug: str, participant: str, role: Role, k: int) -> bytes:
        """The ranked suggestions as JSON (a list of :class:`~service.schemas.suggestions.SuggestionPublic`)."""
        engine, stamp = self.engines.current(slug)
        key = (slug, participant, role, k)
        if self.size > 0:
            with self._lock:
                kept = self._kept.get(key)
                if kept is not None and kept[0] == stamp:
                    self._kept.move_to_end(key)
                    self._hits += 1
                    return kept[1]
                self._misses += 1
        body = suggestions_json(engine.suggest(participant, role, k))
        if self.size > 0:
            with self._lock:
                self._kept[key] = (stamp, body)
                self._kept.move_to_end(key)
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return body

    def stats(self) -> CacheStats:
        """Hits and misses since start-up."""
        with self._lock:
            return CacheStats(self._hits, self._misses)
