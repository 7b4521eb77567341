"""The embedding pipeline: deduplicate, look up the cache, encode only what is missing, store it.

Example
-------
>>> from matcher.embed import MemoryCache, load_backend, load_registry
>>> spec = load_registry().resolve(None)  # the default model, from its installed package
>>> embedder = Embedder(spec, lambda: load_backend(spec), MemoryCache())
>>> first = embedder.embed(["AR museum guides", "podcast archive search"])
>>> first.stats.encoded, embedder.embed(["AR museum guides"]).stats.encoded
(2, 0)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from matcher.embed.backends import EmbeddingBackend
from matcher.embed.cache import EmbeddingCache, MemoryCache, text_key
from matcher.embed.registry import ModelSpec

#: Above this many texts to encode, a progress bar is shown (when progress is on).
PROGRESS_THRESHOLD = 256
#: Vectors kept in memory in front of the cache (explanations look up the same sentences again and again).
HOT_VECTORS = 100_000


@dataclass(frozen=True)
class EmbedStats:
    texts: int
    unique: int
    cached: int
    encoded: int
    seconds: float


@dataclass(frozen=True)
class Embedded:
    vectors: np.ndarray
    stats: EmbedStats


class Embedder:
    """Embeds texts with one model through a cache. The backend is built only when something must be encoded."""

    def __init__(
        self,
        spec: ModelSpec,
        backend_factory: Callable[[], EmbeddingBackend],
        cache: EmbeddingCache | None = None,
        *,
        batch_size: int = 64,
        progress: bool = False,
    ) -> None:
        self.spec = spec
        self._factory = backend_factory
        self._backend: EmbeddingBackend | None = None
        self.cache: EmbeddingCache = cache if cache is not None else MemoryCache()
        self.batch_size = batch_size
        self.progress = progress
        self._hot: dict[bytes, np.ndarray] = {}
        self._hot_lock = threading.Lock()

    @property
    def model_key(self) -> str:
        return self.spec.cache_key

    @property
    def backend(self) -> EmbeddingBackend:
        if self._backend is None:
            self._backend = self._factory()
        return self._backend

    @property
    def loaded(self) -> bool:
        return self._backend is not None

    def embed(self, texts: Sequence[str]) -> Embedded:
        """Vectors for ``texts`` (one row each, in order), encoding only texts the cache does not hold."""
        start = time.perf_counter()
        keys = [text_key(t) for t in texts]
        first: dict[bytes, int] = {}
        for i, key in enumerate(keys):
            first.setdefault(key, i)
        hot = self._hot
        found = {key: hot[key] for key in first if key in hot}
        cold = [key for key in first if key not in found]
        if cold:
            stored = self.cache.get_many(self.model_key, cold)
            found.update(stored)
            self._remember(stored)
        missing = [key for key in first if key not in found]
        if missing:
            encoded = self.backend.encode(
                [texts[first[key]] for key in missing],
                batch_size=self.batch_size,
                progress=self.progress and len(missing) > PROGRESS_THRESHOLD,
            )
            fresh = dict(zip(missing, encoded, strict=True))
            self.cache.put_many(self.model_key, fresh)
            found.update(fresh)
            self._remember(fresh)
        if keys:
            vectors = np.stack([found[key] for key in keys]).astype(np.float32, copy=False)
        else:
            dim = self.spec.dimension or (self.backend.dimension if self.loaded else 0)
            vectors = np.zeros((0, dim), dtype=np.float32)
        stats = EmbedStats(
            texts=len(texts),
            unique=len(first),
            cached=len(first) - len(missing),
            encoded=len(missing),
            seconds=time.perf_counter() - start,
        )
        return Embedded(vectors, stats)

    def _remember(self, vectors: dict[bytes, np.ndarray]) -> None:
        with self._hot_lock:
            if len(self._hot) + len(vectors) > HOT_VECTORS:
                self._hot.clear()  # simple and bounded: the working set refills from the disk cache
            self._hot.update(vectors)

    def forget(self, keys: list[bytes]) -> None:
        """Drop vectors from memory (after erasing them from the cache)."""
        with self._hot_lock:
            for key in keys:
                self._hot.pop(key, None)
