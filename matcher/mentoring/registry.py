"""The mentor-programme solvers by name: a typed registry, so a solver found here only takes an
:class:`~matcher.mentoring.problem.AssignmentProblem` (mypy rejects any other problem).

Example
-------
>>> mentor_solver("flow").name
'flow'
>>> mentor_solver("pitching-cpsat")
Traceback (most recent call last):
    ...
matcher.errors.UnknownName: unknown mentor solver 'pitching-cpsat'; valid names: flow, maxmin, greedy
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from matcher.errors import UnknownName
from matcher.mentoring.problem import Assignment, AssignmentProblem
from matcher.solving.base import Solver

__all__ = ["MentorSolver", "MentorSolverName", "mentor_solver", "mentor_solver_name"]

MentorSolver = Solver[AssignmentProblem, tuple[Assignment, ...]]


class MentorSolverName(StrEnum):
    """Names of the mentor-programme solvers (``--solver``)."""

    FLOW = "flow"
    MAXMIN = "maxmin"
    GREEDY = "greedy"


def _flow() -> MentorSolver:
    from matcher.mentoring.flow import MinCostFlowSolver

    return MinCostFlowSolver()


def _maxmin() -> MentorSolver:
    from matcher.mentoring.maxmin import MaxMinSolver

    return MaxMinSolver()


def _greedy() -> MentorSolver:
    from matcher.mentoring.greedy import GreedySolver

    return GreedySolver()


_FACTORIES: dict[MentorSolverName, Callable[[], MentorSolver]] = {
    MentorSolverName.FLOW: _flow,
    MentorSolverName.MAXMIN: _maxmin,
    MentorSolverName.GREEDY: _greedy,
}


def mentor_solver_name(name: MentorSolverName | str) -> MentorSolverName:
    """``name`` as a :class:`MentorSolverName`; raises :class:`UnknownName` for any other name."""
    return UnknownName.check(MentorSolverName, name, "mentor solver")


def mentor_solver(name: MentorSolverName | str) -> MentorSolver:
    """A fresh mentor-programme solver; raises :class:`UnknownName` for any other name."""
    return _FACTORIES[mentor_solver_name(name)]()
