"""Write endpoints' way into the ledger's one write path (app/ledger/writes.py).

An endpoint takes a `WriterDep` and returns `write(body, call, outcome, status_code)`. The dependency
declares the Idempotency-Key header (so the OpenAPI document shows it on every write), binds the
caller, the method and the path, and answers with the write's JSON. What the write path raises is
answered by the problem handlers (app/api/problems.py), the one place errors become problems.

The endpoint's own thread (FastAPI's threadpool, shared with reads) only checks the request and
hands the write to the write path's own bounded threads (WritePath.submit): the answer it returns
awaits the write on the event loop. So writes waiting for receipts hold write slots, not the
threadpool, and a write finding every slot taken is answered 503 `writes_busy` at once."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from app.api.deps import PrincipalDep
from app.ledger.idempotency import MAX_KEY_LENGTH
from app.ledger.signed import SignedTransaction
from app.ledger.writes import Call, Outcome, WritePath, WriteRequest, Written

__all__ = ["Call", "WriterDep", "Writer", "get_write_path"]

IDEMPOTENCY_KEY = "Idempotency-Key"


def get_write_path(request: Request) -> WritePath:
    return request.app.state.writes


class Writer:
    """One request's handle on the write path."""

    def __init__(self, path: WritePath, principal: str, method: str, url_path: str, key: str) -> None:
        self._path, self._principal, self._method, self._url_path, self._key = (
            path,
            principal,
            method,
            url_path,
            key,
        )

    def __call__(
        self, body: Any, call: Call | SignedTransaction, outcome: Outcome, status_code: int = 200
    ) -> Response:
        request = WriteRequest(self._principal, self._key, self._method, self._url_path, body)
        return AwaitedWrite(self._path.submit(request, call, outcome, status_code))


class AwaitedWrite(Response):
    """The answer of a write running on the write path's threads: awaited on the event loop, then
    sent as its JSON. An error of the write is raised here, before anything is sent, so the problem
    handlers answer it as they would have in the endpoint."""

    def __init__(self, future: Future[Written]) -> None:
        super().__init__(status_code=202)  # replaced by the write's own status before anything is sent
        self._future = future

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        written = await asyncio.wrap_future(self._future)
        headers = {"Idempotent-Replayed": "true"} if written.replayed else None
        answer = JSONResponse(
            status_code=written.status_code, content=written.body, headers=headers, background=self.background
        )
        await answer(scope, receive, send)


def get_writer(
    request: Request,
    principal: PrincipalDep,
    path: Annotated[WritePath, Depends(get_write_path)],
    idempotency_key: Annotated[
        str,
        Header(
            alias=IDEMPOTENCY_KEY,
            min_length=1,
            max_length=MAX_KEY_LENGTH,
            description="A key unique to this request (e.g. a UUID). A retry with the same key and "
            "body returns the first outcome and never acts twice; the same key with another body is "
            "refused (422 idempotency_key_reused).",
            examples=["5f0c6a8e-2f7b-4d3e-9a51-1c2d3e4f5a6b"],
        ),
    ],
) -> Writer:
    return Writer(path, principal.key, request.method, request.url.path, idempotency_key)


WriterDep = Annotated[Writer, Depends(get_writer)]
