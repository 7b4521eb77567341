"""The meeting schedule end to end on the tiny event: real model, CP-SAT and greedy, check, agendas, re-planning."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner

from matcher.cli.app import app
from tests.conftest import TINY

runner = CliRunner()


def schedule(event: Path, out: Path, store: Path, *extra: str) -> str:
    result = runner.invoke(
        app,
        [
            "schedule",
            "meetings",
            "--event",
            str(event),
            "--out",
            str(out),
            "--store",
            str(store),
            "--time-limit",
            "10",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("solver", ["cpsat", "greedy"])
def test_schedule_check_and_agendas(solver: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    schedule(TINY, out, tmp_path / "store", "--solver", solver)
    with (out / "meetings.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and set(rows[0]) == {"slot_id", "start", "end", "table_id", "a_id", "b_id", "origin", "score"}
    locked = [r for r in rows if r["origin"] == "locked"]
    assert [(r["a_id"], r["b_id"], r["slot_id"], r["table_id"]) for r in locked] == [("s1", "i1", "S1", "T1")]
    checked = runner.invoke(app, ["check", "--event", str(TINY), "--meetings", str(out / "meetings.csv")])
    assert checked.exit_code == 0, checked.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {"status", "objective", "bound", "gap", "solve_seconds", "meetings_by_origin"} <= set(summary)
    assert {"min", "median", "max"} == set(summary["meetings_per_participant"])
    people = {r["a_id"] for r in rows} | {r["b_id"] for r in rows}
    assert {p.stem for p in (out / "agendas").glob("*.ics")} == people
    for path in (out / "agendas").glob("*.ics"):
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        events = cal.walk("VEVENT")
        assert len(events) == sum(path.stem in (r["a_id"], r["b_id"]) for r in rows)
        for vevent in events:
            assert vevent.decoded("dtstart").utcoffset().total_seconds() == 0
            assert str(vevent["summary"]).startswith("Meeting with ")
    html = (out / "agenda.html").read_text(encoding="utf-8")
    assert "Organiser grid" in html and html.count('class="person"') == 9


def test_check_names_violations(tmp_path: Path) -> None:
    bad = tmp_path / "meetings.csv"
    bad.write_text(
        "slot_id,start,end,table_id,a_id,b_id,origin,score\n"
        "S1,,,T2,s2,i2,pending,0.5\n"  # s2 is available only in S2 and S3
        "S2,,,T2,s2,m2,suggested,0.5\n",  # s2 and m2 are in conflict
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", "--event", str(TINY), "--meetings", str(bad)])
    assert result.exit_code == 1
    assert "availability" in result.output and "s2" in result.output and "S1" in result.output
    assert "forbidden" in result.output or "conflict" in result.output


def test_replan_without_change_moves_nothing(tmp_path: Path) -> None:
    first = tmp_path / "first"
    schedule(TINY, first, tmp_path / "store")
    again = schedule(TINY, tmp_path / "again", tmp_path / "store", "--previous", str(first / "meetings.csv"))
    assert "0 moved, 0 dropped" in again
    summary = json.loads((tmp_path / "again" / "summary.json").read_text(encoding="utf-8"))
    assert summary["replan"]["moved"] == [] and summary["replan"]["dropped"] == []


def test_replan_after_a_cancellation_reports_the_drop(tmp_path: Path) -> None:
    event = tmp_path / "event"
    shutil.copytree(TINY, event)
    first = tmp_path / "first"
    schedule(event, first, tmp_path / "store")
    with (first / "meetings.csv").open(encoding="utf-8") as handle:
        had_s3 = any("s3" in (r["a_id"], r["b_id"]) for r in csv.DictReader(handle))
    assert had_s3
    for name in ("participants.csv", "requests.csv"):
        lines = (event / name).read_text(encoding="utf-8").splitlines()
        (event / name).write_text("\n".join(x for x in lines if "s3," not in x) + "\n", encoding="utf-8")
    output = schedule(event, tmp_path / "again", tmp_path / "store", "--previous", str(first / "meetings.csv"))
    assert "1 dropped" in output or "dropped" in output
    assert "s3" in output and "is not in the event" in output


def test_impossible_lock_exits_2(tmp_path: Path) -> None:
    event = tmp_path / "event"
    shutil.copytree(TINY, event)
    # s2 is available only in S2 and S3: a lock in S1 cannot be kept.
    (event / "locked.csv").write_text("a_id,b_id,slot_id,table_id\ns1,i1,S1,T1\ns2,i2,S1,T2\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["schedule", "meetings", "--event", str(event), "--out", str(tmp_path / "o"), "--store", str(tmp_path / "s")],
    )
    assert result.exit_code == 2, result.output
    assert "s2" in result.output and "S1" in result.output
    assert "09:" in result.output  # the lock's slot with its time, and what to change
    assert "availability.csv" in result.output or "move the lock" in result.output


def test_summary_reports_every_tier_and_each_unscheduled_accepted_request(tmp_path: Path) -> None:
    event = tmp_path / "event"
    shutil.copytree(TINY, event)
    requests = (event / "requests.csv").read_text(encoding="utf-8").rstrip("\n")
    # s3 comes in S2 and S3 only, m1 in S1 only: their accepted request cannot be met
    (event / "requests.csv").write_text(requests + "\ns3,m1,accepted\n", encoding="utf-8")
    availability = (event / "availability.csv").read_text(encoding="utf-8").rstrip("\n")
    (event / "availability.csv").write_text(availability + "\ns3,S2\ns3,S3\nm1,S1\n", encoding="utf-8")
    out = tmp_path / "out"
    printed = schedule(event, out, tmp_path / "store")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    tiers = [t["tier"] for t in summary["tiers"]]
    assert tiers == ["locked", "accepted", "coverage", "requested", "balance", "suggested"]
    assert summary["tier_order"] == "kept,accepted,coverage,requested,balance,suggested"
    for row in summary["tiers"]:
        assert row["bound"] is None or row["value"] <= row["bound"] + 1e-9
        assert row["proven"] == (row["bound"] is not None and row["value"] >= row["bound"] - 1e-9)
    assert "idle_gaps" in summary["tiers"][4]
    missing = {(u["a_id"], u["b_id"]): u for u in summary["unscheduled_accepted"]}
    assert missing[("s3", "m1")]["constraint"] == "availability"
    assert "no common free slot: s3 is available 09:20-10:00, m1 09:00-09:20" in missing[("s3", "m1")]["reason"]
    assert "tiers: locked" in printed and "s3-m1 (availability): no common free slot" in printed


def test_tier_order_option(tmp_path: Path) -> None:
    out = tmp_path / "out"
    schedule(TINY, out, tmp_path / "store", "--tiers", "coverage,accepted,requested,balance,suggested")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [t["tier"] for t in summary["tiers"]][1:3] == ["coverage", "accepted"]
    bad = runner.invoke(
        app,
        [
            "schedule",
            "meetings",
            "--event",
            str(TINY),
            "--out",
            str(out),
            "--store",
            str(tmp_path / "store"),
            "--tiers",
            "accepted,balance,coverage,requested,suggested",
        ],
    )
    assert bad.exit_code != 0 and "put coverage before balance" in bad.output
