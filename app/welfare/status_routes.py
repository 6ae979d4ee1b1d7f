"""`POST /welfare/status`: the public status check as an API, for the apps and kiosks of the
agencies that serve families (the page is /explorer/welfare/status). No token; NIK and name in the
body, never in the URL. Rules and limits: app/welfare/status_check.py."""

from __future__ import annotations

from fastapi import APIRouter, Request

from app.api.deps import ChainDep, SessionsDep, SettingsDep
from app.welfare.schemas import FamilyStatus, StatusQuery
from app.welfare.status_check import check_status

router = APIRouter(prefix="/welfare", tags=["welfare"])


@router.post(
    "/status",
    response_model=FamilyStatus,
    responses={429: {}},
    summary="A family's status per programme by NIK and name (public, rate-limited; an unknown NIK and a "
    "wrong name get the same answer)",
)
def status(
    request: Request, body: StatusQuery, chain: ChainDep, sessions: SessionsDep, settings: SettingsDep
):
    return check_status(request, chain, sessions, settings, body.nik, body.name)
