"""Who may do what: 401 without a key, 403 for someone else's data, 404 for an unknown id; the keys CLI."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from matcher.embed import EmbeddingBackend
from service.keys_cli import keys_app
from service.settings import get_settings
from tests.service.helpers import (
    ADMIN,
    bearer,
    client_for,
    issue_key,
    load_event,
    participant_body,
    settings_for,
)


@pytest.fixture()
def client(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, backend: EmbeddingBackend) -> Iterator[TestClient]:
    cache = tmp_path_factory.getbasetemp() / "service-cache" / "embeddings.sqlite"
    with client_for(settings_for(tmp_path, cache), backend) as c:
        load_event(c, "tiny")
        load_event(c, "other")
        yield c


def _fill(path: str) -> str:
    values = {"event_id": "tiny", "participant_id": "s1", "request_id": "1", "job_id": "0" * 32, "prefix": "x"}
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_every_v1_route_needs_a_key(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    checked = 0
    for path, operations in schema["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method in operations:
            for headers in ({}, bearer("mk_000000000000_not-a-key"), bearer("garbage")):
                answer = client.request(method.upper(), _fill(path), headers=headers)
                assert answer.status_code == 401, (method, path, answer.text)
                assert answer.headers["www-authenticate"] == "Bearer"
            checked += 1
    assert checked >= 20


def test_an_organiser_acts_on_its_own_event_only(client: TestClient) -> None:
    organiser = issue_key(client, "tiny", "organiser")
    assert client.get("/v1/events/tiny", headers=organiser).status_code == 200
    assert [e["id"] for e in client.get("/v1/events", headers=organiser).json()["items"]] == ["tiny"]
    assert client.get("/v1/events/other", headers=organiser).status_code == 403
    assert client.get("/v1/events/no-such-event", headers=organiser).status_code == 403
    assert client.get("/v1/events/other/participants", headers=organiser).status_code == 403
    assert client.get("/v1/events/other/participants/s1/suggestions?role=mentor", headers=organiser).status_code == 403
    assert client.post("/v1/events/other/schedules", json={"kind": "pitches"}, headers=organiser).status_code == 403
    assert client.delete("/v1/events/other", headers=organiser).status_code == 403
    assert client.post("/v1/events", json={"id": "mine", "name": "Mine"}, headers=organiser).status_code == 403
    assert client.get("/v1/events/tiny/participants/zz", headers=organiser).status_code == 404
    assert client.get(f"/v1/jobs/{'0' * 32}", headers=organiser).status_code == 404
    other_job = client.post("/v1/events/other/schedules", json={"kind": "pitches"}, headers=ADMIN).json()["id"]
    assert client.get(f"/v1/jobs/{other_job}", headers=organiser).status_code == 403
    assert client.get(f"/v1/jobs/{other_job}/result", headers=organiser).status_code == 403
    listed = client.get("/v1/events/tiny/participants", headers=organiser).json()
    assert listed["items"][0]["email"] == "hello@lumen.example.org"
    assert client.get("/v1/events/admin-only/keys", headers=organiser).status_code == 403


def test_a_participant_reads_only_its_own_data(client: TestClient) -> None:
    s1 = issue_key(client, "tiny", "participant", "s1")
    s2 = issue_key(client, "tiny", "participant", "s2")
    own = client.get("/v1/events/tiny/participants/s1", headers=s1)
    assert own.status_code == 200 and own.json()["email"] == "hello@lumen.example.org"
    assert client.get("/v1/events/tiny/participants/s1/suggestions?role=mentor", headers=s1).status_code == 200
    for forbidden in (
        "/v1/events/tiny/participants/s2",
        "/v1/events/tiny/participants/zz",
        "/v1/events/tiny/participants/s2/suggestions?role=mentor",
        "/v1/events/tiny/participants/s2/agenda.ics",
        "/v1/events/tiny/participants",
        "/v1/events/tiny/requests?participant_id=s2",
        "/v1/events/tiny/schedules",
        "/v1/events/tiny/keys",
        "/v1/events/other",
        "/v1/events/other/participants/s1/suggestions?role=mentor",
    ):
        assert client.get(forbidden, headers=s1).status_code == 403, forbidden
    assert client.get("/v1/events/tiny/participants/s1/agenda.ics", headers=s1).status_code == 404  # no schedule
    for method, url in (
        ("POST", "/v1/events/tiny/participants"),
        ("PUT", "/v1/events/tiny/participants/s1"),
        ("DELETE", "/v1/events/tiny/participants/s1"),
        ("POST", "/v1/events/tiny/import"),
        ("DELETE", "/v1/events/tiny"),
    ):
        assert client.request(method, url, headers=s1).status_code == 403, (method, url)
    # requests.csv: s2 <-> i2 pending both ways; s1 -> i1 accepted. s1 sees only its own.
    mine = client.get("/v1/events/tiny/requests", headers=s1).json()
    assert [(r["from_id"], r["to_id"]) for r in mine["items"]] == [("s1", "i1")]
    everything = client.get("/v1/events/tiny/requests", headers=ADMIN).json()["items"]
    theirs = next(r for r in everything if (r["from_id"], r["to_id"]) == ("i2", "s2"))
    assert client.get(f"/v1/events/tiny/requests/{theirs['id']}", headers=s1).status_code == 403
    assert client.post(f"/v1/events/tiny/requests/{theirs['id']}/accept", headers=s1).status_code == 403
    assert client.post(f"/v1/events/tiny/requests/{theirs['id']}/accept", headers=s2).status_code == 200
    assert client.post("/v1/events/tiny/requests", json={"from_id": "s2", "to_id": "m1"}, headers=s1).status_code == 403
    assert client.post("/v1/events/tiny/requests/999/accept", headers=s1).status_code == 404


def test_an_erased_participants_key_stops_working(client: TestClient) -> None:
    s3 = issue_key(client, "tiny", "participant", "s3")
    assert client.get("/v1/events/tiny/participants/s3", headers=s3).status_code == 200
    assert client.delete("/v1/events/tiny/participants/s3", headers=ADMIN).status_code == 204
    assert client.get("/v1/events/tiny/participants/s3", headers=s3).status_code == 401


def test_keys_over_http_list_and_revoke(client: TestClient) -> None:
    made = client.post("/v1/events/tiny/keys", json={"role": "participant", "participant_id": "m1"}, headers=ADMIN)
    key, prefix = made.json()["key"], made.json()["prefix"]
    assert key.startswith(f"mk_{prefix}_")
    listed = client.get("/v1/events/tiny/keys", headers=ADMIN).json()
    assert [(k["prefix"], k["participant_id"]) for k in listed["items"]] == [(prefix, "m1")]
    assert key not in str(listed)
    bad = client.post("/v1/events/tiny/keys", json={"role": "participant"}, headers=ADMIN)
    assert bad.status_code == 422
    unknown = client.post("/v1/events/tiny/keys", json={"role": "participant", "participant_id": "zz"}, headers=ADMIN)
    assert unknown.status_code == 404
    assert client.delete(f"/v1/events/tiny/keys/{prefix}", headers=ADMIN).status_code == 204
    assert client.get("/v1/events/tiny/participants/m1", headers=bearer(key)).status_code == 401


def test_keys_cli_bootstraps_admin_and_event_keys(
    tmp_path: Path, backend: EmbeddingBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path, admin_key=None, key_cache_seconds=0)  # the CLI revokes from another process
    monkeypatch.setenv("MATCHER_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        admin = runner.invoke(keys_app, ["create", "--admin", "--label", "bootstrap"])
        assert admin.exit_code == 0, admin.output
        admin_key = admin.stdout.strip()
        with client_for(settings, backend) as client:
            assert client.get("/v1/events", headers=ADMIN).status_code == 401  # no admin key in these settings
            assert (
                client.post("/v1/events", json={"id": "e", "name": "E"}, headers=bearer(admin_key)).status_code == 201
            )
            body = participant_body("m1", "Radio producer.")
            assert client.post("/v1/events/e/participants", json=body, headers=bearer(admin_key)).status_code == 201
            organiser = runner.invoke(keys_app, ["create", "--event", "e", "--role", "organiser"])
            participant = runner.invoke(
                keys_app, ["create", "--event", "e", "--role", "participant", "--participant", "m1"]
            )
            assert organiser.exit_code == 0 and participant.exit_code == 0, organiser.output + participant.output
            organiser_key, participant_key = organiser.stdout.strip(), participant.stdout.strip()
            assert client.get("/v1/events/e/participants", headers=bearer(organiser_key)).json()["total"] == 1
            assert client.get("/v1/events/e/participants/m1", headers=bearer(participant_key)).status_code == 200
            listed = runner.invoke(keys_app, ["list", "--event", "e"])
            assert listed.exit_code == 0 and "organiser" in listed.stdout and "participant m1" in listed.stdout
            prefix = organiser_key.split("_")[1]
            assert runner.invoke(keys_app, ["revoke", prefix, "--event", "e"]).exit_code == 0
            assert client.get("/v1/events/e", headers=bearer(organiser_key)).status_code == 401
        for wrong in (
            ["create", "--event", "nope", "--role", "organiser"],
            ["create", "--event", "e", "--role", "participant"],
            ["create", "--admin", "--event", "e"],
            ["create", "--event", "e"],
        ):
            assert runner.invoke(keys_app, wrong).exit_code == 1, wrong
    finally:
        get_settings.cache_clear()
