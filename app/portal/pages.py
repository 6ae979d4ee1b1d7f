"""What every supplier portal page shares: its router, its templates, and rendering in the reader's
language and zone with the signed-in supplier (if any) in the header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.explorer.i18n import TIME_ZONES, locale
from app.explorer.routes import remember
from app.portal import signin
from app.portal.strings import PortalLocale

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")  # autoescapes .html


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
