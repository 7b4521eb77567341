"""Frozen arrays and id <-> index maps: how every problem encoding takes its inputs.

An encoding copies what it is given, checks shape and values, and hands out read-only arrays, so that no solver
can change a problem and no caller's array is ever touched.

Example
-------
>>> a = frozen([1, 2, 3], np.int32, "capacity", (3,))
>>> a.flags.writeable, a.dtype.name
(False, 'int32')
>>> frozen([1.5], np.int32, "capacity", (1,))
Traceback (most recent call last):
    ...
matcher.errors.InvalidInput: capacity must hold whole numbers
>>> id_index(["s1", "s2"], "startup")
{'s1': 0, 's2': 1}
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from matcher.errors import InvalidInput

__all__ = ["frozen", "id_index"]


def frozen(
    values: npt.ArrayLike,
    dtype: type[np.generic],
    name: str,
    shape: tuple[int | None, ...] | None = None,
    *,
    broadcast: bool = False,
) -> np.ndarray:
    """A read-only copy of ``values`` as ``dtype``; the caller's array is never touched.

    ``shape`` (``None`` entries: any length) is checked when given; with ``broadcast``, a scalar fills a 1-D
    shape. Integer targets must receive whole numbers within the range of ``dtype``; a boolean target a boolean
    array. Raises :class:`InvalidInput` naming ``name``.
    """
    raw = np.asarray(values)
    if broadcast and raw.ndim == 0 and shape is not None and len(shape) == 1 and shape[0] is not None:
        raw = np.full(shape[0], raw)
    if shape is not None and not _fits(raw.shape, shape):
        if len(shape) == 1:
            want = "1-D" if shape[0] is None else f"1-D array of length {shape[0]}"
            raise InvalidInput(f"{name} must be a {want}, got shape {raw.shape}")
        raise InvalidInput(f"{name} must have shape {shape}, got {raw.shape}")
    if dtype is np.bool_ and raw.size and raw.dtype != np.bool_:
        raise InvalidInput(f"{name} must be a boolean array, got {raw.dtype}")
    if np.issubdtype(dtype, np.integer) and raw.size:
        exact = np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.bool_)
        if not exact and not (np.all(np.isfinite(raw)) and np.all(np.mod(raw, 1) == 0)):
            raise InvalidInput(f"{name} must hold whole numbers")
        info = np.iinfo(np.dtype(dtype))
        if raw.max() > info.max or raw.min() < info.min:
            raise InvalidInput(f"{name} holds values out of the {info.dtype.name} range")
    out = np.array(raw, dtype=dtype, copy=True)
    out.flags.writeable = False
    return out


def _fits(got: tuple[int, ...], want: tuple[int | None, ...]) -> bool:
    return len(got) == len(want) and all(w is None or w == g for g, w in zip(got, want, strict=True))


def id_index(ids: Sequence[str], what: str) -> dict[str, int]:
    """``id -> position`` of ``ids``; raises :class:`InvalidInput` for an empty or repeated id."""
    index: dict[str, int] = {}
    for k, ident in enumerate(ids):
        if not isinstance(ident, str) or not ident:
            raise InvalidInput(f"{what} id at position {k} must be a non-empty string, got {ident!r}")
        if ident in index:
            raise InvalidInput(f"{what} id {ident!r} appears twice; ids must be unique")
        index[ident] = k
    return index
