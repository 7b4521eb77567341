"""Where the shells keep derived data: the embedding cache and persisted indexes (I/O edge, used by CLI/service).

Layout under the workspace root (``var/`` by default)::

    cache/embeddings.sqlite                 vectors keyed by (model, text hash)
    index/<event>-<path hash>/<model>/      vectors.npy, units.json, manifest.json, one faiss index per role
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from matcher.embed.backends import load_backend
from matcher.embed.cache import SqliteCache
from matcher.embed.embedder import Embedder, EmbedStats
from matcher.embed.registry import ModelRegistry, ModelSpec
from matcher.event.schema import Event
from matcher.matching.affinity import AffinityConfig
from matcher.matching.engine import MatchEngine
from matcher.matching.index import IndexKind
from matcher.matching.profile_index import ProfileIndex, event_units, fingerprint


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:80] or "x"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def cache_path(self) -> Path:
        return self.root / "cache" / "embeddings.sqlite"

    def index_dir(self, event_dir: Path, spec: ModelSpec) -> Path:
        absolute = str(Path(event_dir).resolve())
        tag = hashlib.sha256(absolute.encode()).hexdigest()[:10]
        return self.root / "index" / f"{_slug(Path(absolute).name)}-{tag}" / _slug(spec.cache_key)

    def embedder(self, spec: ModelSpec, *, progress: bool = False) -> Embedder:
        return Embedder(spec, lambda: load_backend(spec), SqliteCache(self.cache_path), progress=progress)

    def engine(
        self,
        event: Event,
        event_dir: Path,
        registry: ModelRegistry,
        model: str | None = None,
        *,
        config: AffinityConfig | None = None,
        kind: IndexKind | None = None,
        progress: bool = False,
    ) -> tuple[MatchEngine, EmbedStats | None]:
        """An engine for the event: the saved index when it is current, else built (through the cache) and saved.

        The returned stats are ``None`` when the saved index was reused (nothing embedded at all).
        """
        spec = registry.resolve(model)
        embedder = self.embedder(spec, progress=progress)
        directory = self.index_dir(event_dir, spec)
        expected = fingerprint(embedder.model_key, event_units(event), kind)
        saved = ProfileIndex.load(directory, expected)
        if saved is not None:
            return MatchEngine(event, saved, embedder, config or AffinityConfig()), None
        index, stats = ProfileIndex.build(event, embedder, kind)
        index.save(directory)
        return MatchEngine(event, index, embedder, config or AffinityConfig()), stats
