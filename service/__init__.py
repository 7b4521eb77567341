"""The HTTP service over the matcher core: events, participants, requests, suggestions and schedules.

Run it with ``make serve`` (uvicorn, ``create_app`` as a factory); settings come from ``MATCHER_*`` environment
variables (:class:`Settings`); ``keys_app`` is the ``matcher keys`` command group. See :mod:`service.app`.
"""

from service.app import create_app
from service.keys_cli import keys_app
from service.settings import Settings, get_settings

__all__ = ["Settings", "create_app", "get_settings", "keys_app"]
