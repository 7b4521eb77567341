"""The public API is pinned: adding or removing a name is a deliberate change to this list."""

from __future__ import annotations

import ast
from pathlib import Path

import matcher

EXPECTED = {
    "AffinityConfig", "AffinityWeights", "Aggregation", "ConstraintViolation", "Embedder", "Event", "Explanation",
    "Fairness", "IndexKind", "Infeasible", "InvalidInput", "Limits", "MatchEngine", "MatchError", "Meeting",
    "MeetingOptions", "MeetingPlan", "MemoryCache", "MentorOptions", "MentorPlan", "ModelRegistry", "ModelSpec",
    "ModelUnavailable", "Origin", "PairScore", "Participant", "PitchPlan", "PriorityWeights", "Problem",
    "ProfileIndex", "Role", "SolveResult", "SolveStatus", "SolverFailed", "SolverName", "SqliteCache", "Stage",
    "Suggestion", "UnknownName", "VectorIndex", "get_solver", "load_backend", "load_event", "load_registry",
    "parse_event", "plan_meetings", "plan_mentors", "plan_pitches",
}  # fmt: skip


def test_public_api_is_pinned() -> None:
    assert set(matcher.__all__) == EXPECTED
    for name in matcher.__all__:
        assert getattr(matcher, name) is not None


def test_core_never_imports_the_shells() -> None:
    """The invariant of ARCHITECTURE.md: nothing in matcher/ imports service/, FastAPI, or the CLI modules."""
    shells = {"service", "fastapi", "matcher.cli", "matcher.cli_common", "matcher.cli_plans", "typer"}
    root = Path(matcher.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if path.name.startswith("cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n in shells or n.split(".")[0] in shells]
    assert offenders == []


def test_core_never_reads_the_environment() -> None:
    root = Path(matcher.__file__).parent
    readers = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if not p.name.startswith("cli") and ("os.environ" in p.read_text() or "getenv" in p.read_text())
    ]
    assert readers == []
