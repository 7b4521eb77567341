"""The meetings plan builds the re-plan report itself: the CLI and the service only read it."""

from __future__ import annotations

from matcher.embed import Embedder
from matcher.event.schema import Event
from matcher.matching.engine import MatchEngine
from matcher.meetings.plan import MeetingOptions, MeetingSolver, plan_meetings
from matcher.meetings.replan import ReplanReport, compare
from matcher.solving.base import Limits

OPTIONS = MeetingOptions(solver=MeetingSolver.GREEDY, limits=Limits(time_limit_s=5, seed=0))
REPLAN_KEYS = {"summary", "kept", "moved", "dropped", "new"}


def test_a_first_plan_has_no_replan_report(tiny_event: Event, embedder: Embedder) -> None:
    plan = plan_meetings(MatchEngine.build(tiny_event, embedder), OPTIONS)
    assert plan.replan is None and "replan" not in plan.summary()


def test_a_replan_carries_the_report_in_the_plan_and_its_summary(tiny_event: Event, embedder: Embedder) -> None:
    engine = MatchEngine.build(tiny_event, embedder)
    first = plan_meetings(engine, OPTIONS).meetings
    assert first
    again = plan_meetings(engine, MeetingOptions(solver=MeetingSolver.GREEDY, limits=OPTIONS.limits, previous=first))
    assert isinstance(again.replan, ReplanReport)
    assert again.replan == compare(tiny_event, first, again.meetings)
    assert again.replan.unchanged and len(again.replan.kept) == len(first)
    entry = again.summary()["replan"]
    assert set(entry) == REPLAN_KEYS and entry == again.replan.as_summary()
    assert entry["summary"] == f"{len(first)} kept, 0 moved, 0 dropped, {len(again.replan.new)} new"


def test_an_empty_previous_schedule_is_still_a_replan(tiny_event: Event, embedder: Embedder) -> None:
    plan = plan_meetings(
        MatchEngine.build(tiny_event, embedder),
        MeetingOptions(solver=MeetingSolver.GREEDY, limits=OPTIONS.limits, previous=()),
    )
    assert plan.replan is not None and plan.replan.kept == () and len(plan.replan.new) == len(plan.meetings)
