"""The embedded profiles of an event: every text unit's vector, and one faiss index per role.

Built once per (event content, model) and persisted; reloaded when nothing changed (the fingerprint covers the
model and every unit text). It is the one structure of the core that changes in place, so that the service can add,
update and erase one participant without a rebuild: :meth:`ProfileIndex.put` and :meth:`ProfileIndex.remove` touch
only that participant's rows and faiss entries. Every method takes the index's lock, so concurrent readers see
either the state before or after a change.

Rows are labels: a unit's row number in the vector store is its faiss label. Removed rows become tombstones
(zeroed, owner ``None``) and are never returned again.

:meth:`ProfileIndex.dense` hands out a read-only snapshot of one role's live vectors, grouped by owner, for exact
ranking in one pass over every vector; it is rebuilt lazily after a change of that role.

Every unit's terms are counted when it enters the index; :meth:`ProfileIndex.lexical` hands out the TF-IDF snapshot
of a pair of roles (:mod:`matcher.matching.lexical`), also rebuilt lazily after a change of either role.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from matcher.embed.embedder import Embedder, EmbedStats
from matcher.event.schema import Event, Participant, Role
from matcher.matching.index import IndexKind, VectorIndex
from matcher.matching.lexical import Encoded, LexicalSnapshot, Terms, inverted
from matcher.matching.profiles import MAX_WORDS, TextUnit, split_sentences, units_of

_FORMAT = 3


def fingerprint(model_key: str, units: Sequence[TextUnit], kind: IndexKind | None) -> str:
    digest = hashlib.sha256(f"{_FORMAT}\0{model_key}\0{kind}".encode())
    for unit in units:
        digest.update(f"\0{unit.owner}\0{unit.source}\0{unit.doc}\0{unit.text}".encode())
    return digest.hexdigest()


def event_units(event: Event, max_words: int = MAX_WORDS) -> tuple[TextUnit, ...]:
    """All units of an event, participant by participant, in participant order."""
    return tuple(
        u for p in event.participants for u in units_of(p, event.documents_of.get(p.id, ()), max_words=max_words)
    )


def texts_to_embed(units: Sequence[TextUnit], sentences: bool = True) -> list[str]:
    """The unit texts, followed (with ``sentences``) by every unit's sentences, for explanations."""
    texts = [u.text for u in units]
    return texts + ([s for u in units for s in split_sentences(u.text)] if sentences else [])


@dataclass(frozen=True)
class RoleMatrix:
    """One role's live unit vectors as one read-only matrix, each owner's units in consecutive rows.

    ``owners[i]``'s units are rows ``starts[i]:starts[i + 1]`` of ``vectors`` (the last one runs to the end);
    ``rows`` are their index rows and ``docs`` their document numbers, in the same order.
    """

    vectors: np.ndarray
    starts: np.ndarray
    owners: tuple[str, ...]
    rows: np.ndarray
    docs: np.ndarray

    @classmethod
    def of(
        cls, blocks: Sequence[tuple[str, np.ndarray]], vectors: np.ndarray, docs: Callable[[np.ndarray], np.ndarray]
    ) -> RoleMatrix:
        """The snapshot of ``(owner, rows)`` blocks of ``vectors``, in that order (owners without units left out);
        ``docs`` gives the document numbers of rows."""
        kept = [(owner, rows) for owner, rows in blocks if len(rows)]
        sizes = np.array([len(r) for _, r in kept], dtype=np.int64)
        starts = np.zeros(len(kept), dtype=np.int64)
        np.cumsum(sizes[:-1], out=starts[1:])
        rows = np.concatenate([r for _, r in kept]) if kept else np.zeros(0, np.int64)
        matrix = np.ascontiguousarray(vectors[rows], dtype=np.float32)
        doc_of = np.ascontiguousarray(docs(rows))
        for array in (matrix, starts, rows, doc_of):
            array.flags.writeable = False
        return cls(matrix, starts, tuple(owner for owner, _ in kept), rows, doc_of)

    def span(self, i: int) -> slice:
        """Where ``owners[i]``'s units are in the snapshot."""
        end = int(self.starts[i + 1]) if i + 1 < len(self.starts) else len(self.vectors)
        return slice(int(self.starts[i]), end)

    def block(self, i: int) -> np.ndarray:
        """The unit vectors of ``owners[i]``."""
        return self.vectors[self.span(i)]


class ProfileIndex:
    """Unit vectors, unit -> owner mapping, and a faiss index per role over row labels."""

    def __init__(self, dimension: int, model_key: str, kind: IndexKind | None = None) -> None:
        self.dimension = dimension
        self.model_key = model_key
        self.kind = kind
        self.fingerprint = ""
        self._lock = threading.RLock()
        self._vectors = np.zeros((0, dimension), dtype=np.float32)
        self._size = 0
        self._units: list[TextUnit | None] = []
        self._rows: dict[str, np.ndarray] = {}
        self._role: dict[str, Role] = {}
        self._dense: dict[Role, RoleMatrix] = {}
        self._terms = Terms()
        self._encoded: list[Encoded | None] = []
        self._lexical: dict[frozenset[Role], LexicalSnapshot] = {}
        self._lexical_dense: dict[tuple[frozenset[Role], Role], sparse.csr_matrix] = {}
        self.by_role: dict[Role, VectorIndex] = {
            role: VectorIndex.empty(dimension, kind or IndexKind.EXACT) for role in Role
        }

    @classmethod
    def build(
        cls,
        event: Event,
        embedder: Embedder,
        kind: IndexKind | None = None,
        *,
        sentences: bool = True,
        max_words: int = MAX_WORDS,
    ) -> tuple[ProfileIndex, EmbedStats]:
        """Embed every unit (through the cache) and index each role's units.

        With ``sentences``, the sentences of every unit are embedded too, so explanations never need the model.
        ``max_words`` is the length above which a text is split into passages.
        """
        units = event_units(event, max_words)
        embedded = embedder.embed(texts_to_embed(units, sentences))
        vectors = embedded.vectors[: len(units)]
        dim = vectors.shape[1] if len(units) else (embedder.spec.dimension or 384)
        index = cls(dim, embedder.model_key, kind)
        roles = {p.id: p.role for p in event.participants}
        index._append_all(units, vectors, roles)
        index.fingerprint = fingerprint(embedder.model_key, units, kind)
        return index, embedded.stats

    def _append_all(self, units: Sequence[TextUnit], vectors: np.ndarray, roles: dict[str, Role]) -> None:
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32).copy()
        self._size = len(units)
        self._units = list(units)
        self._encoded = [self._terms.encode(u.text) for u in units]
        self._lexical = {}
        self._lexical_dense = {}
        grouped: dict[str, list[int]] = {}
        for row, unit in enumerate(units):
            grouped.setdefault(unit.owner, []).append(row)
        self._rows = {owner: np.array(rows, dtype=np.int64) for owner, rows in grouped.items()}
        self._role = {owner: roles[owner] for owner in grouped}
        self._dense = {}
        role_of_row = np.array([roles[u.owner].value for u in units], dtype=object)
        for role in Role:
            rows = np.flatnonzero(role_of_row == role.value).astype(np.int64)
            if len(rows):
                self.by_role[role] = VectorIndex.build(self._vectors[rows], rows, self.kind)

    # -- reading -------------------------------------------------------------------------------------------------

    def __contains__(self, owner: str) -> bool:
        with self._lock:
            return owner in self._rows

    @property
    def units(self) -> tuple[TextUnit, ...]:
        """The live units (tombstones left out)."""
        with self._lock:
            return tuple(u for u in self._units if u is not None)

    def rows_of(self, owner: str) -> np.ndarray:
        with self._lock:
            return self._rows.get(owner, np.zeros(0, dtype=np.int64))

    def vectors_of(self, owner: str) -> np.ndarray:
        """A copy of the owner's unit vectors (empty when the owner has no units)."""
        with self._lock:
            return self._vectors[self.rows_of(owner)].copy()

    def vectors_of_many(self, owners: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The unit vectors of several owners stacked in order, and where each owner's block starts."""
        with self._lock:
            blocks = [self._rows.get(o, np.zeros(0, dtype=np.int64)) for o in owners]
            rows = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)
            matrix = self._vectors[rows]
        starts = np.zeros(len(blocks), dtype=np.int64)
        if blocks:
            np.cumsum([len(b) for b in blocks[:-1]], out=starts[1:])
        return matrix, starts

    def unit(self, row: int) -> TextUnit:
        with self._lock:
            unit = self._units[row]
        if unit is None:
            raise KeyError(f"row {row} was removed")
        return unit

    def owners(self, rows: Iterable[int]) -> set[str]:
        with self._lock:
            return {u.owner for r in rows if r >= 0 and (u := self._units[int(r)]) is not None}

    def search(self, role: Role, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, int]:
        """Top-``k`` rows of ``role`` per query, with scores, and the number of live rows of that role."""
        with self._lock:
            index = self.by_role[role]
            scores, labels = index.search(queries, k)
            return scores, labels, index.size

    def exact(self, role: Role) -> bool:
        """Whether the role's index is exact (then :meth:`dense` ranks exactly in one pass)."""
        with self._lock:
            return self.by_role[role].kind is IndexKind.EXACT

    def dense(self, role: Role) -> RoleMatrix:
        """The role's live unit vectors grouped by owner (a snapshot: later changes build a new one)."""
        with self._lock:
            found = self._dense.get(role)
            if found is None:
                blocks = [(o, rows) for o, rows in self._rows.items() if self._role.get(o) is role]
                found = self._dense[role] = RoleMatrix.of(blocks, self._vectors, self._doc_numbers)
            return found

    def docs_of(self, owner: str) -> np.ndarray:
        """The document number of each of the owner's units, in the order of :meth:`vectors_of`."""
        with self._lock:
            return self._doc_numbers(self.rows_of(owner))

    def _doc_numbers(self, rows: np.ndarray) -> np.ndarray:
        """The document number of each unit of ``rows`` (derived from the units, under the caller's lock)."""
        return np.array([0 if (u := self._units[r]) is None else u.doc for r in rows.tolist()], dtype=np.int32)

    def lexical(self, a: Role, b: Role) -> LexicalSnapshot:
        """The TF-IDF snapshot of the live units of roles ``a`` and ``b``, fitted on them (rebuilt after a change)."""
        key = frozenset((a, b))
        with self._lock:
            found = self._lexical.get(key)
            if found is None:
                encoded = [
                    (int(row), *enc)
                    for owner, rows in self._rows.items()
                    if self._role.get(owner) in key
                    for row in rows.tolist()
                    if (enc := self._encoded[row]) is not None
                ]
                found = self._lexical[key] = LexicalSnapshot.of(encoded, len(self._terms))
            return found

    def dense_lexical(self, mine: Role, role: Role) -> tuple[RoleMatrix, LexicalSnapshot, sparse.csr_matrix]:
        """:meth:`dense` ``(role)``, the TF-IDF snapshot of ``mine`` and ``role``, and the snapshot's rows of the
        dense matrix's units in its order as an inverted index (:func:`~matcher.matching.lexical.inverted`): taken
        together, so that they always belong to one state of the index."""
        key = (frozenset((mine, role)), role)
        with self._lock:
            dense, terms = self.dense(role), self.lexical(mine, role)
            found = self._lexical_dense.get(key)
            if found is None:
                found = self._lexical_dense[key] = inverted(terms.select(dense.rows))
            return dense, terms, found

    def shared_terms(self, a: Role, b: Role, row_a: int, row_b: int, limit: int = 3) -> tuple[str, ...]:
        """The terms two units share, heaviest first (the product of their TF-IDF weights), at most ``limit``."""
        snapshot = self.lexical(a, b)
        ids_a, weights_a = snapshot.row(row_a)
        ids_b, weights_b = snapshot.row(row_b)
        common, at_a, at_b = np.intersect1d(ids_a, ids_b, assume_unique=True, return_indices=True)
        product = weights_a[at_a] * weights_b[at_b]
        order = np.argsort(-product, kind="stable")[:limit]
        with self._lock:
            return tuple(self._terms.names[int(common[k])] for k in order if product[k] > 0)

    def _changed(self, role: Role) -> None:
        self._dense.pop(role, None)
        for key in [k for k in self._lexical if role in k]:
            del self._lexical[key]
        for pair in [k for k in self._lexical_dense if role in k[0]]:
            del self._lexical_dense[pair]
        self.fingerprint = ""

    # -- changing ------------------------------------------------------------------------------------------------

    def put(self, participant: Participant, units: Sequence[TextUnit], vectors: np.ndarray) -> None:
        """Add or replace one participant's units (its old rows become tombstones)."""
        if len(units) != len(vectors):
            raise ValueError(f"{len(units)} units but {len(vectors)} vectors")
        with self._lock:
            self.remove(participant.id)
            start = self._size
            needed = start + len(units)
            if needed > len(self._vectors):
                grown = np.zeros((max(needed, 2 * len(self._vectors), 64), self.dimension), dtype=np.float32)
                grown[:start] = self._vectors[:start]
                self._vectors = grown
            rows = np.arange(start, needed, dtype=np.int64)
            self._vectors[rows] = vectors
            self._units.extend(units)
            self._encoded.extend(self._terms.encode(u.text) for u in units)
            self._size = needed
            self._rows[participant.id] = rows
            self._role[participant.id] = participant.role
            self.by_role[participant.role].add(self._vectors[rows], rows)
            self._changed(participant.role)

    def remove(self, owner: str) -> bool:
        """Erase a participant's vectors and index entries; ``False`` when it had none."""
        with self._lock:
            rows = self._rows.pop(owner, None)
            role = self._role.pop(owner, None)
            if rows is None or role is None:
                return False
            self.by_role[role].remove(rows)
            self._vectors[rows] = 0.0
            for r in rows.tolist():
                self._units[r] = None
                self._encoded[r] = None
            self._changed(role)
            return True

    # -- persistence ---------------------------------------------------------------------------------------------

    def save(self, directory: Path) -> None:
        with self._lock:
            directory.mkdir(parents=True, exist_ok=True)
            np.save(directory / "vectors.npy", self._vectors[: self._size])
            units = [None if u is None else [u.owner, u.source, u.text, u.doc] for u in self._units]
            (directory / "units.json").write_text(json.dumps(units, ensure_ascii=False), encoding="utf-8")
            for role, index in self.by_role.items():
                index.save(directory / role.value)
            manifest = {
                "format": _FORMAT,
                "model": self.model_key,
                "fingerprint": self.fingerprint,
                "kind": self.kind.value if self.kind else None,
                "dimension": self.dimension,
                "roles": {owner: role.value for owner, role in self._role.items()},
            }
            (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, expected_fingerprint: str) -> ProfileIndex | None:
        """The saved index if it was built from exactly these units with this model, else ``None``."""
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("fingerprint") != expected_fingerprint or not expected_fingerprint:
                return None
            raw = json.loads((directory / "units.json").read_text(encoding="utf-8"))
            vectors = np.load(directory / "vectors.npy")
            by_role = {role: VectorIndex.load(directory / role.value) for role in Role}
            kind = IndexKind(manifest["kind"]) if manifest.get("kind") else None
            index = cls(int(manifest["dimension"]), str(manifest["model"]), kind)
        except (OSError, ValueError, KeyError, RuntimeError):
            return None
        index._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        index._size = len(raw)
        index._units = [None if r is None else TextUnit(*r) for r in raw]
        index._encoded = [None if u is None else index._terms.encode(u.text) for u in index._units]
        grouped: dict[str, list[int]] = {}
        for row, unit in enumerate(index._units):
            if unit is not None:
                grouped.setdefault(unit.owner, []).append(row)
        index._rows = {owner: np.array(rows, dtype=np.int64) for owner, rows in grouped.items()}
        index._role = {owner: Role(role) for owner, role in manifest["roles"].items()}
        index.by_role = by_role
        index.fingerprint = expected_fingerprint
        return index
