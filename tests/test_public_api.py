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


SHELLS = ("service", "fastapi", "starlette", "typer", "uvicorn", "matcher.cli")


def _core_files() -> list[Path]:
    """Every file of the core: all of matcher/ but the CLI shell package, with no exemption by file name."""
    root = Path(matcher.__file__).parent
    return sorted(p for p in root.rglob("*.py") if p.relative_to(root).parts[0] != "cli")


def _imported(path: Path) -> list[str]:
    """Every module ``path`` imports, typing-only and function-level imports included."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_core_never_imports_the_shells() -> None:
    """The invariant of ARCHITECTURE.md: nothing in the core imports service/, FastAPI, typer or matcher.cli."""
    root = Path(matcher.__file__).parent
    files = _core_files()
    assert len(files) > 50 and not any("cli" in p.relative_to(root).parts[:1] for p in files)
    offenders = [
        f"{p.relative_to(root)}: {n}"
        for p in files
        for n in _imported(p)
        if any(n == s or n.startswith(s + ".") for s in SHELLS)
    ]
    assert offenders == []


def test_core_never_reads_the_environment() -> None:
    root = Path(matcher.__file__).parent
    readers = [
        str(p.relative_to(root))
        for p in _core_files()
        if "os.environ" in p.read_text(encoding="utf-8") or "getenv" in p.read_text(encoding="utf-8")
    ]
    assert readers == []
