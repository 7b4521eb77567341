"""Every model on every quality benchmark, in one table: which model, for which event?

    python -m benchmarks.quality [--out DIR] [--models NAME,NAME] [--combined-weights 0.5,0.7] [--investor-limit N]

For each registered model (and combined models of the default English model and the recommended multilingual one
at the English weights of ``--combined-weights``), with the engine's default settings:

* mentor expertise (``benchmarks.expertise``) on ``fixtures/expertise-dev`` and ``fixtures/expertise-sample``, and on
  ``../shared/datasets/expertise`` when it exists: loss (0.5 = constant), hard-pair accuracy;
* investor matching (``benchmarks.investors``) on the Y Combinator file: recall@10 and MRR;
* cross-lingual matching (``benchmarks.crosslingual``): top-1 overall and in the weakest language.

Writes ``DIR/quality.json`` and ``DIR/quality.md`` (``docs/benchmark-report`` by default): the table, the default
model marked. Embeddings go through the benchmark cache (``var/cache/embeddings.sqlite``), so a second run is fast.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from benchmarks import crosslingual, expertise, investors
from benchmarks.report import markdown_table
from matcher.embed import DEFAULT_MANIFEST, Embedder, ModelRegistry, ModelSpec, SqliteCache, load_backend

ROOT = Path(__file__).resolve().parents[1]
EXPERTISE_SETS = {
    "expertise-dev": ROOT / "fixtures" / "expertise-dev",
    "expertise-sample": ROOT / "fixtures" / "expertise-sample",
    "expertise (shared)": expertise.DEFAULT_DATA,
}
CACHE = ROOT / "var" / "cache" / "embeddings.sqlite"


def registry_with_combinations(weights: Sequence[float]) -> ModelRegistry:
    """The registry, plus a combined model of the default and the recommended multilingual model per weight."""
    manifest = json.loads(DEFAULT_MANIFEST.read_text(encoding="utf-8"))
    base = ModelRegistry.from_manifest(manifest)
    multilingual = base.recommended_multilingual()
    if multilingual is not None:
        for w in weights:
            manifest["models"].append(
                {
                    "name": f"combined en {w:g} + {multilingual.name} {1 - w:g}",
                    "backend": "combined",
                    "source": {"parts": "measured"},
                    "parts": [{"model": base.default, "weight": w}, {"model": multilingual.name, "weight": 1 - w}],
                }
            )
    return ModelRegistry.from_manifest(manifest)


def measure(spec: ModelSpec, investor_limit: int | None) -> dict[str, Any]:
    embedder = Embedder(spec, lambda: load_backend(spec), SqliteCache(CACHE))
    default = {expertise.ENGINE: expertise.VARIANTS[expertise.ENGINE]}
    out: dict[str, Any] = {}
    for name, root in EXPERTISE_SETS.items():
        if expertise.missing_data(root) is None:
            result = expertise.run(root, embedder, default)
            out[name] = {"loss": result["loss"], "hard_accuracy": result["hard_accuracy"]}
    if investors.DEFAULT_DATA.is_file():
        result = investors.run(
            investors.DEFAULT_DATA, spec, investor_limit, CACHE, {"engine": investors.VARIANTS["engine"]}
        )
        out["investors"] = result["methods"]["engine"]  # type: ignore[index]
    data = crosslingual.load_test_set(crosslingual.DEFAULT_DATA)
    figures = crosslingual.evaluate(spec, data)
    per_language: dict[str, dict[str, float]] = figures["languages"]  # type: ignore[assignment]
    weakest = min(per_language, key=lambda lang: per_language[lang]["top1"])
    out["crosslingual"] = {
        "top1": figures["all"]["top1"],  # type: ignore[index]
        "weakest_language": weakest,
        "weakest_top1": per_language[weakest]["top1"],
        "languages": {lang: f["top1"] for lang, f in per_language.items()},
    }
    return out


def _cell(value: Any, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render(result: dict[str, Any]) -> str:
    sets = [s for s in EXPERTISE_SETS if any(s in m for m in result["models"].values())]
    head = [
        "model",
        *(f"{s} loss (hard acc.)" for s in sets),
        "investors recall@10 (MRR)",
        "cross-lingual top-1 (weakest)",
    ]
    rows = []
    for name, m in result["models"].items():
        label = f"**{name}** (default)" if name == result["default"] else name
        if name == result["recommended_multilingual"]:
            label += " (recommended multilingual)"
        cells = [label]
        cells += [f"{_cell(m[s]['loss'])} ({_cell(m[s]['hard_accuracy'], 2)})" if s in m else "-" for s in sets]
        inv = m.get("investors")
        cells.append(f"{_cell(inv['recall@10'])} ({_cell(inv['mrr'])})" if inv else "-")
        xl = m["crosslingual"]
        cells.append(f"{_cell(xl['top1'], 2)} ({xl['weakest_language']} {_cell(xl['weakest_top1'], 2)})")
        rows.append(cells)
    return "\n".join(markdown_table(head, rows))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmark-report")
    parser.add_argument("--models", default=None, help="Comma-separated names (default: all, and the combinations).")
    parser.add_argument("--combined-weights", default="0.5,0.7", help="English weights of the combined models.")
    parser.add_argument("--investor-limit", type=int, default=None, help="Only the first N companies.")
    args = parser.parse_args(argv)
    weights = [float(w) for w in args.combined_weights.split(",") if w.strip()]
    registry = registry_with_combinations(weights)
    names = [n.strip() for n in args.models.split(",")] if args.models else list(registry.models)
    multilingual = registry.recommended_multilingual()
    result: dict[str, Any] = {
        "default": registry.default,
        "recommended_multilingual": multilingual.name if multilingual else None,
        "models": {},
    }
    for name in names:
        result["models"][name] = measure(registry.resolve(name), args.investor_limit)
        print(f"measured {name}: {json.dumps(result['models'][name])}", flush=True)
    table = render(result)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "quality.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (args.out / "quality.md").write_text(
        "# Quality: every model on every benchmark\n\n`python -m benchmarks.quality` (engine defaults).\n\n"
        + table
        + "\n",
        encoding="utf-8",
    )
    return result


if __name__ == "__main__":
    main()
