"""The supplier portal's public pages, under /portal: find an open tender and read it (deadlines in
the reader's zone, documents with their check against the chain), and its stylesheet. Server-rendered
from the read models; the scripts are the explorer's document check and, on the pages where a
supplier signs, the key library (app/portal/static/js, app/portal/signed_acts.py). Signing in and the
supplier's own page: app/portal/account.py."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from app.api.deps import ReadSessionsDep
from app.explorer import queries
from app.explorer.routes import document_rows
from app.portal import search
from app.portal.pages import portal_locale, render

HERE = Path(__file__).resolve().parent
MEDIA_TYPES = {".css": "text/css", ".js": "text/javascript"}
# Every file the portal serves, by its path under static/ (the stylesheet, the key library and its
# vendored packages): listed once at start, so no request path reaches the file system.
STATIC = {
    p.relative_to(HERE / "static").as_posix(): p
    for p in sorted((HERE / "static").rglob("*"))
    if p.is_file() and p.suffix in MEDIA_TYPES
}
PER_PAGE = 20
LAST_PAGE = 10_000  # beyond any real list; a larger ?page= is refused as a bad request

router = APIRouter(prefix="/portal", tags=["portal"], include_in_schema=False)


@router.get("", include_in_schema=False)
def portal_root() -> RedirectResponse:
    return RedirectResponse("/portal/", status_code=307)


@router.get("/static/{name:path}")
def static(name: str) -> FileResponse:
    path = STATIC.get(name)
    if path is None:
        return Response(status_code=404)  # type: ignore[return-value]
    return FileResponse(
        path, media_type=MEDIA_TYPES[path.suffix], headers={"Cache-Control": "public, max-age=300"}
    )


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
    documents = document_rows(view, portal_locale(request))
    return render(request, "tender.html", view=view, now=at, agencies=agencies, documents=documents)
