"""Hubness correction of semantic similarity (CSLS, Lample et al. 2018): a profile close to everything matters less.

In some embedding spaces, multilingual ones above all, a few texts are "hubs": close to almost every text on the
other side, so they top many rankings whatever the query. CSLS subtracts from each similarity the hubness of both
sides: a participant's hubness ``r`` towards a role is its mean similarity (best pair of text units) to its ``k``
nearest participants of that role. The corrected similarity of ``a`` and ``b`` is::

    similarity - weight * (r(a, towards b's role) + r(b, towards a's role)) / 2

``weight`` 1 is CSLS proper (up to a factor 2); it is symmetric, and for one query it ranks candidates exactly as
CSLS does. The offsets are never negative, so the corrected similarity never exceeds the raw one, and the engine's
bound on unretrieved candidates stays valid. A side whose counterpart role has fewer than ``k`` participants gets
no offset: hubness cannot be estimated there.

Example
-------
>>> from pathlib import Path
>>> import matcher
>>> from matcher import Embedder, MatchEngine, MemoryCache, Role, load_backend, load_event, load_registry
>>> backend = load_backend(load_registry().resolve(None))  # the default model, from its installed package
>>> event = load_event(Path(matcher.__file__).parents[1] / "fixtures" / "tiny-event")
>>> engine = MatchEngine.build(event, Embedder(backend.spec, lambda: backend, MemoryCache()))
>>> engine.hubness.active  # the registry measured no hubness weight for the default model
False
>>> hubness = Hubness(engine.hubness.index, k=2, weight=0.5)
>>> round(hubness.of("s1", Role.MENTOR), 2), round(hubness.pair(event.participant("s1"), event.participant("m1")), 2)
(0.36, 0.19)
"""

from __future__ import annotations

import threading

import numpy as np

from matcher.embed.registry import ModelSpec
from matcher.event.schema import Participant, Role
from matcher.matching.affinity import HUBNESS_K
from matcher.matching.profile_index import ProfileIndex

#: Registry field (``models/registry.json``) with a model's measured hubness weight; absent means 0 (off).
REGISTRY_FIELD = "hubness_weight"


def weight_for(spec: ModelSpec) -> float:
    """The model's measured hubness weight from the registry (0, no correction, when it has none)."""
    return max(0.0, float(spec.extra.get(REGISTRY_FIELD, 0.0)))


class Hubness:
    """Hubness offsets of the participants of one index, computed on first use and kept (the index must not change
    while this object is in use: the engine that owns it is rebuilt after every change)."""

    def __init__(self, index: ProfileIndex, k: int, weight: float) -> None:
        self.index = index
        self.k = k
        self.weight = weight
        self._lock = threading.Lock()
        self._offsets: dict[tuple[str, Role], float] = {}

    @classmethod
    def for_model(cls, index: ProfileIndex, spec: ModelSpec) -> Hubness:
        """The correction the registry measured for ``spec`` (inactive for models without a weight)."""
        return cls(index, HUBNESS_K, weight_for(spec))

    @property
    def active(self) -> bool:
        return self.weight > 0 and self.k > 0

    def pair(self, a: Participant, b: Participant) -> float:
        """What the correction subtracts from the semantic similarity of ``a`` and ``b`` (0 when inactive)."""
        if not self.active:
            return 0.0
        return self.weight * (self.of(a.id, b.role) + self.of(b.id, a.role)) / 2

    def of(self, owner: str, towards: Role) -> float:
        """``owner``'s mean best-unit similarity to its ``k`` nearest participants of ``towards`` (0 if fewer)."""
        key = (owner, towards)
        with self._lock:
            found = self._offsets.get(key)
        if found is None:
            found = self._compute(owner, towards)
            with self._lock:
                self._offsets[key] = found
        return found

    def _compute(self, owner: str, towards: Role) -> float:
        vectors = self.index.vectors_of(owner)
        if len(vectors) == 0:
            return 0.0
        fetch = 4 * self.k
        while True:
            sims, labels, size = self.index.search(towards, vectors, fetch)
            best: dict[str, float] = {}
            short = False
            for row_sims, row_labels in zip(sims.tolist(), labels.tolist(), strict=True):
                seen: set[str] = set()
                for similarity, label in zip(row_sims, row_labels, strict=True):
                    if label < 0:
                        continue
                    other = self.index.unit(int(label)).owner
                    if other == owner:
                        continue
                    seen.add(other)
                    best[other] = max(best.get(other, -np.inf), similarity)
                short = short or len(seen) < self.k
            # Exact once every unit of ``owner`` saw k distinct participants: one it missed through that unit is at
            # most as close as k others, so it cannot change the k largest best-pair similarities.
            if not short or fetch >= size:
                break
            fetch = min(size, fetch * 4)
        if len(best) < self.k:
            return 0.0
        nearest = sorted(best.values(), reverse=True)[: self.k]
        return max(0.0, float(np.mean(nearest)))
