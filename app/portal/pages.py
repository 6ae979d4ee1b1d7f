"""What every supplier portal page shares: its router, its templates, and rendering in the reader's
language and zone with the signed-in supplier (if any) in the header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from app.api.security_headers import STRICT_CSP
from app.explorer.i18n import TIME_ZONES, locale
from app.explorer.routes import remember
from app.portal import signin
from app.portal.importmap import CSP_SOURCE, IMPORT_MAP_TAG
from app.portal.strings import PortalLocale

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")  # autoescapes .html


def portal_locale(request: Request) -> PortalLocale:
    base = locale(request)
    return PortalLocale(base.lang, base.zone)


# A page that signs (with_keys=True) carries the key library's import map, an inline script the
# strict policy admits by its hash alone (app/portal/importmap.py).
KEYS_CSP = STRICT_CSP.replace("script-src 'self'", f"script-src 'self' {CSP_SOURCE}")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    loc = portal_locale(request)
    headers = {"Content-Language": loc.lang}
    if context.get("with_keys"):
        headers["Content-Security-Policy"] = KEYS_CSP
        context["import_map"] = Markup(IMPORT_MAP_TAG)  # noqa: S704 (a constant: the map's own markup)
    response = templates.TemplateResponse(
        request,
        template,
        {"loc": loc, "t": loc.t, "zones": TIME_ZONES, "supplier": signin.signed_in(request), **context},
        status_code=status,
        headers=headers,
    )
    remember(request, response, loc)
    return response
