"""Commands that solve plans: ``assign mentors``, ``schedule pitches``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from matcher.cli_common import DEFAULT_REGISTRY, EventOpt, ModelOpt, OutOpt, RegistryOpt, StoreOpt, errors, fail
from matcher.embed.registry import load_registry
from matcher.eventdir import load_event
from matcher.exports.tables import write_mentor_plan, write_pitch_plan
from matcher.plans.mentors import Fairness, MentorOptions, parse_scores, plan_mentors
from matcher.plans.pitches import plan_pitches
from matcher.solvers.base import Limits
from matcher.solvers.registry import SolverName
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
            solver=SolverName(solver) if solver else None,
            limits=Limits(time_limit_s=time_limit, seed=seed),
        )
        engine, _ = Workspace(store).engine(loaded, event, load_registry(registry), model)
        plan = plan_mentors(engine, options, own, scores.name if scores else "scores")
        write_mentor_plan(out, plan)
    summary = plan.summary()
    typer.echo(
        f"mentor programme: {summary['status']} ({summary['solver']}), {summary['assignments']} assignments for "
        f"{summary['startups']} startups, objective {summary['objective']:.3f}, bound {summary['bound']}, "
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
        f"{summary['sessions']} sessions, objective {summary['objective']}, bound {summary['bound']}, "
        f"{summary['solve_seconds']:.1f}s"
    )
    for item in summary["unplaced"]:
        typer.echo(f"  unplaced {item['startup_id']}: {item['reason']}")
    typer.echo(f"  wrote {out / 'pitches.csv'}, {out / 'juries.csv'} and {out / 'summary.json'}")


def register_plans(app: typer.Typer) -> None:
    app.add_typer(assign_app, name="assign")
    app.add_typer(schedule_app, name="schedule")
