"""Typed records of an event: one pydantic model per CSV file row, and the frozen :class:`Event` that holds them.

These are the edge types: CSV cells (strings) and JSON bodies are validated into them, and the rest of the engine
reads them but never changes them (every model is frozen). List cells use ``;`` as the separator.

Example
-------
>>> p = Participant.model_validate({"id": "s1", "name": "Lumen", "role": "startup", "country": "fr",
...     "languages": "fr;en", "sectors": "Games; XR", "description": "AR museum guides.", "stage": "seed"})
>>> p.country, p.languages, p.sectors, p.startup_stage.value
('FR', ('fr', 'en'), ('games', 'xr'), 'seed')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

LIST_SEPARATOR = ";"


class Role(StrEnum):
    STARTUP = "startup"
    MENTOR = "mentor"
    INVESTOR = "investor"
    CORPORATE = "corporate"


class Stage(StrEnum):
    IDEA = "idea"
    PRE_SEED = "pre-seed"
    SEED = "seed"
    SERIES_A = "series-a"
    SERIES_B_PLUS = "series-b+"
    GROWTH = "growth"

    @property
    def rank(self) -> int:
        """Position in the funding ladder (idea = 0), used for stage distance."""
        return list(Stage).index(self)


class Attendance(StrEnum):
    ONSITE = "onsite"
    ONLINE = "online"
    HYBRID = "hybrid"


class TableKind(StrEnum):
    PHYSICAL = "physical"
    ONLINE = "online"


class RequestStatus(StrEnum):
    ACCEPTED = "accepted"
    PENDING = "pending"
    DECLINED = "declined"


#: Which roles a participant of each role is matched with.
COMPLEMENTARY: dict[Role, tuple[Role, ...]] = {
    Role.STARTUP: (Role.MENTOR, Role.INVESTOR, Role.CORPORATE),
    Role.MENTOR: (Role.STARTUP,),
    Role.INVESTOR: (Role.STARTUP,),
    Role.CORPORATE: (Role.STARTUP,),
}

_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[A-Za-z]{2,}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]*$")


def _empty_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _split_list(value: Any) -> Any:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(LIST_SEPARATOR) if part.strip())
    return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _integer(value: Any) -> Any:
    """Accept ``1500000``, ``1500000.0``, ``1_500_000`` and ``1 500 000``; leave other text for pydantic to reject."""
    value = _empty_to_none(value)
    if isinstance(value, str):
        cleaned = value.strip().replace("_", "").replace(" ", "")
        if re.fullmatch(r"\d+(\.0+)?", cleaned):
            return int(float(cleaned))
        raise ValueError(f"'{value}' is not a whole number; write digits only, e.g. 250000")
    return value


StrippedStr = Annotated[str, BeforeValidator(_strip)]
NonEmpty = Annotated[str, BeforeValidator(_strip), Field(min_length=1)]
Identifier = Annotated[str, BeforeValidator(_strip), Field(min_length=1, max_length=128, pattern=_ID.pattern)]
OptionalInt = Annotated[Annotated[int, Field(ge=0)] | None, BeforeValidator(_integer)]
StrList = Annotated[tuple[str, ...], BeforeValidator(_split_list)]
OptionalText = Annotated[str | None, BeforeValidator(_empty_to_none)]


class Record(BaseModel):
    """Base of every row model: frozen, unknown fields ignored, whitespace stripped."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True, use_enum_values=False)


class Participant(Record):
    """A row of ``participants.csv``: a startup, mentor, investor or corporate."""

    id: Identifier
    name: NonEmpty
    role: Role
    organisation: StrippedStr = ""
    country: NonEmpty
    languages: StrList = Field(min_length=1)
    sectors: StrList = ()
    description: NonEmpty
    stage: Annotated[tuple[Stage, ...], BeforeValidator(_split_list)] = ()
    ticket_min_eur: OptionalInt = None
    ticket_max_eur: OptionalInt = None
    max_meetings: OptionalInt = None
    mentor_capacity: OptionalInt = None
    deals: OptionalInt = None
    attendance: Annotated[Attendance, BeforeValidator(lambda v: _empty_to_none(v) or "onsite")] = Attendance.ONSITE
    timezone: OptionalText = None
    email: OptionalText = None

    @field_validator("organisation", mode="before")
    @classmethod
    def _organisation(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        code = value.upper()
        if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code; use e.g. DE, FR, ES, DK")
        return code

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for raw in value:
            code = raw.lower()
            if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
                raise ValueError(
                    f"'{raw}' is not an ISO 639-1 language code; use two letters such as en, fr, de, es, da"
                )
            if code not in out:
                out.append(code)
        return tuple(out)

    @field_validator("sectors")
    @classmethod
    def _sectors(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        out: list[str] = []
        for raw in value:
            tag = re.sub(r"\s+", "-", raw.strip().lower())
            if tag and tag not in out:
                out.append(tag)
        return tuple(out)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not an IANA time zone; use e.g. Europe/Berlin") from None
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError(f"'{value}' is not an e-mail address; write it as name@example.org or leave it empty")
        return value

    @model_validator(mode="after")
    def _role_fields(self) -> Participant:
        if self.role is Role.STARTUP and len(self.stage) > 1:
            raise ValueError("stage: a startup has one stage; keep one of " + ", ".join(self.stage))
        if (
            self.ticket_min_eur is not None
            and self.ticket_max_eur is not None
            and self.ticket_min_eur > self.ticket_max_eur
        ):
            raise ValueError(
                f"ticket_min_eur: {self.ticket_min_eur} is above ticket_max_eur {self.ticket_max_eur}; "
                "swap them or correct one"
            )
        if self.deals is not None and self.role is not Role.INVESTOR:
            raise ValueError(f"deals: only investors have a deal count; clear it for this {self.role.value}")
        if self.mentor_capacity is not None and self.role is not Role.MENTOR:
            raise ValueError(f"mentor_capacity: only mentors have one; clear it for this {self.role.value}")
        return self

    @property
    def startup_stage(self) -> Stage | None:
        return self.stage[0] if self.stage else None


class Document(Record):
    """A row of ``documents.csv``: a further text of a participant (past project, article, portfolio company)."""

    participant_id: Identifier
    title: StrippedStr = ""
    text: NonEmpty

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any) -> Any:
        return "" if value is None else value


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field}: '{value.isoformat()}' has no UTC offset; write it like 2026-12-10T09:00:00+01:00")
    return value


class Slot(Record):
    """A row of ``slots.csv``: a meeting time slot."""

    slot_id: Identifier
    start: datetime
    end: datetime

    @model_validator(mode="after")
    def _order(self) -> Slot:
        _aware(self.start, "start")
        _aware(self.end, "end")
        if self.end <= self.start:
            raise ValueError(f"end: the slot ends ({self.end.isoformat()}) before it starts; swap start and end")
        return self


class Table(Record):
    """A row of ``tables.csv``: a physical table or an online room, optionally kept all day by a host."""

    table_id: Identifier
    name: StrippedStr = ""
    kind: TableKind = TableKind.PHYSICAL
    host_id: Annotated[str | None, BeforeValidator(_empty_to_none)] = None

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        return _empty_to_none(value) or "physical"


class Availability(Record):
    """A row of ``availability.csv``: a participant with rows is available only in those slots."""

    participant_id: Identifier
    slot_id: Identifier


class MeetingRequest(Record):
    """A row of ``requests.csv``: ``from_id`` asked to meet ``to_id``."""

    from_id: Identifier
    to_id: Identifier
    status: RequestStatus

    @model_validator(mode="after")
    def _not_self(self) -> MeetingRequest:
        if self.from_id == self.to_id:
            raise ValueError(f"to_id: '{self.to_id}' requests a meeting with itself; remove the row")
        return self


class Conflict(Record):
    """A row of ``conflicts.csv``: two participants who must never be matched."""

    a_id: Identifier
    b_id: Identifier

    @model_validator(mode="after")
    def _not_self(self) -> Conflict:
        if self.a_id == self.b_id:
            raise ValueError(f"b_id: '{self.b_id}' is in conflict with itself; remove the row")
        return self


class LockedMeeting(Record):
    """A row of ``locked.csv``: a meeting the organiser fixed."""

    a_id: Identifier
    b_id: Identifier
    slot_id: Identifier
    table_id: Identifier

    @model_validator(mode="after")
    def _not_self(self) -> LockedMeeting:
        if self.a_id == self.b_id:
            raise ValueError(f"b_id: '{self.b_id}' cannot meet itself; correct a_id or b_id")
        return self


class PitchSession(Record):
    """A row of ``sessions.csv``: a pitching session with its capacity and jury size."""

    session_id: Identifier
    start: datetime
    end: datetime
    room: StrippedStr = ""
    max_pitches: int = Field(ge=1)
    min_jury: int = Field(default=1, ge=0)
    max_jury: int = Field(ge=1)
    theme: OptionalText = None

    @field_validator("room", mode="before")
    @classmethod
    def _room(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("max_pitches", "min_jury", "max_jury", mode="before")
    @classmethod
    def _ints(cls, value: Any) -> Any:
        return _integer(value)

    @model_validator(mode="after")
    def _consistent(self) -> PitchSession:
        _aware(self.start, "start")
        _aware(self.end, "end")
        if self.end <= self.start:
            raise ValueError(f"end: the session ends ({self.end.isoformat()}) before it starts; swap start and end")
        if self.min_jury > self.max_jury:
            raise ValueError(f"min_jury: {self.min_jury} is above max_jury {self.max_jury}; lower min_jury")
        return self

    def overlaps(self, other: PitchSession) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Event:
    """A whole validated event. Built by :func:`matcher.event.validate.parse_event`; never mutated."""

    name: str
    participants: tuple[Participant, ...]
    documents: tuple[Document, ...] = ()
    slots: tuple[Slot, ...] = ()
    tables: tuple[Table, ...] = ()
    availability: tuple[Availability, ...] = ()
    requests: tuple[MeetingRequest, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    locked: tuple[LockedMeeting, ...] = ()
    sessions: tuple[PitchSession, ...] = ()

    @cached_property
    def by_id(self) -> dict[str, Participant]:
        return {p.id: p for p in self.participants}

    @cached_property
    def documents_of(self) -> dict[str, tuple[Document, ...]]:
        grouped: dict[str, list[Document]] = {}
        for doc in self.documents:
            grouped.setdefault(doc.participant_id, []).append(doc)
        return {pid: tuple(docs) for pid, docs in grouped.items()}

    @cached_property
    def availability_of(self) -> dict[str, frozenset[str]]:
        """The slots each participant listed in availability.csv (participants without rows are absent)."""
        grouped: dict[str, set[str]] = {}
        for row in self.availability:
            grouped.setdefault(row.participant_id, set()).add(row.slot_id)
        return {pid: frozenset(slots) for pid, slots in grouped.items()}

    def participant(self, participant_id: str) -> Participant:
        """The participant with this id; :class:`~matcher.errors.UnknownName` if there is none."""
        from matcher.errors import UnknownName

        try:
            return self.by_id[participant_id]
        except KeyError:
            raise UnknownName(
                f"no participant '{participant_id}' in event '{self.name}'; check the id in participants.csv"
            ) from None

    def with_role(self, role: Role) -> tuple[Participant, ...]:
        return tuple(p for p in self.participants if p.role is role)


#: The event files, their row model, and whether the file must be present.
EVENT_FILES: dict[str, tuple[type[Record], bool]] = {
    "participants.csv": (Participant, True),
    "documents.csv": (Document, False),
    "slots.csv": (Slot, False),
    "tables.csv": (Table, False),
    "availability.csv": (Availability, False),
    "requests.csv": (MeetingRequest, False),
    "conflicts.csv": (Conflict, False),
    "locked.csv": (LockedMeeting, False),
    "sessions.csv": (PitchSession, False),
}
