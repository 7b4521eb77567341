"""The solver registries: one typed registry per feature, and the public name-based one over them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from mypy import api as mypy_api

from matcher.errors import UnknownName
from matcher.meetings.registry import MeetingSolverName, meeting_solver
from matcher.mentoring.registry import MentorSolverName, mentor_solver
from matcher.pitching.registry import PitchSolverName, pitch_solver
from matcher.registry import SolverName, get_solver

ROOT = Path(__file__).resolve().parents[2]


def test_the_public_names_are_exactly_the_features_names() -> None:
    features = [*MentorSolverName, *PitchSolverName, *MeetingSolverName]
    assert [n.value for n in SolverName] == [n.value for n in features]
    for name in features:
        assert get_solver(name).name == name.value


@pytest.mark.parametrize(
    ("find", "foreign"),
    [(mentor_solver, "pitching-cpsat"), (pitch_solver, "flow"), (meeting_solver, "maxmin")],
)
def test_a_feature_registry_refuses_another_features_solver(find: object, foreign: str) -> None:
    with pytest.raises(UnknownName, match=f"'{foreign}'; valid names: "):
        find(foreign)


def _mypy(snippet: str, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "snippet.py"
    path.write_text(textwrap.dedent(snippet), encoding="utf-8")
    out, err, status = mypy_api.run(
        [str(path), "--no-error-summary", "--ignore-missing-imports", "--cache-dir", str(ROOT / ".mypy_cache")]
    )
    return status, out + err


HEADER = """
from matcher.meetings.problem import MeetingProblem
from matcher.mentoring.problem import AssignmentProblem
from matcher.mentoring.registry import MentorSolverName, mentor_solver
from matcher.registry import SolverName, get_solver
from matcher.solving.base import Limits
"""


def test_mypy_rejects_a_meeting_problem_given_to_a_mentor_solver(tmp_path: Path) -> None:
    status, out = _mypy(
        HEADER
        + """
def feature(problem: MeetingProblem) -> None:
    mentor_solver(MentorSolverName.FLOW).solve(problem, Limits())

def public(problem: MeetingProblem) -> None:
    get_solver(SolverName.FLOW).solve(problem, Limits())
""",
        tmp_path,
    )
    assert status == 1
    rejected = [line for line in out.splitlines() if 'incompatible type "MeetingProblem"' in line]
    assert len(rejected) == 2, out


def test_mypy_accepts_the_matching_problem(tmp_path: Path) -> None:
    status, out = _mypy(
        HEADER
        + """
def feature(problem: AssignmentProblem) -> float | None:
    return mentor_solver(MentorSolverName.FLOW).solve(problem, Limits()).objective

def public(problem: AssignmentProblem) -> float | None:
    return get_solver(SolverName.MAXMIN).solve(problem, Limits()).objective
""",
        tmp_path,
    )
    assert status == 0, out
