"""Loading mentor-expertise data in the format of the reviewer-paper expertise gold standard (Stelmakh et al.).

The layout is described in :mod:`benchmarks.expertise`; every malformed file raises
:class:`~matcher.errors.InvalidInput` naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.errors import InvalidInput, Problem
from matcher.event.schema import Document
from matcher.matching.profiles import document_text

SET_NAME = re.compile(r"d_20_(\d+)")
Key = tuple[str, str]  # (participant, paper)


@dataclass(frozen=True)
class Paper:
    id: str
    title: str
    abstract: str

    @property
    def text(self) -> str:
        """Title and abstract as one text, as the engine reads a document ('' when both are empty)."""
        body = self.abstract or self.title
        return document_text(Document(participant_id="paper", title=self.title, text=body)) if body else ""


@dataclass(frozen=True)
class Rating:
    participant: str
    paper: str
    expertise: float


@dataclass(frozen=True)
class ExpertiseSet:
    """One ``d_20_<n>`` directory: the participants' archives and the rated papers."""

    name: str
    archives: Mapping[str, tuple[Paper, ...]]
    submissions: Mapping[str, Paper]


@dataclass(frozen=True)
class Dataset:
    ratings: tuple[Rating, ...]
    sets: tuple[ExpertiseSet, ...]

    @property
    def participants(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.participant for r in self.ratings))


# -- loading -----------------------------------------------------------------------------------------------------


def _invalid(path: Path, line: int | None, column: str | None, message: str) -> InvalidInput:
    return InvalidInput(f"{path.name} is malformed", (Problem(str(path), line, column, message),))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _invalid(path, None, None, f"cannot read it: {exc}") from exc


def _field(content: Mapping[str, Any], name: str) -> str:
    """A content field as text: plain, or OpenReview's ``{"value": ...}``; missing or null is ''."""
    value = content.get(name)
    if isinstance(value, Mapping):
        value = value.get("value")
    return value.strip() if isinstance(value, str) else ""


def _paper(obj: object, path: Path, line: int | None, column: str | None = None) -> Paper:
    if not isinstance(obj, Mapping) or "id" not in obj or not isinstance(obj.get("content", {}), Mapping):
        raise _invalid(path, line, column, 'expected {"id": ..., "content": {"title": ..., "abstract": ...}}')
    content = obj.get("content", {})
    return Paper(str(obj["id"]), _field(content, "title"), _field(content, "abstract"))


def load_archive(path: Path) -> tuple[Paper, ...]:
    """The papers of an archive file (JSON lines; blank lines skipped)."""
    papers = []
    for line, raw in enumerate(_read(path).splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise _invalid(path, line, None, f"not valid JSON ({exc.msg}); write one paper object per line") from exc
        papers.append(_paper(obj, path, line))
    return tuple(papers)


def load_submissions(path: Path) -> dict[str, Paper]:
    """The papers of ``submissions.json``, by id."""
    try:
        data = json.loads(_read(path))
    except json.JSONDecodeError as exc:
        raise _invalid(path, exc.lineno, None, f"not valid JSON ({exc.msg})") from exc
    if not isinstance(data, Mapping):
        raise _invalid(path, 1, None, "expected an object {paper_id: paper}")
    return {str(key): _paper(value, path, None, str(key)) for key, value in data.items()}


def _expertise(value: str, path: Path, line: int, column: str) -> float:
    """A rating: any number from 1 to 5 (the real data has quarter steps: ``1.0``, ``4.5``, ``3.25``)."""
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 1 <= number <= 5:  # also false for nan
        raise _invalid(path, line, column, f"'{value}' is not an expertise rating; write a number from 1 to 5")
    return number


def load_ratings(path: Path) -> tuple[Rating, ...]:
    """The ratings of ``evaluations.csv``; a paper or expertise cell left empty drops that rating."""
    ratings: dict[Key, Rating] = {}
    reader = csv.reader(_read(path).splitlines(), delimiter="\t")
    header = [h.strip() for h in next(reader, [])]
    slots = [k for k in range(1, 100) if f"Paper{k}" in header]
    missing = [c for c in ("ParticipantID", *(f"Expertise{k}" for k in slots)) if c not in header]
    if missing or not slots:
        raise _invalid(path, 1, None, f"the header lacks {', '.join(missing) or 'Paper1'}; use tab-separated columns")
    for row in reader:
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        person = cells.get("ParticipantID", "")
        if not person:
            if any(row):
                raise _invalid(path, reader.line_num, "ParticipantID", "empty; every row names its participant")
            continue
        for k in slots:
            paper, value = cells.get(f"Paper{k}", ""), cells.get(f"Expertise{k}", "")
            if paper and value:
                rating = Rating(person, paper, _expertise(value, path, reader.line_num, f"Expertise{k}"))
                ratings.setdefault((person, paper), rating)  # a repeated paper keeps its first rating
    return tuple(ratings.values())


def _archive_path(directory: Path, participant: str) -> Path:
    """``archives/~<ParticipantID>.jsonl`` (one tilde, whether or not the id already starts with one)."""
    return directory / "archives" / f"~{participant.removeprefix('~')}.jsonl"


def set_directories(root: Path) -> list[Path]:
    """The ``d_20_<n>`` directories of a data directory, by ``n``."""
    found = [p for p in (root / "evaluation_datasets").glob("d_20_*") if p.is_dir() and SET_NAME.fullmatch(p.name)]
    return sorted(found, key=lambda p: int(p.name.rsplit("_", 1)[1]))


def missing_data(root: Path) -> str | None:
    """Why ``root`` holds no expertise data, or ``None`` when it looks complete."""
    if not (root / "data" / "evaluations.csv").is_file():
        return f"no expertise data at {root}: data/evaluations.csv is missing; pass --data DIR (see --help)"
    if not set_directories(root):
        return f"no expertise data at {root}: no evaluation_datasets/d_20_<n> directory; pass --data DIR"
    return None


def load_dataset(root: Path) -> Dataset:
    """Ratings and every set of a data directory; participants without an archive in a set are absent from it."""
    ratings = load_ratings(root / "data" / "evaluations.csv")
    people = tuple(dict.fromkeys(r.participant for r in ratings))
    sets = []
    for directory in set_directories(root):
        paths = {p: _archive_path(directory, p) for p in people}
        archives = {p: load_archive(path) for p, path in paths.items() if path.is_file()}
        sets.append(ExpertiseSet(directory.name, archives, load_submissions(directory / "submissions.json")))
    return Dataset(ratings, tuple(sets))
