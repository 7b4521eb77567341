"""Liveness and readiness probes (no key needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive and answers HTTP."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Still starting: model or indexes not ready"}})
def readyz(runtime: RuntimeDep) -> JSONResponse:
    """Ready to serve: the default model is loaded and every stored event's index is built (503 until then)."""
    status: dict[str, Any] = runtime.status()
    return JSONResponse(status, status_code=200 if status["ready"] else 503)
