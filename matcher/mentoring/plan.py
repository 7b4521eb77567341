"""The mentor programme: every startup gets exactly K mentors within the mentors' capacities.

Candidate edges come from the index (the top-N mentors per startup, hard filters applied); when N is too small for a
feasible assignment it is widened automatically (doubled, up to every mentor) and the summary says so. Operators can
also bring their own affinity (``startup_id,mentor_id,score`` rows, the format of openreview-matcher score files).

Example
-------
>>> from pathlib import Path
>>> import matcher
>>> from matcher import Embedder, MemoryCache, load_backend, load_event, load_registry
>>> backend = load_backend(load_registry().resolve(None))  # the default model, from its installed package
>>> event = load_event(Path(matcher.__file__).parents[1] / "fixtures" / "tiny-event")
>>> engine = matcher.MatchEngine.build(event, Embedder(backend.spec, lambda: backend, MemoryCache()))
>>> try:  # s2 speaks only German, and no mentor of the tiny event does
...     plan_mentors(engine, MentorOptions(per_startup=1))
... except Infeasible as err:
...     print(err.violations[0].constraint, err.violations[0].participants)
startup_demand ('s2',)
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from matcher.errors import Infeasible, InvalidInput, Problem
from matcher.event.schema import Event, Role
from matcher.matching.filters import PairRules
from matcher.mentoring.diagnose import explain_infeasibility
from matcher.mentoring.problem import Assignment, AssignmentProblem, ConstraintName
from matcher.mentoring.registry import MentorSolverName, mentor_solver
from matcher.solving.base import Limits, SolveResult

if TYPE_CHECKING:  # the engine (numpy, scipy, sklearn, the embedder) is only needed when the index gives the edges
    from matcher.matching.engine import MatchEngine


class Fairness(StrEnum):
    """``total``: maximise total affinity (min-cost flow); ``maxmin``: first the worst-off startup, then the total."""

    TOTAL = "total"
    MAXMIN = "maxmin"


@dataclass(frozen=True)
class MentorOptions:
    per_startup: int = 3
    default_capacity: int = 3
    top_n: int = 50
    fairness: Fairness = Fairness.TOTAL
    solver: MentorSolverName | None = None
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class ScoredEdge:
    startup_id: str
    mentor_id: str
    score: float


@dataclass(frozen=True)
class MentorPlan:
    problem: AssignmentProblem
    result: SolveResult[tuple[Assignment, ...]]
    top_n_requested: int
    top_n_used: int | None
    notes: tuple[str, ...]
    explanations: dict[tuple[str, str], str]

    @property
    def assignments(self) -> tuple[Assignment, ...]:
        return self.result.solution or ()

    def summary(self) -> dict[str, Any]:
        """The figures of ``summary.json``."""
        by_startup: dict[str, list[float]] = {sid: [] for sid in self.problem.left_ids}
        for a in self.assignments:
            by_startup[a.left_id].append(a.score)
        totals = [sum(v) for v in by_startup.values()]
        means = [statistics.fmean(v) for v in by_startup.values() if v]
        load = Counter(a.right_id for a in self.assignments)
        histogram = Counter(load.get(mid, 0) for mid in self.problem.right_ids)
        r = self.result
        return {
            **r.summary(),
            "startups": self.problem.n_left,
            "mentors": self.problem.n_right,
            "assignments": len(self.assignments),
            "candidate_edges": self.problem.n_edges,
            "top_n_requested": self.top_n_requested,
            "top_n_used": self.top_n_used,
            "per_startup_total_affinity": {
                "min": min(totals, default=None),
                "mean": statistics.fmean(totals) if totals else None,
            },
            "per_startup_mean_affinity": {
                "min": min(means, default=None),
                "mean": statistics.fmean(means) if means else None,
            },
            "mentor_load_histogram": {str(k): histogram[k] for k in sorted(histogram)},
            "notes": list(self.notes) + list(r.notes),
        }


def parse_scores(text: str, file: str = "scores") -> tuple[ScoredEdge, ...]:
    """Rows ``startup_id,mentor_id,score`` without a header; every bad row is reported at once."""
    problems: list[Problem] = []
    edges: list[ScoredEdge] = []
    for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != 3:
            problems.append(Problem(file, line, None, f"expected 3 cells startup_id,mentor_id,score, got {len(cells)}"))
            continue
        try:
            score = float(cells[2])
        except ValueError:
            problems.append(Problem(file, line, "score", f"'{cells[2].strip()}' is not a number"))
            continue
        edges.append(ScoredEdge(cells[0].strip(), cells[1].strip(), score))
    if problems:
        raise InvalidInput(f"{file} has {len(problems)} problem(s)", tuple(problems))
    return tuple(edges)


def _capacities(event: Event, default: int) -> tuple[tuple[str, ...], list[int]]:
    mentors = event.with_role(Role.MENTOR)
    caps = [m.mentor_capacity if m.mentor_capacity is not None else default for m in mentors]
    return tuple(m.id for m in mentors), caps


def _solver(options: MentorOptions) -> MentorSolverName:
    if options.solver is not None:
        return options.solver
    return MentorSolverName.MAXMIN if options.fairness is Fairness.MAXMIN else MentorSolverName.FLOW


def _own_scores(
    event: Event, rules: PairRules, scores: Iterable[ScoredEdge], file: str
) -> tuple[list[tuple[str, str, float]], int]:
    """Edges from a score file: unknown ids are errors; pairs a hard filter excludes are dropped (and counted)."""
    problems: list[Problem] = []
    edges: list[tuple[str, str, float]] = []
    dropped = 0
    startups = {p.id for p in event.with_role(Role.STARTUP)}
    mentors = {p.id for p in event.with_role(Role.MENTOR)}
    for row, e in enumerate(scores, start=1):
        if e.startup_id not in startups:
            problems.append(Problem(file, row, "startup_id", f"'{e.startup_id}' is not a startup of the event"))
        elif e.mentor_id not in mentors:
            problems.append(Problem(file, row, "mentor_id", f"'{e.mentor_id}' is not a mentor of the event"))
        elif rules.exclusion(event.by_id[e.startup_id], event.by_id[e.mentor_id]):
            dropped += 1
        else:
            edges.append((e.startup_id, e.mentor_id, e.score))
    if problems:
        raise InvalidInput(f"{file} names participants the event does not have", tuple(problems))
    return edges, dropped


def plan_mentors(
    engine: MatchEngine,
    options: MentorOptions,
    scores: tuple[ScoredEdge, ...] | None = None,
    scores_name: str = "scores",
) -> MentorPlan:
    """Solve the mentor programme; raises :class:`Infeasible` naming the binding constraint and participants.

    With ``scores`` the index is not used at all (see :func:`plan_mentors_from_scores`).
    """
    if scores is not None:
        return plan_mentors_from_scores(engine.event, options, scores, scores_name, engine.rules)
    _check(options)
    startup_ids = tuple(p.id for p in engine.event.with_role(Role.STARTUP))
    mentor_ids, caps = _capacities(engine.event, options.default_capacity)
    notes: list[str] = []
    top_n = max(options.top_n, options.per_startup)
    while True:
        edges = list(engine.edges(Role.STARTUP, Role.MENTOR, top_n))
        problem = AssignmentProblem.build(startup_ids, mentor_ids, edges, options.per_startup, caps)
        binding = explain_infeasibility(problem)
        capacity_short = any(v.constraint == ConstraintName.MENTOR_CAPACITY.value for v in binding)
        if not binding or capacity_short or top_n >= len(mentor_ids):
            break
        wider = min(len(mentor_ids), top_n * 2)
        notes.append(f"top-N {top_n} candidate mentors per startup was too small for feasibility; widened to {wider}")
        top_n = wider
    if binding:
        raise Infeasible(
            f"no mentor programme gives {len(startup_ids)} startups {options.per_startup} mentor(s) each",
            binding,
        )
    result = mentor_solver(_solver(options)).solve(problem, options.limits)
    explanations: dict[tuple[str, str], str] = {}
    for a in result.solution or ():
        pair = engine.pair(a.left_id, a.right_id)
        explanations[(a.left_id, a.right_id)] = pair.explanation.text if pair.explanation else ""
    return MentorPlan(problem, result, options.top_n, top_n, tuple(notes), explanations)


def plan_mentors_from_scores(
    event: Event,
    options: MentorOptions,
    scores: tuple[ScoredEdge, ...],
    scores_name: str = "scores",
    rules: PairRules | None = None,
) -> MentorPlan:
    """The mentor programme on affinity from a file: no model, no embedding, no index.

    The event's hard filters still apply (``rules``, by default from the event with the default strictness); each
    explanation says the score came from the file.
    """
    _check(options)
    rules = rules if rules is not None else PairRules.from_event(event)
    startup_ids = tuple(p.id for p in event.with_role(Role.STARTUP))
    mentor_ids, caps = _capacities(event, options.default_capacity)
    edges, dropped = _own_scores(event, rules, scores, scores_name)
    notes = (f"affinity from {scores_name}: {len(edges)} pairs used, {dropped} excluded by hard filters",)
    problem = AssignmentProblem.build(startup_ids, mentor_ids, edges, options.per_startup, caps)
    result = mentor_solver(_solver(options)).solve(problem, options.limits)
    explanations = {
        (a.left_id, a.right_id): f"score {a.score:.4f} from {scores_name} (no model was used)"
        for a in result.solution or ()
    }
    return MentorPlan(problem, result, options.top_n, None, notes, explanations)


def _check(options: MentorOptions) -> None:
    if options.per_startup < 1:
        raise InvalidInput("--per-startup must be at least 1", (Problem("--per-startup", None, None, "use 1 or more"),))
