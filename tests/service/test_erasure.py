"""Index lifecycle and erasure: changes are incremental, and a deleted participant is gone everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from matcher.embed import EmbeddingBackend, SqliteCache
from matcher.embed.cache import text_key
from matcher.embed.embedder import Embedder
from matcher.event.schema import COMPLEMENTARY, Document, Participant
from matcher.matching.engine import MatchEngine
from matcher.matching.profile_index import ProfileIndex, texts_to_embed
from matcher.matching.profiles import units_of
from tests.service.helpers import (
    ADMIN,
    load_event,
    loaded_client,
    participant_body,
    runtime_of,
    wait_for_job,
)

M1_DESCRIPTION = (
    "Former head of digital at a public radio group; I help audio startups sell to broadcasters and negotiate "
    "archive rights."
)


@pytest.fixture()
def client(tmp_path: Path, backend: EmbeddingBackend) -> Iterator[TestClient]:
    """A service with its own embedding cache (the erasure test inspects it)."""
    with loaded_client(tmp_path, backend) as c:
        yield c


def _suggested_ids(client: TestClient, event: str = "tiny") -> set[str]:
    """Every id suggested to anyone of the event, in every complementary role."""
    engine = runtime_of(client).engines.get(event)
    seen: set[str] = set()
    for p in engine.event.participants:
        for role in COMPLEMENTARY[p.role]:
            url = f"/v1/events/{event}/participants/{p.id}/suggestions"
            answer = client.get(url, params={"role": role.value, "k": 50}, headers=ADMIN)
            assert answer.status_code == 200, answer.text
            seen.update(s["id"] for s in answer.json())
    return seen


def test_changes_update_the_index_in_place(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = runtime_of(client)
    engine = runtime.engines.get("tiny")
    embedded: list[str] = []
    real_embed = Embedder.embed

    def spy(self: Embedder, texts: Any) -> Any:
        embedded.extend(texts)
        return real_embed(self, texts)

    def no_rebuild(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a participant change rebuilt the whole index")

    monkeypatch.setattr(Embedder, "embed", spy)
    monkeypatch.setattr(ProfileIndex, "build", no_rebuild)
    body = participant_body("m9", "Sound engineer who coaches podcast startups on archive licensing.")
    assert client.post("/v1/events/tiny/participants", json=body, headers=ADMIN).status_code == 201
    record = Participant.model_validate({k: v for k, v in body.items() if k != "documents"})
    assert set(embedded) == set(texts_to_embed(units_of(record, ())))  # only the new participant's texts
    changed = {k: v for k, v in body.items() if k != "id"}
    changed["documents"] = [{"title": "Talk", "text": "Licensing radio archives to podcast platforms."}]
    assert client.put("/v1/events/tiny/participants/m9", json=changed, headers=ADMIN).status_code == 200
    assert client.delete("/v1/events/tiny/participants/m2", headers=ADMIN).status_code == 204
    current = runtime.engines.get("tiny")
    assert current.index is engine.index  # the same index, changed in place
    assert "m9" in current.index and "m2" not in current.index
    monkeypatch.undo()
    event, model, settings = runtime.engines.load("tiny")
    rebuilt = MatchEngine.build(event, runtime.hub.embedder(model), settings.affinity())
    for p in event.participants:
        for role in COMPLEMENTARY[p.role]:
            incremental = [(s.id, round(s.score, 9)) for s in current.suggest(p.id, role, 10, explain=False)]
            full = [(s.id, round(s.score, 9)) for s in rebuilt.suggest(p.id, role, 10, explain=False)]
            assert incremental == full, (p.id, role)


@pytest.mark.slow
def test_deleting_a_participant_erases_it_everywhere(client: TestClient) -> None:
    runtime = runtime_of(client)
    load_event(client, "other")  # the same people in another event: their texts stay cached
    twin = participant_body(
        "m9",
        M1_DESCRIPTION,
        documents=[{"title": "Own talk", "text": "Sound design for immersive museum installations in Lyon."}],
    )
    assert client.post("/v1/events/tiny/participants", json=twin, headers=ADMIN).status_code == 201
    job = client.post("/v1/events/tiny/schedules", json={"kind": "meetings"}, headers=ADMIN).json()
    assert wait_for_job(client, job["id"], ADMIN)["status"] == "succeeded"
    before = client.get(f"/v1/jobs/{job['id']}/result", headers=ADMIN).json()["items"]
    assert any("i1" in (m["a_id"], m["b_id"]) for m in before)
    assert "m9" in _suggested_ids(client) and "i1" in _suggested_ids(client)

    cache = SqliteCache(runtime.settings.resolved_cache_path)
    model = runtime.hub.embedder("all-MiniLM-L6-v2").model_key
    doc = Document(participant_id="m9", title="Own talk", text=twin["documents"][0]["text"])
    m9 = Participant.model_validate({k: v for k, v in twin.items() if k != "documents"})
    own = {text_key(t) for t in texts_to_embed(units_of(m9, (doc,)))} - {text_key(M1_DESCRIPTION)}
    assert len(cache.get_many(model, sorted(own))) == len(own)

    assert client.delete("/v1/events/tiny/participants/m9", headers=ADMIN).status_code == 204
    assert client.delete("/v1/events/tiny/participants/i1", headers=ADMIN).status_code == 204

    # cached vectors: m9's own texts are gone; the description it shares with m1 stays, and so do i1's texts,
    # which the other event still uses.
    assert cache.get_many(model, sorted(own)) == {}
    assert text_key(M1_DESCRIPTION) in cache.get_many(model, [text_key(M1_DESCRIPTION)])
    other = runtime.engines.get("other").event
    i1_keys = [text_key(t) for t in texts_to_embed(units_of(other.participant("i1"), other.documents_of["i1"]))]
    assert len(cache.get_many(model, i1_keys)) == len(set(i1_keys))
    cache.close()

    # never suggested, never found, not in the index, no rows left
    assert {"m9", "i1"}.isdisjoint(_suggested_ids(client))
    assert "i1" in _suggested_ids(client, "other")
    for pid in ("m9", "i1"):
        assert client.get(f"/v1/events/tiny/participants/{pid}", headers=ADMIN).status_code == 404
        url = f"/v1/events/tiny/participants/{pid}/suggestions?role=startup"
        assert client.get(url, headers=ADMIN).status_code == 404
        assert pid not in runtime.engines.get("tiny").index
    listed = client.get("/v1/events/tiny/participants", params={"limit": 100}, headers=ADMIN).json()["items"]
    assert {"m9", "i1"}.isdisjoint(p["id"] for p in listed)
    requests = client.get("/v1/events/tiny/requests", headers=ADMIN).json()["items"]
    assert all("i1" not in (r["from_id"], r["to_id"]) for r in requests)
    event = runtime.engines.get("tiny").event
    assert not event.locked and next(t for t in event.tables if t.table_id == "T1").host_id is None

    # stored schedules: its meetings are cancelled (and their explanations dropped), the others stay
    after = client.get(f"/v1/jobs/{job['id']}/result", headers=ADMIN).json()["items"]
    for item in after:
        gone = bool({"i1", "m9"} & {item["a_id"], item["b_id"]})
        assert item["status"] == ("cancelled" if gone else "scheduled")
    agenda = client.get("/v1/events/tiny/participants/s1/agenda.ics", headers=ADMIN)
    assert agenda.status_code == 200 and "Sofia Rossi" not in agenda.text
    csv_rows = client.get(f"/v1/jobs/{job['id']}/result.csv", headers=ADMIN).text.splitlines()
    assert any(row.endswith(",cancelled") and ",i1," in row for row in csv_rows)


def test_deleting_an_event_erases_its_participants_vectors(client: TestClient) -> None:
    runtime = runtime_of(client)
    model = runtime.hub.embedder("all-MiniLM-L6-v2").model_key
    units = runtime.engines.get("tiny").index.units
    keys = [text_key(t) for t in texts_to_embed(units)]
    assert len(runtime.hub.cache.get_many(model, keys)) == len(set(keys))
    assert client.delete("/v1/events/tiny", headers=ADMIN).status_code == 204
    assert runtime.hub.cache.get_many(model, keys) == {}
    assert not runtime.engines.built("tiny")
    assert client.get("/v1/events/tiny/participants/s1/suggestions?role=mentor", headers=ADMIN).status_code == 404
