"""Mentor programme end to end: real model, real index, real OR-Tools, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from matcher.cli.app import app
from matcher.embed import Embedder
from matcher.event.schema import Event, Role
from matcher.matching.engine import MatchEngine
from matcher.mentoring.plan import MentorOptions, plan_mentors
from matcher.mentoring.problem import check
from tests.builders import rows

runner = CliRunner()


def english_for_s2(event_dir: Path) -> Path:
    csv_file = event_dir / "participants.csv"
    text = csv_file.read_text(encoding="utf-8").replace("Pixelwerk,DE,de,", "Pixelwerk,DE,de;en,")
    csv_file.write_text(text, encoding="utf-8")
    return event_dir


def test_startup_without_any_allowed_mentor_is_infeasible(event_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "assign",
            "mentors",
            "--event",
            str(event_copy),
            "--out",
            str(out),
            "--per-startup",
            "1",
            "--store",
            str(tmp_path / "store"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "[startup_demand]" in result.output and "'s2' has 0 candidate mentor(s)" in result.output
    assert not out.exists()


def test_capacity_shortfall_names_the_numbers(event_copy: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "assign",
            "mentors",
            "--event",
            str(english_for_s2(event_copy)),
            "--out",
            str(tmp_path / "o"),
            "--per-startup",
            "3",
            "--store",
            str(tmp_path / "store"),
        ],
    )
    assert result.exit_code == 2
    assert "3 startups x 3 = 9 > total capacity 6" in result.output


def test_mentor_programme_outputs(event_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    event_dir = english_for_s2(event_copy)
    result = runner.invoke(
        app,
        [
            "assign",
            "mentors",
            "--event",
            str(event_dir),
            "--out",
            str(out),
            "--per-startup",
            "1",
            "--store",
            str(tmp_path / "store"),
        ],
    )
    assert result.exit_code == 0, result.output
    assigned = rows(out / "assignments.csv")
    assert sorted(r["startup_id"] for r in assigned) == ["s1", "s2", "s3"]
    forbidden = {("s2", "m2"), ("s3", "m3")}
    assert not {(r["startup_id"], r["mentor_id"]) for r in assigned} & forbidden
    assert all(r["explanation"].startswith("score ") for r in assigned)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal" and summary["objective"] <= summary["bound"] + 1e-9
    assert sum(summary["mentor_load_histogram"].values()) == 3
    assert {"min", "mean"} <= set(summary["per_startup_total_affinity"])


def test_own_scores_file(event_copy: Path, tmp_path: Path) -> None:
    event_dir = english_for_s2(event_copy)
    scores = tmp_path / "scores.csv"
    scores.write_text("s1,m1,0.9\ns1,m2,0.1\ns2,m1,0.8\ns2,m3,0.7\ns3,m1,0.2\ns3,m2,0.6\ns2,m2,5.0\n")
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "assign",
            "mentors",
            "--event",
            str(event_dir),
            "--out",
            str(out),
            "--per-startup",
            "1",
            "--scores",
            str(scores),
            "--store",
            str(tmp_path / "store"),
        ],
    )
    assert result.exit_code == 0, result.output
    # m1 has capacity 2: s1-m1 0.9 + s2-m1 0.8 + s3-m2 0.6 = 2.3 is the optimum; s2-m2 is a conflict and dropped.
    assert {(r["startup_id"], r["mentor_id"]) for r in rows(out / "assignments.csv")} == {
        ("s1", "m1"),
        ("s2", "m1"),
        ("s3", "m2"),
    }
    assert "1 excluded by hard filters" in result.output
    scores.write_text("s1,m1,high\ns1,zz,0.1\n")
    bad = runner.invoke(
        app,
        [
            "assign",
            "mentors",
            "--event",
            str(event_dir),
            "--out",
            str(out),
            "--scores",
            str(scores),
            "--store",
            str(tmp_path / "store"),
        ],
    )
    assert bad.exit_code == 1 and "scores.csv:1:score: 'high' is not a number" in bad.output


def test_top_n_too_small_is_widened(sample_event: Event, embedder: Embedder) -> None:
    engine = MatchEngine.build(sample_event, embedder)
    plan = plan_mentors(engine, MentorOptions(per_startup=1, top_n=1))
    assert plan.top_n_used is not None and plan.top_n_used > 1
    assert any("widened" in note for note in plan.notes)
    assert check(plan.problem, plan.assignments) == ()
    assert len(plan.assignments) == len(sample_event.with_role(Role.STARTUP))
