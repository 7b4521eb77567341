"""The database schema (SQLAlchemy ORM): events and their contents, API keys, jobs and their results.

Portable SQL only (SQLite and PostgreSQL run the same code): integer surrogate keys, ``ON DELETE CASCADE`` foreign
keys from every row to its event (and to the participants it names), JSON columns for lists, no reserved words as
names. Date-times of slots and sessions are stored as ISO 8601 text, so their UTC offsets survive every backend.
Alembic migrations (``service/migrations``) create exactly this metadata; a test checks they agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID_LENGTH = 128

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC date-time on every backend (SQLite drops the offset; it is restored on read)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with constraint names that are the same on every backend."""

    metadata = MetaData(naming_convention=NAMING)


def _event_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)


def _participant_fk(nullable: bool = False) -> Mapped[Any]:
    return mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True, nullable=nullable)


class EventRow(Base):
    """An event: its id in URLs (``slug``), name, embedding model and settings (JSON)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    model: Mapped[str] = mapped_column(String(300))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ParticipantRow(Base):
    """A row of ``participants.csv``; ``position`` keeps the file's order."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("event_id", "pid", name="uq_participants_event_pid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = _event_fk()
    pid: Mapped[str] = mapped_column(String(ID_LENGTH))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(16))
    organisation: Mapped[str] = mapped_column(String(300), default="")
    country: Mapped[str] = mapped_column(String(2))
    languages: Mapped[list[str]] = mapped_column(JSON)
    sectors: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text)
    stage: Mapped[list[str]] = mapped_column(JSON)
    ticket_min_eur: Mapped[int | None] = mapped_column(BigInteger)
    ticket_max_eur: Mapped[int | None] = mapped_column(BigInteger)
    max_meetings: Mapped[int | None] = mapped_column(Integer)
    mentor_capacity: Mapped[int | None] = mapped_column(Integer)
    deals: Mapped[int | None] = mapped_column(Integer)
    attendance: Mapped[str] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(320))


class DocumentRow(Base):
    """A row of ``documents.csv``, in its participant's order."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = _participant_fk()
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text)


class TextKeyRow(Base):
    """Which participant uses which cached text (model, sha256): erasure deletes only vectors nobody else uses."""

    __tablename__ = "participant_texts"
    __table_args__ = (Index("ix_participant_texts_model_key", "model", "text_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = _participant_fk()
    model: Mapped[str] = mapped_column(String(300))
    text_key: Mapped[bytes] = mapped_column(LargeBinary(32))


class SlotRow(Base):
    """A row of ``slots.csv`` (times as ISO 8601 text with their offsets)."""

    __tablename__ = "slots"
    __table_args__ = (UniqueConstraint("event_id", "slot_id", name="uq_slots_event_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = _event_fk()
    slot_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    starts_at: Mapped[str] = mapped_column(String(40))
    ends_at: Mapped[str] = mapped_column(String(40))


class TableRow(Base):
    """A row of ``tables.csv``; the host is a participant (cleared when it is erased)."""

    __tablename__ = "venue_tables"
    __table_args__ = (UniqueConstraint("event_id", "table_id", name="uq_venue_tables_event_table"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = _event_fk()
    table_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    name: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(16))
    host_id: Mapped[int | None] = mapped_column(
        ForeignKey("participants.id", ondelete="SET NULL"), index=True, nullable=True
    )


class AvailabilityRow(Base):
    """A row of ``availability.csv``."""

    __tablename__ = "availability"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = _event_fk()
    participant_id: Mapped[int] = _participant_fk()
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"), index=True)


class RequestRow(Base):
    """A meeting request (``requests.csv`` or sent over HTTP), one per ordered pair."""

    __tablename__ = "requests"
    __table_args__ = (UniqueConstraint("from_id", "to_id", name="uq_requests_from_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = _event_fk()
    from_id: Mapped[int] = _participant_fk()
    to_id: Mapped[int] = _participant_fk()
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConflictRow(Base):
    """A row of ``conflicts.csv``."""

    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = _event_fk()
    a_id: Mapped[int] = _participant_fk()
    b_id: Mapped[int] = _participant_fk()


class LockedRow(Base):
    """A row of ``locked.csv``."""

    __tablename__ = "locked_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = _event_fk()
    a_id: Mapped[int] = _participant_fk()
    b_id: Mapped[int] = _participant_fk()
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"), index=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("venue_tables.id", ondelete="CASCADE"), index=True)


class SessionRow(Base):
    """A row of ``sessions.csv`` (a pitching session)."""

    __tablename__ = "pitch_sessions"
    __table_args__ = (UniqueConstraint("event_id", "session_id", name="uq_pitch_sessions_event_session"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = _event_fk()
    session_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    starts_at: Mapped[str] = mapped_column(String(40))
    ends_at: Mapped[str] = mapped_column(String(40))
    room: Mapped[str] = mapped_column(String(300), default="")
    max_pitches: Mapped[int] = mapped_column(Integer)
    min_jury: Mapped[int] = mapped_column(Integer)
    max_jury: Mapped[int] = mapped_column(Integer)
    theme: Mapped[str | None] = mapped_column(Text)


class ApiKeyRow(Base):
    """An API key: only its public prefix and the sha256 of the whole key are stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = _participant_fk(nullable=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JobRow(Base):
    """A schedule job: kind, options, status, progress, and its summary or error (JSON)."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    event_id: Mapped[int] = _event_fk()
    kind: Mapped[str] = mapped_column(String(16))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JobItemRow(Base):
    """One row of a job's result: a meeting, a mentor assignment, a pitch or a jury seat."""

    __tablename__ = "job_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    a_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    b_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)
    slot_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    table_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    origin: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    explanation: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
