"""Shared fixtures: the real embedding model (loaded once per session), the tiny and the sample event."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from matcher.embed import Embedder, EmbeddingBackend, MemoryCache, ModelRegistry, load_backend, load_registry
from matcher.event.eventdir import load_event
from matcher.event.schema import Event

# Property tests draw the same examples on every run, so CI is not flaky; HYPOTHESIS_PROFILE=explore draws anew.
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "fixtures" / "tiny-event"
SAMPLE = ROOT / "fixtures" / "sample-event"


@pytest.fixture(scope="session")
def registry() -> ModelRegistry:
    return load_registry()


@pytest.fixture(scope="session")
def backend(registry: ModelRegistry) -> EmbeddingBackend:
    """The real default model (all-MiniLM-L6-v2 from its PyPI package), loaded once."""
    return load_backend(registry.resolve(None))


@pytest.fixture(scope="session")
def shared_cache() -> MemoryCache:
    return MemoryCache()


@pytest.fixture()
def embedder(backend: EmbeddingBackend, shared_cache: MemoryCache) -> Embedder:
    """An embedder on the real model with a cache shared across tests (so texts are encoded once)."""
    return Embedder(backend.spec, lambda: backend, shared_cache)


@pytest.fixture(scope="session")
def tiny_event() -> Event:
    return load_event(TINY)


@pytest.fixture(scope="session")
def sample_event() -> Event:
    return load_event(SAMPLE)


@pytest.fixture()
def event_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny event, for tests that break it."""
    target = tmp_path / "event"
    shutil.copytree(TINY, target)
    return target
