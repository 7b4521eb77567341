"""Bad input: every error case gives its message with file, row and column, all at once, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli.app import app
from matcher.errors import InvalidInput, Problem
from matcher.event.validate import parse_event

HEADER = "id,name,role,organisation,country,languages,sectors,description,stage,ticket_min_eur,ticket_max_eur"
GOOD = "s1,Lumen,startup,Lumen,FR,fr;en,audio,Radio archives as podcast clips.,seed,800000,"
runner = CliRunner()


def problems_of(files: dict[str, bytes]) -> tuple[Problem, ...]:
    with pytest.raises(InvalidInput) as info:
        parse_event(files)
    return info.value.problems


def participants(*rows: str, header: str = HEADER) -> dict[str, bytes]:
    return {"participants.csv": ("\n".join([header, *rows]) + "\n").encode()}


def only(problems: tuple[Problem, ...]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_a_valid_file_parses() -> None:
    event = parse_event(participants(GOOD))
    assert event.participants[0].languages == ("fr", "en")


def test_missing_column_is_reported_on_the_header() -> None:
    p = only(
        problems_of(
            participants("s1,Lumen,startup,Lumen,FR,Radio.", header="id,name,role,organisation,country,description")
        )
    )
    assert (p.file, p.row, p.column) == ("participants.csv", 1, "languages")
    assert "missing column 'languages'" in p.message


def test_unknown_role_names_the_allowed_values() -> None:
    p = only(problems_of(participants(GOOD.replace("startup", "startupp", 1))))
    assert (p.row, p.column) == (2, "role")
    assert "startupp" in p.message and "mentor" in p.message


def test_duplicate_id_points_at_the_first_row() -> None:
    p = only(problems_of(participants(GOOD, GOOD.replace("Lumen,startup,Lumen", "Other,startup,Other"))))
    assert (p.row, p.column) == (3, "id")
    assert "duplicate participant id 's1' (first on row 2)" in p.message


@pytest.mark.parametrize(
    ("column", "bad", "needle"),
    [
        ("languages", "fr;xx", "ISO 639-1"),
        ("country", "XX", "ISO 3166-1"),
        ("description", "", "empty"),
        ("stage", "unicorn", "unknown stage"),
        ("ticket_min_eur", "lots", "whole number"),
    ],
)
def test_bad_cell(column: str, bad: str, needle: str) -> None:
    cells = GOOD.split(",")
    cells[HEADER.split(",").index(column)] = bad
    p = only(problems_of(participants(",".join(cells))))
    assert (p.row, p.column) == (2, column)
    assert needle in p.message


def test_ticket_min_above_max() -> None:
    row = "i1,Fund,investor,Fund,DE,en,audio,Seed fund.,seed,2000000,1000000"
    p = only(problems_of(participants(row)))
    assert (p.row, p.column) == (2, "ticket_min_eur")
    assert "above ticket_max_eur" in p.message


def test_request_and_document_naming_unknown_participants() -> None:
    files = participants(GOOD)
    files["requests.csv"] = b"from_id,to_id,status\ns1,m9,pending\n"
    files["documents.csv"] = b"participant_id,title,text\nzz,Talk,Some text.\n"
    found = {(p.file, p.row, p.column) for p in problems_of(files)}
    assert found == {("requests.csv", 2, "to_id"), ("documents.csv", 2, "participant_id")}


def test_slot_that_ends_before_it_starts() -> None:
    files = participants(GOOD)
    files["slots.csv"] = b"slot_id,start,end\nS1,2026-12-10T10:00:00+01:00,2026-12-10T09:40:00+01:00\n"
    p = only(problems_of(files))
    assert (p.file, p.row, p.column) == ("slots.csv", 2, "end")
    assert "before it starts" in p.message


def test_slot_without_offset() -> None:
    files = participants(GOOD)
    files["slots.csv"] = b"slot_id,start,end\nS1,2026-12-10T09:00:00,2026-12-10T09:20:00+01:00\n"
    assert "UTC offset" in only(problems_of(files)).message


def test_non_utf8_file_names_the_line() -> None:
    files = {"participants.csv": (HEADER + "\n" + GOOD + "\n").encode() + "s2,Café".encode("latin-1") + b"\n"}
    p = only(problems_of(files))
    assert (p.file, p.row) == ("participants.csv", 3)
    assert "UTF-8" in p.message


def test_missing_participants_file() -> None:
    p = only(problems_of({}))
    assert p.file == "participants.csv" and "missing" in p.message


def test_typo_in_a_column_name_suggests_the_right_one() -> None:
    header = HEADER.replace("languages", "langauges")
    found = problems_of(participants(GOOD, header=header))
    assert any("did you mean 'languages'" in p.message for p in found)


def test_all_problems_are_reported_at_once() -> None:
    files = participants(
        GOOD.replace("FR", "XX"),
        GOOD.replace("s1,", "s2,").replace("startup", "robot"),
        GOOD,
    )
    files["conflicts.csv"] = b"a_id,b_id\ns1,nobody\n"
    found = problems_of(files)
    assert {(p.file, p.row, p.column) for p in found} == {
        ("participants.csv", 2, "country"),
        ("participants.csv", 3, "role"),
        ("participants.csv", 4, "id"),
        ("conflicts.csv", 2, "b_id"),
    }


def test_cli_validate_exit_codes_and_nothing_written(event_copy: Path, tmp_path: Path) -> None:
    ok = runner.invoke(app, ["validate", "--event", str(event_copy)])
    assert ok.exit_code == 0, ok.output
    csv = event_copy / "participants.csv"
    csv.write_text(csv.read_text().replace("s2,Pixelwerk,startup", "s2,Pixelwerk,unicorn"), encoding="utf-8")
    bad = runner.invoke(app, ["validate", "--event", str(event_copy)])
    assert bad.exit_code == 1
    assert "participants.csv:3:role: unknown role 'unicorn'" in bad.output
    store = tmp_path / "store"
    for command in (["embed"], ["suggest", "--for", "s1", "--role", "mentor"]):
        result = runner.invoke(app, [*command, "--event", str(event_copy), "--store", str(store)])
        assert result.exit_code == 1
        assert "unknown role 'unicorn'" in result.output
    assert not store.exists()


def test_the_sample_event_is_valid() -> None:
    from tests.conftest import SAMPLE

    result = runner.invoke(app, ["validate", "--event", str(SAMPLE)])
    assert result.exit_code == 0, result.output
