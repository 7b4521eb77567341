"""Property-based run of the service's own OpenAPI schema (schemathesis): no 5xx, and responses as documented.

Requests are authenticated with the admin key, so they reach every route's logic; path parameters take the
schema's examples first (``sample-event``, ``s001``), which the fixture creates.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import allow_header_conformance, positive_data_acceptance
from starlette.testclient import TestClient

from matcher.embed import EmbeddingBackend, ModelSpec
from service.app import create_app
from tests.service.helpers import ADMIN, load_event, participant_body, settings_for

pytestmark = pytest.mark.slow  # end to end: `make unit-fast` leaves it out

_WORKDIR = Path(tempfile.mkdtemp(prefix="matcher-schemathesis-"))
_MODEL: dict[str, EmbeddingBackend] = {}


def _loader(spec: ModelSpec) -> EmbeddingBackend:
    return _MODEL["backend"]


app = create_app(settings_for(_WORKDIR, job_time_limit_max=1.0), backend_loader=_loader)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def example_event(backend: EmbeddingBackend) -> Iterator[None]:
    """The session's model for the app, and the examples' event with a startup s001."""
    _MODEL["backend"] = backend
    with TestClient(app) as client:
        load_event(client, "sample-event")
        startup = participant_body("s001", "Podcast search for radio archives.", role="startup", mentor_capacity=None)
        assert client.post("/v1/events/sample-event/participants", json=startup, headers=ADMIN).status_code == 201
    yield
    shutil.rmtree(_WORKDIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_service_fail(case: Any) -> None:
    if case.path == "/readyz":  # 503 until the start-up warm-up is done: that is its answer, not a failure
        deadline = time.monotonic() + 30
        while case.call().status_code == 503:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    # Every default check (no 5xx, documented statuses, content types and response schemas, auth enforced...) but
    # two: a schema-valid CSV upload or body can still be rejected by the event validation (422, by design), and
    # Starlette's 405 lists only the methods of the first route matching a path in ``Allow``.
    case.call_and_validate(headers=ADMIN, excluded_checks=[positive_data_acceptance, allow_header_conformance])
