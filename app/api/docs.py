"""The interactive API docs at /docs: Swagger UI served by the gateway itself, from the files
`make vendor` copies out of the pinned npm package swagger-ui-dist (app/api/static/swagger-ui), and
started by a script of ours (app/api/static/docs.js), so the page works in a network with no way
out and runs under the same strict Content-Security-Policy as every other page (no CDN, no inline
script or style). ReDoc is not served (docs/decisions/0036-offline-api-docs.md).

Swagger UI speaks English only; the page is marked `lang="en"` and carries the gateway's title."""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

DOCS_URL = "/docs"
OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
STATIC_URL = "/docs/static"
HERE = Path(__file__).resolve().parent
MEDIA_TYPES = {".css": "text/css", ".js": "text/javascript", ".png": "image/png"}
# Every file the docs serve, by its path under static/: listed once at start, so no request path
# reaches the file system.
STATIC = {
    p.relative_to(HERE / "static").as_posix(): p
    for p in sorted((HERE / "static").rglob("*"))
    if p.is_file() and p.suffix in MEDIA_TYPES
}
CACHE = {"Cache-Control": "public, max-age=300"}

router = APIRouter(include_in_schema=False)


@router.get(DOCS_URL, response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    app = request.app
    static = root + STATIC_URL
    return HTMLResponse(
        f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(app.title)} · API</title>
<link rel="stylesheet" href="{static}/swagger-ui/swagger-ui.css">
<link rel="icon" type="image/png" href="{static}/swagger-ui/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{escape(root + app.openapi_url)}"
  data-oauth2-redirect-url="{escape(root + OAUTH2_REDIRECT_URL)}"></div>
<script src="{static}/swagger-ui/swagger-ui-bundle.js"></script>
<script src="{static}/docs.js"></script>
</body>
</html>
"""
    )


@router.get(OAUTH2_REDIRECT_URL, response_class=HTMLResponse)
def oauth2_redirect(request: Request) -> HTMLResponse:
    """Where an OAuth2 provider sends the browser back to Swagger UI (its own page, with its script
    served from here)."""
    static = request.scope.get("root_path", "") + STATIC_URL
    return HTMLResponse(
        f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>OAuth2 redirect</title></head>
<body>
<script src="{static}/swagger-ui/oauth2-redirect.js"></script>
</body>
</html>
"""
    )


@router.get(STATIC_URL + "/{name:path}")
def static(name: str) -> FileResponse:
    path = STATIC.get(name)
    if path is None:
        return Response(status_code=404)  # type: ignore[return-value]
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=CACHE)
