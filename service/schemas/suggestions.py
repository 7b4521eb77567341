"""Suggestions over HTTP: exactly the rows of ``matcher suggest --json``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from pydantic import BaseModel

from matcher.event.schema import Role
from matcher.matching.engine import Suggestion


class SuggestionPublic(BaseModel):
    """One ranked match: who, the score, the explanation as text, and its details (components, best match)."""

    id: str
    name: str
    role: Role
    organisation: str
    score: float
    explanation: str
    details: dict[str, Any]


def suggestion_row(s: Suggestion) -> dict[str, Any]:
    """One suggestion as the plain data of a :class:`SuggestionPublic`."""
    explanation = s.explanation
    return {
        "id": s.id,
        "name": s.name,
        "role": s.role.value,
        "organisation": s.organisation,
        "score": round(s.score, 6),
        "explanation": explanation.text if explanation is not None else "",
        "details": explanation.as_dict() if explanation is not None else {},
    }


def suggestions_json(found: Iterable[Suggestion]) -> bytes:
    """The JSON list of suggestions the route sends (serialized once, without a second validation)."""
    return orjson.dumps([suggestion_row(s) for s in found], option=orjson.OPT_SERIALIZE_NUMPY)
