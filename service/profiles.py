"""Changes that touch the database, the embedding cache and the index together: events, participants, imports.

Every change of a participant embeds only that participant's texts (through the cache) and updates the event's
index in place; an import validates every file with :func:`~matcher.event.validate.parse_event` first (nothing is stored
when anything is invalid) and rebuilds the index from the cache. Erasure deletes a participant's rows, cancels its
meetings in stored schedules, removes its index entries and deletes the cached vectors of its texts that no other
participant uses (the ``participant_texts`` ledger knows who uses which text).

Lock order: the event's engine lock, then the text lock (one per service), so a text being embedded for one
participant is never erased from the cache for another in between.

Example
-------
>>> profiles.create("demo", ParticipantCreate(id="s9", name="Lumen", role="startup", ...))   # doctest: +SKIP
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from matcher.embed.cache import text_key
from matcher.embed.embedder import Embedder
from matcher.event.schema import Document, Event, Participant
from matcher.event.validate import parse_event
from matcher.matching.profile_index import ProfileIndex, texts_to_embed
from matcher.matching.profiles import TextUnit, units_of
from service.db.session import Database
from service.embedding import EmbeddingHub
from service.engines import EngineCache
from service.exceptions import AlreadyExists
from service.schemas.events import EventCreate
from service.schemas.participants import ParticipantCreate, ParticipantPublic, ParticipantUpdate, to_records
from service.store import events as event_store
from service.store import participants as participant_store


@dataclass(frozen=True)
class Embedded:
    """One participant's units, their vectors, and the keys of every text cached for it."""

    units: tuple[TextUnit, ...]
    vectors: np.ndarray
    keys: frozenset[bytes]


@dataclass(frozen=True)
class ImportResult:
    """What an import did: participants erased, texts embedded and found in the cache."""

    removed: tuple[str, ...]
    embedded: int
    cached: int


class Profiles:
    """Creates, changes and erases events and participants consistently across database, cache and index."""

    def __init__(
        self, db: Database, hub: EmbeddingHub, engines: EngineCache, on_erase: Callable[[], None] = lambda: None
    ) -> None:
        self.db = db
        self.hub = hub
        self.engines = engines
        self.on_erase = on_erase  # keys of erased participants and events must stop working at once
        self._texts = threading.Lock()

    # -- events --------------------------------------------------------------------------------------------------

    def create_event(self, body: EventCreate, default_model: str | None) -> None:
        """Store a new, empty event; its model defaults to ``default_model`` or the registry's default."""
        model = body.settings.model or default_model or self.hub.default_model
        self.hub.spec(model)
        settings = body.settings.model_copy(update={"model": model})
        with self.db.session() as session:
            event_store.create_event(session, body.id, body.name, model, settings.model_dump(mode="json"))

    def delete_event(self, slug: str) -> None:
        """Erase an event: every row, every key, every job, the engine, and its participants' cached vectors."""
        with self.engines.changing(slug), self._texts:
            with self.db.session() as session:
                row = event_store.event_row(session, slug)
                pids = list(event_store.participant_ids(session, row.id))
                used = participant_store.erase(session, row.id, pids)
                session.delete(row)
            self._forget(used)
            self.engines.drop(slug)
        self.on_erase()

    # -- participants --------------------------------------------------------------------------------------------

    def _embed(self, embedder: Embedder, p: Participant, documents: tuple[Document, ...]) -> Embedded:
        units = units_of(p, documents)
        texts = texts_to_embed(units)
        vectors = embedder.embed(texts).vectors[: len(units)]
        return Embedded(units, vectors, frozenset(text_key(t) for t in texts))

    def _forget(self, used: Mapping[str, set[bytes]]) -> None:
        """Delete cached vectors of these texts unless a participant (of any event) still uses them."""
        for model, keys in used.items():
            if not keys:
                continue
            with self.db.session() as session:
                kept = event_store.referenced(session, model, keys)
            erased = sorted(keys - kept)
            self.hub.cache.delete_many(model, erased)
            self.hub.embedder(model).forget(erased)  # and the in-memory copy

    def create(self, slug: str, body: ParticipantCreate) -> ParticipantPublic:
        """Add a participant: embed its texts, store it, and put it in the index."""
        participant, documents = to_records(body.id, body)
        with self.engines.changing(slug) as change:
            with self._texts, self.db.session() as session:
                event = event_store.event_row(session, slug)
                if participant_store.exists(session, event.id, body.id):
                    raise AlreadyExists(f"participant '{body.id}' exists in event '{slug}'; update it with PUT")
                embedder = self.hub.embedder(event.model)
                embedded = self._embed(embedder, participant, documents)
                position = event_store.next_position(session, event.id)
                row = event_store.upsert_participant(session, event.id, participant, position)
                event_store.replace_documents(session, row.id, documents)
                event_store.replace_text_keys(session, row.id, embedder.model_key, embedded.keys)
            change.put(participant, embedded.units, embedded.vectors)
        return ParticipantPublic.of(participant, documents)

    def update(self, slug: str, pid: str, body: ParticipantUpdate) -> ParticipantPublic:
        """Replace a participant's profile: re-embed its texts (cache hits for unchanged ones), update the index."""
        participant, documents = to_records(pid, body)
        with self.engines.changing(slug) as change:
            with self._texts:
                with self.db.session() as session:
                    event = event_store.event_row(session, slug)
                    row = participant_store.participant_row(session, event.id, pid, slug)
                    embedder = self.hub.embedder(event.model)
                    embedded = self._embed(embedder, participant, documents)
                    old = participant_store.text_keys(session, [row.id])
                    event_store.upsert_participant(session, event.id, participant, row.position, row)
                    event_store.replace_documents(session, row.id, documents)
                    event_store.replace_text_keys(session, row.id, embedder.model_key, embedded.keys)
                self._forget(old)
            change.put(participant, embedded.units, embedded.vectors)
        return ParticipantPublic.of(participant, documents)

    def delete(self, slug: str, pid: str) -> None:
        """Erase a participant everywhere: rows, requests, keys, index entry, cached vectors; cancel its meetings."""
        with self.engines.changing(slug) as change:
            with self._texts:
                with self.db.session() as session:
                    event = event_store.event_row(session, slug)
                    participant_store.participant_row(session, event.id, pid, slug)
                    used = participant_store.erase(session, event.id, [pid])
                self._forget(used)
            change.remove(pid)
        self.on_erase()

    # -- imports -------------------------------------------------------------------------------------------------

    def import_files(self, slug: str, files: Mapping[str, bytes]) -> ImportResult:
        """Validate an event directory's CSV files and store them as the event's whole content.

        Participants are matched by id: present ones are updated (their keys survive), missing ones are erased,
        new ones added. Slots, tables, availability, requests, conflicts, locked meetings and sessions are
        replaced by the files' rows.
        """
        with self.db.session() as session:
            event_store.event_row(session, slug)
        parsed = parse_event(files, name=slug)
        with self.engines.changing(slug) as change, self._texts:
            with self.db.session() as session:
                model = event_store.event_row(session, slug).model
            embedder = self.hub.embedder(model)
            index, stats = ProfileIndex.build(parsed, embedder)
            embedder.embed([s.theme for s in parsed.sessions if s.theme])  # cached for pitching jobs
            keys_of = _text_keys(parsed)
            with self.db.session() as session:
                row = event_store.event_row(session, slug)
                existing = event_store.participant_ids(session, row.id)
                old = participant_store.text_keys(session, list(existing.values()))
                removed = sorted(set(existing) - set(parsed.by_id))
                participant_store.erase(session, row.id, removed)
                event_store.replace_content(session, row, parsed, keys_of, embedder.model_key)
            self._forget(old)
            change.install(index)
        if removed:
            self.on_erase()
        return ImportResult(tuple(removed), stats.encoded, stats.cached)


def _text_keys(event: Event) -> dict[str, set[bytes]]:
    out: dict[str, set[bytes]] = {}
    for p in event.participants:
        units = units_of(p, event.documents_of.get(p.id, ()))
        out[p.id] = {text_key(t) for t in texts_to_embed(units)}
    return out
