"""The one CP-SAT runner: every CP-SAT solver of the features configures, runs and reads CP-SAT here.

A :class:`CpSatRun` is one run's settings: :class:`~matcher.solving.base.Limits` (seed, workers), the wall-clock
seconds it may take, whether it is deterministic, and the extra parameters a model kind wants (subsolvers, LNS
only). :meth:`CpSatRun.solve` runs a model and returns a :class:`CpSatOutcome` (status, bound, the values of the
literals, and whether the wall clock stopped it); OR-Tools errors become :class:`~matcher.errors.SolverFailed`.
A :class:`SolveClock` hands out the budgets of one solve's runs.

**Same input and seed, same result.** With ``deterministic=True`` (every solver's default) CP-SAT runs
``interleave_search`` (its subsolvers interleaved in a fixed order over ``Limits.workers`` threads) and stops on a
deterministic time limit (``max_deterministic_time``: :data:`DETERMINISTIC_PER_SECOND` units per second granted),
which counts work, not machine time. For a whole solve to repeat, the budgets of its runs must not depend on the
wall clock either: a :class:`SolveClock` measures a deterministic solve by the deterministic time its runs used
(:attr:`CpSatOutcome.charged`), so that "the rest of the time limit" is the same on every rerun. The wall clock
(``max_time_in_seconds``) still caps every run and the whole solve; when it stops a run first,
:attr:`CpSatOutcome.wall` says so and :func:`determinism_note` warns that a rerun may differ. CP-SAT's deterministic
time is a count of work: how many units a wall second gives depends on the machine and the model (about 0.2-0.6 per
second with 2 workers on a small 2-core machine), so on a slow machine a binding time limit is reached on the wall
clock first. CP-SAT also checks its deterministic limit between chunks of work (presolve, an LP, a batch of
subsolver steps), so a run may use more than its budget; it is charged its budget at most. ``deterministic=False``
runs CP-SAT's parallel portfolio on wall time (often faster, never reproducible run to run).

Example
-------
>>> from ortools.sat.python import cp_model
>>> model = cp_model.CpModel()
>>> x = [model.new_bool_var(f"x{k}") for k in range(3)]
>>> _ = model.add(sum(x) <= 2)
>>> model.maximize(3 * x[0] + x[1] + 2 * x[2])
>>> clock = SolveClock(Limits(time_limit_s=5, seed=1))
>>> out = clock.solve(model, "a toy model", budget=2.5)
>>> out.status, out.bound, out.chosen(x).tolist(), out.values([x[0], 0, x[1]]).tolist()
('optimal', 5.0, [0, 2], [1, 0, 0])
>>> clock.elapsed() == out.charged == out.used < 2.5  # deterministic: the clock counts deterministic time only
True
>>> determinism_note(True, Limits(seed=1), out.wall)
'deterministic: interleaved search on 2 workers, seed 1, 1 deterministic time unit per second'
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from matcher.errors import SolverFailed
from matcher.solving.base import Limits

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

__all__ = [
    "DETERMINISTIC_PER_SECOND",
    "CpSatOutcome",
    "CpSatRun",
    "CpSatStatus",
    "SolveClock",
    "determinism_note",
]

IntArray = npt.NDArray[np.int64]
CpSatStatus = Literal["optimal", "feasible", "infeasible", "unknown"]
"""How a run ended: proven optimal, a solution without proof, proven infeasible, or no solution and no proof."""

DETERMINISTIC_PER_SECOND = 1.0
"""CP-SAT deterministic time units granted per second of a run's budget in deterministic mode."""
MIN_SECONDS = 0.01
"""The shortest run CP-SAT is given (a budget at or below it is not worth a run)."""


@dataclass(frozen=True)
class CpSatRun:
    """The settings of one CP-SAT run.

    ``seconds`` caps the run on the wall clock. ``budget`` is what the deterministic limit grants, in seconds
    (``None``: ``seconds``); a solver that wants reruns to repeat computes it from its time limit and the
    deterministic time of earlier runs, never from the clock. ``subsolvers`` are added to CP-SAT's own;
    ``lns_only`` runs its large-neighbourhood-search workers only.
    """

    limits: Limits
    seconds: float
    deterministic: bool = True
    budget: float | None = None
    subsolvers: tuple[str, ...] = ()
    lns_only: bool = False

    @property
    def granted(self) -> float:
        """The seconds of budget the deterministic limit grants."""
        return max(self.seconds if self.budget is None else self.budget, MIN_SECONDS)

    @property
    def deterministic_time(self) -> float:
        """The run's ``max_deterministic_time`` (only set in deterministic mode)."""
        return self.granted * DETERMINISTIC_PER_SECOND

    def configure(self) -> cp_model.CpSolver:
        """A ``CpSolver`` with these settings."""
        from ortools.sat.python import cp_model

        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = max(self.seconds, MIN_SECONDS)
        params.num_workers = self.limits.workers
        params.random_seed = self.limits.seed
        if self.deterministic:
            params.interleave_search = True
            params.max_deterministic_time = self.deterministic_time
        if self.subsolvers:
            params.subsolvers.extend(self.subsolvers)
        if self.lns_only:
            params.use_lns_only = True
        return solver

    def solve(
        self, model: cp_model.CpModel, what: str, callback: cp_model.CpSolverSolutionCallback | None = None
    ) -> CpSatOutcome:
        """Solve ``model`` (``what`` names it in errors). OR-Tools failures and invalid models raise
        :class:`SolverFailed`; an infeasible model is an outcome (:meth:`CpSatOutcome.require_feasible`)."""
        from ortools.sat.python import cp_model as cp

        solver = self.configure()
        try:
            code = solver.solve(model, callback)
        except Exception as exc:  # OR-Tools surfaces C++ failures as RuntimeError
            raise SolverFailed(f"CP-SAT failed on {what}: {exc}") from exc
        if code == cp.MODEL_INVALID:
            raise SolverFailed(f"CP-SAT rejected the model of {what}: {model.validate()}")
        status: CpSatStatus = (
            "optimal"
            if code == cp.OPTIMAL
            else "feasible"
            if code == cp.FEASIBLE
            else "infeasible"
            if code == cp.INFEASIBLE
            else "unknown"
        )
        # the wall clock stopped it if it ran out, or if the work done falls short of the deterministic limit
        clock_ran_out = solver.wall_time >= 0.95 * max(self.seconds, MIN_SECONDS)
        short = solver.deterministic_time < 0.99 * self.deterministic_time
        wall = status in ("feasible", "unknown") and (not self.deterministic or clock_ran_out or short)
        return CpSatOutcome(status, wall, solver, self, what)


@dataclass(frozen=True)
class CpSatOutcome:
    """What one run gave: its status, whether the wall clock (not the deterministic limit) stopped it, the solver
    to read values and bounds from, and the run's settings."""

    status: CpSatStatus
    wall: bool
    solver: cp_model.CpSolver
    run: CpSatRun
    what: str = "the model"

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def optimal(self) -> bool:
        """Proven optimal (or, without an objective, proven feasible)."""
        return self.status == "optimal"

    @property
    def limited(self) -> bool:
        """A limit (wall clock or deterministic time) stopped the run before a proof."""
        return self.status in ("feasible", "unknown")

    @property
    def bound(self) -> float:
        """CP-SAT's best objective bound (in the model's integer units)."""
        return float(self.solver.best_objective_bound)

    @property
    def used(self) -> float:
        """The deterministic time the run used, in seconds of budget (reproducible unless :attr:`wall`)."""
        return float(self.solver.deterministic_time) / DETERMINISTIC_PER_SECOND

    @property
    def charged(self) -> float:
        """What the run costs a :class:`SolveClock`: :attr:`used`, at most the run's budget (CP-SAT overshoots
        its deterministic limit by up to a chunk of work, which must not starve the runs after it)."""
        return min(self.used, self.run.granted)

    def require_feasible(self) -> CpSatOutcome:
        """``self``, or :class:`SolverFailed` when CP-SAT proved infeasible a model that has a solution by
        construction (the encoding is inconsistent)."""
        if self.status == "infeasible":
            raise SolverFailed(f"CP-SAT returned INFEASIBLE on {self.what}")
        return self

    def values(self, literals: Sequence[cp_model.IntVar | int]) -> IntArray:
        """The value of each literal (constants, such as the 0 of a ruled-out decision, as they are), read at once
        from the response rather than one ``boolean_value`` call each."""
        if not self.has_solution:
            raise SolverFailed(f"CP-SAT has no solution of {self.what} to read")
        solution = np.asarray(self.solver.response_proto.solution, dtype=np.int64)
        out = np.zeros(len(literals), dtype=np.int64)
        is_var = np.fromiter((not isinstance(v, int) for v in literals), dtype=bool, count=len(literals))
        if is_var.any():
            index = np.fromiter((v.index for v in literals if not isinstance(v, int)), dtype=np.int64)
            out[is_var] = solution[index]
        if not is_var.all():
            out[~is_var] = [v for v in literals if isinstance(v, int)]
        return out

    def chosen(self, literals: Sequence[cp_model.IntVar]) -> IntArray:
        """Positions of the literals that are 1."""
        return np.flatnonzero(self.values(literals) > 0).astype(np.int64)


@dataclass
class SolveClock:
    """The clock one solve reads its budgets from, and the wall clock that caps it.

    Deterministic, :meth:`elapsed` is the deterministic time the solve's CP-SAT runs used (in seconds of budget),
    plus what :meth:`advance_to` charged for other work: the same on every rerun. Otherwise it is wall seconds
    since ``start``. Every run is capped by its budget and by the wall time left of ``limits.time_limit_s``. One
    clock per ``solve`` call (it accumulates), never shared between calls.
    """

    limits: Limits
    deterministic: bool = True
    start: float = field(default_factory=time.perf_counter)
    used: float = 0.0

    def elapsed(self) -> float:
        """Seconds of the time limit spent, on the clock budgets are read from."""
        return self.used if self.deterministic else time.perf_counter() - self.start

    def wall_left(self) -> float:
        """Wall seconds left of the time limit."""
        return self.start + self.limits.time_limit_s - time.perf_counter()

    def advance_to(self, seconds: float) -> None:
        """Count work outside CP-SAT (a heuristic on the wall clock) as having used the time up to ``seconds``:
        deterministic, at its nominal share; otherwise the wall clock has counted it already."""
        if self.deterministic:
            self.used = max(self.used, seconds)

    def settings(self, budget: float, *, subsolvers: tuple[str, ...] = (), lns_only: bool = False) -> CpSatRun:
        """A run granted ``budget`` seconds (deterministic time when deterministic), within the wall time left."""
        return CpSatRun(self.limits, min(budget, self.wall_left()), self.deterministic, budget, subsolvers, lns_only)

    def charge(self, outcome: CpSatOutcome) -> CpSatOutcome:
        """Count what ``outcome`` cost (:attr:`CpSatOutcome.charged`); returns it."""
        self.used += outcome.charged
        return outcome

    def solve(self, model: cp_model.CpModel, what: str, budget: float) -> CpSatOutcome:
        """Run ``model`` with :meth:`settings` and :meth:`charge` its time."""
        return self.charge(self.settings(budget).solve(model, what))


def determinism_note(deterministic: bool, limits: Limits, wall: bool, *, what: str = "a stage") -> str:
    """The note a CP-SAT solver adds to its result: how it searched, and whether a rerun may differ (``wall``:
    the wall clock stopped ``what`` before its deterministic limit)."""
    if deterministic:
        return (
            f"deterministic: interleaved search on {limits.workers} workers, seed {limits.seed}, "
            f"{DETERMINISTIC_PER_SECOND:g} deterministic time unit per second"
            + (f"; the wall clock stopped {what} first, so a rerun may differ" if wall else "")
        )
    return f"parallel portfolio on {limits.workers} workers, seed {limits.seed}: not reproducible run to run"
