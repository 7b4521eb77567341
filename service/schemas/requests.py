"""Meeting requests between participants: the body that sends one, and what is shown."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from matcher.event.schema import Identifier, RequestStatus
from service.schemas.common import Body


class RequestCreate(Body):
    """Ask ``to_id`` for a meeting. A participant key sends as itself (``from_id`` defaults to it)."""

    to_id: Identifier
    from_id: Identifier | None = Field(default=None, description="Sender; required with an organiser key.")


class RequestPublic(BaseModel):
    """A request as shown: who asked whom, and the answer so far."""

    id: int
    from_id: str
    to_id: str
    status: RequestStatus
    created_at: datetime
    updated_at: datetime
