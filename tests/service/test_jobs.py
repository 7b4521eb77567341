"""Schedule jobs: 202 and a job id, status and progress, results as JSON, CSV and .ics; crashes and restarts."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from starlette.testclient import TestClient

from matcher.embed import EmbeddingBackend
from service.db.models import EventRow, JobRow
from service.runtime import Runtime
from tests.conftest import TINY
from tests.service.helpers import (
    ADMIN,
    client_for,
    csv_files,
    issue_key,
    load_event,
    settings_for,
    wait_for_job,
)

pytestmark = pytest.mark.slow  # worker processes: `make unit-fast` leaves them out


@pytest.fixture()
def client(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, backend: EmbeddingBackend) -> Iterator[TestClient]:
    cache = tmp_path_factory.getbasetemp() / "service-cache" / "embeddings.sqlite"
    with client_for(settings_for(tmp_path, cache), backend) as c:
        load_event(c)
        yield c


def _start(client: TestClient, kind: str, **options: object) -> str:
    answer = client.post("/v1/events/tiny/schedules", json={"kind": kind, "options": options}, headers=ADMIN)
    assert answer.status_code == 202, answer.text
    assert answer.json()["status"] == "queued" and answer.headers["location"] == f"/v1/jobs/{answer.json()['id']}"
    job_id: str = answer.json()["id"]
    return job_id


def test_an_infeasible_mentor_programme_fails_with_its_violations(client: TestClient) -> None:
    job_id = _start(client, "mentors", per_startup=1)
    job = wait_for_job(client, job_id, ADMIN)
    assert job["status"] == "failed" and job["error"]["error"] == "infeasible"
    result = client.get(f"/v1/jobs/{job_id}/result", headers=ADMIN)
    assert result.status_code == 409
    assert result.json()["violations"][0]["constraint"] == "startup_demand"
    assert result.json()["violations"][0]["participants"] == ["s2"]
    assert client.get(f"/v1/jobs/{job_id}/result.csv", headers=ADMIN).status_code == 409


def test_mentor_and_pitch_results_as_json_and_csv(client: TestClient) -> None:
    english = (TINY / "participants.csv").read_bytes().replace(b"Pixelwerk,DE,de,", b"Pixelwerk,DE,de;en,")
    imported = client.post("/v1/events/tiny/import", files=csv_files(**{"participants.csv": english}), headers=ADMIN)
    assert imported.status_code == 200
    mentors, pitches = _start(client, "mentors", per_startup=1), _start(client, "pitches", time_limit_s=10)
    assert wait_for_job(client, mentors, ADMIN)["status"] == "succeeded"
    result = client.get(f"/v1/jobs/{mentors}/result", headers=ADMIN).json()
    assert result["summary"]["status"] == "optimal" and result["summary"]["assignments"] == 3
    assert sorted(i["a_id"] for i in result["items"]) == ["s1", "s2", "s3"]
    assert all(i["kind"] == "assignment" and i["explanation"].startswith("score") for i in result["items"])
    rows = list(csv.DictReader(io.StringIO(client.get(f"/v1/jobs/{mentors}/result.csv", headers=ADMIN).text)))
    assert [r["startup_id"] for r in rows] == [i["a_id"] for i in result["items"]]
    assert wait_for_job(client, pitches, ADMIN)["status"] == "succeeded"
    pitched = client.get(f"/v1/jobs/{pitches}/result", headers=ADMIN).json()
    assert {i["kind"] for i in pitched["items"]} == {"pitch", "jury"}
    assert pitched["summary"]["placed"] == sum(i["kind"] == "pitch" for i in pitched["items"])
    listed = client.get("/v1/events/tiny/schedules", params={"kind": "pitches"}, headers=ADMIN).json()
    assert [j["id"] for j in listed["items"]] == [pitches]


def test_meetings_agenda_and_replan(client: TestClient) -> None:
    job_id = _start(client, "meetings", time_limit_s=10)
    job = wait_for_job(client, job_id, ADMIN)
    assert job["status"] == "succeeded" and job["progress"] == 1.0, job
    result = client.get(f"/v1/jobs/{job_id}/result", headers=ADMIN).json()
    meetings = [i for i in result["items"] if i["kind"] == "meeting"]
    assert len(meetings) == result["summary"]["meetings"] > 0
    assert any({m["a_id"], m["b_id"]} == {"s1", "i1"} and m["origin"] == "locked" for m in meetings)
    tiers = result["summary"]["tiers"]
    assert [t["tier"] for t in tiers] == ["locked", "accepted", "coverage", "requested", "balance", "suggested"]
    assert all(t["bound"] is None or t["value"] <= t["bound"] + 1e-9 for t in tiers)
    assert result["summary"]["unscheduled_accepted"] == []
    s1 = issue_key(client, "tiny", "participant", "s1")
    agenda = client.get("/v1/events/tiny/participants/s1/agenda.ics", headers=s1)
    assert agenda.status_code == 200 and agenda.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(agenda.content).walk("VEVENT")
    assert len(events) == sum("s1" in (m["a_id"], m["b_id"]) for m in meetings)
    assert any("Sofia Rossi" in str(e["SUMMARY"]) for e in events)
    replan = _start(client, "meetings", time_limit_s=10, previous_job=job_id)
    assert wait_for_job(client, replan, ADMIN)["status"] == "succeeded"
    pinned = client.get(f"/v1/events/tiny/participants/s1/agenda.ics?job_id={job_id}", headers=s1)
    assert pinned.status_code == 200
    bad = client.post(
        "/v1/events/tiny/schedules", json={"kind": "meetings", "options": {"previous_job": "f" * 32}}, headers=ADMIN
    )
    assert bad.status_code == 404
    order = {"kind": "meetings", "options": {"tiers": "accepted,balance,coverage,requested,suggested"}}
    refused = client.post("/v1/events/tiny/schedules", json=order, headers=ADMIN)
    assert refused.status_code == 422 and "put coverage before balance" in refused.text
    assert client.post("/v1/events/tiny/schedules", json={"kind": "golf"}, headers=ADMIN).status_code == 422


def test_a_crashed_worker_fails_its_job_and_the_api_stays_up(client: TestClient) -> None:
    runner = client.app.state.runtime.jobs  # type: ignore[attr-defined]
    job_id = _start(client, "meetings", time_limit_s=10)
    deadline = time.monotonic() + 10
    while job_id not in runner._processes:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    started = time.monotonic()
    assert client.get("/healthz").status_code == 200 and time.monotonic() - started < 1.0
    runner._processes[job_id].kill()
    job = wait_for_job(client, job_id, ADMIN)
    assert job["status"] == "failed" and job["error"]["error"] == "solver_failed"
    assert "exit code -9" in job["error"]["message"]
    assert client.get(f"/v1/jobs/{job_id}/result", headers=ADMIN).json()["error"] == "solver_failed"


def test_jobs_interrupted_by_a_restart_are_marked_failed(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, backend: EmbeddingBackend
) -> None:
    cache = tmp_path_factory.getbasetemp() / "service-cache" / "embeddings.sqlite"
    settings = settings_for(tmp_path, cache)
    with client_for(settings, backend) as client:
        client.post("/v1/events", json={"id": "tiny", "name": "Tiny"}, headers=ADMIN)
        runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
        with runtime.db.session() as session:
            event = session.query(EventRow).one()
            for job_id, status in (("a" * 32, "running"), ("b" * 32, "queued"), ("c" * 32, "succeeded")):
                session.add(JobRow(id=job_id, event_id=event.id, kind="meetings", options={}, status=status))
    with client_for(settings, backend) as client:
        statuses = {j["id"][0]: j for j in client.get("/v1/events/tiny/schedules", headers=ADMIN).json()["items"]}
        assert statuses["a"]["status"] == statuses["b"]["status"] == "failed"
        assert statuses["a"]["error"]["error"] == "interrupted"
        assert statuses["c"]["status"] == "succeeded"
        assert client.get(f"/v1/jobs/{'a' * 32}/result", headers=ADMIN).json()["error"] == "interrupted"
