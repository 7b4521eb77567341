"""Initial schema: every table of the service (events and their contents, API keys, jobs and results).

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade the schema."""
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=300), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("slug", name=op.f("uq_events_slug")),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_jobs_event_id_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index("ix_jobs_event_id", "jobs", ["event_id"], unique=False)
    op.create_index("ix_jobs_status", "jobs", ["status"], unique=False)
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("pid", sa.String(length=128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("stage", sa.JSON(), nullable=False),
        sa.Column("ticket_min_eur", sa.BigInteger(), nullable=True),
        sa.Column("ticket_max_eur", sa.BigInteger(), nullable=True),
        sa.Column("max_meetings", sa.Integer(), nullable=True),
        sa.Column("mentor_capacity", sa.Integer(), nullable=True),
        sa.Column("deals", sa.Integer(), nullable=True),
        sa.Column("attendance", sa.String(length=16), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_participants_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
        sa.UniqueConstraint("event_id", "pid", name="uq_participants_event_pid"),
    )
    op.create_index("ix_participants_event_id", "participants", ["event_id"], unique=False)
    op.create_table(
        "pitch_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=128), nullable=False),
        sa.Column("starts_at", sa.String(length=40), nullable=False),
        sa.Column("ends_at", sa.String(length=40), nullable=False),
        sa.Column("room", sa.String(length=300), nullable=False),
        sa.Column("max_pitches", sa.Integer(), nullable=False),
        sa.Column("min_jury", sa.Integer(), nullable=False),
        sa.Column("max_jury", sa.Integer(), nullable=False),
        sa.Column("theme", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_pitch_sessions_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pitch_sessions")),
        sa.UniqueConstraint("event_id", "session_id", name="uq_pitch_sessions_event_session"),
    )
    op.create_index("ix_pitch_sessions_event_id", "pitch_sessions", ["event_id"], unique=False)
    op.create_table(
        "slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.String(length=128), nullable=False),
        sa.Column("starts_at", sa.String(length=40), nullable=False),
        sa.Column("ends_at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_slots_event_id_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slots")),
        sa.UniqueConstraint("event_id", "slot_id", name="uq_slots_event_slot"),
    )
    op.create_index("ix_slots_event_id", "slots", ["event_id"], unique=False)
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_api_keys_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_api_keys_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    op.create_index("ix_api_keys_event_id", "api_keys", ["event_id"], unique=False)
    op.create_index("ix_api_keys_participant_id", "api_keys", ["participant_id"], unique=False)
    op.create_table(
        "availability",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_availability_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_availability_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["slots.id"], name=op.f("fk_availability_slot_id_slots"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability")),
    )
    op.create_index("ix_availability_event_id", "availability", ["event_id"], unique=False)
    op.create_index("ix_availability_participant_id", "availability", ["participant_id"], unique=False)
    op.create_index("ix_availability_slot_id", "availability", ["slot_id"], unique=False)
    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("a_id", sa.Integer(), nullable=False),
        sa.Column("b_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["a_id"], ["participants.id"], name=op.f("fk_conflicts_a_id_participants"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["b_id"], ["participants.id"], name=op.f("fk_conflicts_b_id_participants"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_conflicts_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflicts")),
    )
    op.create_index("ix_conflicts_a_id", "conflicts", ["a_id"], unique=False)
    op.create_index("ix_conflicts_b_id", "conflicts", ["b_id"], unique=False)
    op.create_index("ix_conflicts_event_id", "conflicts", ["event_id"], unique=False)
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_documents_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    op.create_index("ix_documents_participant_id", "documents", ["participant_id"], unique=False)
    op.create_table(
        "job_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("a_id", sa.String(length=128), nullable=False),
        sa.Column("b_id", sa.String(length=128), nullable=True),
        sa.Column("slot_id", sa.String(length=128), nullable=True),
        sa.Column("table_id", sa.String(length=128), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_job_items_job_id_jobs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_items")),
    )
    op.create_index("ix_job_items_a_id", "job_items", ["a_id"], unique=False)
    op.create_index("ix_job_items_b_id", "job_items", ["b_id"], unique=False)
    op.create_index("ix_job_items_job_id", "job_items", ["job_id"], unique=False)
    op.create_table(
        "participant_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=300), nullable=False),
        sa.Column("text_key", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_participant_texts_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_texts")),
    )
    op.create_index("ix_participant_texts_model_key", "participant_texts", ["model", "text_key"], unique=False)
    op.create_index("ix_participant_texts_participant_id", "participant_texts", ["participant_id"], unique=False)
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=False),
        sa.Column("to_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_requests_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["from_id"], ["participants.id"], name=op.f("fk_requests_from_id_participants"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["to_id"], ["participants.id"], name=op.f("fk_requests_to_id_participants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
        sa.UniqueConstraint("from_id", "to_id", name="uq_requests_from_to"),
    )
    op.create_index("ix_requests_event_id", "requests", ["event_id"], unique=False)
    op.create_index("ix_requests_from_id", "requests", ["from_id"], unique=False)
    op.create_index("ix_requests_to_id", "requests", ["to_id"], unique=False)
    op.create_table(
        "venue_tables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_venue_tables_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["host_id"], ["participants.id"], name=op.f("fk_venue_tables_host_id_participants"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_tables")),
        sa.UniqueConstraint("event_id", "table_id", name="uq_venue_tables_event_table"),
    )
    op.create_index("ix_venue_tables_event_id", "venue_tables", ["event_id"], unique=False)
    op.create_index("ix_venue_tables_host_id", "venue_tables", ["host_id"], unique=False)
    op.create_table(
        "locked_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("a_id", sa.Integer(), nullable=False),
        sa.Column("b_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["a_id"], ["participants.id"], name=op.f("fk_locked_meetings_a_id_participants"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["b_id"], ["participants.id"], name=op.f("fk_locked_meetings_b_id_participants"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_locked_meetings_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["slots.id"], name=op.f("fk_locked_meetings_slot_id_slots"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["table_id"], ["venue_tables.id"], name=op.f("fk_locked_meetings_table_id_venue_tables"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_locked_meetings")),
    )
    op.create_index("ix_locked_meetings_a_id", "locked_meetings", ["a_id"], unique=False)
    op.create_index("ix_locked_meetings_b_id", "locked_meetings", ["b_id"], unique=False)
    op.create_index("ix_locked_meetings_event_id", "locked_meetings", ["event_id"], unique=False)
    op.create_index("ix_locked_meetings_slot_id", "locked_meetings", ["slot_id"], unique=False)
    op.create_index("ix_locked_meetings_table_id", "locked_meetings", ["table_id"], unique=False)


def downgrade() -> None:
    """Downgrade the schema."""
    op.drop_index("ix_locked_meetings_table_id", table_name="locked_meetings")
    op.drop_index("ix_locked_meetings_slot_id", table_name="locked_meetings")
    op.drop_index("ix_locked_meetings_event_id", table_name="locked_meetings")
    op.drop_index("ix_locked_meetings_b_id", table_name="locked_meetings")
    op.drop_index("ix_locked_meetings_a_id", table_name="locked_meetings")
    op.drop_table("locked_meetings")
    op.drop_index("ix_venue_tables_host_id", table_name="venue_tables")
    op.drop_index("ix_venue_tables_event_id", table_name="venue_tables")
    op.drop_table("venue_tables")
    op.drop_index("ix_requests_to_id", table_name="requests")
    op.drop_index("ix_requests_from_id", table_name="requests")
    op.drop_index("ix_requests_event_id", table_name="requests")
    op.drop_table("requests")
    op.drop_index("ix_participant_texts_participant_id", table_name="participant_texts")
    op.drop_index("ix_participant_texts_model_key", table_name="participant_texts")
    op.drop_table("participant_texts")
    op.drop_index("ix_job_items_job_id", table_name="job_items")
    op.drop_index("ix_job_items_b_id", table_name="job_items")
    op.drop_index("ix_job_items_a_id", table_name="job_items")
    op.drop_table("job_items")
    op.drop_index("ix_documents_participant_id", table_name="documents")
    op.drop_table("documents")
    op.drop_index("ix_conflicts_event_id", table_name="conflicts")
    op.drop_index("ix_conflicts_b_id", table_name="conflicts")
    op.drop_index("ix_conflicts_a_id", table_name="conflicts")
    op.drop_table("conflicts")
    op.drop_index("ix_availability_slot_id", table_name="availability")
    op.drop_index("ix_availability_participant_id", table_name="availability")
    op.drop_index("ix_availability_event_id", table_name="availability")
    op.drop_table("availability")
    op.drop_index("ix_api_keys_participant_id", table_name="api_keys")
    op.drop_index("ix_api_keys_event_id", table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_index("ix_slots_event_id", table_name="slots")
    op.drop_table("slots")
    op.drop_index("ix_pitch_sessions_event_id", table_name="pitch_sessions")
    op.drop_table("pitch_sessions")
    op.drop_index("ix_participants_event_id", table_name="participants")
    op.drop_table("participants")
    op.drop_index("ix_jobs_status", table_name="jobs")
    op.drop_index("ix_jobs_event_id", table_name="jobs")
    op.drop_table("jobs")
    op.drop_table("events")
