"""Suggestions over HTTP: exactly the rows of ``matcher suggest --json``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from matcher.engine import Suggestion
from matcher.schema import Role


class SuggestionPublic(BaseModel):
    """One ranked match: who, the score, the explanation as text, and its details (components, best match)."""

    id: str
    name: str
    role: Role
    organisation: str
    score: float
    explanation: str
    details: dict[str, Any]

    @classmethod
    def of(cls, s: Suggestion) -> SuggestionPublic:
        explanation = s.explanation
        return cls(
            id=s.id,
            name=s.name,
            role=s.role,
            organisation=s.organisation,
            score=round(s.score, 6),
            explanation=explanation.text if explanation is not None else "",
            details=explanation.as_dict() if explanation is not None else {},
        )
