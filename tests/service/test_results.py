"""The service's CSV results have the CLI's columns, and a re-plan job reports what the CLI reports.

Each test runs the CLI and the service on the tiny event and compares what they write: the meetings CSV (written
by the CLI, served by the service, read back by ``parse_meetings_csv``), the mentor and pitch files, and the
``replan`` entry of a re-plan.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from matcher.cli.app import app
from matcher.embed import EmbeddingBackend
from matcher.event.eventdir import load_event as load_event_dir
from matcher.exports.tables import ASSIGNMENT_COLUMNS, JURY_COLUMNS, PITCH_COLUMNS, PITCH_DAY_COLUMNS
from matcher.meetings.csv import MEETING_COLUMNS, parse_meetings_csv
from matcher.meetings.model import Meeting
from service.schedules import RESULT_COLUMNS, meetings_of, result_csv
from service.schemas.jobs import JobItem, JobKind
from tests.conftest import TINY
from tests.service.helpers import ADMIN, client_for, csv_files, load_event, settings_for, wait_for_job

pytestmark = pytest.mark.slow  # worker processes: `make unit-fast` leaves them out

runner = CliRunner()
#: The CLI's solvers use 2 threads (``Limits``); the service's the same, so both solve the same way.
WORKERS = 2


@pytest.fixture()
def client(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, backend: EmbeddingBackend) -> Iterator[TestClient]:
    cache = tmp_path_factory.getbasetemp() / "service-cache" / "embeddings.sqlite"
    with client_for(settings_for(tmp_path, cache, solver_workers=WORKERS), backend) as c:
        load_event(c)
        yield c


def _cli(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


def _job(client: TestClient, kind: str, **options: object) -> dict[str, Any]:
    answer = client.post("/v1/events/tiny/schedules", json={"kind": kind, "options": options}, headers=ADMIN)
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["id"]
    assert wait_for_job(client, job_id, ADMIN)["status"] == "succeeded"
    result: dict[str, Any] = client.get(f"/v1/jobs/{job_id}/result", headers=ADMIN).json()
    return result


def _csv(client: TestClient, job_id: str) -> tuple[tuple[str, ...], list[dict[str, str]], str]:
    text = client.get(f"/v1/jobs/{job_id}/result.csv", headers=ADMIN).text
    header, rows = _table(text)
    return header, rows, text


def _table(text: str) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return tuple(reader.fieldnames or ()), rows


def _file(path: Path) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    return _table(path.read_text(encoding="utf-8"))


def _rounded(meetings: tuple[Meeting, ...]) -> set[Meeting]:
    return {Meeting(m.slot_id, m.table_id, m.a_id, m.b_id, m.origin, round(m.score, 6)) for m in meetings}


def test_the_meetings_csv_of_the_cli_and_the_service_round_trip_with_one_header(
    client: TestClient, tmp_path: Path
) -> None:
    out = tmp_path / "cli"
    store = str(tmp_path / "store")
    _cli("schedule", "meetings", "--event", str(TINY), "--out", str(out), "--store", store, "--time-limit", "10")
    cli_header, cli_rows = _file(out / "meetings.csv")
    result = _job(client, "meetings", time_limit_s=10)
    header, rows, text = _csv(client, result["job"]["id"])
    assert cli_header == MEETING_COLUMNS and header == RESULT_COLUMNS[JobKind.MEETINGS] == (*MEETING_COLUMNS, "status")
    items = [JobItem.model_validate(i) for i in result["items"]]
    served = parse_meetings_csv(text)
    assert _rounded(served) == _rounded(meetings_of(items)) and len(served) == len(rows) == len(items)
    written = parse_meetings_csv((out / "meetings.csv").read_text(encoding="utf-8"))
    assert len(written) == len(cli_rows) and written
    # given the event, the service writes the CLI's very rows (start and end included)
    event = load_event_dir(TINY)
    with_times = _table(result_csv(JobKind.MEETINGS, items, event))[1]
    assert all(r["start"] and r["end"] for r in with_times)
    cli_cells = {tuple(r[c] for c in MEETING_COLUMNS) for r in cli_rows}
    # the same event, seed and threads: the same schedule, so the very same cells
    assert _rounded(written) == _rounded(served)
    assert {tuple(r[c] for c in MEETING_COLUMNS) for r in with_times} == cli_cells
    # and the route serves exactly those rows: the CLI's cells, start and end included
    assert {tuple(r[c] for c in MEETING_COLUMNS) for r in rows} == cli_cells


def test_mentor_and_pitch_results_have_the_columns_of_the_cli_files(client: TestClient, tmp_path: Path) -> None:
    english = (TINY / "participants.csv").read_bytes().replace(b"Pixelwerk,DE,de,", b"Pixelwerk,DE,de;en,")
    event = tmp_path / "event"
    shutil.copytree(TINY, event)
    (event / "participants.csv").write_bytes(english)
    store = str(tmp_path / "store")
    _cli(
        "assign", "mentors", "--event", str(event), "--out", str(tmp_path / "m"), "--store", store, "--per-startup", "1"
    )
    _cli("schedule", "pitches", "--event", str(event), "--out", str(tmp_path / "p"), "--store", store)
    imported = client.post("/v1/events/tiny/import", files=csv_files(**{"participants.csv": english}), headers=ADMIN)
    assert imported.status_code == 200

    mentors = _job(client, "mentors", per_startup=1)
    cli_header, cli_rows = _file(tmp_path / "m" / "assignments.csv")
    header, rows, _ = _csv(client, mentors["job"]["id"])
    assert cli_header == ASSIGNMENT_COLUMNS and header == (*ASSIGNMENT_COLUMNS, "status")
    assert [r["startup_id"] for r in rows] == [i["a_id"] for i in mentors["items"]]
    assert {r["startup_id"] for r in rows} == {r["startup_id"] for r in cli_rows}

    pitches = _job(client, "pitches", time_limit_s=10)
    assert _file(tmp_path / "p" / "pitches.csv")[0] == PITCH_COLUMNS
    assert _file(tmp_path / "p" / "juries.csv")[0] == JURY_COLUMNS
    header, rows, _ = _csv(client, pitches["job"]["id"])
    assert header == (*PITCH_DAY_COLUMNS, "status") and set(PITCH_COLUMNS) | set(JURY_COLUMNS) == set(header[:-1])
    kinds = [i["kind"] for i in pitches["items"]]
    for kind, row in zip(kinds, rows, strict=True):
        filled = {c for c in PITCH_DAY_COLUMNS if row[c]}
        assert filled == set(PITCH_COLUMNS if kind == "pitch" else JURY_COLUMNS), row
    served_pitches = sorted(tuple(r[c] for c in PITCH_COLUMNS) for r in rows if r["startup_id"])
    assert len(served_pitches) == pitches["summary"]["placed"]


def test_a_replan_job_reports_kept_moved_dropped_and_new_as_the_cli_does(client: TestClient, tmp_path: Path) -> None:
    first = _job(client, "meetings", time_limit_s=10)
    previous = tmp_path / "previous.csv"
    previous.write_text(_csv(client, first["job"]["id"])[2], encoding="utf-8")
    out = tmp_path / "again"
    store = str(tmp_path / "store")
    _cli("schedule", "meetings", "--event", str(TINY), "--out", str(out), "--store", store, "--time-limit", "10",
         "--previous", str(previous))  # fmt: skip
    cli = json.loads((out / "summary.json").read_text(encoding="utf-8"))["replan"]

    again = _job(client, "meetings", time_limit_s=10, previous_job=first["job"]["id"])
    assert "replan" not in first["summary"] and first["replan"] is None
    assert again["replan"] == again["summary"]["replan"]
    served = again["replan"]
    assert set(served) == set(cli) == {"summary", "kept", "moved", "dropped", "new"}
    assert served["kept"] + len(served["moved"]) + len(served["dropped"]) == len(first["items"])
    assert (served["kept"], served["moved"], served["dropped"]) == (cli["kept"], cli["moved"], cli["dropped"])
    assert served["new"] == cli["new"] and served["summary"] == cli["summary"]
