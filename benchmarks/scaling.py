"""Scaling: time and memory of the whole matching pipeline against the number of participants.

    python -m benchmarks.scaling [--quick] [--sizes 100,300,1000] [--json FILE]

For each size ``n`` (default 100, 300, 1,000, 3,000, 10,000; ``--quick``: 100, 300, 1,000) a fresh process
(``multiprocessing`` spawn, so memory figures do not leak between sizes) takes a generated event of ``2n/3``
startups and ``n/3`` mentors (:mod:`benchmarks.service_event`: one-sentence profiles of media and deep-tech
clusters, written as CSV) through the same stages as ``matcher``:

* ``validate``: ``participants.csv`` parsed and validated (:func:`matcher.event.eventdir.load_event`);
* ``embed``: every text unit and sentence encoded by the default model on a cold in-memory cache;
* ``index``: the faiss profile index built from those vectors, and the first query (which fills the engine's
  lazy per-event caches);
* ``suggest``: mentor suggestions (k=10, with explanations) for up to 200 startups; reported per suggestion;
* ``assign``: the mentor programme (one mentor per startup, the mentors' own capacities of 1-5, min-cost flow)
  from top-50 edges per startup;
* ``meetings``: a generated B2B event of the same size (:mod:`benchmarks.gen_event`, 18 slots, one physical table
  per 8 participants) encoded and scheduled by the greedy baseline (the CP-SAT solver works to a time limit, so
  its time says nothing about scale; see ``benchmarks.scheduling`` for its objective over time).

Memory is the process's peak resident set size (``ru_maxrss``) at the end, and the same after imports and the
model load (``baseline_mb``): ``peak_mb - baseline_mb`` is what the event and the pipeline cost. Every figure comes
from this machine; the run states its cores and memory.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["FULL_SIZES", "QUICK_SIZES", "machine", "main", "measure", "run", "table"]

FULL_SIZES = (100, 300, 1_000, 3_000, 10_000)
QUICK_SIZES = (100, 300, 1_000)
SUGGEST_SAMPLE = 200
STAGES = ("validate", "embed", "index", "suggest", "assign", "meetings")
T = TypeVar("T")


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model, load and Python of this machine (stated next to every figure)."""
    info: dict[str, Any] = {"cores": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform}
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        total_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:"))
        info["memory_gib"] = round(total_kb / 2**20, 1)
        cpu = Path("/proc/cpuinfo").read_text().splitlines()
        info["cpu"] = next((line.split(":", 1)[1].strip() for line in cpu if line.startswith("model name")), None)
    except (OSError, StopIteration):
        info["memory_gib"] = None
    info["load_1min"] = round(os.getloadavg()[0], 2)
    return info


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[stage] = round(time.perf_counter() - start, 3)


def measure(n: int) -> dict[str, Any]:
    """Run every stage on a generated event of ``n`` participants, in this process (see the module docstring)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from benchmarks.gen_event import generate_event
    from benchmarks.service_event import event_files
    from matcher.embed import Embedder, MemoryCache, load_backend, load_registry
    from matcher.event.eventdir import load_event
    from matcher.event.schema import Role
    from matcher.matching.engine import MatchEngine
    from matcher.matching.profile_index import event_units, texts_to_embed
    from matcher.meetings.greedy import GreedyMeetingSolver
    from matcher.mentoring.plan import MentorOptions, plan_mentors
    from matcher.solving.base import Limits

    spec = load_registry().resolve(None)
    backend = load_backend(spec)
    warm_up = event_files(64, 32, seed=-1)["participants.csv"].decode().splitlines()[1:]
    backend.encode(warm_up, batch_size=64)  # first-batch allocations are not the event's cost
    baseline = _rss_mb()
    n_startups, n_mentors = max(1, 2 * n // 3), max(1, n - 2 * n // 3)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in event_files(n_startups, n_mentors, seed=n).items():
            Path(tmp, name).write_bytes(data)
        with _timed(seconds, "validate"):
            event = load_event(Path(tmp))
    embedder = Embedder(spec, lambda: backend, MemoryCache())
    texts = texts_to_embed(event_units(event))
    with _timed(seconds, "embed"):
        embedder.embed(texts)
    startups = [p.id for p in event.with_role(Role.STARTUP)][:SUGGEST_SAMPLE]
    with _timed(seconds, "index"):
        engine = MatchEngine.build(event, embedder)
        engine.suggest(startups[-1], Role.MENTOR, k=10)  # the first query fills the engine's lazy caches
    with _timed(seconds, "suggest"):
        for sid in startups:
            engine.suggest(sid, Role.MENTOR, k=10)
    with _timed(seconds, "assign"):
        plan_mentors(engine, MentorOptions(per_startup=1, top_n=50))
    generated = generate_event(
        n_startups=int(0.6 * n),
        n_investors=int(0.25 * n),
        n_mentors=n - int(0.6 * n) - int(0.25 * n),
        n_physical=max(4, n // 8),
        n_online=max(1, n // 40),
        n_hosted=max(1, n // 40),
        target_pairs=6 * n,
        n_locked=0,
        seed=n,
    )
    with _timed(seconds, "meetings"):
        GreedyMeetingSolver().solve(generated.problem(), Limits())
    return {
        "participants": n,
        "startups": n_startups,
        "mentors": n_mentors,
        "seconds": seconds,
        "suggest_ms_each": round(1000 * seconds["suggest"] / max(1, len(startups)), 3),
        "texts": len(texts),
        "baseline_mb": round(baseline, 1),
        "peak_mb": round(_rss_mb(), 1),
    }


def _in_fresh_process(function: Callable[[int], T], n: int) -> T:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, (n,))


def run(sizes: tuple[int, ...]) -> dict[str, Any]:
    """Every size in a fresh process; ``{"machine", "sizes": [measure(n), ...]}``."""
    rows = []
    for n in sizes:
        rows.append(_in_fresh_process(measure, n))
        print(_row_text(rows[-1]), flush=True)
    return {"machine": machine(), "stages": list(STAGES), "sizes": rows}


def _row_text(row: dict[str, Any]) -> str:
    times = "".join(f"{row['seconds'][s]:>12.2f}" for s in STAGES)
    extra = row["peak_mb"] - row["baseline_mb"]
    return f"{row['participants']:>8}{times}{row['suggest_ms_each']:>12.2f}{row['peak_mb']:>9.0f}{extra:>10.0f}"


def table(report: dict[str, Any]) -> str:
    """The report as a readable text table."""
    m = report["machine"]
    header = (
        f"{'n':>8}" + "".join(f"{s + ' s':>12}" for s in STAGES) + f"{'ms/suggest':>12}{'peak MB':>9}{'+event MB':>10}"
    )
    lines = [f"machine: {m['cores']} cores, {m['memory_gib']} GiB, {m.get('cpu')}, load {m['load_1min']}", header]
    lines += [_row_text(row) for row in report["sizes"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES} only")
    parser.add_argument("--sizes", default=None, help="comma-separated numbers of participants")
    parser.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else QUICK_SIZES if args.quick else FULL_SIZES
    report = run(sizes)
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
