"""The service's embedding models: the registry, one shared disk cache, one backend per model loaded once.

Only registered model names are accepted from HTTP clients (never a path: a request must not make the server read
an arbitrary directory). Backends are loaded lazily, once, under a lock, and encode one batch at a time.

Example
-------
>>> hub = EmbeddingHub(load_registry(), Path("var/cache/embeddings.sqlite"))      # doctest: +SKIP
>>> hub.embedder("all-MiniLM-L6-v2").embed(["AR museum guides"]).vectors.shape    # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from matcher.embed import EmbeddingBackend, ModelRegistry, ModelSpec, SqliteCache, load_backend
from matcher.embed.embedder import Embedder
from matcher.errors import InvalidInput, Problem

BackendLoader = Callable[[ModelSpec], EmbeddingBackend]


class _SerialBackend:
    """A backend that encodes one call at a time (request threads and job threads share it)."""

    def __init__(self, inner: EmbeddingBackend) -> None:
        self._inner = inner
        self.spec = inner.spec
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        return self._inner.dimension

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        with self._lock:
            return self._inner.encode(texts, batch_size=batch_size, progress=progress)


class EmbeddingHub:
    """Embedders by registered model name, sharing one SQLite cache; backends come from ``loader``."""

    def __init__(self, registry: ModelRegistry, cache_path: Path, loader: BackendLoader = load_backend) -> None:
        self.registry = registry
        self.cache = SqliteCache(cache_path)
        self._loader = loader
        self._lock = threading.Lock()
        self._backends: dict[str, EmbeddingBackend] = {}
        self._embedders: dict[str, Embedder] = {}

    @property
    def default_model(self) -> str:
        """The registry's default model name."""
        return self.registry.default

    def spec(self, name: str) -> ModelSpec:
        """The spec of a registered model; :class:`InvalidInput` names the registered ones otherwise."""
        spec = self.registry.models.get(name)
        if spec is None:
            known = ", ".join(self.registry.models)
            raise InvalidInput(
                f"unknown model '{name}'",
                (Problem("body", None, "settings.model", f"'{name}' is not a registered model; use one of {known}"),),
            )
        return spec

    def _backend(self, spec: ModelSpec) -> EmbeddingBackend:
        with self._lock:
            backend = self._backends.get(spec.name)
            if backend is None:
                backend = _SerialBackend(self._loader(spec))
                self._backends[spec.name] = backend
            return backend

    def embedder(self, name: str) -> Embedder:
        """The embedder of a registered model (built once; its backend loads on the first cache miss)."""
        with self._lock:
            found = self._embedders.get(name)
        if found is not None:
            return found
        spec = self.spec(name)
        embedder = Embedder(spec, lambda: self._backend(spec), self.cache)
        with self._lock:
            return self._embedders.setdefault(name, embedder)

    def load(self, name: str) -> None:
        """Load a model's backend now (start-up warm-up) instead of on the first cache miss."""
        self._backend(self.spec(name))

    def loaded(self, name: str) -> bool:
        """Whether this model's backend is loaded."""
        with self._lock:
            return name in self._backends

    def close(self) -> None:
        """Close the embedding cache."""
        self.cache.close()
