"""The engine's error tree.

Every error the core raises is a :class:`MatchError`; the CLI and the service translate them in one place each
(exit codes, HTTP statuses). Lower-level errors (OR-Tools, faiss, sentence-transformers, pandas) are wrapped with
``raise ... from exc`` so that the message always says what to change::

    MatchError
    ├── InvalidInput        bad data: carries every Problem found (file, row, column, what to change)
    ├── Infeasible          no solution exists: carries the ConstraintViolations that bind
    ├── SolverFailed        a solver crashed or returned something unusable
    ├── UnknownName         an unknown solver, model, participant or aggregation name
    └── ModelUnavailable    an embedding model cannot be loaded offline
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

N = TypeVar("N", bound=Enum)


@dataclass(frozen=True)
class Problem:
    """One problem in the input: where it is and what to change.

    ``row`` is the 1-based line number in the file (the header is line 1), ``None`` for file-level problems.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
        if self.column:
            where += f":{self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ConstraintViolation:
    """A named constraint that is (or would be) violated, for whom, and what to change."""

    constraint: str
    participants: tuple[str, ...]
    message: str
    slots: tuple[str, ...] = ()

    def __str__(self) -> str:
        who = ", ".join(self.participants)
        when = f" in {', '.join(self.slots)}" if self.slots else ""
        return f"[{self.constraint}] {self.message}" + (f" ({who}{when})" if who or when else "")


class MatchError(Exception):
    """Base of every error the engine raises."""


class InvalidInput(MatchError):
    """The input data is invalid; ``problems`` lists every problem found, not just the first."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()) -> None:
        self.problems = problems
        detail = "\n".join(f"  {p}" for p in problems)
        super().__init__(message + (f"\n{detail}" if detail else ""))


class Infeasible(MatchError):
    """No solution satisfies the hard constraints; ``violations`` names the binding ones."""

    def __init__(self, message: str, violations: tuple[ConstraintViolation, ...] = ()) -> None:
        self.violations = violations
        detail = "\n".join(f"  {v}" for v in violations)
        super().__init__(message + (f"\n{detail}" if detail else ""))


class SolverFailed(MatchError):
    """A solver crashed or returned an unusable answer."""


class UnknownName(MatchError):
    """An unknown solver, model, participant or option value was named."""

    @classmethod
    def check(cls, names: type[N], name: object, what: str) -> N:
        """``name`` as a member of the enum ``names``; otherwise this error, listing the valid names.

        >>> from enum import StrEnum
        >>> UnknownName.check(StrEnum("Colour", ["red"]), "blue", "colour")
        Traceback (most recent call last):
            ...
        matcher.errors.UnknownName: unknown colour 'blue'; valid names: red
        """
        try:
            return names(name)
        except ValueError:
            valid = ", ".join(str(n.value) for n in names)
            raise cls(f"unknown {what} {name!r}; valid names: {valid}") from None


class ModelUnavailable(MatchError):
    """An embedding model cannot be loaded (offline, no local copy)."""
