"""ASGI middleware: request body size limits (413) and the last-resort guard (500 without a stack trace).

Both are plain ASGI callables, so they see the raw byte stream: a body is refused from its ``Content-Length`` before
it is read, and a chunked body is counted while it streams.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import INTERNAL, error_of
from service.exceptions import TooLarge

log = logging.getLogger("service")


async def _send_json(send: Send, status: int, body: dict[str, object]) -> None:
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class BodyLimit:
    """Refuse request bodies over a limit that depends on the path (uploads get a larger one)."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        headers = dict(scope.get("headers", ()))
        declared = headers.get(b"content-length")
        if declared is None and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body (a GET): nothing to count
            return
        if declared is not None and declared.isdigit() and int(declared) > limit:
            status, body = error_of(TooLarge(f"the request body is over {limit} bytes; send less"))
            await _send_json(send, status, body.model_dump(mode="json"))
            return
        seen = 0
        refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and not refused:
                    refused = True
                    status, body = error_of(TooLarge(f"the request body is over {limit} bytes; send less"))
                    await _send_json(send, status, body.model_dump(mode="json"))
                    return {"type": "http.disconnect"}
            return message

        async def unless_refused(message: Message) -> None:
            if not refused:
                await send(message)

        try:
            await self.app(scope, counted, unless_refused)
        except Exception:
            if not refused:
                raise


class Guard:
    """Turn any exception that escaped the handlers into a generic 500 (logged with its traceback)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            if started:
                raise
            status, body = error_of(exc)
            if status == 500:
                log.error("unhandled error on %s %s", scope.get("method"), scope.get("path"), exc_info=exc)
                body = INTERNAL
            await _send_json(send, status, body.model_dump(mode="json"))
