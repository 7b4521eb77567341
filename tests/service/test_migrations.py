"""Alembic migrations create exactly the ORM's schema, in WAL mode; the schema keeps up with the core's records."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from matcher.event.schema import Participant
from matcher.matching.affinity import AffinityConfig, AffinityWeights
from service.db.migrate import alembic_config, current_revision, head_revision, upgrade
from service.db.models import Base, ParticipantRow
from service.db.session import Database
from service.schemas.events import EventSettings, Weights
from service.schemas.participants import ParticipantCreate
from service.store.records import PARTICIPANT_FIELDS


def test_migrations_match_the_orm_metadata(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    try:
        assert current_revision(db) is None
        upgrade(db)
        assert current_revision(db) == head_revision()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert set(inspect(db.engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
        upgrade(db)  # idempotent
        command.downgrade(alembic_config(db), "base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade(db)
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()


def test_the_service_stores_every_field_of_the_core_records() -> None:
    """A field added to the core's records must reach the HTTP models and the database (with a migration)."""
    core = set(Participant.model_fields)
    assert set(PARTICIPANT_FIELDS) | {"id"} == core
    assert set(ParticipantCreate.model_fields) - {"documents"} == core
    assert {c.name for c in ParticipantRow.__table__.columns} >= set(PARTICIPANT_FIELDS)
    assert set(Weights.model_fields) == {f.name for f in dataclasses.fields(AffinityWeights)}
    assert set(EventSettings.model_fields) - {"model"} == {f.name for f in dataclasses.fields(AffinityConfig)}


def test_public_api_is_pinned() -> None:
    import service

    assert service.__all__ == ["Settings", "create_app", "get_settings", "keys_app"]
    assert all(getattr(service, name) is not None for name in service.__all__)
