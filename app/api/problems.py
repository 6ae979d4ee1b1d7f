"""RFC 9457 problem details: every error the gateway returns is application/problem+json with a
stable `code` and a message in Indonesian or English (Accept-Language)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_TYPE_BASE = "https://terang.example/problems/"

MESSAGES: dict[str, dict[str, str]] = {
    "not_found": {"en": "No such resource.", "id": "Sumber daya tidak ditemukan."},
    "method_not_allowed": {"en": "Method not allowed here.", "id": "Metode tidak diizinkan di sini."},
    "invalid_request": {"en": "The request is not valid.", "id": "Permintaan tidak valid."},
    "http_error": {"en": "The request failed.", "id": "Permintaan gagal."},
}


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


def problem(request: Request, status: int, code: str, detail: str | None = None, **extra) -> JSONResponse:
    lang = language(request)
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": MESSAGES.get(code, MESSAGES["http_error"])[lang],
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
        headers={"Content-Language": lang},
    )


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem(request, exc.status_code, code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return problem(request, 422, "invalid_request", errors=errors)
