"""Events: their settings (embedding model and affinity), the body that creates one, and what is shown."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, Strict

from matcher.event.schema import Identifier
from matcher.matching.affinity import AffinityConfig, AffinityWeights, Aggregation, PassageReduce
from service.schemas.common import Body


class Weights(Body):
    """Weights of the affinity components (the CLI's ``--w-*`` options, same defaults; a test pins the fields)."""

    semantic: float = Field(default=0.70, ge=0.0, le=100.0)
    sectors: float = Field(default=0.15, ge=0.0, le=100.0)
    stage: float = Field(default=0.10, ge=0.0, le=100.0)
    ticket: float = Field(default=0.05, ge=0.0, le=100.0)
    activity: float = Field(default=1.00, ge=0.0, le=100.0)
    lexical: float = Field(default=AffinityWeights().lexical, ge=0.0, le=100.0, description="TF-IDF channel.")


class EventSettings(Body):
    """How an event is matched: its embedding model (a registered name) and the affinity configuration."""

    model: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="A registered model name; default: the registry's default.",
    )
    aggregation: Annotated[Aggregation, Strict(False)] = AffinityConfig().aggregation
    top_k: int = Field(default=3, ge=1, le=50, description="Document pairs averaged by the topk-mean aggregation.")
    temperature: float = Field(default=0.1, gt=0.0, le=10.0, description="Temperature of the lse aggregation.")
    passages: Annotated[PassageReduce, Strict(False)] = AffinityConfig().passages
    weights: Weights = Field(default_factory=Weights)
    strict_stage: bool = False
    strict_ticket: bool = False
    activity_saturation: int = Field(default=50, ge=1, le=1_000_000, description="Deals at which activity is full.")

    @classmethod
    def stored(cls, data: dict[str, object]) -> EventSettings:
        """Settings as stored by any version of the service (fields it no longer knows are ignored)."""
        known = {name: value for name, value in data.items() if name in cls.model_fields}
        weights = known.get("weights")
        if isinstance(weights, dict):
            known["weights"] = {name: value for name, value in weights.items() if name in Weights.model_fields}
        return cls.model_validate(known)

    def affinity(self) -> AffinityConfig:
        """The core's affinity configuration for these settings."""
        return AffinityConfig(
            weights=AffinityWeights(**self.weights.model_dump()),
            aggregation=self.aggregation,
            top_k=self.top_k,
            temperature=self.temperature,
            passages=self.passages,
            strict_stage=self.strict_stage,
            strict_ticket=self.strict_ticket,
            activity_saturation=self.activity_saturation,
        )


class EventBase(BaseModel):
    """What every view of an event has."""

    name: str = Field(min_length=1, max_length=200, description="Display name.")


class EventCreate(EventBase, Body):
    """The body that creates an event (its content comes from an import or participant by participant)."""

    id: Identifier = Field(description="The event's id in URLs, e.g. cologne-media-day-2026.")
    settings: EventSettings = Field(default_factory=EventSettings)


class EventCounts(BaseModel):
    """How many records of each kind the event holds."""

    participants: dict[str, int]
    documents: int
    slots: int
    tables: int
    availability: int
    requests: int
    conflicts: int
    locked: int
    sessions: int


class EventPublic(EventBase):
    """An event as shown: its settings (with the model resolved) and the counts of its records."""

    id: str
    settings: EventSettings
    created_at: datetime
    counts: EventCounts


class ImportReport(BaseModel):
    """What an import stored, and how many texts had to be embedded (the rest came from the cache)."""

    event: EventPublic
    embedded: int
    cached: int
    removed_participants: list[str]
