"""Persistence: the ORM schema, connections, and Alembic migrations."""

from service.db.migrate import upgrade
from service.db.session import Database

__all__ = ["Database", "upgrade"]
