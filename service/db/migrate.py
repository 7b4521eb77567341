"""Schema migrations with Alembic: the service runs ``upgrade head`` at start-up, so an old database opens.

Example
-------
>>> upgrade(Database("sqlite:///var/service.sqlite"))      # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from service.db.session import Database

SERVICE_DIR = Path(__file__).resolve().parents[1]
ALEMBIC_INI = SERVICE_DIR / "alembic.ini"
MIGRATIONS = SERVICE_DIR / "migrations"


def alembic_config(db: Database) -> Config:
    """An Alembic configuration bound to this database (the URL of ``alembic.ini`` is not used)."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    config.attributes["engine"] = db.engine
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(db), revision)


def current_revision(db: Database) -> str | None:
    """The revision the database is at (``None`` before the first migration)."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision of the migration scripts."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()
