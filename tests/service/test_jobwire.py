"""The job wire format: what jobs write a worker reads back; jobs and worker do not import each other."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from matcher.meetings.model import Meeting, Origin
from service.jobwire import job_payload, read_job
from service.schemas.jobs import MeetingJobOptions, MeetingsSchedule, MentorsSchedule
from tests.conftest import ROOT
from tests.service.helpers import settings_for

PREVIOUS = (
    Meeting("S1", "T1", "s1", "i1", Origin.LOCKED, 1 / 3),
    Meeting("S2", "O1", "s2", "m2", Origin.SUGGESTED, 0.0),
)


@pytest.mark.parametrize("previous", [None, (), PREVIOUS])
def test_a_payload_reads_back_as_written(tmp_path: Path, previous: tuple[Meeting, ...] | None) -> None:
    settings = settings_for(tmp_path)
    schedule = MeetingsSchedule(kind="meetings", options=MeetingJobOptions(previous_job="a" * 32, seed=7))
    payload = job_payload(settings, "j1", "tiny", schedule, previous)
    assert "admin_key" not in json.loads(payload)["settings"]
    job = read_job(payload)
    assert (job.job_id, job.slug, job.schedule, job.previous) == ("j1", "tiny", schedule, previous)
    assert job.settings.resolved_database_url == settings.resolved_database_url


def test_the_schedule_kind_survives_the_wire(tmp_path: Path) -> None:
    job = read_job(job_payload(settings_for(tmp_path), "j2", "tiny", MentorsSchedule(kind="mentors"), None))
    assert isinstance(job.schedule, MentorsSchedule) and job.previous is None


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (function-level and typing-only imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    return found


def test_jobs_and_worker_do_not_import_each_other() -> None:
    jobs, worker = _imports(ROOT / "service" / "jobs.py"), _imports(ROOT / "service" / "worker.py")
    assert "service.worker" not in jobs and "service.jobs" not in worker
    assert "service.jobwire" in jobs and "service.jobwire" in worker
    for lower in ("jobwire", "execute"):
        assert not {"service.jobs", "service.worker"} & _imports(ROOT / "service" / f"{lower}.py"), lower
