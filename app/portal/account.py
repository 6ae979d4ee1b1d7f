"""Signing in to the supplier portal and the supplier's own page (app/portal/signin.py holds the
flow): /portal/sign-in, the provider's callback /portal/signed-in, /portal/sign-out, and /portal/me
with the supplier's tenders and what needs it now."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.api.deps import ChainDep, ReadSessionsDep, SessionsDep
from app.portal import my_tenders, search, signin
from app.portal.pages import render

router = APIRouter(prefix="/portal", tags=["portal"], include_in_schema=False)
log = logging.getLogger("terang.portal")


def _refused(request: Request, error: signin.SignInError) -> HTMLResponse:
    log.warning("portal sign-in refused: %s", error.code)
    response = render(request, "sign_in_error.html", status=error.status, code=error.code)
    response.delete_cookie(signin.STATE_COOKIE, path=signin.COOKIE_PATH)
    return response


def _keep(request: Request, response: Response, name: str, value: str, seconds: int) -> None:
    """A portal cookie: HttpOnly (no script reads it), SameSite=Lax, scoped to /portal/, Secure
    over https and in production."""
    response.set_cookie(
        name,
        value,
        max_age=seconds,
        path=signin.COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=signin.secure(request),
    )


@router.get("/sign-in")
def sign_in(request: Request, sessions: SessionsDep, next: str | None = None) -> Response:
    try:
        with sessions.begin() as session:
            url, state = signin.begin(request, session, next or "/portal/me")
    except signin.SignInError as error:
        return _refused(request, error)
    response = RedirectResponse(url, status_code=303)
    _keep(request, response, signin.STATE_COOKIE, state, signin.SIGN_IN_SECONDS)
    return response


@router.get("/signed-in")
def signed_in(
    request: Request, sessions: SessionsDep, code: str = "", state: str = "", error: str | None = None
) -> Response:
    if error is not None:  # the supplier cancelled at the provider, or the provider refused
        return _refused(request, signin.SignInError(400, "sign_in_cancelled"))
    try:
        with sessions.begin() as session:  # committed before the exchange: used once, whatever follows
            claimed = signin.claim(request, session, state[:128])
        token, return_to, seconds = signin.finish(request, claimed, code[:2048])
    except signin.SignInError as failure:
        return _refused(request, failure)
    response = RedirectResponse(return_to, status_code=303)
    response.delete_cookie(signin.STATE_COOKIE, path=signin.COOKIE_PATH)
    _keep(request, response, signin.SESSION_COOKIE, token, seconds)
    return response


@router.post("/sign-out")
def sign_out() -> Response:
    response = RedirectResponse("/portal/", status_code=303)
    response.delete_cookie(signin.SESSION_COOKIE, path=signin.COOKIE_PATH)
    return response


@router.get("/me", response_class=HTMLResponse)
def me(request: Request, sessions: ReadSessionsDep, chain: ChainDep) -> Response:
    supplier = signin.signed_in(request)
    if supplier is None:
        return RedirectResponse("/portal/sign-in?" + urlencode({"next": "/portal/me"}), status_code=303)
    with sessions() as session:
        at = search.now(session)
        entry = my_tenders.registry_entry(session, supplier.supplier)
        tenders = my_tenders.my_tenders(session, supplier.supplier, at)
    tenders = my_tenders.contract_actions(tenders, chain)
    return render(request, "me.html", entry=entry, tenders=tenders, now=at, supplier_id=supplier.supplier)
