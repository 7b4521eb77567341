"""Every solver of every feature by name, for the public API and the command line; an unknown name raises, it
never falls back.

Each feature keeps its own typed registry (:func:`matcher.mentoring.registry.mentor_solver`,
:func:`matcher.pitching.registry.pitch_solver`, :func:`matcher.meetings.registry.meeting_solver`), and the
plans use those. :func:`get_solver` dispatches a name to them; it is typed by overloads, so
``get_solver(SolverName.FLOW)`` only takes an assignment problem, and a name known only at run time gives the union
of the three solver types (narrow it before solving).

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

from enum import StrEnum
from typing import Literal, overload

from matcher.errors import UnknownName
from matcher.meetings.registry import MeetingSolverName, MeetingsSolver, meeting_solver
from matcher.mentoring.registry import MentorSolver, MentorSolverName, mentor_solver
from matcher.pitching.registry import PitchSolver, PitchSolverName, pitch_solver

__all__ = ["AnySolver", "SolverName", "get_solver"]

AnySolver = MentorSolver | PitchSolver | MeetingsSolver


class SolverName(StrEnum):
    """Every registry name, as accepted on the command line (``--solver``): the union of the features' names."""

    FLOW = MentorSolverName.FLOW.value
    MAXMIN = MentorSolverName.MAXMIN.value
    GREEDY = MentorSolverName.GREEDY.value
    PITCHING = PitchSolverName.CPSAT.value
    MEETINGS_CPSAT = MeetingSolverName.CPSAT.value
    MEETINGS_GREEDY = MeetingSolverName.GREEDY.value


_MentorName = MentorSolverName | Literal[SolverName.FLOW, SolverName.MAXMIN, SolverName.GREEDY]
_PitchName = PitchSolverName | Literal[SolverName.PITCHING]
_MeetingName = MeetingSolverName | Literal[SolverName.MEETINGS_CPSAT, SolverName.MEETINGS_GREEDY]


@overload
def get_solver(name: _MentorName) -> MentorSolver: ...
@overload
def get_solver(name: _PitchName) -> PitchSolver: ...
@overload
def get_solver(name: _MeetingName) -> MeetingsSolver: ...
@overload
def get_solver(name: SolverName | str) -> AnySolver: ...
def get_solver(name: SolverName | str) -> AnySolver:
    """A fresh solver for ``name`` (a :class:`SolverName`, a feature's name, or their value); raises
    :class:`UnknownName`."""
    key = UnknownName.check(SolverName, name, "solver")
    if key.value in MentorSolverName._value2member_map_:
        return mentor_solver(key.value)
    if key.value in PitchSolverName._value2member_map_:
        return pitch_solver(key.value)
    return meeting_solver(key.value)
