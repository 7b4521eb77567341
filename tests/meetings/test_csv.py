"""The one meetings CSV codec: its header, the writer and the reader agree, and ``import csv`` is still the stdlib."""

from __future__ import annotations

import csv
import importlib
import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import matcher.meetings
from matcher.event.schema import Event
from matcher.meetings.csv import MEETING_COLUMNS, REQUIRED_COLUMNS, meeting_row, meetings_csv, parse_meetings_csv
from matcher.meetings.model import Meeting, Origin
from tests.builders import slots

EVENT = Event(name="codec", participants=(), slots=slots(3))
ids = st.text(alphabet="abcxyz019-_ ,\"'é", min_size=1, max_size=6).map(str.strip).filter(bool)
meetings = st.lists(
    st.builds(
        Meeting,
        st.sampled_from(["S1", "S2", "S3"]),
        ids,
        ids,
        ids,
        st.sampled_from(list(Origin)),
        st.floats(min_value=-1, max_value=1, allow_nan=False),
    ),
    max_size=8,
)


def test_stdlib_csv_is_not_shadowed_in_the_meetings_package() -> None:
    stdlib = Path(csv.__file__).resolve()
    for path in sorted(Path(matcher.meetings.__file__).parent.glob("*.py")):
        if path.stem != "__init__" and "import csv" in path.read_text(encoding="utf-8"):
            module = importlib.import_module(f"matcher.meetings.{path.stem}")
            assert Path(module.csv.__file__).resolve() == stdlib, path.name
    assert Path(importlib.import_module("matcher.meetings.csv").csv.__file__).resolve() == stdlib


@given(meetings)
def test_what_the_writer_writes_the_reader_reads_back(schedule: list[Meeting]) -> None:
    text = meetings_csv(EVENT, schedule)
    header = next(csv.reader(io.StringIO(text)))
    assert tuple(header) == MEETING_COLUMNS
    back = parse_meetings_csv(text)
    rounded = [Meeting(m.slot_id, m.table_id, m.a_id, m.b_id, m.origin, round(m.score, 6)) for m in schedule]
    assert sorted(back, key=repr) == sorted(rounded, key=repr)
    order = [s.slot_id for s in EVENT.slots]
    assert [order.index(m.slot_id) for m in back] == sorted(order.index(m.slot_id) for m in back)


def test_rows_carry_the_slot_times_and_the_reader_needs_only_the_ids() -> None:
    m = Meeting("S2", "T1", "s1", "i1", Origin.PENDING, 0.25)
    row = dict(zip(MEETING_COLUMNS, meeting_row(m, EVENT.slots[1]), strict=True))
    assert (row["start"], row["end"]) == (EVENT.slots[1].start.isoformat(), EVENT.slots[1].end.isoformat())
    assert meeting_row(m, None)[1:3] == ("", "")
    assert tuple(c for c in MEETING_COLUMNS if c not in ("start", "end", "origin", "score")) == REQUIRED_COLUMNS
    assert parse_meetings_csv(",".join(REQUIRED_COLUMNS) + "\nS2,T1,s1,i1\n") == (
        Meeting("S2", "T1", "s1", "i1", Origin.SUGGESTED, 0.0),
    )
