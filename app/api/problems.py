"""RFC 9457 problem details: every error the gateway returns is application/problem+json with a
stable `code` and a title in Indonesian or English (Accept-Language). Never a 500 for bad input:
validation errors are 422 problems, unexpected errors are logged and answered as 500 problems
without internals."""

from __future__ import annotations

import logging

import requests
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.errors import ApiError, title
from app.ledger.rpc import RpcError, RpcUnavailable

PROBLEM_TYPE_BASE = "https://terang.example/problems/"
log = logging.getLogger("terang.gateway")


def language(request: Request) -> str:
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("id"):
            return "id"
    settings = getattr(request.app.state, "settings", None)
    return getattr(settings, "default_language", "id")


def problem(
    request: Request, status: int, code: str, detail: str | None = None, headers: dict | None = None, **extra
) -> JSONResponse:
    lang = language(request)
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title(code, lang),
        "status": status,
        "code": code,
        "instance": request.url.path,
        **({"detail": detail} if detail else {}),
        **extra,
    }
    return JSONResponse(
        status_code=status,
        content=body,
        media_type="application/problem+json",
        headers={"Content-Language": lang, **(headers or {})},
    )


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError):
        return problem(request, exc.status, exc.code, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem(request, exc.status_code, code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return problem(request, 422, "invalid_request", errors=errors)

    @app.exception_handler(RpcUnavailable)
    @app.exception_handler(requests.ConnectionError)
    @app.exception_handler(requests.Timeout)
    async def node_unreachable(request: Request, exc: Exception):
        # The node is down or does not answer (after the retries): a 503 the caller may retry,
        # not a 500; the URL (which may carry credentials) is not echoed.
        log.warning(
            "the node is unreachable on %s %s: %s", request.method, request.url.path, type(exc).__name__
        )
        return problem(request, 503, "chain_unavailable", headers={"Retry-After": "5"})

    @app.exception_handler(RpcError)
    async def node_error(request: Request, exc: RpcError):
        # The node (or a proxy in front of it) answered with an error outside a transaction's own
        # refusal, e.g. a 401 from a proxy while fee fields were asked: a 502, not a 500.
        log.warning(
            "the node answered %s %s with an error to %s", request.method, request.url.path, exc.method
        )
        return problem(request, 502, "node_error", detail=f"{exc.method}: {exc.message}"[:300])

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(request, 500, "internal_error")
