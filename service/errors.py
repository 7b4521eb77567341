"""The one translation of errors into HTTP responses (and into failed jobs' error bodies).

=====================================  ======  ====================
error                                  status  ``error`` code
=====================================  ======  ====================
``InvalidInput`` (with problems)       422     ``invalid_input``
request validation (FastAPI)           422     ``invalid_input``
``UnknownName``                        404     ``not_found``
``Infeasible`` (with violations)       409     ``infeasible``
``SolverFailed``                       503     ``solver_failed``
``ModelUnavailable``                   503     ``model_unavailable``
``NotAuthenticated``                   401     ``unauthenticated``
``Forbidden``                          403     ``forbidden``
``AlreadyExists``                      409     ``already_exists``
``NotReady``                           409     ``not_ready``
``JobFailed``                          409     the failed job's own error body
``TooLarge``                           413     ``too_large``
anything else                          500     ``internal`` (logged by :class:`~service.middleware.Guard`)
=====================================  ======  ====================
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from matcher.errors import (
    Infeasible,
    InvalidInput,
    MatchError,
    ModelUnavailable,
    Problem,
    SolverFailed,
    UnknownName,
)
from service.exceptions import (
    AlreadyExists,
    Forbidden,
    JobFailed,
    NotAuthenticated,
    NotReady,
    ServiceError,
    TooLarge,
)
from service.schemas.common import ErrorBody, ProblemOut, ViolationOut

_SERVICE: dict[type[ServiceError], tuple[int, str]] = {
    NotAuthenticated: (401, "unauthenticated"),
    Forbidden: (403, "forbidden"),
    AlreadyExists: (409, "already_exists"),
    NotReady: (409, "not_ready"),
    TooLarge: (413, "too_large"),
}

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
}

INTERNAL = ErrorBody(error="internal", message="internal error; the service logged it, retry later or report it")


def _first_line(exc: Exception) -> str:
    return str(exc).split("\n", 1)[0]


def error_of(exc: Exception) -> tuple[int, ErrorBody]:
    """The status and body for an error of either tree; anything else is a generic 500 (log it yourself)."""
    if isinstance(exc, InvalidInput):
        problems = [ProblemOut.of(p) for p in exc.problems]
        return 422, ErrorBody(error="invalid_input", message=_first_line(exc), problems=problems)
    if isinstance(exc, UnknownName):
        return 404, ErrorBody(error="not_found", message=str(exc))
    if isinstance(exc, Infeasible):
        violations = [ViolationOut.of(v) for v in exc.violations]
        return 409, ErrorBody(error="infeasible", message=_first_line(exc), violations=violations)
    if isinstance(exc, SolverFailed):
        return 503, ErrorBody(error="solver_failed", message=str(exc))
    if isinstance(exc, ModelUnavailable):
        return 503, ErrorBody(error="model_unavailable", message=str(exc))
    if isinstance(exc, MatchError):
        return 422, ErrorBody(error="invalid_input", message=str(exc))
    if isinstance(exc, JobFailed):
        return 409, exc.body
    for kind, (status, code) in _SERVICE.items():
        if isinstance(exc, kind):
            return status, ErrorBody(error=code, message=str(exc))
    return 500, INTERNAL


def _response(status: int, body: ErrorBody) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


async def _known(request: Request, exc: Exception) -> JSONResponse:
    return _response(*error_of(exc))


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())]
        where, column = (loc[0], ".".join(loc[1:]) or None) if loc else ("request", None)
        problems.append(ProblemOut.of(Problem(where, None, column, str(error.get("msg", "")))))
    body = ErrorBody(error="invalid_input", message=f"{len(problems)} problem(s) in the request", problems=problems)
    return _response(422, body)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    response = _response(exc.status_code, ErrorBody(error=code, message=str(exc.detail)))
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def install(app: FastAPI) -> None:
    """Register the handlers on an app."""
    app.add_exception_handler(MatchError, _known)
    app.add_exception_handler(ServiceError, _known)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
