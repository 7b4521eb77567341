"""The service under real uvicorn on a free loopback port, spoken to over HTTP with httpx."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx2 as httpx
import pytest
import uvicorn

from matcher.embed import EmbeddingBackend
from tests.service.helpers import ADMIN, app_for, csv_files, participant_body, settings_for


@pytest.mark.slow
def test_real_uvicorn_over_loopback(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, backend: EmbeddingBackend
) -> None:
    cache = tmp_path_factory.getbasetemp() / "service-cache" / "embeddings.sqlite"
    app = app_for(settings_for(tmp_path, cache, max_body_bytes=4096), backend)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline
            time.sleep(0.02)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            assert client.get("/v1/events").status_code == 401
            assert client.post("/v1/events", json={"id": "tiny", "name": "Tiny"}, headers=ADMIN).status_code == 201
            files = [(field, (name, data, kind)) for field, (name, data, kind) in csv_files()]
            assert client.post("/v1/events/tiny/import", files=files, headers=ADMIN).status_code == 200
            ranked = client.get("/v1/events/tiny/participants/s1/suggestions?role=investor&k=2", headers=ADMIN)
            assert [s["id"] for s in ranked.json()] == ["i1", "i2"]
            big = participant_body("m9", "word " * 2000)
            refused = client.post("/v1/events/tiny/participants", json=big, headers=ADMIN)
            assert refused.status_code == 413 and refused.json()["error"] == "too_large"
            deadline = time.monotonic() + 30
            while client.get("/readyz").status_code != 200:
                assert time.monotonic() < deadline
                time.sleep(0.05)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
    assert not thread.is_alive()
