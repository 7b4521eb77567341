"""Schedule jobs: the body that starts one (a kind and its options), a job's status, and its result."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, Strict, field_validator, model_validator

from matcher.errors import InvalidInput
from matcher.meetings.model import TIER_REASONS, TierOrder
from matcher.meetings.plan import MeetingSolver
from matcher.mentoring.plan import Fairness
from matcher.mentoring.registry import MentorSolverName
from service.schemas.common import Body, ErrorBody


class JobKind(StrEnum):
    """The schedules the service solves."""

    MEETINGS = "meetings"
    MENTORS = "mentors"
    PITCHES = "pitches"


class JobStatus(StrEnum):
    """A job's life: queued, running, then succeeded or failed."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class _Options(Body):
    time_limit_s: float = Field(default=30.0, gt=0, le=3600, description="Solver time limit (capped by the service).")
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class MentorJobOptions(_Options):
    """``matcher assign mentors``: every startup gets ``per_startup`` mentors within capacities."""

    per_startup: int = Field(default=3, ge=1, le=50)
    mentor_capacity: int = Field(default=3, ge=0, le=1000, description="Capacity of mentors without their own.")
    top_n: int = Field(default=50, ge=1, le=10_000, description="Candidate mentors per startup from the index.")
    fairness: Annotated[Fairness, Strict(False)] = Fairness.TOTAL
    solver: Annotated[MentorSolverName, Strict(False)] | None = None


class PitchJobOptions(_Options):
    """``matcher schedule pitches``: each startup pitches once, in front of an investor jury."""

    theme_weight: float = Field(default=1.0, ge=0.0, le=100.0)


class PriorityWeightsIn(Body):
    """Weight of a meeting by why it is planned (a suggested one weighs ``suggested`` x its affinity)."""

    locked: float = Field(default=100.0, ge=0, le=10_000)
    accepted: float = Field(default=10.0, ge=0, le=10_000)
    mutual: float = Field(default=8.0, ge=0, le=10_000)
    pending: float = Field(default=5.0, ge=0, le=10_000)
    suggested: float = Field(default=3.0, ge=0, le=10_000)


class MeetingJobOptions(_Options):
    """``matcher schedule meetings``: one-to-one meetings over slots x tables."""

    time_limit_s: float = Field(default=60.0, gt=0, le=3600, description="Solver time limit (capped by the service).")
    solver: Annotated[MeetingSolver, Strict(False)] = MeetingSolver.CPSAT
    suggestions_per_role: int = Field(default=3, ge=0, le=100, description="Suggested partners per participant/role.")
    weights: PriorityWeightsIn = Field(default_factory=PriorityWeightsIn)
    previous_job: str | None = Field(
        default=None, max_length=32, description="A finished meetings job to re-plan from (keeping what can stay)."
    )
    tiers: str = Field(
        default=str(TierOrder()),
        max_length=200,
        description="The objective's tiers, highest priority first, comma-separated (locked meetings are always "
        "kept): " + "; ".join(f"{t.value}: {why}" for t, why in TIER_REASONS.items()),
    )

    @field_validator("tiers")
    @classmethod
    def _known_tiers(cls, value: str) -> str:
        try:
            return str(TierOrder.parse(value))
        except InvalidInput as exc:
            raise ValueError(str(exc)) from exc


class MentorsSchedule(Body):
    """Start a mentor programme."""

    kind: Literal["mentors"]
    options: MentorJobOptions = Field(default_factory=MentorJobOptions)


class PitchesSchedule(Body):
    """Start a pitching day."""

    kind: Literal["pitches"]
    options: PitchJobOptions = Field(default_factory=PitchJobOptions)


class MeetingsSchedule(Body):
    """Start a meeting schedule."""

    kind: Literal["meetings"]
    options: MeetingJobOptions = Field(default_factory=MeetingJobOptions)


Schedule = MentorsSchedule | PitchesSchedule | MeetingsSchedule
ScheduleCreate = Annotated[Schedule, Field(discriminator="kind")]


class JobPublic(BaseModel):
    """A job's status and progress (0..1); ``error`` says why a failed job failed."""

    id: str
    event_id: str
    kind: JobKind
    status: JobStatus
    progress: float
    message: str
    options: dict[str, Any]
    error: ErrorBody | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobItem(BaseModel):
    """One row of a result: a meeting, a mentor assignment, a pitch or a jury seat; cancelled after an erasure."""

    kind: Literal["meeting", "assignment", "pitch", "jury"]
    a_id: str
    b_id: str | None = None
    slot_id: str | None = None
    table_id: str | None = None
    position: int = 0
    origin: str | None = None
    score: float | None = None
    explanation: str | None = None
    status: Literal["scheduled", "cancelled"] = "scheduled"


class ReplanPublic(BaseModel):
    """What a re-plan did to the previous schedule: the ``replan`` entry of the CLI's summary.json."""

    summary: str = Field(description="e.g. '118 kept, 3 moved, 1 dropped, 4 new'")
    kept: int = Field(description="Previous meetings that stay at their slot and table.")
    moved: list[str] = Field(description="One line per previous meeting moved elsewhere, with the reason.")
    dropped: list[str] = Field(description="One line per previous meeting that no longer happens, with the reason.")
    new: int = Field(description="Meetings that were not in the previous schedule.")


class JobResult(BaseModel):
    """A finished job's summary (as the CLI's summary.json) and its rows; ``replan`` for a re-plan."""

    job: JobPublic
    summary: dict[str, Any]
    items: list[JobItem]
    replan: ReplanPublic | None = Field(
        default=None, description="A meetings job re-planned from previous_job: kept, moved, dropped and new."
    )

    @model_validator(mode="after")
    def _replan_of_summary(self) -> JobResult:
        """The re-plan report is the summary's ``replan`` entry, as the plan made it."""
        if self.replan is None and isinstance(self.summary.get("replan"), dict):
            self.replan = ReplanPublic.model_validate(self.summary["replan"])
        return self
