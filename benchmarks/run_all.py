"""Every benchmark in one run, with a results file, a Markdown report and PNG plots.

    python -m benchmarks.run_all [--quick] [--out DIR] [--data CSV] [--expertise-data DIR] [--only a,b]

Runs, each in its own process (``python -m benchmarks.<name> ... --json``, so one failure or one memory peak does
not affect the others): ``investors`` (needs the YC data set, default ``../shared/datasets/yc-startups``; skipped
with the reason when it is missing), ``expertise`` (only with ``--expertise-data``), ``assignment``,
``scheduling``, ``embedding``, ``service``, ``crosslingual`` and ``scaling``. Writes
``OUT/<timestamp>.json`` (the machine, the commit, and every benchmark's status, seconds, output and figures) and
``OUT/<timestamp>/report.md`` with its plots (:mod:`benchmarks.report`). ``OUT`` defaults to
``benchmarks/results``.

``--quick`` shrinks every benchmark (small instances, short time limits, fewer requests; the cross-lingual
benchmark is left out) so the whole run takes under 3 minutes; ``make test`` runs it in CI. The full run is for
operators and takes about 10 minutes on 2 cores with warm embedding caches, more on the first run. The exit code
is 1 when a benchmark failed (skipped ones do not count), 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.report import write_report
from benchmarks.scaling import machine

__all__ = ["Bench", "benches", "main", "run"]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "yc-startups" / "Startups.csv"
DEFAULT_OUT = ROOT / "benchmarks" / "results"
TIMEOUT_S = 3600


@dataclass(frozen=True)
class Bench:
    """One benchmark: its module, its arguments, and why it is skipped (``None`` when it runs)."""

    name: str
    args: tuple[str, ...]
    skip: str | None = None


def benches(*, quick: bool, data: Path, expertise: Path | None) -> list[Bench]:
    """The benchmarks of a run, in order, with their arguments for ``quick`` or full mode."""
    no_data = None if data.is_file() else f"data set not found at {data} (give --data)"
    no_expertise = "no --expertise-data given" if expertise is None else None
    if expertise is not None and not expertise.is_dir():
        no_expertise = f"expertise data not found at {expertise}"
    return [
        Bench("investors", ("--data", str(data), *(("--limit", "80") if quick else ())), no_data),
        Bench("expertise", ("--data", str(expertise)), no_expertise),
        Bench("assignment", ("--quick",) if quick else ()),
        Bench("scheduling", ("--quick", "--time-limit", "10") if quick else ()),
        Bench("embedding", ("--repeat", "2", "--limit", "300") if quick else ()),
        Bench("service", ("--quick", "--requests", "200") if quick else ("--requests", "3000")),
        Bench("crosslingual", (), "left out of --quick runs (three models, ~2 minutes)" if quick else None),
        Bench("scaling", ("--quick",) if quick else ()),
    ]


def _git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return None
    return done.stdout.strip() or None


def _run_one(bench: Bench, tmp: Path) -> dict[str, Any]:
    if bench.skip:
        print(f"== {bench.name}: skipped ({bench.skip})", flush=True)
        return {"status": "skipped", "reason": bench.skip, "seconds": 0.0}
    out = tmp / f"{bench.name}.json"
    command = [sys.executable, "-m", f"benchmarks.{bench.name}", *bench.args, "--json", str(out)]
    print(f"== {bench.name}: {' '.join(command[1:])}", flush=True)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"status": "failed", "reason": f"timed out after {TIMEOUT_S} s", "seconds": TIMEOUT_S}
    seconds = round(time.perf_counter() - start, 1)
    print(done.stdout, end="", flush=True)
    result: dict[str, Any] = {"seconds": seconds, "command": " ".join(command[1:]), "output": done.stdout}
    if done.returncode != 0 or not out.is_file():
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        print(tail, file=sys.stderr)
        return {**result, "status": "failed", "reason": f"exit code {done.returncode}", "stderr": tail}
    return {**result, "status": "ok", "figures": json.loads(out.read_text(encoding="utf-8"))}


def run(selected: list[Bench], *, quick: bool) -> dict[str, Any]:
    """Run ``selected`` one after the other; the results document (see the module docstring)."""
    started = datetime.now(UTC)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="matcher-bench-") as tmp:
        for bench in selected:
            results[bench.name] = _run_one(bench, Path(tmp))
    return {
        "started": started.isoformat(timespec="seconds"),
        "seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
        "quick": quick,
        "commit": _git_commit(),
        "machine": machine(),
        "benchmarks": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small instances; under 3 minutes (CI)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results directory")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the YC startups CSV")
    parser.add_argument("--expertise-data", type=Path, default=None, help="expertise data set directory")
    parser.add_argument("--only", default=None, help="comma-separated benchmark names")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    selected = benches(quick=args.quick, data=args.data, expertise=args.expertise_data)
    if args.only:
        wanted = {name.strip() for name in args.only.split(",")}
        unknown = wanted - {b.name for b in selected}
        if unknown:
            parser.error(
                f"unknown benchmark(s) {', '.join(sorted(unknown))}; known: {', '.join(b.name for b in selected)}"
            )
        selected = [b for b in selected if b.name in wanted]
    results = run(selected, quick=args.quick)
    stamp = results["started"].replace(":", "").replace("-", "").replace("+0000", "Z")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"{stamp}.json"
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    report = write_report(results, args.out / stamp)
    failed = [name for name, r in results["benchmarks"].items() if r["status"] == "failed"]
    print(f"\nresults: {path}\nreport:  {report}\n" + (f"FAILED: {', '.join(failed)}" if failed else "all ran"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
