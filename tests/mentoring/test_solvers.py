"""Mentor programme: encoding, checks, infeasibility reasons, and the flow / maxmin / greedy solvers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from benchmarks.generate import latent_affinity_instance
from matcher.errors import Infeasible, InvalidInput, UnknownName
from matcher.mentoring.diagnose import explain_infeasibility
from matcher.mentoring.flow import MinCostFlowSolver
from matcher.mentoring.greedy import GreedySolver
from matcher.mentoring.maxmin import MAXMIN_SCALE, MaxMinSolver
from matcher.mentoring.problem import Assignment, AssignmentProblem, ConstraintName, check
from matcher.registry import SolverName, get_solver
from matcher.solving.base import Limits, SolveStatus

FAST = Limits(time_limit_s=10, seed=0, workers=1)
TOL = 1e-5


@st.composite
def problems(draw: st.DrawFn, max_left: int = 3, max_right: int = 3) -> AssignmentProblem:
    """Tiny random instances (at most 9 edges, so brute force is cheap); often feasible, sometimes not."""
    n_l = draw(st.integers(1, max_left))
    n_r = draw(st.integers(1, max_right))
    pairs = [(i, j) for i in range(n_l) for j in range(n_r)]
    keep = draw(st.lists(st.integers(0, 3), min_size=len(pairs), max_size=len(pairs)))
    chosen = [pair for pair, k in zip(pairs, keep, strict=True) if k] or pairs[:1]  # ~3/4 of the pairs
    scores = draw(st.lists(st.integers(-1000, 1000), min_size=len(chosen), max_size=len(chosen)))
    k = draw(st.integers(1, 2))
    caps = draw(st.lists(st.integers(1, 3), min_size=n_r, max_size=n_r))
    left, right = [f"s{i}" for i in range(n_l)], [f"m{j}" for j in range(n_r)]
    edges = [(left[i], right[j], s / 1000) for (i, j), s in zip(chosen, scores, strict=True)]
    return AssignmentProblem.build(left, right, edges, demand=k, capacity=caps)


def feasible_subsets(problem: AssignmentProblem) -> list[tuple[int, ...]]:
    """Every feasible edge subset, by enumeration (tiny instances only)."""
    out = []
    for r in range(problem.n_edges + 1):
        for subset in itertools.combinations(range(problem.n_edges), r):
            idx = np.array(subset, dtype=np.int64)
            per_left = np.bincount(problem.edge_left[idx], minlength=problem.n_left)
            per_right = np.bincount(problem.edge_right[idx], minlength=problem.n_right)
            if np.array_equal(per_left, problem.demand) and np.all(per_right <= problem.capacity):
                out.append(subset)
    return out


# --- encoding ---------------------------------------------------------------------------------------------


def test_build_sorts_edges_drops_forbidden_and_freezes_arrays() -> None:
    edges = [("s2", "m1", 0.5), ("s1", "m2", 0.1), ("s1", "m1", 0.9)]
    p = AssignmentProblem.build(["s1", "s2"], ["m1", "m2"], edges, demand=1, capacity=[1, 2], forbidden=[("s1", "m2")])
    assert p.n_edges == 2
    assert [(a.left_id, a.right_id, a.score) for a in p.decode([0, 1])] == [("s1", "m1", 0.9), ("s2", "m1", 0.5)]
    for arr in (p.edge_left, p.edge_right, p.edge_score, p.demand, p.capacity):
        assert not arr.flags.writeable
    assert p.capacity.tolist() == [1, 2]


def test_direct_constructor_copies_caller_arrays() -> None:
    score = np.array([0.3, 0.4])
    p = AssignmentProblem(
        ("a",), ("x", "y"), np.array([0, 0]), np.array([0, 1]), score, np.array([1]), np.array([1, 1])
    )
    assert score.flags.writeable and p.edge_score is not score
    score[0] = 9.0
    assert p.edge_score[0] == 0.3


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"edges": [("s9", "m1", 0.1)]}, "'s9'"),
        ({"edges": [("s1", "m9", 0.1)]}, "'m9'"),
        ({"edges": [("s1", "m1", 0.1), ("s1", "m1", 0.2)]}, "duplicate"),
        ({"edges": [("s1", "m1", float("nan"))]}, "finite"),
        ({"demand": -1}, "demand of 's1' is -1"),
        ({"capacity": [1, -2]}, "capacity of 'm2' is -2"),
        ({"capacity": [1]}, "length 2"),
        ({"forbidden": [("s1", "zz")]}, "'zz'"),
    ],
)
def test_build_rejects_bad_input_naming_it(kwargs: dict[str, object], needle: str) -> None:
    args: dict[str, object] = {"edges": [("s1", "m1", 0.1)], "demand": 1, "capacity": 1, **kwargs}
    with pytest.raises(InvalidInput, match=needle):
        AssignmentProblem.build(["s1", "s2"], ["m1", "m2"], **args)  # type: ignore[arg-type]


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(InvalidInput, match="'s1' appears twice"):
        AssignmentProblem.build(["s1", "s1"], ["m1"], [], demand=0, capacity=1)


@settings(max_examples=50, deadline=None)
@given(problems(), st.data())
def test_encode_decode_round_trip(problem: AssignmentProblem, data: st.DataObject) -> None:
    subset = data.draw(st.lists(st.integers(0, problem.n_edges - 1), unique=True))
    decoded = problem.decode(subset)
    assert sorted(problem.encode(decoded).tolist()) == sorted(subset)
    assert problem.decode(problem.encode(decoded)) == decoded


# --- check --------------------------------------------------------------------------------------------------


def test_check_names_each_broken_constraint() -> None:
    p = AssignmentProblem.build(["s1", "s2"], ["m1"], [("s1", "m1", 1.0), ("s2", "m1", 1.0)], demand=1, capacity=1)
    good = (Assignment("s1", "m1", 1.0),)
    names = {v.constraint for v in check(p, good)}
    assert names == {"startup_demand"}  # s2 is missing its mentor
    bad = (Assignment("s1", "m1", 1.0), Assignment("s1", "m1", 1.0), Assignment("s2", "m1", 1.0))
    assert {v.constraint for v in check(p, bad)} == {"duplicate_pair", "startup_demand", "mentor_capacity"}
    stranger = (Assignment("s1", "m7", 0.0), Assignment("s2", "m1", 1.0))
    found = check(p, stranger)
    assert [v.constraint for v in found] == ["candidate_edge", "startup_demand"]
    assert "'m7'" in found[0].message and "has 0 mentors; it needs exactly 1" in found[1].message


# --- solvers on random instances ------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(problems())
def test_flow_is_valid_optimal_and_matches_brute_force(problem: AssignmentProblem) -> None:
    subsets = feasible_subsets(problem)
    event("feasible" if subsets else "infeasible")
    if not subsets:
        with pytest.raises(Infeasible) as err:
            MinCostFlowSolver().solve(problem, FAST)
        assert err.value.violations and explain_infeasibility(problem)
        return
    result = MinCostFlowSolver().solve(problem, FAST)
    assert result.status is SolveStatus.OPTIMAL and result.solution is not None
    assert check(problem, result.solution) == ()
    assert result.objective is not None and result.bound is not None
    assert result.objective <= result.bound + TOL
    best = max(problem.objective(s) for s in subsets)
    assert result.objective == pytest.approx(best, abs=TOL)
    assert explain_infeasibility(problem) == ()


@settings(max_examples=50, deadline=None)
@given(problems())
def test_greedy_is_valid_and_never_beats_flow(problem: AssignmentProblem) -> None:
    try:
        flow = MinCostFlowSolver().solve(problem, FAST)
    except Infeasible:
        with pytest.raises(Infeasible):
            GreedySolver().solve(problem, FAST)
        return
    greedy = GreedySolver().solve(problem, FAST)
    event(f"greedy {greedy.status.value}")
    assert greedy.solution is not None and greedy.bound is None
    found = {v.constraint for v in check(problem, greedy.solution)}
    if greedy.status is SolveStatus.FEASIBLE:
        assert found == set()
        assert greedy.objective is not None and flow.objective is not None
        assert greedy.objective <= flow.objective + TOL
    else:
        assert greedy.status is SolveStatus.INFEASIBLE and greedy.notes
        assert found == {"startup_demand"}  # short, but never over capacity or off the candidate edges


@settings(max_examples=40, deadline=None)
@given(problems())
def test_maxmin_is_lexicographically_optimal(problem: AssignmentProblem) -> None:
    subsets = feasible_subsets(problem)
    if not subsets:
        with pytest.raises(Infeasible):
            MaxMinSolver().solve(problem, FAST)
        return
    result = MaxMinSolver().solve(problem, FAST)
    assert result.status is SolveStatus.OPTIMAL and result.solution is not None
    assert check(problem, result.solution) == ()
    assert result.objective is not None and result.bound is not None
    assert result.objective <= result.bound + TOL
    got = problem.encode(result.solution)
    best_min = max(float(problem.left_totals(np.array(s, dtype=np.int64)).min()) for s in subsets)
    assert float(problem.left_totals(got).min()) == pytest.approx(best_min, abs=problem.n_left / MAXMIN_SCALE)
    flow = MinCostFlowSolver().solve(problem, FAST)
    assert flow.objective is not None and result.objective <= flow.objective + TOL


def test_maxmin_raises_the_floor_on_a_generated_instance() -> None:
    problem = latent_affinity_instance(60, 25, 12, 2, 6, seed=4).problem()
    flow = MinCostFlowSolver().solve(problem, FAST)
    fair = MaxMinSolver().solve(problem, Limits(time_limit_s=20, workers=2))
    assert flow.solution is not None and fair.solution is not None
    assert check(problem, fair.solution) == ()
    low_flow = problem.left_totals(problem.encode(flow.solution)).min()
    low_fair = problem.left_totals(problem.encode(fair.solution)).min()
    assert low_fair >= low_flow - 1e-4
    assert fair.objective is not None and fair.bound is not None and fair.objective <= fair.bound + TOL


@pytest.mark.parametrize("name", ["flow", "greedy", "maxmin"])
def test_same_input_and_seed_give_the_same_output(name: str) -> None:
    problem = latent_affinity_instance(40, 15, 8, 2, 8, seed=7).problem()
    first = get_solver(name).solve(problem, FAST)
    again = get_solver(name).solve(problem, FAST)
    assert first.solution == again.solution and first.objective == again.objective


def test_flow_handles_negative_scores_and_zero_demand() -> None:
    p = AssignmentProblem.build(
        ["s1", "s2"],
        ["m1", "m2"],
        [("s1", "m1", -0.5), ("s1", "m2", -0.2), ("s2", "m1", 0.3)],
        demand=[1, 0],
        capacity=1,
    )
    result = MinCostFlowSolver().solve(p, FAST)
    assert result.solution == (Assignment("s1", "m2", -0.2),)
    assert result.objective == pytest.approx(-0.2)


# --- infeasibility, in words --------------------------------------------------------------------------------


def test_total_demand_above_total_capacity_is_explained() -> None:
    edges = [(f"s{i}", f"m{j}", 0.5) for i in range(3) for j in range(2)]
    p = AssignmentProblem.build(["s0", "s1", "s2"], ["m0", "m1"], edges, demand=2, capacity=2)
    with pytest.raises(Infeasible) as err:
        MinCostFlowSolver().solve(p, FAST)
    (v,) = err.value.violations
    assert v.constraint == ConstraintName.MENTOR_CAPACITY
    assert "3 startups x 2 = 6 > total capacity 4" in v.message and "--mentor-capacity" in v.message


def test_startup_without_enough_candidates_is_named() -> None:
    edges = [("s1", "m1", 0.5), ("s1", "m2", 0.5), ("s2", "m1", 0.5)]
    p = AssignmentProblem.build(["s1", "s2", "s3"], ["m1", "m2"], edges, demand=[2, 2, 1], capacity=5)
    with pytest.raises(Infeasible) as err:
        MaxMinSolver().solve(p, FAST)
    by_who = {v.participants: v.message for v in err.value.violations}
    assert set(by_who) == {("s2",), ("s3",)}
    assert "has 1 candidate mentor(s) with free capacity but needs 2" in by_who[("s2",)]
    assert "has 0 candidate mentor(s)" in by_who[("s3",)]


def test_hall_deficit_group_is_named() -> None:
    # s1, s2 both depend on m1 (capacity 1); s3 is fine with m2. Totals and per-startup counts look fine.
    edges = [("s1", "m1", 0.9), ("s2", "m1", 0.8), ("s3", "m2", 0.7), ("s3", "m1", 0.1)]
    p = AssignmentProblem.build(["s1", "s2", "s3"], ["m1", "m2"], edges, demand=1, capacity=[1, 5])
    with pytest.raises(Infeasible) as err:
        GreedySolver().solve(p, FAST)
    (v,) = err.value.violations
    assert v.constraint == ConstraintName.GROUP_CAPACITY
    assert set(v.participants) == {"s1", "s2", "m1"}
    assert "2 startups (s1, s2) need 2 mentor places in total" in v.message and "at most 1" in v.message


def test_greedy_can_get_stuck_where_flow_succeeds() -> None:
    edges = [("s1", "m1", 0.9), ("s1", "m2", 0.8), ("s2", "m1", 0.85)]
    p = AssignmentProblem.build(["s1", "s2"], ["m1", "m2"], edges, demand=1, capacity=1)
    greedy = GreedySolver().solve(p, FAST)
    assert greedy.status is SolveStatus.INFEASIBLE and "feasible assignment exists" in greedy.notes[0]
    assert MinCostFlowSolver().solve(p, FAST).objective == pytest.approx(1.65)


# --- registry -----------------------------------------------------------------------------------------------


def test_registry_returns_each_solver_and_rejects_unknown_names() -> None:
    assert {"flow", "maxmin", "greedy", "pitching-cpsat"} <= {n.value for n in SolverName}
    for name in SolverName:
        assert get_solver(name).name == get_solver(name.value).name == name.value
    with pytest.raises(UnknownName) as err:
        get_solver("hungarian")
    assert str(err.value) == f"unknown solver 'hungarian'; valid names: {', '.join(n.value for n in SolverName)}"


def test_limits_reject_nonsense() -> None:
    with pytest.raises(InvalidInput, match="time limit"):
        Limits(time_limit_s=0)
    with pytest.raises(InvalidInput, match="workers"):
        Limits(workers=0)
