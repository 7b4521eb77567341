"""Cross-lingual matching: does a startup described in French, Danish or Greek find its English-described mentor?

    python -m benchmarks.crosslingual [--data DIR] [--json FILE] [--models NAME,NAME]

Data (``fixtures/crosslingual/`` by default): ``mentors.csv`` (mentor_id, sector, description, in English) and
``startups.csv`` (startup_id, mentor_id, language, text): each startup's right mentor, in several languages.

Protocol, fixed so results compare over time: one event holds every mentor and every startup; mentors speak ``en``,
a startup speaks ``en`` and its own language (so the language filter never excludes the pair being measured) and
has no sector tags (so only the text decides); every registered model (or those of ``--models``) embeds the event
through the engine's normal path (:class:`~matcher.embed.Embedder` over the model's backend, an in-memory cache,
``MatchEngine.build``), then ``MatchEngine.suggest`` ranks all mentors for each startup.

Reported per model: top-1 accuracy and MRR of the right mentor per language and overall, the load time of the
backend (with one warm-up text) and its texts/s over the event's texts (units and sentences, all new to the cache).
Target: the model marked ``recommended_multilingual`` reaches top-1 >= 0.85 in every language.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from matcher.embed import Embedder, MemoryCache, ModelRegistry, ModelSpec, load_backend, load_registry
from matcher.errors import InvalidInput, Problem
from matcher.event.schema import Event, Participant, Role
from matcher.matching.affinity import AffinityConfig
from matcher.matching.engine import MatchEngine

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "fixtures" / "crosslingual"
TARGET_TOP1 = 0.85
#: A plausible country for a startup writing in each language (the engine needs one; it does not score it).
COUNTRY = {"en": "IE", "fr": "FR", "es": "ES", "de": "DE", "da": "DK", "bg": "BG", "el": "GR", "it": "IT", "nl": "NL"}


@dataclass(frozen=True)
class Startup:
    id: str
    mentor_id: str
    language: str


@dataclass(frozen=True)
class TestSet:
    event: Event
    startups: tuple[Startup, ...]

    @property
    def languages(self) -> tuple[str, ...]:
        order = ["en", "fr", "es", "de", "da", "bg", "el"]
        found = {s.language for s in self.startups}
        return tuple([lang for lang in order if lang in found] + sorted(found - set(order)))


def _rows(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise InvalidInput(
                    f"{path.name} lacks columns",
                    (Problem(str(path), 1, None, f"add the columns {', '.join(missing)}"),),
                )
            return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    except OSError as exc:
        raise InvalidInput("cannot read the test set", (Problem(str(path), None, None, str(exc)),)) from exc


def load_test_set(directory: Path) -> TestSet:
    """The event of mentors and startups of a test-set directory, and each startup's right mentor."""
    mentors = _rows(directory / "mentors.csv", ("mentor_id", "sector", "description"))
    startups = _rows(directory / "startups.csv", ("startup_id", "mentor_id", "language", "text"))
    known = {m["mentor_id"] for m in mentors}
    unknown = sorted({s["mentor_id"] for s in startups} - known)
    if unknown:
        raise InvalidInput(
            "startups.csv names mentors that mentors.csv lacks",
            (Problem(str(directory / "startups.csv"), None, "mentor_id", f"unknown: {', '.join(unknown)}"),),
        )
    participants = [
        Participant(
            id=m["mentor_id"],
            name=m["mentor_id"],
            role=Role.MENTOR,
            country="DE",
            languages=("en",),
            sectors=(m["sector"],) if m["sector"] else (),
            description=m["description"],
        )
        for m in mentors
    ]
    participants += [
        Participant(
            id=s["startup_id"],
            name=s["startup_id"],
            role=Role.STARTUP,
            country=COUNTRY.get(s["language"].lower(), "BE"),
            languages=("en", s["language"]),
            description=s["text"],
        )
        for s in startups
    ]
    truth = tuple(Startup(s["startup_id"], s["mentor_id"], s["language"].lower()) for s in startups)
    return TestSet(Event(name="crosslingual", participants=tuple(participants)), truth)


def evaluate(spec: ModelSpec, data: TestSet, config: AffinityConfig | None = None) -> dict[str, object]:
    """Load the model, embed the event through the engine, rank mentors for every startup; the figures
    (engine defaults unless ``config`` is given)."""
    start = time.perf_counter()
    backend = load_backend(spec)
    backend.encode(["warm-up: first-call allocations belong to loading"])
    load_seconds = time.perf_counter() - start
    embedder = Embedder(spec, lambda: backend, MemoryCache())
    engine, stats = MatchEngine.build_with_stats(data.event, embedder, config)
    mentors = len(data.event.with_role(Role.MENTOR))
    reciprocal: dict[str, list[float]] = defaultdict(list)
    for startup in data.startups:
        ranked = [s.id for s in engine.suggest(startup.id, Role.MENTOR, mentors, explain=False)]
        rank = ranked.index(startup.mentor_id) + 1 if startup.mentor_id in ranked else None
        reciprocal[startup.language].append(1.0 / rank if rank else 0.0)

    def figures(values: Sequence[float]) -> dict[str, float]:
        return {
            "n": len(values),
            "top1": sum(1 for v in values if v == 1.0) / len(values),
            "mrr": sum(values) / len(values),
        }

    per_language = {lang: figures(reciprocal[lang]) for lang in data.languages}
    every = [v for values in reciprocal.values() for v in values]
    return {
        "backend": spec.backend,
        "dimension": backend.dimension,
        "recommended_multilingual": spec.recommended_multilingual,
        "load_seconds": load_seconds,
        "texts_encoded": stats.encoded,
        "texts_per_second": stats.encoded / stats.seconds if stats.seconds > 0 else float("nan"),
        "languages": per_language,
        "all": figures(every),
        "meets_target": all(f["top1"] >= TARGET_TOP1 for f in per_language.values()),
    }


def run(data_dir: Path, registry: ModelRegistry, names: Sequence[str] | None = None) -> dict[str, object]:
    """The figures of every registered model (or of ``names``) on the test set in ``data_dir``."""
    data = load_test_set(data_dir)
    specs = [registry.resolve(n) for n in names] if names else list(registry.models.values())
    return {
        "data": str(data_dir),
        "mentors": len(data.event.with_role(Role.MENTOR)),
        "startups": len(data.startups),
        "languages": list(data.languages),
        "target_top1": TARGET_TOP1,
        "models": {spec.name: evaluate(spec, data) for spec in specs},
    }


def render(result: dict[str, object]) -> str:
    """The figures as a plain-text table: one row per model, top-1 / MRR per language."""
    languages: list[str] = list(result["languages"])  # type: ignore[call-overload]
    models: dict[str, dict[str, object]] = result["models"]  # type: ignore[assignment]
    lines = [
        f"{result['startups']} startups, {result['mentors']} mentors, languages {', '.join(languages)}; "
        f"cells are top-1 / MRR; target top-1 >= {TARGET_TOP1} in every language",
        "",
    ]
    head = f"{'model':<26}" + "".join(f"{lang:>12}" for lang in [*languages, "all"])
    head += f"{'texts/s':>9}{'load s':>8}  target"
    lines += [head, "-" * len(head)]
    for name, m in models.items():
        per: dict[str, dict[str, float]] = m["languages"]  # type: ignore[assignment]
        cells = [per[lang] for lang in languages] + [m["all"]]
        row = f"{name + (' *' if m['recommended_multilingual'] else ''):<26}"
        row += "".join(f"{c['top1']:>6.2f}/{c['mrr']:.2f}" for c in cells)  # type: ignore[index]
        row += f"{m['texts_per_second']:>9.1f}{m['load_seconds']:>8.2f}  {'met' if m['meets_target'] else 'missed'}"
        lines.append(row)
    lines += ["", "* recommended_multilingual in models/registry.json"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Directory with mentors.csv, startups.csv.")
    parser.add_argument("--json", type=Path, default=None, help="Write the figures to this file.")
    parser.add_argument("--models", default=None, help="Comma-separated model names (default: every registered).")
    args = parser.parse_args()
    names = [n.strip() for n in args.models.split(",") if n.strip()] if args.models else None
    result = run(args.data, load_registry(), names)
    print(render(result))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
