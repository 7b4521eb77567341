"""Remembered suggestion bodies: served again only while the event is unchanged, never after any change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from matcher.embed import EmbeddingBackend
from matcher.event.schema import Role
from matcher.matching.engine import Suggestion
from service.schemas.suggestions import suggestions_json
from service.suggestions import CacheStats, SuggestionBodies
from tests.service.helpers import (
    ADMIN,
    client_for,
    csv_files,
    issue_key,
    load_event,
    loaded_client,
    participant_body,
    runtime_of,
    settings_for,
)

URL = "/v1/events/tiny/participants/s1/suggestions?role=mentor&k=10"


@pytest.fixture()
def client(tmp_path: Path, backend: EmbeddingBackend) -> Iterator[TestClient]:
    with loaded_client(tmp_path, backend) as c:
        yield c


def _served(client: TestClient, url: str = URL) -> bytes:
    answer = client.get(url, headers=ADMIN)
    assert answer.status_code == 200, answer.text
    return answer.content


def _fresh(client: TestClient, pid: str = "s1", role: Role = Role.MENTOR, k: int = 10) -> bytes:
    """What the event's current engine computes now, without the cache."""
    return suggestions_json(runtime_of(client).engines.get("tiny").suggest(pid, role, k))


def _ids(body: bytes) -> list[str]:
    return [row["id"] for row in json.loads(body)]


def test_a_body_is_served_again_while_nothing_changes(client: TestClient) -> None:
    bodies = runtime_of(client).suggestions
    before = bodies.stats()
    first, second = _served(client), _served(client)
    assert first == second == _fresh(client)
    assert bodies.stats() == CacheStats(before.hits + 1, before.misses + 1)
    assert _served(client, URL.replace("k=10", "k=2")) == _fresh(client, k=2)  # another k: another body


def test_every_change_of_the_event_is_seen_by_the_next_request(client: TestClient) -> None:
    s1 = issue_key(client, "tiny", "participant", "s1")
    m1 = issue_key(client, "tiny", "participant", "m1")
    assert "m9" not in _ids(_served(client))

    created = participant_body("m9", "Podcast producer who helps audio startups turn radio archives into podcasts.")
    assert client.post("/v1/events/tiny/participants", json=created, headers=ADMIN).status_code == 201
    assert _served(client) == _fresh(client) and "m9" in _ids(_served(client))

    changed = participant_body("m9", "Chef specialised in pastry and bread baking.", sectors=["food"], languages=["de"])
    del changed["id"]
    assert client.put("/v1/events/tiny/participants/m9", json=changed, headers=ADMIN).status_code == 200
    assert _served(client) == _fresh(client) and "m9" not in _ids(_served(client))

    sent = client.post("/v1/events/tiny/requests", json={"to_id": "m1"}, headers=s1).json()
    assert "m1" in _ids(_served(client))
    assert client.post(f"/v1/events/tiny/requests/{sent['id']}/decline", headers=m1).status_code == 200
    assert _served(client) == _fresh(client) and "m1" not in _ids(_served(client))

    assert "m2" in _ids(_served(client))
    assert client.delete("/v1/events/tiny/participants/m2", headers=ADMIN).status_code == 204
    assert _served(client) == _fresh(client) and "m2" not in _ids(_served(client))


def test_a_reimport_and_a_recreated_event_are_new(client: TestClient) -> None:
    assert "m3" in _ids(_served(client))
    without_m3 = b"\n".join(
        line for line in (Path(__file__).parents[2] / "fixtures/tiny-event/participants.csv").read_bytes().split(b"\n")
        if not line.startswith(b"m3,")
    )  # fmt: skip
    files = csv_files(**{"participants.csv": without_m3})
    assert client.post("/v1/events/tiny/import", files=files, headers=ADMIN).status_code == 200, "import"
    assert "m3" not in _ids(_served(client))

    assert client.delete("/v1/events/tiny", headers=ADMIN).status_code == 204
    assert client.get(URL, headers=ADMIN).status_code == 404
    load_event(client)
    assert _served(client) == _fresh(client) and "m3" in _ids(_served(client))


class _ChangingEngines:
    """An engine cache whose event changes while a suggestion is being computed (a concurrent writer)."""

    def __init__(self) -> None:
        self.stamp = 1
        self.computed = 0

    def current(self, slug: str) -> tuple[_ChangingEngines, int]:
        return self, self.stamp

    def suggest(self, participant: str, role: Role, k: int) -> tuple[Suggestion, ...]:
        self.computed += 1
        self.stamp += 1  # a writer puts a new engine in place before this result is stored
        return ()


def test_a_body_computed_across_a_change_is_never_served_after_it() -> None:
    engines = _ChangingEngines()
    bodies = SuggestionBodies(engines, size=16)  # type: ignore[arg-type]
    for expected in (1, 2, 3):
        assert bodies.json("e", "s1", Role.MENTOR, 10) == b"[]"
        assert engines.computed == expected


def test_size_zero_remembers_nothing(tmp_path: Path, backend: EmbeddingBackend) -> None:
    with client_for(settings_for(tmp_path, suggestion_cache=0), backend) as client:
        load_event(client)
        assert _served(client) == _served(client) == _fresh(client)
        assert runtime_of(client).suggestions.stats() == CacheStats(0, 0)
