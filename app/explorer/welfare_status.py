"""The families' status page (cek status bansos), `/explorer/welfare/status`: a form for the NIK and
the full name on the identity card, posted to the same address (so neither lands in a URL, a
browser history or an access log), answered with the family's programmes, or with the one answer
an unknown NIK and a wrong name share. Rules and limits: app/welfare/status_check.py; the page
turns its refusals (too many tries, a NIK that is not 16 digits) into a sentence, never an error
page."""

from __future__ import annotations

from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import SecretStr
from starlette.concurrency import run_in_threadpool

from app.api.deps import ChainDep, SessionsDep, SettingsDep
from app.api.errors import ApiError
from app.explorer.routes import render
from app.welfare.name_checks import MAX_NAME
from app.welfare.status_check import check_status

router = APIRouter(prefix="/explorer", tags=["explorer"], include_in_schema=False)
MAX_FORM_BYTES = 1024


@router.get("/welfare/status", response_class=HTMLResponse)
def status_form(request: Request) -> HTMLResponse:
    return render(request, "welfare_status.html", answer=None, problem=None)


@router.post("/welfare/status", response_class=HTMLResponse)
async def status_answer(
    request: Request, chain: ChainDep, sessions: SessionsDep, settings: SettingsDep
) -> HTMLResponse:
    body = await request.body()
    fields = parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", "replace"))
    nik = (fields.get("nik") or [""])[0].strip()
    name = (fields.get("name") or [""])[0].strip()[:MAX_NAME]
    if not name:
        return render(request, "welfare_status.html", status=422, answer=None, problem="invalid_identifier")
    try:
        answer = await run_in_threadpool(
            check_status, request, chain, sessions, settings, SecretStr(nik), SecretStr(name)
        )
    except ApiError as refused:
        headers = refused.headers or {}
        page = render(
            request, "welfare_status.html", status=refused.status, answer=None, problem=refused.code
        )
        page.headers.update(headers)
        return page
    return render(request, "welfare_status.html", answer=answer, problem=None)
