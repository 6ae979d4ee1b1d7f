"""Request body limits, enforced before anything parses a body (and before authentication, which
FastAPI runs after reading the body): a plain ASGI middleware.

- A `Content-Length` over the limit is answered 413 `body_too_large` at once; the application
  never runs and the body is never read.
- A body without a length (chunked) or with a lying one is counted as it arrives; at the limit the
  read is cut with `BodyTooLarge` (a 413 HTTPException, so FastAPI's body reader passes it on and the
  handler installed here answers the problem). The rest of the body is never read: the server drops
  the connection after the answer.

Limits come from app/config.py: `max_body_bytes` for every route (the largest legitimate request,
500 enrolments pretty-printed, is about 115 KB) and `max_callback_body_bytes` for the provider
callbacks under /payments/callbacks/, which are small and unauthenticated until verified;
`documents_max_bytes` for a file uploaded to the document store (POST /documents, app/documents,
and a supplier's sanggah evidence through the portal, POST /portal/evidence).

Starlette's own RequestBodyLimitMiddleware counts the same way, but lets the application start
before refusing a too-long Content-Length and answers plain text where no handler catches its
signal; this one keeps every refusal an RFC 9457 problem in the caller's language."""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException

from app.api.problems import problem

CALLBACK_PREFIX = "/payments/callbacks/"
DOCUMENT_UPLOADS = frozenset({"/documents", "/portal/evidence"})
_CONTENT_LENGTH = b"content-length"


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"the request body is larger than {limit} bytes")
        self.limit = limit


def limit_for(path: str, general: int, callbacks: int, documents: int | None = None) -> int:
    if path.startswith(CALLBACK_PREFIX):
        return callbacks
    if documents is not None and path in DOCUMENT_UPLOADS:
        return documents
    return general


def _declared_length(headers) -> int | None:
    for name, value in headers:
        if name == _CONTENT_LENGTH:
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses it; counted anyway if it does not
    return None


class BodyLimitMiddleware:
    def __init__(
        self, app, max_body_bytes: int, max_callback_body_bytes: int, max_document_bytes: int | None = None
    ) -> None:
        self.app = app
        self.general, self.callbacks = max_body_bytes, max_callback_body_bytes
        self.documents = max_document_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"], self.general, self.callbacks, self.documents)
        declared = _declared_length(scope["headers"])
        if declared is not None and declared > limit:
            await _refuse(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if started:  # a streaming answer already under way: nothing to do but stop
                raise
            await _refuse(scope, receive, send, limit)


async def _refuse(scope, receive, send, limit: int) -> None:
    request = Request(scope, receive)
    response = problem(
        request,
        413,
        "body_too_large",
        f"the request body is larger than {limit} bytes",
        headers={"Connection": "close"},
    )
    await response(scope, receive, send)


def install_body_limits(
    app: FastAPI, max_body_bytes: int, max_callback_body_bytes: int, max_document_bytes: int | None = None
) -> None:
    """The middleware and the handler of the cut raised inside FastAPI's body reader."""

    async def too_large(request: Request, exc: BodyTooLarge):
        return problem(request, 413, "body_too_large", exc.detail, headers={"Connection": "close"})

    app.add_exception_handler(BodyTooLarge, too_large)
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=max_body_bytes,
        max_callback_body_bytes=max_callback_body_bytes,
        max_document_bytes=max_document_bytes,
    )
