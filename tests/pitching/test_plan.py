"""Pitching day end to end through the CLI: real model, real index, real OR-Tools."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from matcher.cli.app import app
from tests.builders import rows
from tests.conftest import TINY

runner = CliRunner()


def test_pitching_day_places_startups_and_explains_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "schedule",
            "pitches",
            "--event",
            str(TINY),
            "--out",
            str(out),
            "--time-limit",
            "10",
            "--store",
            str(tmp_path / "store"),
        ],
    )
    assert result.exit_code == 0, result.output
    pitches = rows(out / "pitches.csv")
    juries = rows(out / "juries.csv")
    placed = {p["startup_id"] for p in pitches}
    assert placed == {"s1", "s3"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [u["startup_id"] for u in summary["unplaced"]] == ["s2"]  # speaks only German; no investor does
    # P1 and P2 overlap: no investor sits in both.
    seats = [(j["session_id"], j["investor_id"]) for j in juries]
    assert len({inv for _, inv in seats}) == len(seats)
