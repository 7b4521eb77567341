"""Pitching sessions: the problem encoding, the named checks, and the CP-SAT solver on hand-checkable cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from benchmarks.generate import pitching_instance
from matcher.errors import Infeasible, InvalidInput
from matcher.pitching.cpsat import PitchingSolver
from matcher.pitching.diagnose import explain_infeasibility, max_placements
from matcher.pitching.problem import (
    JurySeat,
    Pitch,
    PitchingProblem,
    PitchingSolution,
    Unplaced,
    check,
)
from matcher.solving.base import Limits, SolveStatus

FAST = Limits(time_limit_s=10, seed=0, workers=1)


def small(**overrides: object) -> PitchingProblem:
    """4 startups, 3 investors, sessions A and B at the same time (overlapping), C later."""
    args: dict[str, object] = {
        "affinity": np.array([[0.9, 0.1, 0.5], [0.2, 0.8, 0.4], [0.7, 0.3, 0.1], [0.1, 0.9, 0.6]]),
        "max_pitches": [2, 2, 2],
        "min_jury": 1,
        "max_jury": 2,
        "overlaps": [("A", "B")],
        "forbidden": [("s1", "i1")],
    }
    args.update(overrides)
    return PitchingProblem.build(["s1", "s2", "s3", "s4"], ["i1", "i2", "i3"], ["A", "B", "C"], **args)  # type: ignore[arg-type]


def sessions_of(solution: PitchingSolution) -> dict[str, str]:
    return {p.startup_id: p.session_id for p in solution.pitches}


def assert_sound(problem: PitchingProblem, solution: PitchingSolution) -> None:
    """The invariants, checked directly (not only through ``check``)."""
    assert check(problem, solution) == ()
    juries = {sid: set(solution.jury(sid)) for sid in problem.session_ids}
    for p, q in problem.overlaps:
        assert not juries[problem.session_ids[p]] & juries[problem.session_ids[q]]
    where = sessions_of(solution)
    for s, i in np.argwhere(problem.forbidden).tolist():
        sid = problem.startup_ids[s]
        assert sid not in where or problem.investor_ids[i] not in juries[where[sid]]


# --- the solver ---------------------------------------------------------------------------------------------


def test_small_instance_is_solved_soundly() -> None:
    problem = small()
    result = PitchingSolver().solve(problem, FAST)
    assert result.status is SolveStatus.OPTIMAL and result.solution is not None
    assert_sound(problem, result.solution)
    assert len(result.solution.pitches) == 4 and result.solution.unplaced == ()
    assert result.objective is not None and result.bound is not None
    assert result.objective <= result.bound + 1e-9


def test_pitches_are_numbered_by_descending_score() -> None:
    problem = small(max_pitches=[4, 0, 0], max_jury=3, forbidden=[])
    solution = PitchingSolver().solve(problem, FAST).solution
    assert solution is not None
    pitches = [p for p in solution.pitches if p.session_id == "A"]
    assert [p.order for p in pitches] == [1, 2, 3, 4]
    assert [p.score for p in pitches] == sorted((p.score for p in pitches), reverse=True)
    jury = list(solution.jury("A"))
    for p in pitches:
        s = problem.startup_ids.index(p.startup_id)
        assert p.score == pytest.approx(problem.affinity[s, [problem.investor_ids.index(i) for i in jury]].sum())


def test_capacity_short_lists_the_unplaced_with_a_reason() -> None:
    problem = small(max_pitches=[1, 1, 1])
    solution = PitchingSolver().solve(problem, FAST).solution
    assert solution is not None
    assert_sound(problem, solution)
    (left_out,) = solution.unplaced
    assert left_out.reason.startswith("capacity short: 3 pitch places for 4 startups")


def test_startup_without_a_session_is_listed() -> None:
    available = np.ones((4, 3), dtype=bool)
    available[2] = False
    solution = PitchingSolver().solve(small(startup_available=available), FAST).solution
    assert solution is not None
    assert solution.unplaced == (Unplaced("s3", "no session available for this startup"),)


def test_overlapping_block_short_of_investors_raises_with_numbers() -> None:
    # A and B overlap and are both needed (4 startups, 2 places each, C closed); 3 investors for 2 + 2 seats.
    problem = small(max_pitches=[2, 2, 0], min_jury=2, max_jury=3, forbidden=[])
    assert max_placements(problem) == 4
    with pytest.raises(Infeasible) as err:
        PitchingSolver().solve(problem, FAST)
    (v,) = err.value.violations
    assert v.constraint == "jury_overlap" and v.slots == ("A", "B")
    assert "2 + 2 = 4 jurors at once, but at most 3 investors" in v.message


def test_session_with_too_few_available_investors_raises_when_needed() -> None:
    investors = np.ones((3, 3), dtype=bool)
    investors[1:, 2] = False  # only i1 is free for C
    problem = small(max_pitches=[1, 1, 2], min_jury=2, max_jury=2, overlaps=[], investor_available=investors)
    with pytest.raises(Infeasible) as err:
        PitchingSolver().solve(problem, FAST)
    assert [v.slots for v in err.value.violations] == [("C",)]
    assert "needs at least 2 jurors but only 1 investors are available" in err.value.violations[0].message


def test_unstaffable_session_that_is_not_needed_is_left_empty() -> None:
    investors = np.ones((3, 3), dtype=bool)
    investors[:, 2] = False  # nobody can judge C, but A and B hold everyone
    problem = small(investor_available=investors, overlaps=[])
    assert explain_infeasibility(problem)  # C cannot be staffed ...
    result = PitchingSolver().solve(problem, FAST)  # ... but it is not needed
    assert result.solution is not None and result.solution.unplaced == ()
    assert result.solution.jury("C") == ()
    assert_sound(problem, result.solution)


@st.composite
def pitching_problems(draw: st.DrawFn) -> PitchingProblem:
    n_s, n_i, n_p = draw(st.integers(1, 5)), draw(st.integers(1, 4)), draw(st.integers(1, 3))
    aff = draw(st.lists(st.integers(-5, 10), min_size=n_s * n_i, max_size=n_s * n_i))
    bools = st.lists(
        st.booleans(), min_size=n_s * n_p + n_i * n_p + n_s * n_i, max_size=n_s * n_p + n_i * n_p + n_s * n_i
    )
    flags = np.array(draw(bools), dtype=bool)
    s_av = flags[: n_s * n_p].reshape(n_s, n_p) | (draw(st.integers(0, 1)) == 1)
    i_av = flags[n_s * n_p : n_s * n_p + n_i * n_p].reshape(n_i, n_p)
    banned = flags[n_s * n_p + n_i * n_p :].reshape(n_s, n_i) & (draw(st.integers(0, 2)) == 0)
    sessions = [f"p{k}" for k in range(n_p)]
    min_j = draw(st.integers(0, 2))
    return PitchingProblem.build(
        [f"s{k}" for k in range(n_s)],
        [f"i{k}" for k in range(n_i)],
        sessions,
        np.array(aff, dtype=float).reshape(n_s, n_i) / 10,
        max_pitches=draw(st.integers(0, 3)),
        min_jury=min_j,
        max_jury=min_j + draw(st.integers(0, 2)),
        theme_fit=np.ones((n_s, n_p)) * 0.1,
        overlaps=[(a, b) for a in sessions for b in sessions if a < b and draw(st.booleans())],
        startup_available=s_av,
        investor_available=i_av,
        forbidden=[(f"s{s}", f"i{i}") for s, i in np.argwhere(banned).tolist()],
    )


@settings(max_examples=50, deadline=None)
@given(pitching_problems())
def test_random_instances_are_sound_or_explained(problem: PitchingProblem) -> None:
    try:
        result = PitchingSolver(jury_top_k=None).solve(problem, FAST)
    except Infeasible as err:
        event("infeasible")
        assert err.violations and all(v.slots for v in err.violations)
        return
    event("solved")
    assert result.status is SolveStatus.OPTIMAL and result.solution is not None
    assert_sound(problem, result.solution)
    assert result.objective is not None and result.bound is not None
    assert result.objective <= result.bound + 1e-9
    placed = len(result.solution.pitches)
    assert placed <= max_placements(problem)
    assert all(u.reason for u in result.solution.unplaced)


def test_same_seed_gives_the_same_schedule() -> None:
    problem = pitching_instance(12, 6, rooms=2, blocks=2, max_pitches=4, min_jury=2, max_jury=2, seed=2)
    first = PitchingSolver().solve(problem, Limits(time_limit_s=20, seed=3, workers=1))
    again = PitchingSolver().solve(problem, Limits(time_limit_s=20, seed=3, workers=1))
    assert first.status is SolveStatus.OPTIMAL  # determinism holds when the time limit is not hit
    assert first.solution == again.solution


@pytest.mark.slow
def test_event_sized_instance_places_everyone_quickly() -> None:
    problem = pitching_instance(seed=1)  # 120 startups x 30 investors x 8 sessions (2 rooms, 4 blocks)
    result = PitchingSolver().solve(problem, Limits(time_limit_s=8, workers=2))
    assert result.solution is not None
    assert_sound(problem, result.solution)
    assert len(result.solution.pitches) + len(result.solution.unplaced) == 120
    assert len(result.solution.pitches) == max_placements(problem)


# --- check: each constraint has a failing case ----------------------------------------------------------------

GOOD = PitchingSolution(
    pitches=(Pitch("A", 1, "s2", 0.0), Pitch("A", 2, "s3", 0.0), Pitch("B", 1, "s1", 0.0), Pitch("C", 1, "s4", 0.0)),
    juries=(JurySeat("A", "i1"), JurySeat("B", "i2"), JurySeat("C", "i3")),
    unplaced=(),
)


def with_(pitches: tuple[Pitch, ...] = GOOD.pitches, juries: tuple[JurySeat, ...] = GOOD.juries) -> PitchingSolution:
    placed = {p.startup_id for p in pitches}
    missing = tuple(Unplaced(s, "test") for s in ("s1", "s2", "s3", "s4") if s not in placed)
    return PitchingSolution(pitches, juries, missing)


@pytest.mark.parametrize(
    ("solution", "constraint"),
    [
        (with_(pitches=(*GOOD.pitches, Pitch("C", 2, "s1", 0.0))), "one_pitch_per_startup"),
        (with_(pitches=(*GOOD.pitches[:3], Pitch("A", 3, "s4", 0.0))), "session_capacity"),
        (with_(juries=GOOD.juries[:2]), "jury_size"),
        (with_(pitches=GOOD.pitches[:3]), "jury_size"),  # C keeps a jury without pitches
        (with_(juries=(*GOOD.juries, JurySeat("A", "i2"))), "jury_overlap"),
        (with_(juries=(JurySeat("A", "i1"), JurySeat("B", "i1"), JurySeat("C", "i3"))), "forbidden_pair"),
        (with_(pitches=(*GOOD.pitches[:3], Pitch("C", 2, "s4", 0.0))), "pitch_order"),
        (PitchingSolution(GOOD.pitches, GOOD.juries, (Unplaced("s1", "x"),)), "placement"),
        (with_(juries=(*GOOD.juries, JurySeat("Z", "i1"))), "unknown_id"),
    ],
)
def test_check_reports_each_broken_constraint(solution: PitchingSolution, constraint: str) -> None:
    problem = small()
    assert check(problem, GOOD) == ()
    assert constraint in {v.constraint for v in check(problem, solution)}


def test_check_reports_availability() -> None:
    s_av, i_av = np.ones((4, 3), dtype=bool), np.ones((3, 3), dtype=bool)
    s_av[3, 2] = False
    i_av[2, 2] = False
    found = check(small(startup_available=s_av, investor_available=i_av), GOOD)
    assert {v.constraint for v in found} == {"startup_availability", "investor_availability"}
    assert any(v.message == "startup 's4' pitches in 'C' but is not available then" for v in found)


# --- building -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"affinity": np.ones((3, 4))}, r"affinity must have shape \(4, 3\)"),
        ({"min_jury": [1, 3, 1], "max_jury": 2}, "session 'B'"),
        ({"overlaps": [("A", "Z")]}, "'Z'"),
        ({"forbidden": [("s1", "nobody")]}, "'nobody'"),
        ({"startup_available": np.ones((4, 3))}, "boolean"),
        ({"max_pitches": [1.5, 1, 1]}, "whole numbers"),
    ],
)
def test_build_rejects_bad_input_naming_it(overrides: dict[str, object], needle: str) -> None:
    with pytest.raises(InvalidInput, match=needle):
        small(**overrides)


def test_problem_arrays_are_read_only_copies() -> None:
    affinity = np.zeros((4, 3))
    problem = small(affinity=affinity)
    assert not problem.affinity.flags.writeable and affinity.flags.writeable
    assert problem.overlaps == ((0, 1),)
