"""RFC 9457 problem details: every error the gateway returns is application/problem+json with a
stable `code` and a title in Indonesian or English (Accept-Language). Never a 500 for bad input:
validation errors are 422 problems, unexpected errors are logged and answered as 500 problems
without internals."""

from __future__ import annotations

import logging

import requests
import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.errors import ApiError, from_revert, title
from app.api.request_id import request_id_header
from app.api.security_headers import security_headers
from app.api.writes import IDEMPOTENCY_KEY
from app.ledger import errors as ledger
from app.ledger.idempotency import MAX_KEY_LENGTH

KEY_RULE = f"send a unique {IDEMPOTENCY_KEY} header (1 to {MAX_KEY_LENGTH} characters)"
PROBLEM_TYPE_BASE = "https://terang.example/problems/"
SIGNER_RULE = "the gateway holds no usable signing key for this act; ask its operator"
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
        # the request's id (app/api/request_id.py) and the security headers also on a 500, which the
        # server error handler answers outside the middlewares
        headers={
            "Content-Language": lang,
            **request_id_header(),
            **security_headers(request.url.path),
            **(headers or {}),
        },
    )


def api_error(request: Request, exc: ApiError) -> JSONResponse:
    return problem(request, exc.status, exc.code, exc.detail, exc.headers, **exc.extra)


def ledger_problem(request: Request, exc: ledger.LedgerError) -> ApiError:
    """The one mapping of the ledger core's errors (app/ledger/errors.py) to problems."""
    with_hash = {"transactionHash": exc.tx_hash} if getattr(exc, "tx_hash", None) else {}
    match exc:
        case ledger.ChainRevert():
            return from_revert(exc)
        case ledger.IdempotencyKeyRequired():
            return ApiError(400, "idempotency_key_required", detail=str(exc) or KEY_RULE)
        case ledger.IdempotencyKeyReused():
            return ApiError(422, "idempotency_key_reused")
        case ledger.RequestInProgress():
            return ApiError(
                409,
                "request_in_progress",
                detail=str(exc) or None,
                headers={"Retry-After": str(exc.retry_after)},
            )
        case ledger.WritesBusy():  # refused before its key was claimed: nothing was sent
            retry = {"Retry-After": str(exc.retry_after)}
            return ApiError(503, "writes_busy", detail=str(exc), headers=retry)
        case ledger.StoredFailure():
            return ApiError(exc.status, exc.code, detail=exc.detail, replayed=True)
        case ledger.CalldataError():  # a value the contract's types cannot hold
            return ApiError(422, "invalid_request", detail=f"an argument does not fit the contract: {exc}")
        case ledger.SignerUnavailable():
            # The message names the signers file or the keystore library's complaint: neither goes
            # to the caller nor to the log (an operator checks the signers file for the route's actor).
            log.warning("no usable signing key on %s %s", request.method, request.url.path)
            return ApiError(503, "signer_unavailable", detail=SIGNER_RULE)
        case ledger.SignedTransactionRefused():
            return ApiError(422, "signed_transaction_refused", detail=str(exc), **with_hash)
        case ledger.TransactionPending():  # the key stays pending: a retry with it waits again
            return ApiError(504, "transaction_pending", detail=str(exc), **with_hash)
        case ledger.TransactionFailed():  # refused by the node, replaced, or mined and reverted
            return ApiError(502, "transaction_failed", detail=str(exc), **with_hash)
        case ledger.RpcUnavailable():
            # The node is down or does not answer (after the retries): a 503 the caller may retry,
            # not a 500; the URL (which may carry credentials) is not echoed.
            log.warning(
                "the node is unreachable on %s %s: %s", request.method, request.url.path, type(exc).__name__
            )
            return ApiError(503, "chain_unavailable", headers={"Retry-After": "5"})
        case ledger.RpcError():
            # The node (or a proxy in front of it) answered with an error outside a transaction's own
            # refusal, e.g. a 401 from a proxy while fee fields were asked: a 502, not a 500.
            log.warning(
                "the node answered %s %s with an error to %s", request.method, request.url.path, exc.method
            )
            return ApiError(502, "node_error", detail=f"{exc.method}: {exc.message}"[:300])
    log.exception("unmapped ledger error on %s %s", request.method, request.url.path)
    return ApiError(500, "internal_error")


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error_handler(request: Request, exc: ApiError):
        return api_error(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem(request, exc.status_code, code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        if errors and all(e["loc"][:2] == ["header", IDEMPOTENCY_KEY] for e in errors):
            return api_error(request, ledger_problem(request, ledger.IdempotencyKeyRequired(KEY_RULE)))
        return problem(request, 422, "invalid_request", errors=errors)

    @app.exception_handler(ledger.LedgerError)
    async def ledger_error(request: Request, exc: ledger.LedgerError):
        return api_error(request, ledger_problem(request, exc))

    @app.exception_handler(requests.ConnectionError)
    @app.exception_handler(requests.Timeout)
    async def node_unreachable(request: Request, exc: Exception):
        return api_error(request, ledger_problem(request, ledger.RpcUnavailable(type(exc).__name__)))

    @app.exception_handler(sqlalchemy.exc.OperationalError)
    async def database_unreachable(request: Request, exc: sqlalchemy.exc.OperationalError):
        # The database cannot be reached or lost its connection (its primary is down, a failover to
        # the standby is under way): a 503 the caller retries with the same Idempotency-Key, never a
        # 500 (docs/runbooks/database-failover.en.md). The error's text (hosts) is not echoed.
        log.warning(
            "the database is unreachable on %s %s: %s",
            request.method,
            request.url.path,
            type(getattr(exc, "orig", exc)).__name__,
        )
        return api_error(request, ApiError(503, "database_unavailable", headers={"Retry-After": "5"}))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(request, 500, "internal_error")
