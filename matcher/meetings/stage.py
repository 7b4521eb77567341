"""One CP-SAT stage of the meeting solver: the model kind's parameters, objective caps and progress callbacks.

:func:`solve_stage` maximises one lexicographic stage of a :class:`~matcher.meetings.selection.MeetingModel`
and turns CP-SAT's answer into (chosen literals, proven, bound, stopped by the wall clock); :func:`meeting_run`
adds the model kind's parameters (LP-heavy subsolvers for the selection model, LNS only for large placement models)
to the one CP-SAT runner, :mod:`matcher.solving.cpsat` (deterministic interleaved search or the parallel
portfolio). The stages themselves are in :mod:`matcher.meetings.cpsat`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from matcher.errors import Infeasible
from matcher.meetings.constraints import violations_of
from matcher.meetings.model import WEIGHT_UNITS
from matcher.meetings.selection import MeetingModel
from matcher.solving.cpsat import CpSatRun, SolveClock

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = [
    "LNS_ONLY_ABOVE",
    "SELECTION_SUBSOLVERS",
    "ProgressCallback",
    "SolverSettings",
    "StageOutcome",
    "cap_objective",
    "meeting_run",
    "progress_callback",
    "solve_stage",
]

IntArray = npt.NDArray[np.int64]
ProgressCallback = Callable[[float, float], None]
"""Called with (seconds since ``solve`` started, total weight) for every schedule found."""

SELECTION_SUBSOLVERS = ("max_lp", "reduced_costs")
"""CP-SAT subsolvers for the selection model: LP-based search proves its (nearly integral) optimum quickly."""
LNS_ONLY_ABOVE = 20_000
"""Placement models with more variables than this run CP-SAT's LNS workers only."""


@dataclass
class StageOutcome:
    """The outcome of running a model's stages: per stage its level, whether proven, and a bound on it."""

    values: dict[str, int] = field(default_factory=dict)
    proven: dict[str, bool] = field(default_factory=dict)
    level_bounds: dict[str, int | None] = field(default_factory=dict)  # weights in units
    limited: bool = False  # a stage stopped on a time limit
    wall: bool = False  # ... on the wall clock (so a deterministic run may not repeat)
    notes: list[str] = field(default_factory=list)


class SolverSettings(Protocol):
    """What a run needs from the solver object: its progress callback."""

    on_solution: ProgressCallback | None


def solve_stage(
    mm: MeetingModel,
    objective: cp_model.LinearExprT,
    seconds: float,
    clock: SolveClock,
    owner: SolverSettings,
    target: int | None,
    report: bool,
) -> tuple[IntArray | None, bool, int, bool]:
    """Maximise ``objective`` for a budget of ``seconds`` on ``clock``: (chosen literals, proven optimal, bound,
    stopped by the wall clock); the literals are ``None`` (and the bound 0) when CP-SAT found no solution in time.
    ``target``, a proven upper bound on the objective, becomes its domain, so CP-SAT stops as soon as it reaches it.
    """
    mm.model.maximize(objective)
    if target is not None:
        cap_objective(mm.model, target)
    callback = progress_callback(mm, owner.on_solution, clock.start) if report and owner.on_solution else None
    what = f"the {'selection' if mm.selection else 'placement'} model"
    out = clock.charge(meeting_run(mm, clock, seconds).solve(mm.model, what, callback))
    if out.status == "infeasible":
        problem = mm.problem
        raise Infeasible(
            "CP-SAT proved that the locked meetings cannot all hold together; change or remove some in locked.csv",
            violations_of(problem, problem.locked_meetings),
        )
    if not out.has_solution:
        return None, False, 0, out.wall
    return out.chosen(mm.literals), out.optimal, round(out.bound), out.wall


def meeting_run(mm: MeetingModel, clock: SolveClock, seconds: float) -> CpSatRun:
    """The CP-SAT settings of a run on ``mm`` (or a copy of it) with a budget of ``seconds`` on ``clock``: the
    selection model runs CP-SAT's LP-heavy subsolvers (its LP is nearly integral); a large placement model runs
    only LNS (CP-SAT's full-problem workers do not keep up with ~50,000 variables on a few cores)."""
    return clock.settings(
        seconds,
        subsolvers=SELECTION_SUBSOLVERS if mm.selection else (),
        lns_only=not mm.selection and len(mm.literals) > LNS_ONLY_ABOVE,
    )


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
