"""The pitching solvers by name: a typed registry, so a solver found here only takes a
:class:`~matcher.pitching.problem.PitchingProblem` (mypy rejects any other problem).

Example
-------
>>> pitch_solver(PitchSolverName.CPSAT).name
'pitching-cpsat'
"""

from __future__ import annotations

from enum import StrEnum

from matcher.errors import UnknownName
from matcher.pitching.problem import PitchingProblem, PitchingSolution
from matcher.solving.base import Solver

__all__ = ["PitchSolver", "PitchSolverName", "pitch_solver"]

PitchSolver = Solver[PitchingProblem, PitchingSolution]


class PitchSolverName(StrEnum):
    """Names of the pitching solvers."""

    CPSAT = "pitching-cpsat"


def pitch_solver(name: PitchSolverName | str = PitchSolverName.CPSAT) -> PitchSolver:
    """A fresh pitching solver; raises :class:`UnknownName` for any other name."""
    UnknownName.check(PitchSolverName, name, "pitching solver")
    from matcher.pitching.cpsat import PitchingSolver

    return PitchingSolver()
