"""API keys and who may do what.

A key is ``mk_<prefix>_<secret>`` with 256 random bits of secret. Only the prefix (to find the row) and the sha256
of the whole key are stored; the presented key's digest is compared in constant time. Keys have a role:

* ``admin``: everything (creates events). The bootstrap admin key is ``MATCHER_ADMIN_KEY`` (settings); stored admin
  keys come from ``matcher keys create --admin``.
* ``organiser``: everything on its own event only.
* ``participant``: its own profile, suggestions, requests and agenda, in its own event; it answers requests sent to it.

Checks raise :class:`~service.exceptions.Forbidden` (403) for someone else's data; unknown ids are looked up only
after the caller is known to be allowed in the event, so a participant cannot probe other ids.

Example
-------
>>> plain, prefix, digest = new_key()
>>> plain.startswith("mk_" + prefix + "_") and matches(plain, digest)
True
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from enum import StrEnum

from service.exceptions import Forbidden

KEY_PREFIX = "mk"


class KeyRole(StrEnum):
    """What a key may do: everything (admin), one event (organiser), one participant."""

    ADMIN = "admin"
    ORGANISER = "organiser"
    PARTICIPANT = "participant"


def digest_of(key: str) -> str:
    """The sha256 (hex) of a key: what is stored and compared."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> tuple[str, str, str]:
    """A fresh key: (the key to show once, its public prefix, the digest to store)."""
    prefix = secrets.token_hex(6)
    plain = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return plain, prefix, digest_of(plain)


def prefix_of(key: str) -> str | None:
    """The public prefix of a well-formed key, else ``None``."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 12:
        return None
    return parts[1]


def matches(key: str, digest: str) -> bool:
    """Constant-time comparison of a presented key with a stored digest."""
    return hmac.compare_digest(digest_of(key), digest)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's role, and the event (and participant) it belongs to."""

    role: KeyRole
    event: str | None = None
    participant: str | None = None
    key_id: int | None = None

    @property
    def is_admin(self) -> bool:
        """Whether this is an admin key."""
        return self.role is KeyRole.ADMIN

    def can_read_event(self, event: str) -> bool:
        """Whether the key belongs to this event (or is an admin key)."""
        return self.is_admin or self.event == event

    def is_organiser_of(self, event: str) -> bool:
        """Whether the key organises this event (or is an admin key)."""
        return self.is_admin or (self.role is KeyRole.ORGANISER and self.event == event)

    def is_self(self, event: str, participant: str) -> bool:
        """Whether this is the participant's own key."""
        return self.role is KeyRole.PARTICIPANT and self.event == event and self.participant == participant

    # -- checks that raise ---------------------------------------------------------------------------------------

    def require_admin(self) -> None:
        """Forbidden unless an admin key."""
        if not self.is_admin:
            raise Forbidden("only an admin key may do this")

    def require_event(self, event: str) -> None:
        """Forbidden unless a key of this event."""
        if not self.can_read_event(event):
            raise Forbidden(f"this key belongs to another event than '{event}'")

    def require_organiser(self, event: str) -> None:
        """Forbidden unless an organiser key of this event."""
        self.require_event(event)
        if not self.is_organiser_of(event):
            raise Forbidden(f"only an organiser key of event '{event}' may do this")

    def require_self_or_organiser(self, event: str, participant: str) -> None:
        """Forbidden unless the participant's own key or an organiser key of its event."""
        self.require_event(event)
        if not (self.is_organiser_of(event) or self.is_self(event, participant)):
            raise Forbidden(f"a participant key may act only for its own participant, not '{participant}'")


class PrincipalCache:
    """Recently resolved keys (by digest) for ``ttl`` seconds, so a request needs no key look-up in the database.

    Cleared whenever this process revokes a key or erases a participant or an event; a key revoked by another
    process (``matcher keys revoke``) stops working within ``ttl`` seconds. ``ttl=0`` turns the cache off.
    """

    def __init__(self, ttl: float, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._lock = threading.Lock()
        self._found: dict[str, tuple[Principal, float]] = {}

    def get(self, digest: str) -> Principal | None:
        """The cached principal of a key digest, unless expired."""
        with self._lock:
            found = self._found.get(digest)
        if found is None or found[1] < time.monotonic():
            return None
        return found[0]

    def put(self, digest: str, principal: Principal) -> None:
        """Remember a resolved key for ``ttl`` seconds."""
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._found) >= self.size:
                self._found.clear()
            self._found[digest] = (principal, time.monotonic() + self.ttl)

    def clear(self) -> None:
        """Forget every resolved key."""
        with self._lock:
            self._found.clear()
