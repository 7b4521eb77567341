"""Validation of an event's CSV files: every problem at once, each with file, row, column and what to change.

:func:`parse_event` is pure: it takes the raw bytes of each file (from a directory, an HTTP upload or a test) and
returns a frozen :class:`~matcher.event.schema.Event`, or raises :class:`~matcher.errors.InvalidInput` listing all
problems.

Example
-------
>>> files = {"participants.csv": b"id,name,role,country,languages,description\\n"
...          b"s1,Lumen,startup,FR,fr;en,AR museum guides\\n"}
>>> parse_event(files, name="demo").participants[0].id
's1'
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from matcher.errors import InvalidInput, Problem
from matcher.event.schema import EVENT_FILES, Event, Record


@dataclass(frozen=True)
class Row:
    """A validated record and the line it started on (for messages that point back into the file)."""

    line: int
    record: Any


@dataclass(frozen=True)
class RawRow:
    """The stripped cells of a row, valid or not: ids of invalid rows still count for duplicates and references."""

    line: int
    cells: Mapping[str, str]


def _decode(file: str, data: bytes, problems: list[Problem]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                file,
                line,
                None,
                f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} at byte {exc.start}); "
                "save it as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
            )
        )
        return None


def _column_of(error: Mapping[str, Any], fields: set[str]) -> tuple[str | None, str]:
    """Find the column an error belongs to and turn pydantic's wording into what to change."""
    loc = error.get("loc", ())
    msg = str(error.get("msg", "")).removeprefix("Value error, ")
    column = str(loc[0]) if loc and str(loc[0]) in fields else None
    if column is None and ":" in msg:
        head, _, rest = msg.partition(":")
        if head.strip() in fields:
            return head.strip(), rest.strip()
    value = error.get("input")
    kind = error.get("type", "")
    shown = f"'{value}'" if isinstance(value, str) else repr(value)
    if kind == "enum":
        expected = str(error.get("ctx", {}).get("expected", "")).replace("'", "")
        msg = f"unknown {column} {shown}; use one of {expected}"
    elif kind in {"missing", "string_too_short"}:
        msg = "is empty; fill it in"
    elif kind == "too_short":
        msg = "is empty; give at least one value (separate several with ';')"
    elif kind == "string_pattern_mismatch":
        msg = f"{shown} is not a valid id; use letters, digits and . _ : - only, no spaces"
    elif kind.startswith("datetime"):
        msg = f"{shown} is not an ISO 8601 date-time; write it like 2026-12-10T09:00:00+01:00"
    elif kind in {"int_parsing", "int_type", "int_from_float"}:
        msg = f"{shown} is not a whole number; write digits only"
    elif kind == "greater_than_equal":
        msg = f"{shown} must be at least {error.get('ctx', {}).get('ge')}"
    elif kind == "string_too_long":
        msg = f"{shown} is too long (at most {error.get('ctx', {}).get('max_length')} characters)"
    return column, msg


def _parse_file(file: str, text: str, model: type[Record], problems: list[Problem]) -> tuple[list[Row], list[RawRow]]:
    fields = set(model.model_fields)
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        problems.append(Problem(file, None, None, "the file is empty; add a header row: " + ", ".join(fields)))
        return [], []
    except csv.Error as exc:
        problems.append(Problem(file, 1, None, f"cannot read the header ({exc}); check the quoting"))
        return [], []
    missing = sorted(required - set(header))
    for column in missing:
        problems.append(Problem(file, 1, column, f"missing column '{column}'; add it to the header row"))
    seen: set[str] = set()
    for column in header:
        if column in seen:
            problems.append(Problem(file, 1, column, f"column '{column}' appears twice; keep one"))
        seen.add(column)
        if column and column not in fields:
            close = difflib.get_close_matches(column, sorted(fields), n=1, cutoff=0.75)
            if close:
                problems.append(
                    Problem(file, 1, column, f"unknown column '{column}'; did you mean '{close[0]}'? rename it")
                )
    rows: list[Row] = []
    raw: list[RawRow] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(file, start, None, f"cannot read this row ({exc}); check the quotes"))
            break
        line = start
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                Problem(
                    file,
                    line,
                    None,
                    f"the row has {len(cells)} cells but the header has {len(header)}; quote cells that contain commas",
                )
            )
            continue
        data = {column: cell for column, cell in zip(header, cells, strict=False) if column in fields}
        raw.append(RawRow(line, {column: cell.strip() for column, cell in data.items()}))
        try:
            rows.append(Row(line, model.model_validate(data)))
        except ValidationError as exc:
            for error in exc.errors():
                where, msg = _column_of(error, fields)
                if error.get("type") == "missing" and where in missing:
                    continue  # already reported once, on the header
                problems.append(Problem(file, line, where, msg))
    return rows, raw


def _unique(file: str, rows: list[RawRow], key: str, what: str, problems: list[Problem]) -> set[str]:
    """Report duplicate values of ``key`` (valid rows or not) and return every value seen."""
    first: dict[str, int] = {}
    for row in rows:
        value = row.cells.get(key, "")
        if not value:
            continue
        if value in first:
            problems.append(
                Problem(
                    file,
                    row.line,
                    key,
                    f"duplicate {what} '{value}' (first on row {first[value]}); give each its own id",
                )
            )
        else:
            first[value] = row.line
    return set(first)


def _cross_checks(parsed: Mapping[str, list[Row]], raw: Mapping[str, list[RawRow]], problems: list[Problem]) -> None:
    people = _unique("participants.csv", raw.get("participants.csv", []), "id", "participant id", problems)
    slots = _unique("slots.csv", raw.get("slots.csv", []), "slot_id", "slot id", problems)
    tables = _unique("tables.csv", raw.get("tables.csv", []), "table_id", "table id", problems)
    _unique("sessions.csv", raw.get("sessions.csv", []), "session_id", "session id", problems)
    participant, slot, table = (people, "participant"), (slots, "slot"), (tables, "table")
    refs: dict[str, list[tuple[str, tuple[set[str], str]]]] = {
        "documents.csv": [("participant_id", participant)],
        "availability.csv": [("participant_id", participant), ("slot_id", slot)],
        "requests.csv": [("from_id", participant), ("to_id", participant)],
        "conflicts.csv": [("a_id", participant), ("b_id", participant)],
        "locked.csv": [("a_id", participant), ("b_id", participant), ("slot_id", slot), ("table_id", table)],
        "tables.csv": [("host_id", participant)],
    }
    sources = {"participant": "participants.csv", "slot": "slots.csv", "table": "tables.csv"}
    for file, columns in refs.items():
        for row in parsed.get(file, []):
            for column, (known, what) in columns:
                value = getattr(row.record, column)
                if value is not None and value not in known:
                    problems.append(
                        Problem(
                            file,
                            row.line,
                            column,
                            f"unknown {what} '{value}'; it must be a {what} id listed in {sources[what]}",
                        )
                    )
    seen_requests: dict[tuple[str, str], int] = {}
    for row in parsed.get("requests.csv", []):
        pair = (row.record.from_id, row.record.to_id)
        if pair in seen_requests:
            problems.append(
                Problem(
                    "requests.csv",
                    row.line,
                    "to_id",
                    f"duplicate request {pair[0]} -> {pair[1]} (first on row {seen_requests[pair]}); keep one row",
                )
            )
        else:
            seen_requests[pair] = row.line


def parse_event(files: Mapping[str, bytes], name: str = "event") -> Event:
    """Validate the raw bytes of an event's files and build the :class:`Event`.

    ``files`` maps file names (``participants.csv``...) to their content. Raises :class:`InvalidInput` with every
    problem found across all files; nothing is returned half-validated.
    """
    problems: list[Problem] = []
    for unknown in sorted(set(files) - set(EVENT_FILES)):
        close = difflib.get_close_matches(unknown, list(EVENT_FILES), n=1, cutoff=0.8)
        if close:
            problems.append(Problem(unknown, None, None, f"unknown file; did you mean '{close[0]}'? rename it"))
    parsed: dict[str, list[Row]] = {}
    raw: dict[str, list[RawRow]] = {}
    for file, (model, required) in EVENT_FILES.items():
        if file not in files:
            if required:
                columns = ", ".join(n for n, f in model.model_fields.items() if f.is_required())
                problems.append(Problem(file, None, None, f"missing; an event needs {file} with columns {columns}"))
            continue
        text = _decode(file, files[file], problems)
        if text is not None:
            parsed[file], raw[file] = _parse_file(file, text, model, problems)
    _cross_checks(parsed, raw, problems)
    if problems:
        raise InvalidInput(f"event '{name}' has {len(problems)} problem(s)", tuple(problems))

    def records(file: str) -> tuple[Any, ...]:
        return tuple(row.record for row in parsed.get(file, []))

    return Event(
        name=name,
        participants=records("participants.csv"),
        documents=records("documents.csv"),
        slots=records("slots.csv"),
        tables=records("tables.csv"),
        availability=records("availability.csv"),
        requests=records("requests.csv"),
        conflicts=records("conflicts.csv"),
        locked=records("locked.csv"),
        sessions=records("sessions.csv"),
    )
