"""The embedded profiles of an event: every text unit's vector, and one faiss index per role.

Built once per (event content, model); persisted to a directory and reloaded when nothing changed (the
fingerprint covers the model and every unit text).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matcher.embed.embedder import Embedder, EmbedStats
from matcher.index import IndexKind, VectorIndex
from matcher.profiles import TextUnit, split_sentences, units_of
from matcher.schema import Event, Role

_FORMAT = 1


def fingerprint(model_key: str, units: Sequence[TextUnit], kind: IndexKind | None) -> str:
    digest = hashlib.sha256(f"{_FORMAT}\0{model_key}\0{kind}".encode())
    for unit in units:
        digest.update(f"\0{unit.owner}\0{unit.source}\0{unit.text}".encode())
    return digest.hexdigest()


def event_units(event: Event) -> tuple[TextUnit, ...]:
    """All units of an event, participant by participant, in participant order."""
    return tuple(u for p in event.participants for u in units_of(p, event.documents_of.get(p.id, ())))


@dataclass(frozen=True)
class ProfileIndex:
    """Unit vectors (read-only), unit -> owner mapping, and a faiss index per role over unit row numbers."""

    units: tuple[TextUnit, ...]
    vectors: np.ndarray
    by_role: dict[Role, VectorIndex]
    model_key: str
    fingerprint: str

    @classmethod
    def build(
        cls,
        event: Event,
        embedder: Embedder,
        kind: IndexKind | None = None,
        *,
        sentences: bool = True,
    ) -> tuple[ProfileIndex, EmbedStats]:
        """Embed every unit (through the cache) and index each role's units.

        With ``sentences``, the sentences of every unit are embedded too, so explanations never need the model.
        """
        units = event_units(event)
        texts = [u.text for u in units]
        extra = [s for u in units for s in split_sentences(u.text)] if sentences else []
        embedded = embedder.embed(texts + extra)
        vectors = embedded.vectors[: len(texts)]
        vectors.flags.writeable = False
        roles = {p.id: p.role for p in event.participants}
        owners_role = np.array([roles[u.owner].value for u in units], dtype=object)
        by_role: dict[Role, VectorIndex] = {}
        dim = vectors.shape[1] if len(units) else (embedder.spec.dimension or 0)
        for role in Role:
            rows = np.flatnonzero(owners_role == role.value).astype(np.int64)
            if len(rows):
                by_role[role] = VectorIndex.build(vectors[rows], rows, kind)
            else:
                by_role[role] = VectorIndex.empty(dim, kind or IndexKind.EXACT)
        key = embedder.model_key
        return cls(units, vectors, by_role, key, fingerprint(key, units, kind)), embedded.stats

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "vectors.npy", self.vectors)
        units = [[u.owner, u.source, u.text] for u in self.units]
        (directory / "units.json").write_text(json.dumps(units, ensure_ascii=False), encoding="utf-8")
        for role, index in self.by_role.items():
            index.save(directory / role.value)
        manifest = {"format": _FORMAT, "model": self.model_key, "fingerprint": self.fingerprint}
        (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, expected_fingerprint: str) -> ProfileIndex | None:
        """The saved index if it was built from exactly these units with this model, else ``None``."""
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("fingerprint") != expected_fingerprint:
                return None
            units = tuple(TextUnit(*row) for row in json.loads((directory / "units.json").read_text("utf-8")))
            vectors = np.load(directory / "vectors.npy")
            by_role = {role: VectorIndex.load(directory / role.value) for role in Role}
        except (OSError, ValueError, KeyError, RuntimeError):
            return None
        vectors.flags.writeable = False
        return cls(units, vectors, by_role, str(manifest["model"]), expected_fingerprint)
