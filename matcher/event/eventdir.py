"""Reading an event directory from disk: the I/O edge of validation (checks: :mod:`~matcher.event.validate`)."""

from __future__ import annotations

from pathlib import Path

from matcher.errors import InvalidInput, Problem
from matcher.event.schema import Event
from matcher.event.validate import parse_event


def read_event_files(directory: Path) -> dict[str, bytes]:
    """The raw bytes of every ``*.csv`` file of an event directory, by file name."""
    if not directory.is_dir():
        raise InvalidInput(
            f"'{directory}' is not a directory",
            (Problem(str(directory), None, None, "give the path of an event directory holding participants.csv"),),
        )
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.csv")) if path.is_file()}


def load_event(directory: Path) -> Event:
    """Read and validate an event directory; :class:`InvalidInput` lists every problem found."""
    directory = Path(directory)
    return parse_event(read_event_files(directory), name=directory.resolve().name)
