"""Envelopes shared by every resource: pages of a list, and the one error body."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from matcher.errors import ConstraintViolation, Problem
from matcher.event.schema import Identifier

__all__ = ["Body", "ErrorBody", "Identifier", "Page", "ProblemOut", "ViolationOut"]

T = TypeVar("T")

Limit = Annotated[int, Field(ge=1, description="Items per page (at most the service's page_max).")]
Offset = Annotated[int, Field(ge=0, description="Items skipped.")]


class Body(BaseModel):
    """Base of request bodies: unknown fields and type coercions (``0`` for ``false``, ``"3"`` for 3) are errors.

    Enum fields are annotated with ``Strict(False)`` so that their JSON strings still validate.
    """

    model_config = ConfigDict(extra="forbid", strict=True)


class Page(BaseModel, Generic[T]):
    """One page of a list, with the total number of items."""

    items: list[T]
    total: int
    limit: int
    offset: int


class ProblemOut(BaseModel):
    """One input problem: where it is (file, row, column) and what to change."""

    model_config = ConfigDict(frozen=True)

    file: str
    row: int | None
    column: str | None
    message: str

    @classmethod
    def of(cls, problem: Problem) -> ProblemOut:
        return cls(file=problem.file, row=problem.row, column=problem.column, message=problem.message)


class ViolationOut(BaseModel):
    """A constraint that cannot be met, for whom, and what to change."""

    model_config = ConfigDict(frozen=True)

    constraint: str
    participants: list[str]
    slots: list[str]
    message: str

    @classmethod
    def of(cls, violation: ConstraintViolation) -> ViolationOut:
        return cls(
            constraint=violation.constraint,
            participants=list(violation.participants),
            slots=list(violation.slots),
            message=violation.message,
        )


class ErrorBody(BaseModel):
    """Every error response: a stable code, a message saying what to change, and the problems or violations."""

    error: str = Field(description="invalid_input, not_found, infeasible, unavailable, forbidden, ...")
    message: str
    problems: list[ProblemOut] = Field(default_factory=list)
    violations: list[ViolationOut] = Field(default_factory=list)
