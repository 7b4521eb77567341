"""A combined model: two (or more) registered models whose similarities are added at fixed weights.

For an event whose profiles are mostly English but some not: the English model is the stronger one on English
expertise, the multilingual one is the only one that matches across languages. A combined model's vector of a text
is the concatenation of each part's unit vector scaled by the square root of its weight (weights sum to 1), so the
cosine of two combined vectors is exactly the weighted sum of the parts' cosines, and everything downstream (the
faiss index, hubness, the exact ranking bound) works unchanged.

A part may be limited to some languages (``"languages": ["en"]``): a text detected in another language gets a zero
block for that part and the rest of its vector is rescaled to unit length. Two English texts then compare with
``w * cos_en + (1 - w) * cos_multilingual``, and a German text with anything by its multilingual cosine alone
(times ``sqrt(1 - w)``): the English model counts only where it can read both sides, and the ranking of English
mentors for a German startup is the multilingual model's. Texts too short to detect keep every part.

Registry entry (``models/registry.json``)::

    {"name": "...", "backend": "combined", "source": {"parts": "minilm+e5"},
     "parts": [{"model": "all-MiniLM-L6-v2", "weight": 0.5}, {"model": "multilingual-e5-small-q4", "weight": 0.5}]}

Example
-------
>>> from matcher.embed import load_backend, load_registry
>>> registry = load_registry()
>>> spec = registry.resolve("minilm-e5-combined")
>>> english, multilingual = (load_backend(registry.resolve(p.model)) for p in combined_parts(spec))
>>> texts = ["We build subtitling software for broadcasters.", "Subtitles for TV channels, made by software.",
...          "Wir bauen Untertitel-Software für Sender."]
>>> v, en, ml = load_backend(spec).encode(texts), english.encode(texts), multilingual.encode(texts)
>>> both_english = 0.5 * float(en[0] @ en[1]) + 0.5 * float(ml[0] @ ml[1])
>>> abs(float(v[0] @ v[1]) - both_english) < 1e-5
True
>>> abs(float(v[0] @ v[2]) - 0.5**0.5 * float(ml[0] @ ml[2])) < 1e-5  # German: the multilingual part alone
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from matcher.embed.backends import EmbeddingBackend
from matcher.embed.registry import ModelSpec, Part
from matcher.errors import InvalidInput, Problem
from matcher.language import detect


def combined_parts(spec: ModelSpec) -> tuple[Part, ...]:
    """The parts of a combined spec, as the registry resolved them (weights normalised to sum 1)."""
    parts = spec.extra.get("resolved_parts")
    if not parts:
        raise InvalidInput(
            f"model '{spec.name}' is combined but lists no parts",
            (Problem("models/registry.json", None, f"{spec.name}.parts", "list the models and their weights"),),
        )
    return tuple(parts)


class CombinedBackend:
    """Each part's backend (all loaded when this one is); vectors concatenated at the square roots of the weights."""

    def __init__(self, spec: ModelSpec, load: Callable[[ModelSpec], EmbeddingBackend]) -> None:
        self.spec = spec
        self.parts = combined_parts(spec)
        self._backends = [load(p.spec) for p in self.parts]

    @property
    def dimension(self) -> int:
        return sum(int(b.dimension) for b in self._backends)

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        blocks = []
        languages = [detect(t) for t in texts] if any(p.languages for p in self.parts) else []
        for part, backend in zip(self.parts, self._backends, strict=True):
            vectors = np.asarray(
                backend.encode(texts, batch_size=batch_size, progress=progress), dtype=np.float32
            ) * np.float32(math.sqrt(part.weight))
            if part.languages:
                outside = [k for k, lang in enumerate(languages) if lang is not None and lang not in part.languages]
                vectors[outside] = 0.0
            blocks.append(vectors)
        out = np.concatenate(blocks, axis=1)  # combined_parts() guarantees at least one part
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.maximum(norms, 1e-12), dtype=np.float32)
