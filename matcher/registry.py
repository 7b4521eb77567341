"""The solver registry, keyed by :class:`SolverName`; an unknown name raises, it never falls back.

Example
-------
>>> get_solver("flow").name
'flow'
>>> get_solver(SolverName.MAXMIN).name
'maxmin'
>>> get_solver("hungarian")  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
matcher.errors.UnknownName: unknown solver 'hungarian'; valid names: flow, maxmin, greedy, pitching-cpsat, ...
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from matcher.errors import UnknownName
from matcher.solving.base import Solver

__all__ = ["SolverName", "get_solver"]


class SolverName(StrEnum):
    """Registry names, as accepted on the command line (``--solver``)."""

    FLOW = "flow"
    MAXMIN = "maxmin"
    GREEDY = "greedy"
    PITCHING = "pitching-cpsat"
    MEETINGS_CPSAT = "meetings-cpsat"
    MEETINGS_GREEDY = "meetings-greedy"


def _flow() -> Solver[Any, Any]:
    from matcher.mentoring.flow import MinCostFlowSolver

    return MinCostFlowSolver()


def _maxmin() -> Solver[Any, Any]:
    from matcher.mentoring.maxmin import MaxMinSolver

    return MaxMinSolver()


def _greedy() -> Solver[Any, Any]:
    from matcher.mentoring.greedy import GreedySolver

    return GreedySolver()


def _pitching() -> Solver[Any, Any]:
    from matcher.pitching.cpsat import PitchingSolver

    return PitchingSolver()


def _meetings_cpsat() -> Solver[Any, Any]:
    from matcher.meetings.cpsat import CpSatMeetingSolver

    return CpSatMeetingSolver()


def _meetings_greedy() -> Solver[Any, Any]:
    from matcher.meetings.greedy import GreedyMeetingSolver

    return GreedyMeetingSolver()


_FACTORIES: dict[SolverName, Callable[[], Solver[Any, Any]]] = {
    SolverName.FLOW: _flow,
    SolverName.MAXMIN: _maxmin,
    SolverName.GREEDY: _greedy,
    SolverName.PITCHING: _pitching,
    SolverName.MEETINGS_CPSAT: _meetings_cpsat,
    SolverName.MEETINGS_GREEDY: _meetings_greedy,
}


def get_solver(name: SolverName | str) -> Solver[Any, Any]:
    """A fresh solver for ``name`` (a :class:`SolverName` or its value); raises :class:`UnknownName`."""
    try:
        key = SolverName(name)
    except ValueError:
        valid = ", ".join(n.value for n in SolverName)
        raise UnknownName(f"unknown solver {name!r}; valid names: {valid}") from None
    return _FACTORIES[key]()
