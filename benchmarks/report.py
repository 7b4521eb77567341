"""The Markdown report and PNG plots of a :mod:`benchmarks.run_all` results document.

``write_report(results, directory)`` writes ``directory/report.md`` and its plots next to it: investor ranking
quality against the baselines, the meeting scheduler tier by tier (CP-SAT, the greedy baseline and the bounds,
with CP-SAT's objective over time), and scaling curves (time per stage and peak memory against the number of
participants). Every plot states the machine it was measured on. Benchmarks that were skipped or failed are listed
with the reason; their sections say so instead of showing stale figures.

Example
-------
>>> import json
>>> results = json.loads(Path("benchmarks/results/20261121T101500Z.json").read_text())  # doctest: +SKIP
>>> write_report(results, Path("benchmarks/results/20261121T101500Z"))  # doctest: +SKIP
PosixPath('benchmarks/results/20261121T101500Z/report.md')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["machine_line", "markdown_table", "targets", "write_report"]

Figures = dict[str, Any]


def machine_line(m: dict[str, Any]) -> str:
    """``2 cores, 23.5 GiB, AMD EPYC (load 1.3)``: the machine a figure was measured on."""
    cpu = m.get("cpu") or "unknown CPU"
    return f"{m.get('cores')} cores, {m.get('memory_gib')} GiB, {cpu} (load {m.get('load_1min')})"


def markdown_table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    def cell(v: Any) -> str:
        if v is None:
            return "-"
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]


def _ok(results: dict[str, Any], name: str) -> Figures | None:
    entry = results["benchmarks"].get(name)
    return entry["figures"] if entry and entry["status"] == "ok" else None


def targets(results: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(benchmark, target, measured, met) for every issue target whose benchmark ran."""
    out: list[tuple[str, str, str, bool]] = []
    if f := _ok(results, "investors"):
        e = f["methods"]["engine"]
        out.append(("investors", "engine recall@10 >= 0.45", f"{e['recall@10']:.3f}", e["recall@10"] >= 0.45))
    if f := _ok(results, "scheduling"):
        for inst in f["instances"]:
            t, met, name = inst["targets"], inst["met"], inst["name"]
            out += [
                ("scheduling", f"{name}: accepted >= 99% of bound", f"{t['accepted_vs_bound']:.1%}", met["accepted"]),
                (
                    "scheduling",
                    f"{name}: requested meetings >= 95% of most possible",
                    f"{t['requested_vs_most_possible']:.1%}",
                    met["requested"],
                ),
                (
                    "scheduling",
                    f"{name}: nobody at zero when feasible",
                    f"{t['zero']} (fewest possible {t['fewest_zero_possible']})",
                    met["zero"],
                ),
                (
                    "scheduling",
                    f"{name}: greedy never ahead",
                    t["greedy_ahead_on"] or "no tier",
                    met["greedy_never_ahead"],
                ),
                ("scheduling", f"{name}: within 120 s", f"{t['seconds']:.1f} s", met["time"]),
            ]
    if f := _ok(results, "embedding"):
        out.append(("embedding", "pipeline >= 0.95 x raw encode", f"{f['ratio']:.3f}", f["ratio"] >= 0.95))
    if f := _ok(results, "service"):
        s = f["suggestions"]
        out.append(("service", "suggestions p99 < 100 ms", f"{s['p99_ms']:.1f} ms", s["p99_ms"] < 100))
        share = f["share_of_healthz"]
        out.append(("service", "suggestions >= 30% of /healthz req/s", f"{share:.1%}", share >= 0.30))
    if f := _ok(results, "crosslingual"):
        for name, m in f["models"].items():
            if m.get("recommended_multilingual"):
                worst = min(m["languages"].items(), key=lambda kv: kv[1]["top1"])
                out.append(
                    (
                        "crosslingual",
                        f"{name} top-1 >= 0.85 in every language",
                        f"lowest {worst[0]} {worst[1]['top1']:.2f}",
                        bool(m["meets_target"]),
                    )
                )
    return out


def _plot(path: Path, machine: str, draw: Callable[[Any], None]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    draw(ax)
    fig.text(0.01, 0.01, f"measured on {machine}", fontsize=7, color="0.35")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path.name


def _investors(f: Figures, out: Path, machine: str, lines: list[str]) -> None:
    methods = sorted(f["methods"].items(), key=lambda kv: -kv[1]["mrr"])
    lines += [
        f"{f['links']} links, {f.get('companies')} companies, {f.get('candidates')} candidate investors, "
        f"model {f.get('model')}.",
        "",
    ]
    lines += markdown_table(("method", "recall@10", "MRR"), [(n, m["recall@10"], m["mrr"]) for n, m in methods])

    def draw(ax: Any) -> None:
        names = [n for n, _ in methods]
        ys = range(len(names))
        ax.barh([y + 0.2 for y in ys], [m["recall@10"] for _, m in methods], 0.4, label="recall@10")
        ax.barh([y - 0.2 for y in ys], [m["mrr"] for _, m in methods], 0.4, label="MRR")
        ax.set_yticks(list(ys), names, fontsize=7)
        ax.invert_yaxis()
        ax.set_title(f"Investor ranking on YC data ({f['links']} links)")
        ax.legend()

    lines += ["", f"![investor ranking]({_plot(out / 'investors.png', machine, draw)})"]


def _scheduling(f: Figures, out: Path, machine: str, lines: list[str]) -> None:
    for inst in f["instances"]:
        i, most = inst["instance"], inst["most_possible"]
        bounds = inst["rows"][-1]["bounds"]
        lines += [
            f"**{inst['name']}**: {i['participants']} participants ({i['with_candidates']} with candidates), "
            f"{i['slots']} slots, {i['tables']} tables, {i['candidate_pairs']} candidate pairs ({i['accepted_pairs']} "
            f"accepted). Tier order: {', '.join(inst['order'])}. Most possible, one count alone: accepted "
            f"{most['accepted']}, requested meetings {most['requested_meetings']}.",
            "",
        ]
        lines += markdown_table(
            (
                "solver",
                "accepted",
                "requested meetings",
                "at zero",
                "floor",
                "idle gaps",
                "suggested",
                "seconds",
                "violations",
                "status",
            ),
            [
                (
                    r["solver"],
                    r["accepted"],
                    r["requested_meetings"],
                    r["zero"],
                    r["floor"],
                    r["idle_gaps"],
                    r["suggested"],
                    r["seconds"],
                    r["violations"],
                    r["status"],
                )
                for r in inst["rows"]
            ]
            + [
                (
                    "CP-SAT's bounds",
                    bounds.get("accepted"),
                    None,
                    None,
                    bounds.get("balance"),
                    None,
                    bounds.get("suggested"),
                    None,
                    None,
                    None,
                )
            ],
        )
        lines.append("")
    first = f["instances"][0]
    cpsat = first["rows"][-1]
    greedy = first["rows"][0]

    def draw(ax: Any) -> None:
        if first["trace"]:
            ts, ws = zip(*first["trace"], strict=True)
            ax.step([*ts, cpsat["seconds"]], [*ws, ws[-1]], where="post", label="CP-SAT best schedule")
        ax.axhline(greedy["weight"], color="C3", ls="-.", label=greedy["solver"])
        ax.set_xscale("symlog", linthresh=0.1)
        ax.set_xlim(left=0)
        ax.set_xlabel("seconds")
        ax.set_ylabel("total weight")
        ax.set_title(f"Meeting schedule ({first['name']}): total weight over time")
        ax.legend(fontsize=8)

    lines += [f"![objective over time]({_plot(out / 'scheduling.png', machine, draw)})"]


def _scaling(f: Figures, out: Path, machine: str, lines: list[str]) -> None:
    stages, rows = f["stages"], f["sizes"]
    lines += markdown_table(
        ("participants", *(f"{s} s" for s in stages), "ms / suggestion", "peak MB", "+event MB"),
        [
            (
                r["participants"],
                *(r["seconds"][s] for s in stages),
                r["suggest_ms_each"],
                r["peak_mb"],
                round(r["peak_mb"] - r["baseline_mb"], 1),
            )
            for r in rows
        ],
    )
    ns = [r["participants"] for r in rows]

    def draw_time(ax: Any) -> None:
        for s in stages:
            ax.plot(ns, [max(r["seconds"][s], 1e-3) for r in rows], marker="o", label=s)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("participants")
        ax.set_ylabel("seconds")
        ax.set_title("Time per stage against event size")
        ax.legend(fontsize=8)

    def draw_memory(ax: Any) -> None:
        ax.plot(ns, [r["peak_mb"] for r in rows], marker="o", label="peak RSS")
        ax.plot(ns, [r["baseline_mb"] for r in rows], marker=".", ls="--", label="after imports and model load")
        ax.set_xscale("log")
        ax.set_xlabel("participants")
        ax.set_ylabel("MB")
        ax.set_title("Memory against event size")
        ax.legend(fontsize=8)

    time_png = _plot(out / "scaling-time.png", machine, draw_time)
    memory_png = _plot(out / "scaling-memory.png", machine, draw_memory)
    lines += ["", f"![time]({time_png})", "", f"![memory]({memory_png})"]


def _expertise(f: Figures, out: Path, machine: str, lines: list[str]) -> None:
    lines += markdown_table(
        ("sets", "loss", "easy accuracy", "hard accuracy"),
        [(f["sets"], f["loss"], f["easy_accuracy"], f["hard_accuracy"])],
    )
    methods = f.get("methods") or {}
    if methods:
        lines += [
            "",
            "Every method (the engine's default first, then one setting changed at a time; baselines last):",
            "",
        ]
        lines += markdown_table(
            ("method", "loss", "easy accuracy", "hard accuracy"),
            [(name, m["loss"], m["easy_accuracy"], m["hard_accuracy"]) for name, m in methods.items()],
        )
    lines += ["", "Published on the real data set, for orientation: TPMS 0.28, SPECTER 0.27, SPECTER2 0.22 (loss)."]


def _assignment(f: Figures, out: Path, machine: str, lines: list[str]) -> None:
    head = ("instance", "method", "status", "objective", "% of bound", "seconds", "detail")
    rows = [
        (r["instance"], r["method"], r["status"], r["objective"], r["pct_of_lp"], round(r["seconds"], 3), r["detail"])
        for r in f["assignment"] + f["fairness"]
    ]
    lines += markdown_table(head, rows)


def _embedding(f: Figures, out: Path, machine: str, lines: list[str]) -> None:
    lines += markdown_table(
        ("texts", "raw texts/s", "pipeline texts/s", "ratio", "warm cache texts/s"),
        [(f["texts"], f["raw_texts_per_s"], f["pipeline_texts_per_s"], f["ratio"], f["cached_texts_per_s"])],
    )


def _service(f: Figures, out: Path, machine: str, lines: list[str]) -> None:
    e = f["event"]
    lines += [f"{e['startups']} startups + {e['mentors']} mentors, {f['concurrency']} concurrent clients.", ""]
    lines += markdown_table(
        ("endpoint", "requests", "errors", "p50 ms", "p99 ms", "req/s"),
        [
            (n, f[n]["requests"], f[n]["errors"], f[n]["p50_ms"], f[n]["p99_ms"], f[n]["rps"])
            for n in ("healthz", "suggestions")
        ],
    )


def _crosslingual(f: Figures, out: Path, machine: str, lines: list[str]) -> None:
    languages = f["languages"]
    rows = [
        (
            name + (" (recommended)" if m.get("recommended_multilingual") else ""),
            *(m["languages"][lang]["top1"] for lang in languages),
            m["all"]["mrr"],
            m["texts_per_second"],
        )
        for name, m in f["models"].items()
    ]
    lines += markdown_table(("model", *(f"top-1 {lang}" for lang in languages), "MRR all", "texts/s"), rows)


SECTIONS: dict[str, tuple[str, Callable[[Figures, Path, str, list[str]], None]]] = {
    "investors": ("Investor matching (quality against baselines)", _investors),
    "expertise": ("Mentor expertise (quality)", _expertise),
    "crosslingual": ("Cross-lingual matching (quality per language)", _crosslingual),
    "assignment": ("Mentor programme solvers", _assignment),
    "scheduling": ("Meeting scheduler: CP-SAT, greedy and the bounds, tier by tier", _scheduling),
    "embedding": ("Embedding throughput", _embedding),
    "service": ("HTTP service under load", _service),
    "scaling": ("Scaling with the number of participants", _scaling),
}


def write_report(results: dict[str, Any], directory: Path) -> Path:
    """Write ``directory/report.md`` and its PNG plots; returns the report's path."""
    directory.mkdir(parents=True, exist_ok=True)
    machine = machine_line(results["machine"])
    mode = "quick (small instances, for CI)" if results["quick"] else "full"
    lines = [
        f"# Benchmark report {results['started']}",
        "",
        f"Mode: {mode}. Commit: {results.get('commit')}. Machine: {machine}. Total {results['seconds']} s.",
        "Figures compare methods within this run only; absolute times depend on the machine and its load.",
        "",
        "## Runs",
        "",
    ]
    lines += markdown_table(
        ("benchmark", "status", "seconds", "note"),
        [(n, r["status"], r["seconds"], r.get("reason", "")) for n, r in results["benchmarks"].items()],
    )
    checks = targets(results)
    if checks:
        lines += ["", "## Targets", ""]
        lines += markdown_table(
            ("benchmark", "target", "measured", "met"), [(b, t, v, "yes" if ok else "**no**") for b, t, v, ok in checks]
        )
    for name, (title, section) in SECTIONS.items():
        entry = results["benchmarks"].get(name)
        if entry is None:
            continue
        lines += ["", f"## {title}", ""]
        if entry["status"] != "ok":
            lines.append(f"Not measured in this run: {entry['status']} ({entry.get('reason', '')}).")
            continue
        section(entry["figures"], directory, machine, lines)
    path = directory / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
