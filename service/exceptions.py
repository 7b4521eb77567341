"""The service's own errors, next to the core's :class:`~matcher.errors.MatchError` tree::

    ServiceError
    ├── NotAuthenticated    no API key, or an unknown one                    401
    ├── Forbidden           the key may not act on this event or participant 403
    ├── AlreadyExists       an id is taken                                   409
    ├── NotReady            a job has no result (yet)                        409
    ├── JobFailed           a job failed: its stored error body              409
    └── TooLarge            a body or an upload is over the limit            413

Both trees are translated to HTTP responses in one place, :mod:`service.errors`.
"""

from __future__ import annotations

from service.schemas.common import ErrorBody


class ServiceError(Exception):
    """Base of the service's own errors."""


class NotAuthenticated(ServiceError):
    """No API key was sent, or the key is unknown."""


class Forbidden(ServiceError):
    """The key is valid but may not act on this resource."""


class AlreadyExists(ServiceError):
    """The id is taken in this event (or, for events, in the service)."""


class NotReady(ServiceError):
    """A job has not finished, or finished without a result."""


class JobFailed(ServiceError):
    """A job failed; ``body`` is the error it failed with (infeasible with its violations, interrupted...)."""

    def __init__(self, body: ErrorBody) -> None:
        super().__init__(body.message)
        self.body = body


class TooLarge(ServiceError):
    """A request body or upload is larger than the configured limit."""
