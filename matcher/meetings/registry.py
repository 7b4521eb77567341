"""The meeting solvers by name: a typed registry, so a solver found here only takes a
:class:`~matcher.meetings.problem.MeetingProblem` (mypy rejects any other problem).

Example
-------
>>> meeting_solver("meetings-greedy").name
'meetings-greedy'
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from matcher.errors import UnknownName
from matcher.meetings.model import Meeting
from matcher.meetings.problem import MeetingProblem
from matcher.solving.base import Solver

__all__ = ["MeetingSolverName", "MeetingsSolver", "meeting_solver"]

MeetingsSolver = Solver[MeetingProblem, tuple[Meeting, ...]]


class MeetingSolverName(StrEnum):
    """Names of the meeting solvers."""

    CPSAT = "meetings-cpsat"
    GREEDY = "meetings-greedy"


def _cpsat() -> MeetingsSolver:
    from matcher.meetings.cpsat import CpSatMeetingSolver

    return CpSatMeetingSolver()


def _greedy() -> MeetingsSolver:
    from matcher.meetings.greedy import GreedyMeetingSolver

    return GreedyMeetingSolver()


_FACTORIES: dict[MeetingSolverName, Callable[[], MeetingsSolver]] = {
    MeetingSolverName.CPSAT: _cpsat,
    MeetingSolverName.GREEDY: _greedy,
}


def meeting_solver(name: MeetingSolverName | str) -> MeetingsSolver:
    """A fresh meeting solver; raises :class:`UnknownName` for any other name."""
    return _FACTORIES[UnknownName.check(MeetingSolverName, name, "meeting solver")]()
