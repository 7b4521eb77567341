"""``matcher keys``: create, list and revoke the service's API keys from the command line.

It uses the service's settings (``MATCHER_DATABASE_URL`` / ``MATCHER_DATA_DIR``) and database, migrating it first,
so the first admin or organiser key can be made before the service ever ran::

    matcher keys create --admin                                   # a stored admin key (creates events)
    matcher keys create --event cologne-2026 --role organiser
    matcher keys create --event cologne-2026 --role participant --participant s001
    matcher keys list --event cologne-2026
    matcher keys revoke --event cologne-2026 3f9a0c1d2e4b

The key is printed once, on standard output; only its prefix and sha256 digest are stored. Without the ``matcher``
entry point: ``python -m service.keys_cli create ...``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from matcher.errors import MatchError
from service.db.migrate import upgrade
from service.db.session import Database
from service.exceptions import ServiceError
from service.schemas.keys import EventKeyRole
from service.security import KeyRole
from service.settings import get_settings
from service.store import events as event_store
from service.store import keys as key_store
from service.store import participants as participant_store

keys_app = typer.Typer(help="API keys of the HTTP service.", no_args_is_help=True)

EventOpt = Annotated[str | None, typer.Option("--event", help="Event id the key belongs to.")]


def _database() -> Database:
    db = Database(get_settings().resolved_database_url)
    upgrade(db)
    return db


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


@keys_app.command("create")
def create(
    event: EventOpt = None,
    role: Annotated[EventKeyRole | None, typer.Option("--role", help="organiser or participant.")] = None,
    participant: Annotated[str | None, typer.Option("--participant", help="Participant id (participant keys).")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="An admin key (all events; creates events).")] = False,
    label: Annotated[str, typer.Option("--label", help="A note to recognise the key by.")] = "",
) -> None:
    """Create a key and print it once."""
    if admin == (event is not None):
        _fail("give either --admin, or --event with --role")
    if not admin and role is None:
        _fail("--role organiser|participant is required with --event")
    if (role is EventKeyRole.PARTICIPANT) != (participant is not None):
        _fail("--participant is required for a participant key, and only for one")
    db = _database()
    try:
        with db.session() as session:
            row = participant_row = None
            if event is not None:
                row = event_store.event_row(session, event)
                if participant is not None:
                    participant_row = participant_store.participant_row(session, row.id, participant, event)
            kind = KeyRole.ADMIN if admin else KeyRole(role.value if role else "")
            plain, stored = key_store.create_key(session, kind, row, participant_row, label)
    except (MatchError, ServiceError) as exc:
        _fail(str(exc))
        return
    finally:
        db.dispose()
    typer.echo(plain)
    typer.echo(f"({kind.value} key {stored.prefix}; shown once, store it now)", err=True)


@keys_app.command("list")
def list_keys(event: Annotated[str, typer.Option("--event", help="Event id.")]) -> None:
    """List an event's keys by prefix (the keys themselves are never stored)."""
    db = _database()
    try:
        with db.session() as session:
            found = key_store.list_keys(session, event_store.event_row(session, event).id)
    except MatchError as exc:
        _fail(str(exc))
        return
    finally:
        db.dispose()
    for row, pid in found:
        who = f" {pid}" if pid else ""
        typer.echo(f"{row.prefix}  {row.role}{who}  {row.created_at:%Y-%m-%d %H:%M}  {row.label}")


@keys_app.command("revoke")
def revoke(
    prefix: Annotated[str, typer.Argument(help="The key's prefix (the part after mk_).")],
    event: Annotated[str, typer.Option("--event", help="Event id.")],
) -> None:
    """Revoke one of an event's keys."""
    db = _database()
    try:
        with db.session() as session:
            key_store.delete_key(session, event_store.event_row(session, event).id, prefix)
    except MatchError as exc:
        _fail(str(exc))
        return
    finally:
        db.dispose()
    typer.echo(f"revoked {prefix}")


if __name__ == "__main__":  # pragma: no cover - python -m service.keys_cli
    keys_app()
