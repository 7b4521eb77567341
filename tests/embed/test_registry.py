"""The model registry: combined models resolve their parts, and a malformed entry is named."""

from __future__ import annotations

import pytest

from matcher.embed import ModelRegistry
from matcher.errors import InvalidInput


def _combined_manifest(parts: object) -> dict[str, object]:
    base = {"backend": "sentence-transformers", "source": {"path": "/m"}, "dimension": 384, "max_seq_length": 256}
    return {
        "default": "a",
        "models": [
            {"name": "a", **base, "languages": ["en"]},
            {"name": "b", **base, "dimension": 512, "max_seq_length": 512, "languages": ["de", "en"]},
            {"name": "ab", "backend": "combined", "source": {"parts": "a+b"}, "parts": parts},
        ],
    }


def test_a_combined_model_resolves_its_parts_and_normalises_the_weights() -> None:
    spec = ModelRegistry.from_manifest(_combined_manifest([{"model": "a", "weight": 3}, {"model": "b", "weight": 1}]))
    combined = spec.resolve("ab")
    parts = combined.extra["resolved_parts"]
    assert [(p.model, p.weight) for p in parts] == [("a", 0.75), ("b", 0.25)]
    assert (combined.dimension, combined.max_seq_length, combined.languages) == (896, 256, ("en", "de"))


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ([{"model": "zz", "weight": 1}], "unknown part model(s) zz"),
        ([{"model": "a", "weight": 0}], "give positive weights"),
        ([{"model": "a"}], "write [{"),
        ([], "give positive weights"),
    ],
)
def test_a_bad_combined_model_is_named_in_the_registry(parts: object, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        ModelRegistry.from_manifest(_combined_manifest(parts))
    assert "ab.parts" in str(caught.value) and message in str(caught.value)
