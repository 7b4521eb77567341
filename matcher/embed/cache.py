"""A disk cache of embeddings keyed by (model, text hash): unchanged texts are never embedded twice.

SQLite (one file, WAL mode) holds one row per (model key, sha256 of the text). Vectors of different models never
mix: the model key is part of the primary key.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

_CHUNK = 500


def text_key(text: str) -> bytes:
    """The cache key of a text: its sha256 digest."""
    return hashlib.sha256(text.encode("utf-8")).digest()


class EmbeddingCache(Protocol):
    def get_many(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]: ...

    def put_many(self, model: str, items: Mapping[bytes, np.ndarray]) -> None: ...

    def delete_many(self, model: str, keys: Iterable[bytes]) -> None: ...


class MemoryCache:
    """An in-process cache (tests, one-off runs)."""

    def __init__(self) -> None:
        self._store: dict[tuple[str, bytes], np.ndarray] = {}

    def get_many(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        return {k: self._store[(model, k)] for k in keys if (model, k) in self._store}

    def put_many(self, model: str, items: Mapping[bytes, np.ndarray]) -> None:
        for key, vector in items.items():
            self._store[(model, key)] = np.array(vector, dtype=np.float32)

    def delete_many(self, model: str, keys: Iterable[bytes]) -> None:
        for key in keys:
            self._store.pop((model, key), None)


class SqliteCache:
    """The disk cache: a SQLite file, safe to share between processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, key BLOB NOT NULL, "
                "dim INTEGER NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, key)) WITHOUT ROWID"
            )

    def get_many(self, model: str, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        found: dict[bytes, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        with self._lock:
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, vector FROM embeddings WHERE model = ? AND key IN ({marks})",
                    [model, *chunk],
                )
                for key, blob in rows:
                    found[bytes(key)] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, items: Mapping[bytes, np.ndarray]) -> None:
        rows = [
            (model, key, int(v.shape[0]), np.ascontiguousarray(v, dtype=np.float32).tobytes())
            for key, v in items.items()
        ]
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)", rows)

    def delete_many(self, model: str, keys: Iterable[bytes]) -> None:
        with self._lock, self._db:
            self._db.executemany("DELETE FROM embeddings WHERE model = ? AND key = ?", [(model, k) for k in keys])

    def count(self, model: str | None = None) -> int:
        with self._lock:
            if model is None:
                return int(self._db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])
            return int(self._db.execute("SELECT COUNT(*) FROM embeddings WHERE model = ?", (model,)).fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
