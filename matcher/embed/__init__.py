"""Embeddings: model registry, backends, the disk cache and the caching pipeline."""

from matcher.embed.backends import EmbeddingBackend, SentenceTransformerBackend, load_backend
from matcher.embed.cache import EmbeddingCache, MemoryCache, SqliteCache, text_key
from matcher.embed.embedder import Embedded, Embedder, EmbedStats
from matcher.embed.registry import DEFAULT_MANIFEST, ModelRegistry, ModelSpec, load_registry

__all__ = [
    "DEFAULT_MANIFEST",
    "EmbedStats",
    "Embedded",
    "Embedder",
    "EmbeddingBackend",
    "EmbeddingCache",
    "MemoryCache",
    "ModelRegistry",
    "ModelSpec",
    "SentenceTransformerBackend",
    "SqliteCache",
    "load_backend",
    "load_registry",
    "text_key",
]
