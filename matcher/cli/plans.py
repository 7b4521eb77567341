"""Commands that solve plans: ``assign mentors``, ``schedule pitches``, ``schedule meetings``, ``check``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from matcher.cli.common import DEFAULT_REGISTRY, EventOpt, ModelOpt, OutOpt, RegistryOpt, StoreOpt, errors, fail
from matcher.embed.registry import load_registry
from matcher.event.eventdir import load_event
from matcher.exports.tables import write_meeting_plan, write_mentor_plan, write_pitch_plan
from matcher.meetings.check import check
from matcher.meetings.csv import parse_meetings_csv
from matcher.meetings.model import TIER_REASONS, Meeting, TierOrder
from matcher.meetings.plan import MeetingOptions, MeetingSolver, plan_meetings
from matcher.mentoring.plan import Fairness, MentorOptions, parse_scores, plan_mentors, plan_mentors_from_scores
from matcher.mentoring.registry import mentor_solver_name
from matcher.pitching.plan import plan_pitches
from matcher.solving.base import Limits
from matcher.workspace import Workspace

assign_app = typer.Typer(help="Capacity-constrained assignments.", no_args_is_help=True)
schedule_app = typer.Typer(help="Event schedules.", no_args_is_help=True)

TimeLimit = Annotated[float, typer.Option("--time-limit", min=0.1, help="Solver time limit in seconds.")]
Seed = Annotated[int, typer.Option("--seed", help="Random seed of the solver.")]


@assign_app.command("mentors")
def assign_mentors(
    event: EventOpt,
    out: OutOpt,
    per_startup: Annotated[int, typer.Option("--per-startup", min=1, help="Mentors per startup (K).")] = 3,
    mentor_capacity: Annotated[
        int, typer.Option("--mentor-capacity", min=0, help="Capacity of mentors without mentor_capacity.")
    ] = 3,
    top_n: Annotated[int, typer.Option("--top-n", min=1, help="Candidate mentors per startup from the index.")] = 50,
    fairness: Annotated[Fairness, typer.Option("--fairness", help="total, or maxmin (worst-off startup first).")] = (
        Fairness.TOTAL
    ),
    solver: Annotated[str | None, typer.Option("--solver", help="flow, maxmin or greedy (default: by --fairness).")] = (
        None
    ),
    scores: Annotated[
        Path | None, typer.Option("--scores", help="Precomputed affinity: startup_id,mentor_id,score rows, no header.")
    ] = None,
    time_limit: TimeLimit = 60.0,
    seed: Seed = 0,
    store: StoreOpt = Path("var"),
    model: ModelOpt = None,
    registry: RegistryOpt = DEFAULT_REGISTRY,
) -> None:
    """Give every startup exactly K mentors within the mentors' capacities (optimal min-cost flow by default)."""
    with errors():
        loaded = load_event(event)
        own = None
        if scores is not None:
            if not scores.is_file():
                fail(1, f"error: --scores {scores} is not a file")
            own = parse_scores(scores.read_text(encoding="utf-8"), scores.name)
        options = MentorOptions(
            per_startup=per_startup,
            default_capacity=mentor_capacity,
            top_n=top_n,
            fairness=fairness,
            solver=mentor_solver_name(solver) if solver else None,
            limits=Limits(time_limit_s=time_limit, seed=seed),
        )
        if own is not None and scores is not None:  # file scores: no model is loaded, nothing is embedded
            plan = plan_mentors_from_scores(loaded, options, own, scores.name)
        else:
            engine, _ = Workspace(store).engine(loaded, event, load_registry(registry), model)
            plan = plan_mentors(engine, options)
        write_mentor_plan(out, plan)
    summary = plan.summary()
    typer.echo(
        f"mentor programme: {summary['status']} ({summary['solver']}), {summary['assignments']} assignments for "
        f"{summary['startups']} startups, objective {_num(summary['objective'])}, bound {_num(summary['bound'])}, "
        f"{summary['solve_seconds']:.2f}s"
    )
    for note in summary["notes"]:
        typer.echo(f"  note: {note}")
    typer.echo(f"  wrote {out / 'assignments.csv'} and {out / 'summary.json'}")


@schedule_app.command("pitches")
def schedule_pitches(
    event: EventOpt,
    out: OutOpt,
    time_limit: TimeLimit = 30.0,
    seed: Seed = 0,
    theme_weight: Annotated[float, typer.Option("--theme-weight", min=0.0, help="Weight of startup-theme fit.")] = 1.0,
    store: StoreOpt = Path("var"),
    model: ModelOpt = None,
    registry: RegistryOpt = DEFAULT_REGISTRY,
) -> None:
    """Place each startup in one pitching session and seat investor juries (CP-SAT)."""
    with errors():
        loaded = load_event(event)
        engine, _ = Workspace(store).engine(loaded, event, load_registry(registry), model)
        plan = plan_pitches(engine, Limits(time_limit_s=time_limit, seed=seed), theme_weight)
        write_pitch_plan(out, plan)
    summary = plan.summary()
    typer.echo(
        f"pitching: {summary['status']}, {summary['placed']}/{summary['startups']} startups placed in "
        f"{summary['sessions']} sessions, objective {_num(summary['objective'])}, bound {_num(summary['bound'])}, "
        f"{summary['solve_seconds']:.1f}s"
    )
    for item in summary["unplaced"]:
        typer.echo(f"  unplaced {item['startup_id']}: {item['reason']}")
    typer.echo(f"  wrote {out / 'pitches.csv'}, {out / 'juries.csv'} and {out / 'summary.json'}")


@schedule_app.command("meetings")
def schedule_meetings(
    event: EventOpt,
    out: OutOpt,
    time_limit: TimeLimit = 60.0,
    previous: Annotated[
        Path | None, typer.Option("--previous", help="meetings.csv of an earlier run: re-plan, keeping what can stay.")
    ] = None,
    solver: Annotated[MeetingSolver, typer.Option("--solver", help="cpsat, or the greedy baseline.")] = (
        MeetingSolver.CPSAT
    ),
    suggestions: Annotated[
        int, typer.Option("--suggestions", min=0, help="Suggested partners per participant and role (top-N).")
    ] = 3,
    tiers: Annotated[
        str,
        typer.Option(
            "--tiers",
            help="The objective's tiers, highest priority first (locked meetings are always kept): "
            + "; ".join(f"{t.value}: {why}" for t, why in TIER_REASONS.items()),
        ),
    ] = str(TierOrder()),
    seed: Seed = 0,
    store: StoreOpt = Path("var"),
    model: ModelOpt = None,
    registry: RegistryOpt = DEFAULT_REGISTRY,
) -> None:
    """Schedule one-to-one meetings over slots x tables; write meetings.csv, summary.json, .ics agendas, agenda.html."""
    with errors():
        loaded = load_event(event)
        earlier = read_meetings(previous) if previous is not None else None
        engine, _ = Workspace(store).engine(loaded, event, load_registry(registry), model)
        options = MeetingOptions(
            tiers=TierOrder.parse(tiers),
            solver=solver,
            limits=Limits(time_limit_s=time_limit, seed=seed),
            suggestions_per_role=suggestions,
            previous=earlier,
        )
        plan = plan_meetings(engine, options)
        write_meeting_plan(out, loaded, plan)
    report = plan.replan
    s = plan.summary()
    spread = s["meetings_per_participant"]
    typer.echo(
        f"meetings: {s['status']} ({s['solver']}), {s['meetings']} meetings, objective {_num(s['objective'])}, bound "
        f"{_num(s['bound'])}, {s['solve_seconds']:.1f}s; per participant min/median/max {spread['min']}/"
        f"{spread['median']}/{spread['max']}; {s['zero_meetings']} with candidates but no meeting"
    )
    typer.echo(f"  by origin: {', '.join(f'{k} {v}' for k, v in s['meetings_by_origin'].items())}")
    typer.echo("  tiers: " + "; ".join(_tier_line(t) for t in s["tiers"]))
    missing = s["unscheduled_accepted"]
    if missing:
        typer.echo(f"  {len(missing)} accepted request(s) not scheduled:")
        for item in missing[:20]:
            typer.echo(f"    {item['a_id']}-{item['b_id']} ({item['constraint']}): {item['reason']}")
        if len(missing) > 20:
            typer.echo(f"    ... and {len(missing) - 20} more in summary.json")
    if report is not None:
        typer.echo(f"  re-plan: {report.summary()}")
        for line in report.lines()[:20]:
            typer.echo(f"    {line}")
    typer.echo(f"  wrote {out / 'meetings.csv'}, summary.json, agendas/*.ics and agenda.html")


def read_meetings(path: Path) -> tuple[Meeting, ...]:
    if not path.is_file():
        fail(1, f"error: {path} is not a file")
    return parse_meetings_csv(path.read_text(encoding="utf-8"), path.name)


def check_command(
    event: EventOpt,
    meetings: Annotated[Path, typer.Option("--meetings", help="A meetings.csv to check.")],
) -> None:
    """Check a meeting schedule against every hard constraint; list each violation by name, participant and slot."""
    with errors():
        loaded = load_event(event)
        found = check(loaded, read_meetings(meetings))
    for v in found:
        typer.echo(str(v))
    if found:
        fail(1, f"{len(found)} violation(s) in {meetings}")
    typer.echo(f"{meetings}: OK - no constraint violated")


def _tier_line(tier: dict[str, Any]) -> str:
    """``accepted 120 of at most 121`` / ``... (proven)`` / ``... (no bound)``, and the balance tier's gaps."""
    bound = tier["bound"]
    text = f"{tier['tier']} {tier['value']:g}"
    text += " (no bound)" if bound is None else " (proven optimal)" if tier["proven"] else f" of at most {bound:g}"
    return text + (f", {tier['idle_gaps']} idle gaps" if "idle_gaps" in tier else "")


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def register_plans(app: typer.Typer) -> None:
    app.command("check")(check_command)
    app.add_typer(assign_app, name="assign")
    app.add_typer(schedule_app, name="schedule")
