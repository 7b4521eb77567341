"""The one CP-SAT runner: its parameters, its errors, its clock, and "same input and seed, same result" for each of
the three CP-SAT solvers when the time limit is hit.

CP-SAT's deterministic time counts work: on a small 2-core machine a wall second gives only about 0.2-0.6 units, so
at the default :data:`DETERMINISTIC_PER_SECOND` a binding time limit is reached on the wall clock first (and the
solvers' notes say that a rerun may differ). The solver tests grant :data:`RATE` units per second instead, so that
the deterministic limit is what stops every run, far inside the wall-clock limit: each solve takes a fraction of
its time limit, and load on the machine cannot change its result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from ortools.sat.python import cp_model

import matcher.solving.cpsat as cpsat
from benchmarks.gen_event import generate_event
from benchmarks.generate import latent_affinity_instance, pitching_instance
from matcher.errors import SolverFailed
from matcher.meetings.cpsat import CpSatMeetingSolver
from matcher.mentoring.maxmin import MaxMinSolver
from matcher.pitching.cpsat import PitchingSolver
from matcher.solving.base import Limits, SolveStatus
from matcher.solving.cpsat import DETERMINISTIC_PER_SECOND, CpSatRun, SolveClock, determinism_note

RATE = 0.02
"""Deterministic time units per second of budget in the solver tests (see the module docstring)."""


def knapsack(n: int = 120, seed: int = 0) -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """A multi-dimensional 0/1 knapsack that CP-SAT does not prove in a few hundredths of a deterministic unit."""
    rng = np.random.default_rng(seed)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{k}") for k in range(n)]
    for row in rng.integers(10, 100, (3, n)):
        model.add(cp_model.LinearExpr.weighted_sum(x, row.tolist()) <= int(row.sum() // 3))
    model.maximize(cp_model.LinearExpr.weighted_sum(x, rng.integers(1, 100, n).tolist()))
    return model, x


# --- the runner ----------------------------------------------------------------------------------------------


def test_the_runner_sets_the_deterministic_parameters() -> None:
    run = CpSatRun(Limits(seed=7, workers=2), seconds=3.0, budget=1.5, subsolvers=("max_lp",), lns_only=True)
    params = run.configure().parameters
    assert params.interleave_search
    assert params.max_deterministic_time == pytest.approx(1.5 * DETERMINISTIC_PER_SECOND)
    assert (params.random_seed, params.num_workers, params.max_time_in_seconds) == (7, 2, 3.0)
    assert list(params.subsolvers) == ["max_lp"] and params.use_lns_only
    # without a budget the deterministic limit is the run's seconds
    assert CpSatRun(Limits(), 2.0).configure().parameters.max_deterministic_time == pytest.approx(
        2.0 * DETERMINISTIC_PER_SECOND
    )


def test_the_portfolio_runs_on_wall_time_only() -> None:
    params = CpSatRun(Limits(seed=3, workers=2), 2.0, deterministic=False).configure().parameters
    default = cp_model.CpSolver().parameters
    assert not params.interleave_search and params.max_deterministic_time == default.max_deterministic_time
    assert (params.random_seed, params.num_workers, params.max_time_in_seconds) == (3, 2, 2.0)
    assert not list(params.subsolvers) and not params.use_lns_only
    assert "not reproducible" in determinism_note(False, Limits(), wall=True)


def test_an_invalid_model_becomes_solver_failed() -> None:
    model = cp_model.CpModel()
    model.new_int_var(0, 1, "v")
    domain = model.proto.variables[0].domain
    domain[0], domain[1] = 1, 0  # an empty interval: CP-SAT reports MODEL_INVALID
    with pytest.raises(SolverFailed, match=r"CP-SAT rejected the model of a broken model: .*invalid domain"):
        CpSatRun(Limits(), 1.0).solve(model, "a broken model")


def test_an_or_tools_exception_becomes_solver_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(cp_model.CpSolver, "solve", crash)
    model, _ = knapsack(5)
    with pytest.raises(SolverFailed, match="CP-SAT failed on a toy: boom") as info:
        CpSatRun(Limits(), 1.0).solve(model, "a toy")
    assert isinstance(info.value.__cause__, RuntimeError)


def test_an_infeasible_model_is_an_outcome_until_required_feasible() -> None:
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    model.add(x + y >= 3)
    out = CpSatRun(Limits(), 1.0).solve(model, "an impossible model")
    assert (out.status, out.has_solution, out.optimal, out.limited, out.wall) == (
        "infeasible",
        False,
        False,
        False,
        False,
    )
    with pytest.raises(SolverFailed, match="CP-SAT returned INFEASIBLE on an impossible model"):
        out.require_feasible()
    with pytest.raises(SolverFailed, match="no solution"):
        out.values([x, y])


def test_the_deterministic_limit_stops_a_run_the_same_way_twice() -> None:
    model, x = knapsack()
    runs = [CpSatRun(Limits(seed=3, workers=2), seconds=20, budget=0.02).solve(model, "a knapsack") for _ in range(2)]
    for out in runs:
        assert out.status == "feasible" and out.limited and not out.wall  # stopped on deterministic time
        assert out.bound > out.solver.objective_value
    assert runs[0].chosen(x).tolist() == runs[1].chosen(x).tolist()
    assert runs[0].values([0, x[0], 1]).tolist()[::2] == [0, 1]


def test_the_clock_counts_deterministic_time_or_wall_time() -> None:
    model, _ = knapsack(30)
    clock = SolveClock(Limits(time_limit_s=5))
    run = clock.settings(1.0, subsolvers=("max_lp",))
    assert run.budget == 1.0 and run.seconds <= 1.0 and run.subsolvers == ("max_lp",)
    out = clock.solve(model, "a small knapsack", 1.0)
    assert clock.elapsed() == pytest.approx(out.used)
    clock.advance_to(3.0)
    assert clock.elapsed() == 3.0 and 0 < clock.wall_left() <= 5
    wall = SolveClock(Limits(time_limit_s=5), deterministic=False)
    wall.advance_to(3.0)  # the wall clock counts other work by itself
    assert wall.elapsed() < 3.0
    assert wall.settings(1.0).configure().parameters.interleave_search is False


# --- every CP-SAT solver: same input and seed, same result, with the time limit hit ---------------------------

Solve = Callable[[], Any]


def _maxmin() -> Solve:
    problem = latent_affinity_instance(600, 120, 10, 2, 12, seed=1).problem()
    return lambda: MaxMinSolver().solve(problem, Limits(time_limit_s=20, seed=5, workers=2))


def _pitching() -> Solve:
    problem = pitching_instance(60, 20, rooms=2, blocks=3, max_pitches=10, seed=1)
    return lambda: PitchingSolver().solve(problem, Limits(time_limit_s=20, seed=5, workers=2))


def _meetings() -> Solve:
    event = generate_event(
        n_startups=200,
        n_investors=83,
        n_mentors=50,
        n_slots=8,
        n_physical=40,
        n_online=5,
        n_hosted=5,
        target_pairs=2000,
        n_locked=0,
        seed=3,
    )
    problem = event.problem()
    return lambda: CpSatMeetingSolver().solve(problem, Limits(time_limit_s=30, seed=5, workers=2))


@pytest.mark.parametrize("instance", [_maxmin, _pitching, _meetings], ids=["maxmin", "pitching", "meetings"])
def test_the_same_input_and_seed_give_the_same_result_when_the_limit_is_hit(
    instance: Callable[[], Solve], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each solve stops on deterministic time (0.4-0.6 units in all) a few seconds into its 20-30 s limit."""
    monkeypatch.setattr(cpsat, "DETERMINISTIC_PER_SECOND", RATE)
    solve = instance()
    first, again = solve(), solve()
    for result in (first, again):
        assert result.status is SolveStatus.TIMED_OUT  # a limit stopped it before a proof
        assert result.solution is not None and result.objective is not None and result.bound is not None
        assert result.objective <= result.bound + 1e-6
        assert result.notes[-1].startswith("deterministic: interleaved search on 2 workers, seed 5")
        assert "rerun may differ" not in result.notes[-1]  # the deterministic limit stopped it, not the clock
    assert first.solution == again.solution
    assert (first.objective, first.bound) == (again.objective, again.bound)
