"""The FastAPI application: ``create_app()`` builds it; its lifespan migrates, recovers jobs and warms up.

Run it with uvicorn (``make serve``)::

    uvicorn service.app:create_app --factory --host 127.0.0.1 --port 8000

Start-up runs ``alembic upgrade head``, marks jobs a previous process left unfinished as failed, loads the demo
event when ``MATCHER_DEMO_EVENT`` is set, then loads the default model and builds every event's index in the
background (``/readyz`` turns 200 when done). Nothing heavy happens at import time.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from matcher.embed import load_backend
from service import errors
from service.deps import known_query_only
from service.embedding import BackendLoader
from service.middleware import BodyLimit, Guard
from service.routes import events, health, participants, requests, schedules
from service.runtime import Runtime
from service.settings import Settings, get_settings

# No weights are ever downloaded (as in the CLI); set before any Hugging Face library is imported.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DESCRIPTION = """Matchmaking for innovation clusters over HTTP: events, participants, meeting requests, ranked
suggestions with explanations, and schedules (B2B meetings, mentor programmes, pitching days) solved as jobs.

Authenticate with an API key: `Authorization: Bearer mk_...`. Keys come from `matcher keys create` (or an admin key
in `MATCHER_ADMIN_KEY`); organisers issue participants' keys with `POST /v1/events/{event_id}/keys`."""


def create_app(settings: Settings | None = None, *, backend_loader: BackendLoader | None = None) -> FastAPI:
    """Build the application for these settings (default: the process's ``MATCHER_*`` settings).

    ``backend_loader`` builds embedding backends from model specs (tests pass one that returns an already loaded
    model).
    """
    chosen = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Start the runtime (migrate, recover jobs, demo, warm-up); close it on shutdown."""
        runtime = Runtime(chosen, backend_loader or load_backend)
        app.state.runtime = runtime
        try:
            runtime.load_demo()
            if chosen.warm_up:
                runtime.warm_up()
            else:
                runtime.skip_warm_up()
            yield
        finally:
            runtime.close()

    app = FastAPI(
        title="matcher",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        dependencies=[Depends(known_query_only)],
    )
    errors.install(app)
    for router in (health.router, events.router, participants.router, requests.router, schedules.router):
        app.include_router(router)

    def limit_for(path: str) -> int:
        """The body limit of a path: uploads (``.../import``) get the larger one."""
        return chosen.max_upload_bytes if path.endswith("/import") else chosen.max_body_bytes

    app.add_middleware(BodyLimit, limit_for=limit_for)
    app.add_middleware(Guard)
    return app
