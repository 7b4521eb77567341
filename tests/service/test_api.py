"""The HTTP service, route by route: real model, real faiss, a real SQLite file per test."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from matcher.embed import EmbeddingBackend
from matcher.errors import ConstraintViolation, Infeasible, ModelUnavailable, SolverFailed
from service.deps import get_suggestions
from tests.conftest import TINY
from tests.service.helpers import (
    ADMIN,
    app_for,
    client_for,
    csv_files,
    issue_key,
    load_event,
    participant_body,
    settings_for,
)


@pytest.fixture()
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "service-cache" / "embeddings.sqlite"


@pytest.fixture()
def client(tmp_path: Path, shared_cache: Path, backend: EmbeddingBackend) -> Iterator[TestClient]:
    with client_for(settings_for(tmp_path, shared_cache), backend) as c:
        yield c


def test_health_readiness_and_documented_routes(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    deadline = time.monotonic() + 30
    while (ready := client.get("/readyz")).status_code != 200:
        assert time.monotonic() < deadline, ready.json()
        time.sleep(0.05)
    assert ready.json()["model_loaded"] and ready.json()["indexes_ready"]
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 25
    for path, method, op in operations:
        assert op.get("description") or op.get("summary"), f"{method.upper()} {path} has no description"
        if path.startswith("/v1/"):
            assert op.get("security"), f"{method.upper()} {path} is not documented as needing a key"


def test_events_crud_and_pagination(client: TestClient) -> None:
    for n in range(3):
        made = client.post("/v1/events", json={"id": f"e{n}", "name": f"Event {n}"}, headers=ADMIN)
        assert made.status_code == 201
        assert made.json()["settings"]["model"] == "all-MiniLM-L6-v2"
    assert client.post("/v1/events", json={"id": "e0", "name": "Again"}, headers=ADMIN).status_code == 409
    page = client.get("/v1/events", params={"limit": 2}, headers=ADMIN).json()
    assert (page["total"], page["limit"], page["offset"], [e["id"] for e in page["items"]]) == (3, 2, 0, ["e0", "e1"])
    typo = client.get("/v1/events", params={"limt": 2}, headers=ADMIN)
    assert typo.status_code == 422 and typo.json()["problems"][0]["column"] == "limt"
    rest = client.get("/v1/events", params={"limit": 2, "offset": 2}, headers=ADMIN).json()
    assert [e["id"] for e in rest["items"]] == ["e2"]
    other_model = {"id": "e5", "name": "E5", "settings": {"model": "use-multilingual-v3", "top_k": 2}}
    made = client.post("/v1/events", json=other_model, headers=ADMIN).json()
    assert made["settings"]["model"] == "use-multilingual-v3" and made["settings"]["top_k"] == 2
    assert client.delete("/v1/events/e5", headers=ADMIN).status_code == 204
    bad = client.post("/v1/events", json={"id": "x", "name": "X", "settings": {"model": "nope"}}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["problems"][0]["column"] == "settings.model"
    assert client.get("/v1/events/e1", headers=ADMIN).json()["counts"]["slots"] == 0
    assert client.delete("/v1/events/e1", headers=ADMIN).status_code == 204
    assert client.get("/v1/events/e1", headers=ADMIN).status_code == 404
    assert client.get("/v1/events", headers=ADMIN).json()["total"] == 2


def test_import_reports_every_problem_at_once_and_stores_nothing(client: TestClient) -> None:
    client.post("/v1/events", json={"id": "tiny", "name": "Tiny"}, headers=ADMIN)
    participants = (
        (TINY / "participants.csv")
        .read_bytes()
        .replace(b"s2,Pixelwerk,startup,Pixelwerk,DE", b"s2,Pixelwerk,startup,Pixelwerk,XX")
    )
    slots = b"slot_id,start,end\nS1,2026-12-10T09:00:00+01:00,2026-12-10T08:00:00+01:00\n"
    broken = client.post(
        "/v1/events/tiny/import",
        files=csv_files(**{"participants.csv": participants, "slots.csv": slots}),
        headers=ADMIN,
    )
    assert broken.status_code == 422
    problems = {(p["file"], p["row"], p["column"]) for p in broken.json()["problems"]}
    assert ("participants.csv", 3, "country") in problems
    assert ("slots.csv", 2, "end") in problems
    assert any(p["file"] == "availability.csv" and p["column"] == "slot_id" for p in broken.json()["problems"])
    counts = client.get("/v1/events/tiny", headers=ADMIN).json()["counts"]
    assert counts["participants"] == {} and counts["slots"] == 0
    report = client.post("/v1/events/tiny/import", files=csv_files(), headers=ADMIN).json()
    assert report["event"]["counts"] == {
        "participants": {"startup": 3, "mentor": 3, "investor": 2, "corporate": 1},
        "documents": 5,
        "slots": 3,
        "tables": 3,
        "availability": 2,
        "requests": 4,
        "conflicts": 1,
        "locked": 1,
        "sessions": 2,
    }
    again = client.post("/v1/events/tiny/import", files=csv_files(), headers=ADMIN).json()
    assert again["embedded"] == 0 and again["removed_participants"] == []


def test_suggestions_are_the_cli_json(
    client: TestClient, tmp_path: Path, backend: EmbeddingBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matcher.cli.app import app as cli

    load_event(client)
    monkeypatch.setattr("matcher.workspace.load_backend", lambda spec: backend)
    runner = CliRunner()
    explained = 0
    for pid, role in (("s1", "investor"), ("s1", "mentor"), ("s3", "corporate"), ("m1", "startup")):
        served = client.get(f"/v1/events/tiny/participants/{pid}/suggestions", params={"role": role}, headers=ADMIN)
        assert served.status_code == 200, served.text
        args = ["suggest", "--event", str(TINY), "--store", str(tmp_path / "cli"), "--for", pid, "--role", role]
        printed = runner.invoke(cli, [*args, "--json"])
        assert printed.exit_code == 0, printed.output
        assert served.json() == json.loads(printed.stdout)
        for suggestion in served.json():  # what drove the score: its documents, components and sentences
            details = suggestion["details"]
            assert {d["side"] for d in details["documents"]} == {"yours", "theirs"}
            assert {"semantic", "lexical"} <= {c["name"] for c in details["components"]}
            explained += 1
    assert explained >= 3
    wrong = client.get("/v1/events/tiny/participants/m1/suggestions", params={"role": "mentor"}, headers=ADMIN)
    assert wrong.status_code == 422 and "a mentor is matched with startup" in wrong.json()["message"]
    unknown = client.get("/v1/events/tiny/participants/zz/suggestions", params={"role": "mentor"}, headers=ADMIN)
    assert unknown.status_code == 404


def test_participant_crud(client: TestClient) -> None:
    load_event(client)
    body = participant_body("m9", "Podcast producer who helps audio startups reach broadcasters and archives.")
    made = client.post("/v1/events/tiny/participants", json=body, headers=ADMIN)
    assert made.status_code == 201 and made.json()["email"] == "m9@example.org"
    assert client.post("/v1/events/tiny/participants", json=body, headers=ADMIN).status_code == 409
    bad = client.post(
        "/v1/events/tiny/participants",
        json=participant_body("m10", "x", country="XX", languages=["english"], documents=[{"text": " "}]),
        headers=ADMIN,
    )
    assert bad.status_code == 422
    assert {p["column"] for p in bad.json()["problems"]} >= {"country", "languages", "documents[0].text"}
    mentors = client.get("/v1/events/tiny/participants/s1/suggestions?role=mentor&k=10", headers=ADMIN).json()
    assert "m9" in [s["id"] for s in mentors]
    changed = participant_body("m9", "Chef specialised in pastry and bread baking.", sectors=["food"], languages=["de"])
    del changed["id"]
    assert client.put("/v1/events/tiny/participants/m9", json=changed, headers=ADMIN).status_code == 200
    assert client.get("/v1/events/tiny/participants/m9", headers=ADMIN).json()["languages"] == ["de"]
    mentors = client.get("/v1/events/tiny/participants/s1/suggestions?role=mentor", headers=ADMIN).json()
    assert "m9" not in [s["id"] for s in mentors]  # no common language any more
    listed = client.get("/v1/events/tiny/participants", params={"role": "mentor", "limit": 3}, headers=ADMIN).json()
    assert listed["total"] == 4 and [p["id"] for p in listed["items"]] == ["m1", "m2", "m3"]
    assert client.put("/v1/events/tiny/participants/zz", json=changed, headers=ADMIN).status_code == 404
    assert client.delete("/v1/events/tiny/participants/m9", headers=ADMIN).status_code == 204
    assert client.get("/v1/events/tiny/participants/m9", headers=ADMIN).status_code == 404


def test_requests_accept_decline_and_the_declined_filter(client: TestClient) -> None:
    load_event(client)
    s1 = issue_key(client, "tiny", "participant", "s1")
    m1 = issue_key(client, "tiny", "participant", "m1")
    sent = client.post("/v1/events/tiny/requests", json={"to_id": "m1"}, headers=s1)
    assert sent.status_code == 201 and sent.json()["from_id"] == "s1" and sent.json()["status"] == "pending"
    rid = sent.json()["id"]
    assert client.post("/v1/events/tiny/requests", json={"to_id": "m1"}, headers=s1).status_code == 409
    assert client.post("/v1/events/tiny/requests", json={"to_id": "s1"}, headers=s1).status_code == 422
    assert client.post(f"/v1/events/tiny/requests/{rid}/accept", headers=s1).status_code == 403
    assert client.post(f"/v1/events/tiny/requests/{rid}/accept", headers=m1).json()["status"] == "accepted"
    before = client.get("/v1/events/tiny/participants/s1/suggestions?role=mentor", headers=s1).json()
    assert "m1" in [s["id"] for s in before]
    assert client.post(f"/v1/events/tiny/requests/{rid}/decline", headers=m1).json()["status"] == "declined"
    after = client.get("/v1/events/tiny/participants/s1/suggestions?role=mentor", headers=s1).json()
    assert "m1" not in [s["id"] for s in after]
    mine = client.get("/v1/events/tiny/requests", headers=m1).json()
    assert [r["id"] for r in mine["items"]] == [rid]
    declined = client.get("/v1/events/tiny/requests", params={"status": "declined"}, headers=ADMIN).json()
    assert declined["total"] == 2  # s3 -> c1 from requests.csv, and this one
    assert client.delete(f"/v1/events/tiny/requests/{rid}", headers=m1).status_code == 403
    assert client.delete(f"/v1/events/tiny/requests/{rid}", headers=s1).status_code == 204
    assert client.get(f"/v1/events/tiny/requests/{rid}", headers=ADMIN).status_code == 404
    again = client.get("/v1/events/tiny/participants/s1/suggestions?role=mentor", headers=s1).json()
    assert "m1" in [s["id"] for s in again]


def test_body_and_upload_limits(tmp_path: Path, shared_cache: Path, backend: EmbeddingBackend) -> None:
    settings = settings_for(tmp_path, shared_cache, max_body_bytes=2048, max_upload_bytes=4096)
    with client_for(settings, backend) as client:
        client.post("/v1/events", json={"id": "tiny", "name": "Tiny"}, headers=ADMIN)
        big = participant_body("m9", "word " * 1000)
        too_big = client.post("/v1/events/tiny/participants", json=big, headers=ADMIN)
        assert too_big.status_code == 413 and too_big.json()["error"] == "too_large"
        upload = client.post("/v1/events/tiny/import", files=csv_files(TINY), headers=ADMIN)
        assert upload.status_code == 413
        streamed = client.post(
            "/v1/events/tiny/participants",
            content=(chunk for chunk in [json.dumps(big).encode()[:1500], json.dumps(big).encode()[1500:]]),
            headers={**ADMIN, "Content-Type": "application/json"},
        )
        assert streamed.status_code == 413


class _Failing:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def built(self, slug: str) -> bool:
        return True

    def ready(self, slug: str) -> bool:
        return True

    def get(self, slug: str) -> Any:
        raise self.exc

    def suggest(self, *args: Any) -> Any:
        raise self.exc

    def json(self, *args: Any) -> Any:
        raise self.exc


def test_errors_are_translated_without_stack_traces(
    tmp_path: Path, shared_cache: Path, backend: EmbeddingBackend, caplog: pytest.LogCaptureFixture
) -> None:
    app = app_for(settings_for(tmp_path, shared_cache), backend)
    url = "/v1/events/tiny/participants/s1/suggestions?role=mentor"
    violation = ConstraintViolation("startup_demand", ("s2",), "needs a mentor")
    cases = [
        (RuntimeError("secret detail at /srv/x.py"), 500, "internal"),
        (Infeasible("no programme", (violation,)), 409, "infeasible"),
        (SolverFailed("CP-SAT crashed"), 503, "solver_failed"),
        (ModelUnavailable("no weights offline"), 503, "model_unavailable"),
    ]
    with TestClient(app, raise_server_exceptions=False) as client:
        load_event(client)
        for exc, status, code in cases:
            app.dependency_overrides[get_suggestions] = lambda exc=exc: _Failing(exc)
            answer = client.get(url, headers=ADMIN)
            assert (answer.status_code, answer.json()["error"]) == (status, code)
            assert "Traceback" not in answer.text and "secret" not in answer.text
            if status == 409:
                assert answer.json()["violations"][0]["participants"] == ["s2"]
        app.dependency_overrides.clear()
        assert client.get(url, headers=ADMIN).status_code == 200
    assert "secret detail" in caplog.text  # logged, with its traceback, for the operator
