"""The affinity of two participants: semantic and lexical similarity of their documents plus structured fit.

Documents are the unit of scoring. The similarity of two documents is the cosine of their vectors (for a document
split into passages, the max or mean over its passage pairs: :class:`PassageReduce`); a pair's semantic score
aggregates the document-to-document similarities (:class:`Aggregation`: the mean of the ``top_k`` best by default,
log-sum-exp, max, mean). The lexical score aggregates the TF-IDF cosines of the same documents in the same way
(:mod:`matcher.matching.lexical`).

Every component is in [0, 1] (semantic similarity is cosine, less a hubness offset for models that need one, clipped
at 0) and the score is the weighted mean of the components that apply to the pair: lexical whenever the semantic
one does, sectors when both sides have tags, stage and ticket only to startup-investor pairs with the data filled
in. Weights are configurable. Every aggregation is at most the maximum, so the best single similarity bounds it
(the engine's exact ranking relies on that).

Example
-------
>>> import numpy as np
>>> aggregate(np.array([[0.2, 0.8], [0.5, 0.1]]), Aggregation.MAX, top_k=2)
0.8
>>> round(aggregate(np.array([[0.2, 0.8], [0.5, 0.1]]), Aggregation.TOPK_MEAN, top_k=2), 3)
0.65
>>> round(aggregate(np.array([[0.2, 0.8], [0.5, 0.1]]), Aggregation.LSE, top_k=2), 2)
0.67
>>> document_matrix(np.array([[0.2, 0.8, 0.4]]), np.array([0]), np.array([0, 1, 1]), PassageReduce.MAX).tolist()
[[0.2, 0.8]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import numpy as np

from matcher.event.schema import Participant, Role, Stage


class Aggregation(StrEnum):
    """How document-to-document similarities of two participants become one score."""

    MAX = "max"
    TOPK_MEAN = "topk-mean"
    LSE = "lse"
    MEAN = "mean"


class PassageReduce(StrEnum):
    """How the passage similarities of a document split into passages become the document's similarity."""

    MAX = "max"
    MEAN = "mean"


#: Neighbours a hubness offset averages over (see :mod:`matcher.matching.hubness`).
HUBNESS_K = 10


@dataclass(frozen=True)
class AffinityWeights:
    semantic: float = 0.70
    sectors: float = 0.15
    stage: float = 0.10
    ticket: float = 0.05
    activity: float = 1.00
    lexical: float = 0.70

    @property
    def structured(self) -> float:
        """The total weight of the structured components (each at most 1)."""
        return self.sectors + self.stage + self.ticket + self.activity

    def of(self, component: str) -> float:
        return float(getattr(self, component))


@dataclass(frozen=True)
class AffinityConfig:
    weights: AffinityWeights = field(default_factory=AffinityWeights)
    aggregation: Aggregation = Aggregation.TOPK_MEAN
    #: Documents pairs averaged by the top-k mean.
    top_k: int = 3
    #: Temperature of the log-sum-exp aggregation (small: close to the max; large: close to the mean).
    temperature: float = 0.1
    passages: PassageReduce = PassageReduce.MAX
    strict_stage: bool = False
    strict_ticket: bool = False
    #: Deals at which an investor's activity counts as full (log scale below it).
    activity_saturation: int = 50


@dataclass(frozen=True)
class Component:
    name: str
    value: float
    weight: float
    detail: str = ""


def aggregate(similarities: np.ndarray, aggregation: Aggregation, top_k: int, temperature: float = 0.1) -> float:
    """One score from a (documents x documents) similarity matrix; never above its maximum."""
    if similarities.size == 0:
        return 0.0
    if aggregation is Aggregation.MAX:
        return float(similarities.max())
    if aggregation is Aggregation.MEAN:
        return float(similarities.mean())
    if aggregation is Aggregation.LSE:
        t = max(1e-6, temperature)
        top = float(similarities.max())
        return min(top, top + t * math.log(float(np.mean(np.exp((similarities - top) / t)))))
    flat = similarities.ravel()
    k = min(max(1, top_k), flat.size)
    return float(np.partition(flat, flat.size - k)[flat.size - k :].mean())


def runs(docs: np.ndarray) -> np.ndarray:
    """Where each run of equal document numbers starts (the units of one participant are in document order)."""
    if len(docs) < 2:
        return np.zeros(len(docs), dtype=np.int64)
    changes = np.flatnonzero(docs[1:] != docs[:-1]) + 1
    out = np.zeros(len(changes) + 1, dtype=np.int64)
    out[1:] = changes
    return out


def _reduce(matrix: np.ndarray, starts: np.ndarray, axis: int, how: PassageReduce) -> np.ndarray:
    if len(starts) == matrix.shape[axis]:
        return matrix
    if how is PassageReduce.MAX:
        return np.maximum.reduceat(matrix, starts, axis=axis)
    sizes = np.diff(np.append(starts, matrix.shape[axis])).astype(matrix.dtype)
    totals = np.add.reduceat(matrix, starts, axis=axis)
    return totals / (sizes[:, None] if axis == 0 else sizes[None, :])


def document_matrix(sims: np.ndarray, docs_a: np.ndarray, docs_b: np.ndarray, how: PassageReduce) -> np.ndarray:
    """Unit-to-unit similarities as document-to-document ones (passages of one document reduced by ``how``)."""
    return _documents(sims, runs(docs_a), runs(docs_b), how)


def _documents(sims: np.ndarray, runs_a: np.ndarray, runs_b: np.ndarray, how: PassageReduce) -> np.ndarray:
    if sims.size == 0:
        return sims
    return _reduce(_reduce(sims, runs_a, 0, how), runs_b, 1, how)


def sector_fit(a: Participant, b: Participant) -> tuple[float | None, tuple[str, ...]]:
    """Overlap coefficient of the sector tags, and the shared tags; ``None`` when a side has none."""
    if not a.sectors or not b.sectors:
        return None, ()
    shared = tuple(s for s in a.sectors if s in set(b.sectors))
    return len(shared) / min(len(a.sectors), len(b.sectors)), shared


def _startup_investor(a: Participant, b: Participant) -> tuple[Participant, Participant] | None:
    if a.role is Role.STARTUP and b.role is Role.INVESTOR:
        return a, b
    if b.role is Role.STARTUP and a.role is Role.INVESTOR:
        return b, a
    return None


def stage_fit(a: Participant, b: Participant) -> float | None:
    """1 when the investor invests at the startup's stage, 0.5 one stage away, else 0; ``None`` if not applicable."""
    pair = _startup_investor(a, b)
    if pair is None:
        return None
    startup, investor = pair
    stage = startup.startup_stage
    if stage is None or not investor.stage:
        return None
    distance = min(abs(stage.rank - s.rank) for s in investor.stage)
    return {0: 1.0, 1: 0.5}.get(distance, 0.0)


def ticket_fit(a: Participant, b: Participant) -> float | None:
    """1 when the amount sought is inside the ticket range, decaying to 0 at a factor of 10 outside."""
    pair = _startup_investor(a, b)
    if pair is None:
        return None
    startup, investor = pair
    sought = startup.ticket_min_eur
    lo, hi = investor.ticket_min_eur, investor.ticket_max_eur
    if not sought or (lo is None and hi is None):
        return None
    if lo and sought < lo:
        return max(0.0, 1.0 - math.log10(lo / sought))
    if hi and sought > hi:
        return max(0.0, 1.0 - math.log10(sought / hi))
    return 1.0


def activity_fit(a: Participant, b: Participant, saturation: int) -> float | None:
    """How active the investor of a startup-investor pair is: log(1 + deals) / log(1 + saturation), at most 1."""
    pair = _startup_investor(a, b)
    if pair is None or pair[1].deals is None:
        return None
    return min(1.0, math.log1p(pair[1].deals) / math.log1p(max(1, saturation)))


def _stage_detail(a: Participant, b: Participant) -> str:
    pair = _startup_investor(a, b)
    if pair is None:
        return ""
    startup, investor = pair
    stage: Stage | None = startup.startup_stage
    return f"{stage.value if stage else '?'} vs invests at {', '.join(s.value for s in investor.stage)}"


def _ticket_detail(a: Participant, b: Participant) -> str:
    pair = _startup_investor(a, b)
    if pair is None:
        return ""
    startup, investor = pair
    return (
        f"seeks EUR {startup.ticket_min_eur:,} vs tickets EUR "
        f"{investor.ticket_min_eur or 0:,}-{investor.ticket_max_eur or 0:,}"
    )


def _semantic(semantic: float, hub: float, config: AffinityConfig) -> Component:
    """The semantic component, less the hubness offset ``hub`` of the pair (said in the detail when there is one)."""
    value = max(0.0, min(1.0, semantic - hub))
    if hub <= 0:
        return Component("semantic", value, config.weights.semantic)
    detail = (
        f"similarity {semantic:.2f} less {hub:.2f} for hubness (how close each side is to its "
        f"{HUBNESS_K} nearest profiles of the other's role)"
    )
    return Component("semantic", value, config.weights.semantic, detail)


def components(
    a: Participant,
    b: Participant,
    semantic: float,
    config: AffinityConfig,
    hub: float = 0.0,
    lexical: float | None = None,
) -> tuple[Component, ...]:
    """The components that apply to the pair, with their weights; ``hub`` (>= 0) is subtracted from ``semantic``.

    ``lexical`` (the aggregated TF-IDF cosine) is a component of its own when given and weighted above 0.
    """
    w = config.weights
    out = [_semantic(semantic, hub, config)]
    if lexical is not None and w.lexical > 0:
        out.append(Component("lexical", max(0.0, min(1.0, lexical)), w.lexical, "shared rare terms (TF-IDF)"))
    sectors, shared = sector_fit(a, b)
    if sectors is not None:
        out.append(Component("sectors", sectors, w.sectors, ", ".join(shared)))
    stage = stage_fit(a, b)
    if stage is not None:
        out.append(Component("stage", stage, w.stage, _stage_detail(a, b)))
    ticket = ticket_fit(a, b)
    if ticket is not None:
        out.append(Component("ticket", ticket, w.ticket, _ticket_detail(a, b)))
    activity = activity_fit(a, b, config.activity_saturation)
    if activity is not None:
        deals = (b if b.role is Role.INVESTOR else a).deals
        out.append(Component("activity", activity, w.activity, f"{deals} deals"))
    return tuple(out)


def combine(parts: tuple[Component, ...]) -> float:
    """The weighted mean of the applicable components (0 when every weight is 0)."""
    total = sum(c.weight for c in parts)
    if total <= 0:
        return 0.0
    return sum(c.value * c.weight for c in parts) / total


@dataclass(frozen=True)
class PairSims:
    """The unit-to-unit similarities of a pair (semantic, and lexical when that channel is on), with the document
    number of every unit on each side; :attr:`matrices` are the document-level ones (computed once)."""

    semantic: np.ndarray
    lexical: np.ndarray | None
    docs_a: np.ndarray
    docs_b: np.ndarray
    passages: PassageReduce = PassageReduce.MAX

    @cached_property
    def runs_a(self) -> np.ndarray:
        """Where each document of side a starts among its units (:func:`runs`)."""
        return runs(self.docs_a)

    @cached_property
    def runs_b(self) -> np.ndarray:
        return runs(self.docs_b)

    @cached_property
    def matrices(self) -> tuple[np.ndarray, np.ndarray | None]:
        """The semantic and lexical document-to-document matrices."""
        semantic = _documents(self.semantic, self.runs_a, self.runs_b, self.passages)
        if self.lexical is None:
            return semantic, None
        return semantic, _documents(self.lexical, self.runs_a, self.runs_b, self.passages)


def channel_scores(sims: PairSims, config: AffinityConfig) -> tuple[float, float | None]:
    """The pair's semantic and lexical scores: each channel's document matrix, aggregated as configured."""
    semantic, lexical = sims.matrices
    agg, k, t = config.aggregation, config.top_k, config.temperature
    return aggregate(semantic, agg, k, t), None if lexical is None else aggregate(lexical, agg, k, t)
