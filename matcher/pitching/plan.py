"""The pitching day: each startup pitches once in a session, in front of an investor jury that fits it.

Affinity is the engine's startup-investor affinity (0 for excluded pairs, which are also forbidden: a conflicted,
same-organisation or no-common-language investor never sits in the jury hearing that startup). A session's theme fit
is the best similarity between the theme and the startup's texts. Availability: a participant who lists slots in
``availability.csv`` is unavailable for a session that overlaps any event slot they did not list.

Example
-------
>>> from pathlib import Path
>>> import matcher
>>> from matcher import Embedder, MemoryCache, load_backend, load_event, load_registry
>>> backend = load_backend(load_registry().resolve(None))  # the default model, from its installed package
>>> event = load_event(Path(matcher.__file__).parents[1] / "fixtures" / "tiny-event")
>>> engine = matcher.MatchEngine.build(event, Embedder(backend.spec, lambda: backend, MemoryCache()))
>>> plan = plan_pitches(engine, Limits(time_limit_s=5))
>>> plan.result.status.value, sorted(p.startup_id for p in plan.result.solution.pitches)
('optimal', ['s1', 's3'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.errors import InvalidInput, Problem
from matcher.event.schema import Event, Participant, PitchSession, Role
from matcher.matching.engine import MatchEngine
from matcher.pitching.problem import PitchingProblem, PitchingSolution
from matcher.pitching.registry import pitch_solver
from matcher.solving.base import Limits, SolveResult


@dataclass(frozen=True)
class PitchPlan:
    problem: PitchingProblem
    result: SolveResult[PitchingSolution]

    def summary(self) -> dict[str, Any]:
        r = self.result
        solution = r.solution
        pitches = solution.pitches if solution else ()
        return {
            **r.summary(),
            "startups": self.problem.n_startups,
            "investors": self.problem.n_investors,
            "sessions": self.problem.n_sessions,
            "placed": len(pitches),
            "unplaced": [
                {"startup_id": u.startup_id, "reason": u.reason} for u in (solution.unplaced if solution else ())
            ],
            "jury_sizes": {sid: len(solution.jury(sid)) for sid in self.problem.session_ids} if solution else {},
            "notes": list(r.notes),
        }


def available(event: Event, participant: Participant, session: PitchSession) -> bool:
    """False when the participant listed availability and the session overlaps an event slot they did not list."""
    listed = event.availability_of.get(participant.id)
    if not listed:
        return True
    return not any(s.start < session.end and session.start < s.end and s.slot_id not in listed for s in event.slots)


def theme_fit(engine: MatchEngine, startups: tuple[Participant, ...], sessions: tuple[PitchSession, ...]) -> np.ndarray:
    """Similarity (clipped at 0) of each startup's best text unit with each session theme; 0 without a theme."""
    fit = np.zeros((len(startups), len(sessions)))
    themed = [k for k, s in enumerate(sessions) if s.theme]
    if not themed:
        return fit
    vectors = engine.embedder.embed([sessions[k].theme or "" for k in themed]).vectors
    for i, startup in enumerate(startups):
        sims = engine.unit_vectors(startup.id) @ vectors.T
        fit[i, themed] = np.clip(sims.max(axis=0), 0.0, 1.0)
    return fit


def build_pitching_problem(engine: MatchEngine, theme_weight: float = 1.0) -> PitchingProblem:
    event = engine.event
    if not event.sessions:
        raise InvalidInput(
            "no pitching sessions", (Problem("sessions.csv", None, None, "add sessions.csv with at least one session"),)
        )
    startups, investors = event.with_role(Role.STARTUP), event.with_role(Role.INVESTOR)
    affinity = np.zeros((len(startups), len(investors)))
    forbidden: list[tuple[str, str]] = []
    for i, s in enumerate(startups):
        for j, inv in enumerate(investors):
            pair = engine.pair(s.id, inv.id, explain=False)
            if pair.score is None:
                forbidden.append((s.id, inv.id))
            else:
                affinity[i, j] = pair.score
    sessions = event.sessions
    overlaps = [
        (a.session_id, b.session_id) for k, a in enumerate(sessions) for b in sessions[k + 1 :] if a.overlaps(b)
    ]
    return PitchingProblem.build(
        [s.id for s in startups],
        [i.id for i in investors],
        [s.session_id for s in sessions],
        affinity,
        max_pitches=[s.max_pitches for s in sessions],
        min_jury=[s.min_jury for s in sessions],
        max_jury=[s.max_jury for s in sessions],
        theme_fit=theme_fit(engine, startups, sessions),
        overlaps=overlaps,
        startup_available=[[available(event, s, p) for p in sessions] for s in startups],
        investor_available=[[available(event, i, p) for p in sessions] for i in investors],
        forbidden=forbidden,
        theme_weight=theme_weight,
    )


def plan_pitches(engine: MatchEngine, limits: Limits, theme_weight: float = 1.0) -> PitchPlan:
    """Build and solve the pitching day; raises :class:`~matcher.errors.Infeasible` with the binding sessions."""
    problem = build_pitching_problem(engine, theme_weight)
    result = pitch_solver().solve(problem, limits)
    return PitchPlan(problem, result)
