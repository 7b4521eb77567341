"""Running CP-SAT for the meeting solver: parameters, determinism, objective caps and progress callbacks.

:func:`solve_stage` maximises one lexicographic stage of a :class:`~matcher.meetings.selection.MeetingModel`
and turns CP-SAT's answer into (chosen literals, proven, bound, stopped by the wall clock); :func:`run_model` holds
the CP-SAT parameters (interleaved deterministic search or the parallel portfolio, LP-heavy subsolvers for the
selection model, LNS only for large placement models). The stages themselves are in
:mod:`matcher.meetings.cpsat`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from matcher.errors import Infeasible, SolverFailed
from matcher.meetings.constraints import violations_of
from matcher.meetings.problem import WEIGHT_UNITS
from matcher.meetings.selection import MeetingModel
from matcher.solving.base import Limits

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = [
    "DETERMINISTIC_PER_SECOND",
    "LNS_ONLY_ABOVE",
    "SELECTION_SUBSOLVERS",
    "ProgressCallback",
    "SolverSettings",
    "determinism_note",
    "run_model",
    "solve_stage",
]

IntArray = npt.NDArray[np.int64]
ProgressCallback = Callable[[float, float], None]
"""Called with (seconds since ``solve`` started, total weight) for every schedule found."""

DETERMINISTIC_PER_SECOND = 1.0
"""CP-SAT deterministic time units granted per second of a stage's time in deterministic mode."""
SELECTION_SUBSOLVERS = ("max_lp", "reduced_costs")
"""CP-SAT subsolvers for the selection model: LP-based search proves its (nearly integral) optimum quickly."""
LNS_ONLY_ABOVE = 20_000
"""Placement models with more variables than this run CP-SAT's LNS workers only."""


class SolverSettings(Protocol):
    """What a run needs from the solver object: its determinism and its progress callback."""

    deterministic: bool
    on_solution: ProgressCallback | None


def solve_stage(
    mm: MeetingModel,
    objective: cp_model.LinearExprT,
    seconds: float,
    limits: Limits,
    owner: SolverSettings,
    start: float,
    target: int | None,
    report: bool,
) -> tuple[IntArray, bool, int, bool] | None:
    """Maximise ``objective``: (chosen literals, proven optimal, bound, stopped by the wall clock), or ``None``
    when CP-SAT found no solution in time. ``target``, a proven upper bound on the objective, becomes its domain,
    so CP-SAT stops as soon as it reaches it.
    """
    mm.model.maximize(objective)
    if target is not None:
        cap_objective(mm.model, target)
    callback = progress_callback(mm, owner.on_solution, start) if report and owner.on_solution else None
    status, chosen, solver = run_model(mm.model, mm.literals, seconds, limits, owner, mm.selection, callback)
    if status == "infeasible":
        problem = mm.problem
        raise Infeasible(
            "CP-SAT proved that the locked meetings cannot all hold together; change or remove some in locked.csv",
            violations_of(problem, problem.locked_meetings),
        )
    if chosen is None:
        return None
    optimal = status == "optimal"
    bound = round(solver.best_objective_bound)
    params = solver.parameters
    wall = not optimal and (not owner.deterministic or solver.deterministic_time < 0.99 * params.max_deterministic_time)
    return chosen, optimal, bound, wall


def run_model(
    model: cp_model.CpModel,
    literals: Sequence[cp_model.IntVar],
    seconds: float,
    limits: Limits,
    owner: SolverSettings,
    selection: bool,
    callback: cp_model.CpSolverSolutionCallback | None,
) -> tuple[str, IntArray | None, cp_model.CpSolver]:
    """Run CP-SAT configured for ``limits`` and the model kind; (status name, chosen literals or None, solver).

    The selection model runs CP-SAT's LP-heavy subsolvers (its LP is nearly integral); a large placement model
    runs only LNS (CP-SAT's full-problem workers do not keep up with ~50,000 variables on a few cores).
    """
    from ortools.sat.python import cp_model as cp

    solver = cp.CpSolver()
    params = solver.parameters
    params.num_workers = limits.workers
    params.random_seed = limits.seed
    params.max_time_in_seconds = seconds
    if owner.deterministic:
        params.interleave_search = True
        params.max_deterministic_time = seconds * DETERMINISTIC_PER_SECOND
    if selection:
        params.subsolvers.extend(SELECTION_SUBSOLVERS)
    elif len(literals) > LNS_ONLY_ABOVE:
        params.use_lns_only = True
    try:
        status = solver.solve(model, callback)
    except Exception as exc:  # OR-Tools surfaces C++ failures as RuntimeError
        raise SolverFailed(f"CP-SAT failed: {exc}") from exc
    if status == cp.MODEL_INVALID:
        raise SolverFailed(f"CP-SAT rejected the model: {model.validate()}")
    if status == cp.INFEASIBLE:
        return "infeasible", None, solver
    if status not in (cp.OPTIMAL, cp.FEASIBLE):
        return "unknown", None, solver
    values = np.asarray(solver.response_proto.solution, dtype=np.int64)
    index = np.fromiter((lit.index for lit in literals), dtype=np.int64, count=len(literals))
    chosen = np.flatnonzero(values[index] > 0) if index.size else np.zeros(0, dtype=np.int64)
    return ("optimal" if status == cp.OPTIMAL else "feasible"), chosen, solver


def cap_objective(model: cp_model.CpModel, target: int) -> None:
    """Give the (maximised, nonnegative) objective the domain ``[0, target]``: CP-SAT then knows the bound.

    CP-SAT stores ``maximize(e)`` as ``minimize(-e)`` with ``scaling_factor = -1``; the domain applies to ``-e``.
    (A solution callback calling ``stop_search`` would do the same, but aborts CP-SAT 9.15 in interleaved mode.)
    """
    objective = model.proto.objective
    if objective.scaling_factor == -1.0 and objective.offset == 0 and not list(objective.domain):
        objective.domain.extend([-target, 0])


def progress_callback(mm: MeetingModel, report: ProgressCallback, start: float) -> cp_model.CpSolverSolutionCallback:
    """A solution callback reporting (elapsed seconds, total weight) for every solution."""
    from ortools.sat.python import cp_model as cp

    weight = mm.expr("weight")

    class Progress(cp.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            report(time.perf_counter() - start, float(self.value(weight)) / WEIGHT_UNITS)

    return Progress()


def determinism_note(deterministic: bool, limits: Limits, wall: bool) -> str:
    if deterministic:
        return (
            f"deterministic: interleaved search on {limits.workers} workers, seed {limits.seed}, "
            f"{DETERMINISTIC_PER_SECOND:g} deterministic time unit per second"
            + ("; the wall clock stopped a stage first, so a rerun may differ" if wall else "")
        )
    return f"parallel portfolio on {limits.workers} workers, seed {limits.seed}: not reproducible run to run"
