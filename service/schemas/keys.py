"""API keys over HTTP: the body that issues one, the key shown once, and what is listed (never the key)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, Strict, model_validator

from matcher.event.schema import Identifier
from service.schemas.common import Body


class EventKeyRole(StrEnum):
    """The roles of keys that belong to an event."""

    ORGANISER = "organiser"
    PARTICIPANT = "participant"


class KeyCreate(Body):
    """Issue a key for this event: an organiser key, or a participant key for one participant."""

    role: Annotated[EventKeyRole, Strict(False)]
    participant_id: Identifier | None = None
    label: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _participant(self) -> KeyCreate:
        if (self.role is EventKeyRole.PARTICIPANT) != (self.participant_id is not None):
            raise ValueError("participant_id is required for a participant key, and only for one")
        return self


class KeyPublic(BaseModel):
    """A key as listed: its public prefix, never the key."""

    prefix: str
    role: str
    participant_id: str | None
    label: str
    created_at: datetime


class KeyCreated(KeyPublic):
    """A new key; ``key`` is shown this once and never stored."""

    key: str
