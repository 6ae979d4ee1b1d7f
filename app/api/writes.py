"""Write endpoints' way into the ledger's one write path (app/ledger/writes.py).

An endpoint takes a `WriterDep` and returns `write(body, call, outcome, status_code)`. The dependency
declares the Idempotency-Key header (so the OpenAPI document shows it on every write), binds the
caller, the method and the path, and answers with the write's JSON. What the write path raises is
answered by the problem handlers (app/api/problems.py), the one place errors become problems."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse

from app.api.deps import PrincipalDep
from app.ledger.idempotency import MAX_KEY_LENGTH
from app.ledger.signed import SignedTransaction
from app.ledger.writes import Call, Outcome, WritePath, WriteRequest

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
    ) -> JSONResponse:
        request = WriteRequest(self._principal, self._key, self._method, self._url_path, body)
        written = self._path.write(request, call, outcome, status_code)
        headers = {"Idempotent-Replayed": "true"} if written.replayed else None
        return JSONResponse(status_code=written.status_code, content=written.body, headers=headers)


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
