"""Solvers behind one interface (:class:`Solver`), found by name in the registry.

Example
-------
>>> from matcher.solvers import Limits, SolverName, get_solver
>>> get_solver(SolverName.FLOW).name
'flow'
"""

from matcher.solvers.base import Limits, Solver, SolveResult, SolveStatus
from matcher.solvers.registry import SolverName, get_solver

__all__ = ["Limits", "SolveResult", "SolveStatus", "Solver", "SolverName", "get_solver"]
