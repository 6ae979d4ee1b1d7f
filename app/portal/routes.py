"""The supplier portal's pages, under /portal: find an open tender and read it (deadlines in the
reader's zone, documents with their check against the chain). Server-rendered from the read
models; the only script is the explorer's document check."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from app.api.deps import ReadSessionsDep, SessionsDep
from app.explorer import queries
from app.explorer.i18n import TIME_ZONES, locale
from app.explorer.routes import remember
from app.portal import my_tenders, search, signin
from app.portal.strings import PortalLocale

HERE = Path(__file__).resolve().parent
STATIC = {p.name: p for p in (HERE / "static").iterdir() if p.suffix == ".css"}
PER_PAGE = 20
LAST_PAGE = 10_000  # beyond any real list; a larger ?page= is refused as a bad request

templates = Jinja2Templates(directory=HERE / "templates")  # autoescapes .html
router = APIRouter(prefix="/portal", tags=["portal"], include_in_schema=False)


def portal_locale(request: Request) -> PortalLocale:
    base = locale(request)
    return PortalLocale(base.lang, base.zone)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    loc = portal_locale(request)
    response = templates.TemplateResponse(
        request,
        template,
        {"loc": loc, "t": loc.t, "zones": TIME_ZONES, "supplier": signin.signed_in(request), **context},
        status_code=status,
        headers={"Content-Language": loc.lang},
    )
    remember(request, response, loc)
    return response


@router.get("", include_in_schema=False)
def portal_root() -> RedirectResponse:
    return RedirectResponse("/portal/", status_code=307)


@router.get("/static/{name}")
def static(name: str) -> FileResponse:
    path = STATIC.get(name)
    if path is None:
        return Response(status_code=404)  # type: ignore[return-value]
    return FileResponse(path, media_type="text/css", headers={"Cache-Control": "public, max-age=300"})


@router.get("/", response_class=HTMLResponse)
def tenders(
    request: Request,
    sessions: ReadSessionsDep,
    page: Annotated[int, Query(ge=1, le=LAST_PAGE)] = 1,
    agency: str | None = None,
    category: str | None = None,
    method: str | None = None,
    q: str | None = None,
) -> HTMLResponse:
    filters = search.Filters.parse(agency, category, method, q)
    with sessions() as session:
        at = search.now(session)
        rows, total = search.open_tenders(session, at, filters, page, PER_PAGE)
        agencies = search.agencies(session)

    def link(number: int) -> str:
        return "?" + urlencode(filters.query() | {"page": str(number)})

    return render(
        request,
        "tenders.html",
        tenders=rows,
        total=total,
        now=at,
        filters=filters,
        agencies=agencies,
        categories=search.CATEGORIES,
        methods=search.METHODS,
        previous=link(page - 1) if page > 1 else None,
        more=link(page + 1) if page * PER_PAGE < total else None,
    )


@router.get("/tenders/{ocid}", response_class=HTMLResponse)
def tender(ocid: str, request: Request, sessions: ReadSessionsDep) -> HTMLResponse:
    with sessions() as session:
        view = queries.tender(session, ocid)
        at = search.now(session)
        agencies = search.agencies(session) if view else {}
    if view is None:
        return render(request, "not_found.html", status=404)
    loc = portal_locale(request)
    documents = [
        {
            "hash": d.hash.lower(),
            "label": f"{loc.t('doc.' + d.kind)} {d.label_suffix}".strip(),
            "time": d.timestamp,
            "block": d.block_number,
        }
        for d in view.documents
    ]
    return render(request, "tender.html", view=view, now=at, agencies=agencies, documents=documents)


# -- signing in (app/portal/signin.py) ----------------------------------------------------------
log = logging.getLogger("terang.portal")


def _refused(request: Request, error: signin.SignInError) -> HTMLResponse:
    log.warning("portal sign-in refused: %s", error.code)
    response = render(request, "sign_in_error.html", status=error.status, code=error.code)
    response.delete_cookie(signin.STATE_COOKIE, path=signin.COOKIE_PATH)
    return response


@router.get("/sign-in")
def sign_in(request: Request, sessions: SessionsDep, next: str | None = None) -> Response:
    try:
        with sessions.begin() as session:
            url, state = signin.begin(request, session, next or "/portal/me")
    except signin.SignInError as error:
        return _refused(request, error)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        signin.STATE_COOKIE,
        state,
        max_age=signin.SIGN_IN_SECONDS,
        path=signin.COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=signin.secure(request),
    )
    return response


@router.get("/signed-in")
def signed_in(
    request: Request, sessions: SessionsDep, code: str = "", state: str = "", error: str | None = None
) -> Response:
    if error is not None:  # the supplier cancelled at the provider, or the provider refused
        return _refused(request, signin.SignInError(400, "sign_in_cancelled"))
    try:
        with sessions.begin() as session:
            token, return_to, seconds = signin.finish(request, session, code[:2048], state[:128])
    except signin.SignInError as failure:
        return _refused(request, failure)
    response = RedirectResponse(return_to, status_code=303)
    response.delete_cookie(signin.STATE_COOKIE, path=signin.COOKIE_PATH)
    response.set_cookie(
        signin.SESSION_COOKIE,
        token,
        max_age=seconds,
        path=signin.COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=signin.secure(request),
    )
    return response


@router.post("/sign-out")
def sign_out() -> Response:
    response = RedirectResponse("/portal/", status_code=303)
    response.delete_cookie(signin.SESSION_COOKIE, path=signin.COOKIE_PATH)
    return response


@router.get("/me", response_class=HTMLResponse)
def me(request: Request, sessions: ReadSessionsDep) -> Response:
    supplier = signin.signed_in(request)
    if supplier is None:
        return RedirectResponse("/portal/sign-in?" + urlencode({"next": "/portal/me"}), status_code=303)
    with sessions() as session:
        at = search.now(session)
        entry = my_tenders.registry_entry(session, supplier.supplier)
        tenders = my_tenders.my_tenders(session, supplier.supplier, at)
    return render(request, "me.html", entry=entry, tenders=tenders, now=at, supplier_id=supplier.supplier)
