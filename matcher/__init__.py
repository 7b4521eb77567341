"""matcher: a matchmaking engine for innovation clusters.

The public API, pinned by ``tests/test_public_api.py``. A typical use::

    from matcher import AffinityConfig, Embedder, MatchEngine, Role, load_backend, load_event, load_registry

    event = load_event(Path("fixtures/sample-event"))
    spec = load_registry().resolve(None)
    engine = MatchEngine.build(event, Embedder(spec, lambda: load_backend(spec)))
    for s in engine.suggest("s001", Role.MENTOR, k=5):
        print(s.id, round(s.score, 3), s.explanation.text)
"""

from matcher.embed import Embedder, MemoryCache, ModelRegistry, ModelSpec, SqliteCache, load_backend, load_registry
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
from matcher.event.eventdir import load_event
from matcher.event.schema import Event, Participant, Role, Stage
from matcher.event.validate import parse_event
from matcher.matching.affinity import AffinityConfig, AffinityWeights, Aggregation
from matcher.matching.engine import MatchEngine, PairScore, Suggestion
from matcher.matching.explain import Explanation
from matcher.matching.index import IndexKind, VectorIndex
from matcher.matching.profile_index import ProfileIndex
from matcher.meetings.model import Meeting, Origin, PriorityWeights
from matcher.meetings.plan import MeetingOptions, MeetingPlan, plan_meetings
from matcher.mentoring.plan import Fairness, MentorOptions, MentorPlan, plan_mentors
from matcher.pitching.plan import PitchPlan, plan_pitches
from matcher.registry import SolverName, get_solver
from matcher.solving.base import Limits, SolveResult, SolveStatus

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
