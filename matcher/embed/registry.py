"""The embedding-model registry: which models exist, where their weights come from, what they cover.

The manifest is ``models/registry.json`` at the repository root; :func:`load_registry` reads it and
:meth:`ModelRegistry.resolve` turns a name or a path into a :class:`ModelSpec`.

Example
-------
>>> registry = ModelRegistry.from_manifest({"default": "m", "models": [{"name": "m", "backend":
...     "sentence-transformers", "source": {"path": "/models/m"}, "dimension": 384, "max_seq_length": 256,
...     "licence": "MIT", "languages": ["en"]}]})
>>> registry.resolve(None).name, registry.resolve("m").dimension
('m', 384)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from matcher.errors import InvalidInput, Problem, UnknownName

#: The manifest shipped with the project.
DEFAULT_MANIFEST = Path(__file__).resolve().parents[2] / "models" / "registry.json"


@dataclass(frozen=True)
class ModelSpec:
    """One embedding model. ``source`` is ``{"package": ..., "path": ...}``, ``{"path": ...}`` or ``{"hub": ...}``."""

    name: str
    backend: str
    source: Mapping[str, str]
    dimension: int | None = None
    max_seq_length: int | None = None
    licence: str = "unknown"
    languages: tuple[str, ...] = ()
    recommended_multilingual: bool = False
    registered: bool = True
    notes: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def cache_key(self) -> str:
        """The key under which this model's vectors are cached: vectors of different models never mix."""
        if self.registered:
            return self.name
        return f"{self.backend}:{next(iter(self.source.values()))}"


@dataclass(frozen=True)
class Part:
    """One model of a combined model and its weight (the weights of a combined model sum to 1)."""

    model: str
    weight: float
    spec: ModelSpec
    #: The languages (ISO 639-1) of the texts this part embeds; others get a zero block (empty: every text).
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelRegistry:
    """The registered models, by name, and the default one."""

    models: Mapping[str, ModelSpec]
    default: str

    @classmethod
    def from_manifest(cls, manifest: Mapping[str, Any]) -> ModelRegistry:
        specs: dict[str, ModelSpec] = {}
        for i, entry in enumerate(manifest.get("models", [])):
            try:
                known = {
                    "name",
                    "backend",
                    "source",
                    "dimension",
                    "max_seq_length",
                    "licence",
                    "languages",
                    "recommended_multilingual",
                    "notes",
                }
                spec = ModelSpec(
                    name=str(entry["name"]),
                    backend=str(entry["backend"]),
                    source=dict(entry["source"]),
                    dimension=int(entry["dimension"]) if entry.get("dimension") else None,
                    max_seq_length=int(entry["max_seq_length"]) if entry.get("max_seq_length") else None,
                    licence=str(entry.get("licence", "unknown")),
                    languages=tuple(entry.get("languages", ())),
                    recommended_multilingual=bool(entry.get("recommended_multilingual", False)),
                    notes=str(entry.get("notes", "")),
                    extra={k: v for k, v in entry.items() if k not in known},
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise InvalidInput(
                    "the model registry is malformed",
                    (Problem("models/registry.json", None, f"models[{i}]", f"bad or missing field: {exc}"),),
                ) from exc
            specs[spec.name] = spec
        for name, spec in list(specs.items()):
            if spec.backend == "combined":
                specs[name] = _with_parts(spec, specs)
        default = str(manifest.get("default", next(iter(specs), "")))
        if default not in specs:
            raise InvalidInput(
                "the model registry is malformed",
                (Problem("models/registry.json", None, "default", f"default model '{default}' is not listed"),),
            )
        return cls(models=specs, default=default)

    def resolve(self, name_or_path: str | None) -> ModelSpec:
        """The spec for a registered name, a local directory, or (offline) a hub name; ``None`` is the default."""
        if name_or_path is None or name_or_path == "":
            return self.models[self.default]
        if name_or_path in self.models:
            return self.models[name_or_path]
        path = Path(name_or_path).expanduser()
        if path.is_dir():
            return ModelSpec(
                name=str(path.resolve()),
                backend="sentence-transformers",
                source={"path": str(path.resolve())},
                registered=False,
            )
        if "/" in name_or_path and not name_or_path.startswith((".", "/")):
            return ModelSpec(
                name=name_or_path,
                backend="sentence-transformers",
                source={"hub": name_or_path},
                registered=False,
            )
        raise UnknownName(
            f"unknown model '{name_or_path}'; use one of {', '.join(self.models)}, "
            "a local sentence-transformers directory, or a hub name already in the local cache"
        )

    def recommended_multilingual(self) -> ModelSpec | None:
        return next((m for m in self.models.values() if m.recommended_multilingual), None)


def _with_parts(spec: ModelSpec, specs: Mapping[str, ModelSpec]) -> ModelSpec:
    """A combined spec with its parts resolved (``extra["resolved_parts"]``), weights normalised to sum 1."""
    raw = spec.extra.get("parts") or []
    where = f"{spec.name}.parts"
    try:
        named = [(str(p["model"]), float(p["weight"]), tuple(p.get("languages", ()))) for p in raw]
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(
            "the model registry is malformed",
            (Problem("models/registry.json", None, where, f'write [{{"model": NAME, "weight": W}}, ...]: {exc}'),),
        ) from exc
    unknown = [m for m, _, _ in named if m not in specs or specs[m].backend == "combined"]
    total = sum(w for _, w, _ in named)
    if not named or unknown or total <= 0 or any(w < 0 for _, w, _ in named):
        problem = f"unknown part model(s) {', '.join(unknown)}" if unknown else "give positive weights"
        raise InvalidInput("the model registry is malformed", (Problem("models/registry.json", None, where, problem),))
    parts = tuple(Part(m, w / total, specs[m], langs) for m, w, langs in named)
    lengths = [p.spec.max_seq_length for p in parts if p.spec.max_seq_length]
    return replace(
        spec,
        dimension=sum(p.spec.dimension or 0 for p in parts) or None,
        max_seq_length=min(lengths) if lengths else None,
        languages=spec.languages or tuple(dict.fromkeys(lang for p in parts for lang in p.spec.languages)),
        extra={**spec.extra, "resolved_parts": parts},
    )


def load_registry(path: Path = DEFAULT_MANIFEST) -> ModelRegistry:
    """Read a registry manifest (JSON) from disk."""
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            "cannot read the model registry",
            (Problem(str(path), None, None, f"{exc}; restore models/registry.json"),),
        ) from exc
    return ModelRegistry.from_manifest(manifest)
