"""The affinity of two participants: semantic similarity of their texts plus structured compatibility.

Every component is in [0, 1] (semantic similarity is cosine, less a hubness offset for models that need one, clipped
at 0) and the score is the weighted mean of
the components that apply to the pair: sectors apply when both sides have tags, stage and ticket only to
startup-investor pairs with the data filled in. Weights are configurable.

Example
-------
>>> import numpy as np
>>> aggregate(np.array([[0.2, 0.8], [0.5, 0.1]]), Aggregation.MAX, top_k=2)
0.8
>>> round(aggregate(np.array([[0.2, 0.8], [0.5, 0.1]]), Aggregation.TOPK_MEAN, top_k=2), 3)
0.65
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from matcher.event.schema import Participant, Role, Stage


class Aggregation(StrEnum):
    """How unit-to-unit similarities of two participants become one semantic score."""

    MAX = "max"
    TOPK_MEAN = "topk-mean"


#: Neighbours a hubness offset averages over (see :mod:`matcher.matching.hubness`).
HUBNESS_K = 10


@dataclass(frozen=True)
class AffinityWeights:
    semantic: float = 0.70
    sectors: float = 0.15
    stage: float = 0.10
    ticket: float = 0.05
    activity: float = 1.00

    @property
    def structured(self) -> float:
        """The total weight of the structured components (each at most 1)."""
        return self.sectors + self.stage + self.ticket + self.activity

    def of(self, component: str) -> float:
        return float(getattr(self, component))


@dataclass(frozen=True)
class AffinityConfig:
    weights: AffinityWeights = field(default_factory=AffinityWeights)
    aggregation: Aggregation = Aggregation.MAX
    top_k: int = 3
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


def aggregate(similarities: np.ndarray, aggregation: Aggregation, top_k: int) -> float:
    """One semantic score from a (query units x candidate units) similarity matrix."""
    if similarities.size == 0:
        return 0.0
    if aggregation is Aggregation.MAX:
        return float(similarities.max())
    flat = np.sort(similarities, axis=None)[::-1][: max(1, top_k)]
    return float(flat.mean())


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
    a: Participant, b: Participant, semantic: float, config: AffinityConfig, hub: float = 0.0
) -> tuple[Component, ...]:
    """The components that apply to the pair, with their weights; ``hub`` (>= 0) is subtracted from ``semantic``."""
    w = config.weights
    out = [_semantic(semantic, hub, config)]
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
