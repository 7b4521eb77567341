"""The one seam every solver goes through.

A solver is anything with a ``name`` and a ``solve(problem, limits)`` method that returns a
:class:`SolveResult`. Problems are frozen encodings (ids already mapped to indices: each feature's
``problem.py``); solvers never see ids or dicts, and never mutate the problem. Each feature finds its solvers by
name in its own typed registry (``matcher/<feature>/registry.py``); nothing here knows a feature.

Contract shared by every solver:

* a proven-infeasible problem raises :class:`matcher.errors.Infeasible` carrying the binding
  :class:`~matcher.errors.ConstraintViolation` s, never a bare status;
* a crash or an unusable answer of the underlying library raises :class:`matcher.errors.SolverFailed`
  (``raise ... from exc``);
* otherwise a :class:`SolveResult` says how good the solution is: ``OPTIMAL`` only when proven,
  ``objective <= bound`` whenever a bound is reported;
* same problem and same ``Limits.seed`` give the same solution (CP-SAT solvers run a deterministic search by
  default, see :mod:`matcher.solving.cpsat`).

Example
-------
>>> r = SolveResult(SolveStatus.TIMED_OUT, objective=9.0, bound=10.0, wall_seconds=1.5, solution=(), solver="demo")
>>> round(r.gap, 2), r.summary()["status"]
(0.1, 'timed_out')
>>> Limits(time_limit_s=0)
Traceback (most recent call last):
    ...
matcher.errors.InvalidInput: the time limit must be positive, got 0 s
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from matcher.errors import InvalidInput

T = TypeVar("T")
P_contra = TypeVar("P_contra", contravariant=True)
S = TypeVar("S")


class SolveStatus(StrEnum):
    """How far a solver got.

    ``OPTIMAL``: proven optimal. ``FEASIBLE``: a solution satisfying every hard constraint, not proven optimal
    (heuristics). ``INFEASIBLE``: no feasible solution was found (a heuristic that got stuck; proven
    infeasibility raises :class:`matcher.errors.Infeasible` instead). ``TIMED_OUT``: the time limit was hit; the
    solution, if any, is the best found so far.
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIMED_OUT = "timed_out"


@dataclass(frozen=True)
class Limits:
    """Resources a solver may use. ``workers`` is the number of threads (CP-SAT ``num_workers``)."""

    time_limit_s: float = 30.0
    seed: int = 0
    workers: int = 2

    def __post_init__(self) -> None:
        if not self.time_limit_s > 0:
            raise InvalidInput(f"the time limit must be positive, got {self.time_limit_s} s")
        if self.workers < 1:
            raise InvalidInput(f"workers must be at least 1, got {self.workers}")


@dataclass(frozen=True)
class Level:
    """One level of a lexicographic objective: its ``value`` in the solution and a proven upper ``bound`` on it
    given the levels before it (``None`` when the solver has none); ``proven`` when the value reaches the bound."""

    name: str
    value: float
    bound: float | None = None
    proven: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"tier": self.name, "value": self.value, "bound": self.bound, "proven": self.proven}


@dataclass(frozen=True)
class SolveResult(Generic[T]):
    """What a solver returns.

    ``objective`` is the value of ``solution`` in the problem's own units (e.g. total affinity);
    ``bound`` is a proven upper bound on the optimum (maximisation), ``None`` when the solver has none.
    ``notes`` are short sentences for people (what was fixed, what was approximated, why it stopped).
    ``levels``: for a lexicographic objective, each level's value and bound, highest priority first.
    """

    status: SolveStatus
    objective: float | None
    bound: float | None
    wall_seconds: float
    solution: T | None
    solver: str
    notes: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()

    @property
    def gap(self) -> float | None:
        """Relative distance to the bound (0 when proven optimal), ``None`` without objective or bound."""
        if self.objective is None or self.bound is None:
            return None
        return abs(self.bound - self.objective) / max(abs(self.bound), 1e-9)

    def summary(self, digits: int = 4) -> dict[str, Any]:
        """The head every plan's ``summary.json`` starts with: status, solver, objective, bound, solve seconds."""
        return {
            "status": self.status.value,
            "solver": self.solver,
            "objective": self.objective,
            "bound": self.bound,
            "solve_seconds": round(self.wall_seconds, digits),
        }


class Solver(Protocol[P_contra, S]):
    """A solver for problems of type ``P`` with solutions of type ``S``.

    Implementations are cheap to construct (nothing heavy at import or construction time) and stateless across
    calls, so one instance may be reused and shared.
    """

    @property
    def name(self) -> str:
        """Registry name (each feature's registry lists its names)."""
        ...

    def solve(self, problem: P_contra, limits: Limits) -> SolveResult[S]:
        """Solve ``problem`` within ``limits``; raise ``Infeasible`` when no solution exists."""
        ...
