"""What the routes share: documented error responses."""

from __future__ import annotations

from typing import Any

from service.schemas.common import ErrorBody

_DESCRIPTIONS = {
    400: "The body cannot be read (not UTF-8, broken multipart)",
    401: "No API key, or an unknown one",
    403: "The key may not act on this event or participant",
    404: "Unknown event, participant, request or job",
    409: "The id is taken, the job is not finished, or the problem is infeasible",
    413: "The body or the upload is over the limit",
    422: "Invalid input: every problem, with file, row and column",
    503: "The embedding model or the solver is unavailable",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, all with the :class:`ErrorBody` schema."""
    return {code: {"model": ErrorBody, "description": _DESCRIPTIONS[code]} for code in codes}


#: The errors any authenticated route under /v1 may answer.
COMMON = errors(400, 401, 403, 404, 413, 422, 503)
