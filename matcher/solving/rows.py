"""Named linear constraints, written once: they build the CP-SAT model *and* check a finished solution.

A problem lays its decision variables out in one flat 0/1 vector (for the mentor programme: one entry per
candidate edge; for pitching: ``x[s, p]``, ``y[i, p]``, ``u[p]``, see :mod:`matcher.pitching.problem`) and
describes every hard constraint as a :class:`LinearRow` over that vector::

    lower <= sum(coefficients * values[variables]) <= upper      (only when values[enforced_by] == enforce_value)

Each feature names its constraints in its own enum and builds its rows next to its problem (with :class:`Rows`,
e.g. :func:`matcher.mentoring.problem.assignment_rows`). The same row is then either added to a CP-SAT model
(:meth:`LinearRow.add_to`) or evaluated on the 0/1 vector of a finished solution (:func:`row_violations`), which
turns each broken row into a :class:`~matcher.errors.ConstraintViolation` that says, in words, which constraint and
for whom.

Example
-------
>>> import numpy as np
>>> row = LinearRow("startup_demand", np.array([0, 1]), np.array([1, 1]), 1, 1,
...                 "startup s1 has {value} mentors; it needs exactly 1", ("s1",))
>>> [v.message for v in row_violations([row], np.array([1, 1]))]
['startup s1 has 2 mentors; it needs exactly 1']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.errors import ConstraintViolation

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = ["LinearRow", "Rows", "row_violations"]


IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class LinearRow:
    """One labelled linear constraint over a problem's flat 0/1 variable vector.

    ``message`` is a sentence for people; ``{value}`` in it is replaced by the row's left-hand side when the row
    is checked. ``lower``/``upper`` are ``None`` when unbounded on that side. When ``enforced_by`` is set, the row
    applies only when that variable equals ``enforce_value`` (CP-SAT ``only_enforce_if``).
    """

    constraint: str
    variables: IntArray
    coefficients: IntArray
    lower: int | None
    upper: int | None
    message: str
    participants: tuple[str, ...] = ()
    slots: tuple[str, ...] = ()
    enforced_by: int | None = None
    enforce_value: bool = True

    def active(self, values: npt.NDArray[np.integer]) -> bool:
        """Whether the row applies to the 0/1 vector ``values`` (its enforcement literal holds)."""
        return self.enforced_by is None or bool(values[self.enforced_by]) == self.enforce_value

    def value(self, values: npt.NDArray[np.integer]) -> int:
        """The left-hand side on the 0/1 vector ``values``."""
        return int(np.dot(values[self.variables].astype(np.int64), self.coefficients))

    def holds(self, values: npt.NDArray[np.integer]) -> bool:
        """Whether ``values`` satisfies the row (trivially true when the row is not active)."""
        if not self.active(values):
            return True
        lhs = self.value(values)
        return (self.lower is None or lhs >= self.lower) and (self.upper is None or lhs <= self.upper)

    def add_to(self, model: cp_model.CpModel, variables: Sequence[cp_model.IntVar | int]) -> None:
        """Add the row to ``model``; ``variables[k]`` is the CP-SAT literal of flat variable ``k``.

        An entry may be the constant ``0`` (or ``1``) for a variable fixed by the encoding (e.g. an unavailable
        startup-session pair); rows left with constants only are checked here and skipped when they hold.
        """
        terms: list[cp_model.IntVar] = []
        coefs: list[int] = []
        offset = 0
        for k, c in zip(self.variables.tolist(), self.coefficients.tolist(), strict=True):
            var = variables[k]
            if isinstance(var, int):
                offset += c * var
            else:
                terms.append(var)
                coefs.append(c)
        lo = -(2**62) if self.lower is None else self.lower - offset
        hi = 2**62 if self.upper is None else self.upper - offset
        literal = None if self.enforced_by is None else variables[self.enforced_by]
        if isinstance(literal, int):
            if bool(literal) != self.enforce_value:
                return
            literal = None
        if not terms:
            if lo <= 0 <= hi:
                return
            # a broken constant row: the model is infeasible (or the enforcement literal must be off)
            if literal is None:
                model.add_bool_or([])
            else:
                model.add_bool_or([literal.Not() if self.enforce_value else literal])
            return
        from ortools.sat.python import cp_model as cp  # deferred: nothing heavy at import time

        ct = model.add_linear_constraint(cp.LinearExpr.weighted_sum(terms, coefs), lo, hi)
        if literal is not None:
            ct.only_enforce_if(literal if self.enforce_value else literal.Not())

    def violation(self, values: npt.NDArray[np.integer]) -> ConstraintViolation:
        """The row as a :class:`ConstraintViolation`, its message filled in with the value found."""
        return ConstraintViolation(
            constraint=str(self.constraint),
            participants=self.participants,
            message=self.message.format(value=self.value(values)),
            slots=self.slots,
        )


def row_violations(rows: Iterable[LinearRow], values: npt.NDArray[np.integer]) -> tuple[ConstraintViolation, ...]:
    """Every row of ``rows`` broken by the 0/1 vector ``values``, in the order of ``rows``."""
    return tuple(row.violation(values) for row in rows if not row.holds(values))


class Rows:
    """Collects rows whose coefficients are all 1 (every constraint here counts 0/1 decisions)."""

    def __init__(self) -> None:
        self.rows: list[LinearRow] = []

    def count(
        self,
        name: str,
        variables: Sequence[int] | IntArray,
        lower: int | None,
        upper: int | None,
        message: str,
        who: tuple[str, ...] = (),
        when: tuple[str, ...] = (),
        enforced_by: int | None = None,
        enforce_value: bool = True,
    ) -> None:
        idx = np.asarray(variables, dtype=np.int64)
        ones = np.ones(idx.size, dtype=np.int64)
        self.rows.append(LinearRow(name, idx, ones, lower, upper, message, who, when, enforced_by, enforce_value))
