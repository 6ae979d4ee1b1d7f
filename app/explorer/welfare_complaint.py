"""The families' complaint page, `/explorer/welfare/complaint`: a form (programme, kind, what
happened, the head's NIK if the family wants its record looked at) posted to the same address, so
no NIK lands in a URL; answered with the ticket's reference and deadline. `?ref=ADU-...` shows a
ticket's stage and answer. Filing, limits and states: app/welfare/grievance_routes.py, grievances.py;
refusals become a sentence on the page, never an error page."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import SecretStr, ValidationError
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from app.api.deps import ChainDep, ReadSessionsDep, SessionsDep, SettingsDep
from app.api.errors import ApiError
from app.explorer.routes import render
from app.indexer.models import ChainEvent
from app.welfare.grievance_routes import file_grievance_from, ticket_view
from app.welfare.grievance_schemas import GrievanceFiling
from app.welfare.grievances import CATEGORIES
from app.welfare.status_check import client_limit

router = APIRouter(prefix="/explorer", tags=["explorer"], include_in_schema=False)
MAX_FORM_BYTES = 8 * 1024
REFERENCE = re.compile(r"^ADU-[A-Z2-9]{4}-[A-Z2-9]{4}$")
TEMPLATE = "welfare_complaint.html"


def _programmes(sessions) -> list[tuple[int, str]]:
    with sessions() as session:
        rows = session.execute(
            select(ChainEvent.args).where(
                ChainEvent.contract == "WelfarePrograms", ChainEvent.event == "ProgrammeDefined"
            )
        ).scalars()
        return sorted((int(a["programmeId"]), str(a["name"])) for a in rows)


def _page(request: Request, sessions, status: int = 200, **context) -> HTMLResponse:
    values = {"filed": None, "ticket": None, "problem": None, "ref": ""}
    values.update(context)
    return render(
        request, TEMPLATE, status=status, programmes=_programmes(sessions), categories=CATEGORIES, **values
    )


@router.get("/welfare/complaint", response_class=HTMLResponse)
def complaint_form(
    request: Request, chain: ChainDep, sessions: ReadSessionsDep, ref: str = ""
) -> HTMLResponse:
    ref = ref.strip().upper()[:16]
    if not ref:
        return _page(request, sessions)
    if not REFERENCE.match(ref):
        return _page(request, sessions, status=404, problem="not_found", ref=ref)
    try:
        ticket = ticket_view(chain, sessions, ref)
    except ApiError:
        return _page(request, sessions, status=404, problem="not_found", ref=ref)
    return _page(request, sessions, ticket=ticket, ref=ref)


@router.post("/welfare/complaint", response_class=HTMLResponse)
async def complaint_filed(request: Request, sessions: SessionsDep, settings: SettingsDep) -> HTMLResponse:
    body = await request.body()
    fields = {k: v[0] for k, v in parse_qs(body[:MAX_FORM_BYTES].decode("utf-8", "replace")).items()}
    nik = fields.get("nik", "").strip()
    try:
        filing = GrievanceFiling(
            programmeId=int(fields.get("programme", "0") or 0),
            category=fields.get("category", ""),
            description=fields.get("description", ""),
            nik=SecretStr(nik) if nik else None,
        )
    except (ValidationError, ValueError):
        return _page(request, sessions, status=422, problem="invalid")
    try:
        client_limit(request)
        filed = await run_in_threadpool(file_grievance_from, sessions, settings, filing, "web")
    except ApiError as refused:
        problem = "rate_limited" if refused.status == 429 else "invalid"
        page = _page(request, sessions, status=refused.status, problem=problem)
        page.headers.update(refused.headers or {})
        return page
    return _page(request, sessions, status=201, filed=filed)
