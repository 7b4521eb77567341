"""Participants over HTTP: JSON lists where the CSV has ``;``-separated cells; the core validates the values.

:func:`to_records` turns a body into the core's frozen :class:`~matcher.event.schema.Participant` and
:class:`~matcher.event.schema.Document` records with the very validators ``matcher validate`` applies to CSV rows; a
problem is reported as :class:`~matcher.errors.InvalidInput` with file ``body`` and the column at fault.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError

from matcher.errors import InvalidInput, Problem
from matcher.event.schema import Attendance, Document, Identifier, Participant, Role, Stage
from service.schemas.common import Body

TEXT_MAX = 20_000


class DocumentIn(Body):
    """A further text of a participant (past project, article, portfolio company)."""

    title: str = Field(default="", max_length=500)
    text: str = Field(min_length=1, max_length=TEXT_MAX)


class ParticipantBase(Body):
    """The fields of ``participants.csv`` (without id and e-mail), lists as JSON arrays."""

    name: str = Field(min_length=1, max_length=300)
    role: Annotated[Role, Strict(False)]
    organisation: str = Field(default="", max_length=300)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2, e.g. DE.")
    languages: list[str] = Field(min_length=1, max_length=20, description="ISO 639-1 codes, e.g. ['de', 'en'].")
    sectors: list[str] = Field(default_factory=list, max_length=50)
    description: str = Field(min_length=1, max_length=TEXT_MAX)
    stage: list[Annotated[Stage, Strict(False)]] = Field(default_factory=list, max_length=6)
    ticket_min_eur: int | None = Field(default=None, ge=0, le=10**13)
    ticket_max_eur: int | None = Field(default=None, ge=0, le=10**13)
    max_meetings: int | None = Field(default=None, ge=0, le=1000)
    mentor_capacity: int | None = Field(default=None, ge=0, le=1000)
    deals: int | None = Field(default=None, ge=0, le=10**7, description="Investors: deals done (their activity).")
    attendance: Annotated[Attendance, Strict(False)] = Attendance.ONSITE
    timezone: str | None = Field(default=None, max_length=64, description="IANA time zone, e.g. Europe/Berlin.")


class ParticipantUpdate(ParticipantBase):
    """The body that replaces a participant's profile (its documents too)."""

    email: str | None = Field(default=None, max_length=320)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=50)


class ParticipantCreate(ParticipantUpdate):
    """The body that adds a participant to an event."""

    id: Identifier


class DocumentPublic(BaseModel):
    """A participant's document as shown."""

    title: str
    text: str


class ParticipantPublic(ParticipantBase):
    """A participant as shown to its organiser, or to itself."""

    model_config = ConfigDict(extra="ignore", strict=False)

    id: str
    email: str | None
    documents: list[DocumentPublic]

    @classmethod
    def of(cls, p: Participant, documents: tuple[Document, ...]) -> ParticipantPublic:
        data = p.model_dump(mode="json")
        return cls(**data, documents=[DocumentPublic(title=d.title, text=d.text) for d in documents])


def to_records(pid: str, body: ParticipantUpdate) -> tuple[Participant, tuple[Document, ...]]:
    """The core records of a body, validated as a CSV row would be; :class:`InvalidInput` lists every problem."""
    problems: list[Problem] = []
    data = body.model_dump(mode="json", exclude={"documents"})
    participant: Participant | None = None
    try:
        participant = Participant.model_validate({**data, "id": pid})
    except ValidationError as exc:
        problems.extend(_problems(exc, ""))
    documents: list[Document] = []
    for i, doc in enumerate(body.documents):
        try:
            documents.append(Document.model_validate({"participant_id": pid, "title": doc.title, "text": doc.text}))
        except ValidationError as exc:
            problems.extend(_problems(exc, f"documents[{i}]."))
    if problems or participant is None:
        raise InvalidInput(f"participant '{pid}' has {len(problems)} problem(s)", tuple(problems))
    return participant, tuple(documents)


def _problems(exc: ValidationError, prefix: str) -> list[Problem]:
    out = []
    for error in exc.errors():
        loc = ".".join(str(part) for part in error.get("loc", ()))
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        column = prefix + loc if loc else None
        if column is None and ":" in message:
            head, _, rest = message.partition(":")
            column, message = prefix + head.strip(), rest.strip()
        out.append(Problem("body", None, column, message))
    return out
