"""matcher: a matchmaking engine for innovation clusters.

The public API, pinned by ``tests/test_public_api.py``. A typical use::

    from matcher import AffinityConfig, Embedder, MatchEngine, Role, load_backend, load_event, load_registry

    event = load_event(Path("fixtures/sample-event"))
    spec = load_registry().resolve(None)
    engine = MatchEngine.build(event, Embedder(spec, lambda: load_backend(spec)))
    for s in engine.suggest("s001", Role.MENTOR, k=5):
        print(s.id, round(s.score, 3), s.explanation.text)
"""

from matcher.affinity import AffinityConfig, AffinityWeights, Aggregation
from matcher.embed import Embedder, MemoryCache, ModelRegistry, ModelSpec, SqliteCache, load_backend, load_registry
from matcher.engine import MatchEngine, PairScore, Suggestion
from matcher.errors import (
    ConstraintViolation,
    Infeasible,
    InvalidInput,
    MatchError,
    ModelUnavailable,
    Problem,
    SolverFailed,
    UnknownName,
)
from matcher.eventdir import load_event
from matcher.explain import Explanation
from matcher.index import IndexKind, VectorIndex
from matcher.meetings import Meeting, Origin, PriorityWeights
from matcher.plans.meetings import MeetingOptions, MeetingPlan, plan_meetings
from matcher.plans.mentors import Fairness, MentorOptions, MentorPlan, plan_mentors
from matcher.plans.pitches import PitchPlan, plan_pitches
from matcher.profile_index import ProfileIndex
from matcher.schema import Event, Participant, Role, Stage
from matcher.solvers.base import Limits, SolveResult, SolveStatus
from matcher.solvers.registry import SolverName, get_solver
from matcher.validate import parse_event

__all__ = [
    "AffinityConfig",
    "AffinityWeights",
    "Aggregation",
    "ConstraintViolation",
    "Embedder",
    "Event",
    "Explanation",
    "Fairness",
    "IndexKind",
    "Infeasible",
    "InvalidInput",
    "Limits",
    "MatchEngine",
    "MatchError",
    "Meeting",
    "MeetingOptions",
    "MeetingPlan",
    "MemoryCache",
    "MentorOptions",
    "MentorPlan",
    "ModelRegistry",
    "ModelSpec",
    "ModelUnavailable",
    "Origin",
    "PairScore",
    "Participant",
    "PitchPlan",
    "PriorityWeights",
    "Problem",
    "ProfileIndex",
    "Role",
    "SolveResult",
    "SolveStatus",
    "SolverFailed",
    "SolverName",
    "SqliteCache",
    "Stage",
    "Suggestion",
    "UnknownName",
    "VectorIndex",
    "get_solver",
    "load_backend",
    "load_event",
    "load_registry",
    "parse_event",
    "plan_meetings",
    "plan_mentors",
    "plan_pitches",
]
