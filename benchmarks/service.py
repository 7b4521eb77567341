"""The suggestions endpoint under load: real uvicorn on 127.0.0.1, 16 concurrent httpx clients, vs ``/healthz``.

    python -m benchmarks.service [--quick] [--no-cache] [--json FILE] [--requests N] [--concurrency C]

One run: a generated event (10,000 mentors and 2,000 startups; ``--quick``: 500 and 100) is created and imported
over HTTP into a fresh service (its own SQLite file; embeddings cached in ``var/bench-cache``, so only the first
run embeds), then ``N`` suggestion requests (random startups, role mentor, k=10, an organiser key) and ``N``
``/healthz`` requests are sent by ``C`` concurrent clients. Reported: p50 / p99 latency and requests/s of both, and
the suggestions' share of the ``/healthz`` rate (the same server, the same clients: the ceiling of this machine).
Targets: p99 under 100 ms, and at least 30% of the ``/healthz`` rate. Traffic goes to loopback only, and stops.

Startups are drawn with repetition, so the service serves some bodies from memory (unchanged event, same request):
the report says how many. ``--no-cache`` turns that memory off (``MATCHER_SUGGESTION_CACHE=0``): every request
computes its suggestions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx

from benchmarks.service_event import event_files

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "bench-cache" / "embeddings.sqlite"
TARGET_P99_MS = 100.0
TARGET_SHARE = 0.30


@dataclass(frozen=True)
class Load:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    rps: float


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, admin_key: str, port: int, cache: bool = True) -> subprocess.Popen[bytes]:
    """uvicorn with the service on 127.0.0.1:port, a fresh database, and the benchmark's embedding cache."""
    env = {
        **os.environ,
        "MATCHER_DATA_DIR": str(data_dir),
        "MATCHER_CACHE_PATH": str(CACHE),
        "MATCHER_ADMIN_KEY": admin_key,
        "MATCHER_MAX_UPLOAD_BYTES": str(256 << 20),
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        **({} if cache else {"MATCHER_SUGGESTION_CACHE": "0"}),
    }
    command = [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(command, env=env, cwd=ROOT)


def wait_until(client: httpx.Client, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if client.get(path).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the service did not answer 200 on {path} within {timeout:.0f} s")
        time.sleep(0.2)


def load_event(client: httpx.Client, admin: dict[str, str], files: dict[str, bytes]) -> tuple[dict[str, str], float]:
    """Create and import the event; returns an organiser key's headers and the import's seconds."""
    created = client.post("/v1/events", json={"id": "bench", "name": "Benchmark"}, headers=admin)
    created.raise_for_status()
    started = time.perf_counter()
    upload = [("files", (name, data, "text/csv")) for name, data in files.items()]
    imported = client.post("/v1/events/bench/import", files=upload, headers=admin, timeout=1800)
    if imported.status_code != 200:
        raise SystemExit(f"import failed: {imported.status_code} {imported.text[:500]}")
    seconds = time.perf_counter() - started
    key = client.post("/v1/events/bench/keys", json={"role": "organiser"}, headers=admin)
    key.raise_for_status()
    return {"Authorization": f"Bearer {key.json()['key']}"}, seconds


async def hammer(base_url: str, paths: list[str], concurrency: int, headers: dict[str, str]) -> Load:
    """Send every path once, ``concurrency`` at a time; latency of each, and the overall rate."""
    latencies: list[float] = []
    errors = 0
    pending = list(reversed(paths))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120, headers=headers) as client:

        async def worker() -> None:
            nonlocal errors
            while pending:
                path = pending.pop()
                started = time.perf_counter()
                answer = await client.get(path)
                latencies.append(time.perf_counter() - started)
                errors += answer.status_code != 200

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return Load(len(latencies), errors, seconds, 1000 * statistics.median(latencies), 1000 * cuts[98],
                len(latencies) / seconds)  # fmt: skip


def client_status(base_url: str) -> dict[str, Any]:
    """The server's ``/readyz`` report (it counts the suggestion bodies served from memory)."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        status: dict[str, Any] = client.get("/readyz").json()
        return status


def cache_use(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """Suggestion bodies served from memory (hits) and computed (misses) between two reports."""
    was, now = before.get("suggestion_cache") or {}, after.get("suggestion_cache") or {}
    return {name: int(now.get(name, 0)) - int(was.get(name, 0)) for name in ("hits", "misses")}


def run(quick: bool, requests: int, concurrency: int, seed: int = 0, cache: bool = True) -> dict[str, Any]:
    n_startups, n_mentors = (100, 500) if quick else (2000, 10000)
    files = event_files(n_startups, n_mentors, seed)
    admin_key = secrets.token_urlsafe(32)
    admin = {"Authorization": f"Bearer {admin_key}"}
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="matcher-bench-") as tmp:
        server = start_server(Path(tmp), admin_key, port, cache)
        try:
            with httpx.Client(base_url=base_url, timeout=60) as client:
                wait_until(client, "/healthz", 120)
                organiser, import_seconds = load_event(client, admin, files)
                wait_until(client, "/readyz", 600)
            startups = [f"s{i:05d}" for i in range(n_startups)]
            suggestions = [
                f"/v1/events/bench/participants/{rng.choice(startups)}/suggestions?role=mentor&k=10"
                for _ in range(requests)
            ]
            warm = max(concurrency * 2, requests // 20)
            asyncio.run(hammer(base_url, ["/healthz"] * warm, concurrency, {}))
            asyncio.run(hammer(base_url, suggestions[:warm], concurrency, organiser))
            health = asyncio.run(hammer(base_url, ["/healthz"] * requests, concurrency, {}))
            before = client_status(base_url)
            suggest = asyncio.run(hammer(base_url, suggestions, concurrency, organiser))
            served = cache_use(before, client_status(base_url))
        finally:
            server.terminate()
            server.wait(timeout=60)
    share = suggest.rps / health.rps
    return {
        "event": {"startups": n_startups, "mentors": n_mentors, "import_seconds": round(import_seconds, 2)},
        "concurrency": concurrency,
        "healthz": asdict(health),
        "suggestions": asdict(suggest),
        "share_of_healthz": share,
        "suggestion_cache": served,
        "targets": {"p99_ms": TARGET_P99_MS, "share_of_healthz": TARGET_SHARE},
        "met": {"p99": suggest.p99_ms < TARGET_P99_MS, "share": share >= TARGET_SHARE, "no_errors": not suggest.errors},
    }


def table(result: dict[str, Any]) -> str:
    rows = [f"{'endpoint':<12} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}"]
    for name in ("healthz", "suggestions"):
        r = result[name]
        rows.append(f"{name:<12} {r['requests']:>8} {r['errors']:>6} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
                    f"{r['rps']:>8.1f}")  # fmt: skip
    e, met = result["event"], result["met"]
    rows.append(
        f"event: {e['startups']} startups + {e['mentors']} mentors, imported in {e['import_seconds']:.1f} s; "
        f"{result['concurrency']} concurrent clients"
    )
    cache = result["suggestion_cache"]
    rows.append(f"suggestion bodies served from memory: {cache['hits']} (computed: {cache['misses']})")
    rows.append(
        f"suggestions at {100 * result['share_of_healthz']:.1f}% of the /healthz rate (target >= 30%: "
        f"{'met' if met['share'] else 'NOT met'}); p99 target < 100 ms: {'met' if met['p99'] else 'NOT met'}"
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="A small event (runs in under a minute).")
    parser.add_argument("--no-cache", action="store_true", help="Compute every suggestion (no remembered bodies).")
    parser.add_argument("--json", type=Path, help="Also write the results to this JSON file.")
    parser.add_argument("--requests", type=int, default=None, help="Requests per endpoint (default 500; quick 300).")
    parser.add_argument("--concurrency", type=int, default=16, help="Concurrent clients.")
    args = parser.parse_args()
    requests = args.requests or (300 if args.quick else 500)
    result = run(args.quick, requests, args.concurrency, cache=not args.no_cache)
    print(table(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
