"""Every request gets an id: the caller's `X-Request-ID` when it is a sane token (1 to 128 of
[A-Za-z0-9._-]), else a new one (uuid4 hex). It is answered in the response's `X-Request-ID`
header and carried by every log line written while the request is handled (app/logs.py), so an
operator can find a caller's request in the logs, and from it the transaction it sent.

A plain ASGI middleware: the id is set in the request's task before the application runs, so the
route's worker thread (anyio copies the context), uvicorn's access line and the 500 handler (which
runs outside this middleware; app/api/problems.py answers with the id too) all see it."""

from __future__ import annotations

import re
import uuid

from app.logs import request_id

HEADER = "X-Request-ID"
_HEADER = HEADER.lower().encode()
SANE = re.compile(rb"[A-Za-z0-9._-]{1,128}")


def accepted(value: bytes | None) -> str | None:
    """The caller's id if it is a sane token, else None (a new one is made)."""
    if value is None or not SANE.fullmatch(value):
        return None
    return value.decode()


class RequestIdMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((value for name, value in scope["headers"] if name == _HEADER), None)
        current = accepted(incoming) or uuid.uuid4().hex
        raw = current.encode()

        async def send_with_id(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if not any(name.lower() == _HEADER for name, _ in headers):
                    headers.append((_HEADER, raw))
                message = {**message, "headers": headers}
            await send(message)

        token = request_id.set(current)
        await self.app(scope, receive, send_with_id)
        # Reset only when the request ends normally: an exception still has the server error
        # handler (outside this middleware, in the same task) to log and answer with the id.
        request_id.reset(token)


def request_id_header() -> dict[str, str]:
    """`{"X-Request-ID": id}` while a request is handled, else empty."""
    current = request_id.get()
    return {HEADER: current} if current else {}
