"""Helpers of the service tests (no tests here): an app on a temporary database with the session's model."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.testclient import TestClient

from matcher.embed import EmbeddingBackend, ModelSpec
from service.app import create_app
from service.runtime import Runtime
from service.settings import Settings
from tests.conftest import TINY

ADMIN_KEY = "test-admin-key-0123456789abcdef"
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


def settings_for(tmp_path: Path, cache: Path | None = None, **changes: Any) -> Settings:
    """Settings of a service on a fresh SQLite file under ``tmp_path`` (and a shared embedding cache if given)."""
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "cache_path": cache,
        "admin_key": ADMIN_KEY,
        "solver_workers": 1,
        "job_time_limit_max": 20.0,
    }
    values.update(changes)
    return Settings(**values)


def loader_for(backend: EmbeddingBackend) -> Any:
    """A backend loader that hands out the session's already loaded model."""

    def load(spec: ModelSpec) -> EmbeddingBackend:
        assert spec.name == backend.spec.name, spec
        return backend

    return load


def app_for(settings: Settings, backend: EmbeddingBackend) -> FastAPI:
    return create_app(settings, backend_loader=loader_for(backend))


@contextmanager
def client_for(settings: Settings, backend: EmbeddingBackend) -> Iterator[TestClient]:
    """A started app (lifespan run) and its test client; 500s are answered, not raised."""
    with TestClient(app_for(settings, backend), raise_server_exceptions=False) as client:
        yield client


@contextmanager
def loaded_client(tmp_path: Path, backend: EmbeddingBackend) -> Iterator[TestClient]:
    """A started app with its own embedding cache and the tiny event imported."""
    with client_for(settings_for(tmp_path), backend) as client:
        load_event(client)
        yield client


def runtime_of(client: TestClient) -> Runtime:
    """The runtime of a started app."""
    runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return runtime


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def csv_files(directory: Path = TINY, **replace: bytes) -> list[tuple[str, tuple[str, bytes, str]]]:
    """The multipart ``files`` of an event directory, with some files' contents replaced."""
    out = []
    for path in sorted(directory.glob("*.csv")):
        out.append(("files", (path.name, replace.pop(path.name, path.read_bytes()), "text/csv")))
    out.extend(("files", (name, data, "text/csv")) for name, data in replace.items())
    return out


def load_event(client: TestClient, event_id: str = "tiny", directory: Path = TINY) -> dict[str, Any]:
    """Create an event (admin key) and import a directory into it."""
    created = client.post("/v1/events", json={"id": event_id, "name": event_id.title()}, headers=ADMIN)
    assert created.status_code == 201, created.text
    imported = client.post(f"/v1/events/{event_id}/import", files=csv_files(directory), headers=ADMIN)
    assert imported.status_code == 200, imported.text
    body: dict[str, Any] = imported.json()
    return body


def issue_key(client: TestClient, event_id: str, role: str, participant: str | None = None) -> dict[str, str]:
    """Authorization headers of a new organiser or participant key of the event."""
    body: dict[str, Any] = {"role": role}
    if participant is not None:
        body["participant_id"] = participant
    made = client.post(f"/v1/events/{event_id}/keys", json=body, headers=ADMIN)
    assert made.status_code == 201, made.text
    return bearer(made.json()["key"])


def wait_for_job(client: TestClient, job_id: str, headers: dict[str, str], timeout: float = 60.0) -> dict[str, Any]:
    """Poll a job until it succeeds or fails."""
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.1)


def participant_body(pid: str, description: str, **changes: Any) -> dict[str, Any]:
    """A valid participant body (a mentor speaking English and French by default)."""
    body: dict[str, Any] = {
        "id": pid,
        "name": f"Person {pid}",
        "role": "mentor",
        "organisation": f"Org {pid}",
        "country": "FR",
        "languages": ["en", "fr"],
        "sectors": ["audio"],
        "description": description,
        "mentor_capacity": 2,
        "email": f"{pid}@example.org",
        "documents": [],
    }
    body.update(changes)
    return body
