"""The development sign-in: a stand-in for the OIDC provider's authorization and token endpoints, so
the supplier portal's sign-in runs the real authorization-code flow (PKCE, state, single-use codes)
on one machine. Served only where development values are allowed and tokens come from the
development issuer (its private key beside TERANG_JWT_PUBLIC_KEY_FILE); anyone may sign in as any
supplier here, which is why production never serves it.

    GET  /dev-issuer/authorize   the "who are you" page (a supplier id)
    POST /dev-issuer/authorize   -> 303 to the portal's callback with a code
    POST /dev-issuer/token       code + PKCE verifier -> a development token for that supplier
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from app.auth.devissuer import issue
from app.config import DEV_ISSUER, Settings, development_allowed

CODE_SECONDS = 60
TOKEN_SECONDS = 8 * 3600
MAX_FORM_BYTES = 4096

router = APIRouter(prefix="/dev-issuer", include_in_schema=False)
PAGE = """<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Masuk (pengembangan) · Terang</title>
<link rel="stylesheet" href="/explorer/static/style.css">
</head>
<body>
<main>
<h1>Masuk sebagai penyedia (pengembangan)</h1>
<p>Halaman ini hanya ada di sistem pengembangan: siapa pun dapat masuk sebagai penyedia mana pun.
<span lang="en">Development sign-in: anyone may sign in as any supplier. Production uses the identity
provider.</span></p>
<form method="post" action="/dev-issuer/authorize">{hidden}
<label for="supplier">Nomor penyedia di registri / <span lang="en">Registry supplier id</span></label>
<input id="supplier" name="supplier" inputmode="numeric" pattern="[0-9]{1,18}" required>
<button type="submit">Masuk / <span lang="en">Sign in</span></button>
</form>
</main>
</body>
</html>
"""


@dataclass(frozen=True)
class Grant:
    supplier: int
    redirect_uri: str
    challenge: str
    expires: float


_grants: dict[str, Grant] = {}
_lock = threading.Lock()


def served(settings: Settings) -> bool:
    key = settings.jwt_public_key_file
    return (
        development_allowed(settings)
        and settings.jwt_issuer == DEV_ISSUER
        and not settings.jwks_url
        and key is not None
        and (Path(key).parent / "private.pem").is_file()
    )


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}


def _same_origin_callback(request: Request, redirect_uri: str) -> bool:
    target, here = urlsplit(redirect_uri), urlsplit(str(request.base_url))
    return (target.scheme, target.netloc) == (here.scheme, here.netloc) and target.path == "/portal/signed-in"


def _refuse(status: int, text: str) -> Response:
    return HTMLResponse(f"<!doctype html><title>Terang</title><p>{html.escape(text)}</p>", status_code=status)


@router.get("/authorize", response_class=HTMLResponse)
def authorize_page(request: Request) -> Response:
    if not served(request.app.state.settings):
        return Response(status_code=404)
    q = request.query_params
    if (
        q.get("response_type") != "code"
        or q.get("code_challenge_method") != "S256"
        or not q.get("code_challenge")
    ):
        return _refuse(400, "response_type=code and an S256 code_challenge are required")
    if not _same_origin_callback(request, q.get("redirect_uri", "")):
        return _refuse(400, "redirect_uri must be this gateway's /portal/signed-in")
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(q.get(name, ""))}">'
        for name in ("redirect_uri", "state", "code_challenge")
    )
    return HTMLResponse(PAGE.replace("{hidden}", hidden))


@router.post("/authorize")
async def authorize(request: Request) -> Response:
    if not served(request.app.state.settings):
        return Response(status_code=404)
    form = await _form(request)
    supplier = form.get("supplier", "")
    if not supplier.isdigit() or not 0 < int(supplier) < 2**63 or not form.get("code_challenge"):
        return _refuse(400, "a supplier id (a positive number) is required")
    if not _same_origin_callback(request, form.get("redirect_uri", "")):
        return _refuse(400, "redirect_uri must be this gateway's /portal/signed-in")
    code = secrets.token_urlsafe(32)
    with _lock:
        now = time.monotonic()
        for stale in [c for c, g in _grants.items() if g.expires < now]:
            del _grants[stale]
        _grants[code] = Grant(int(supplier), form["redirect_uri"], form["code_challenge"], now + CODE_SECONDS)
    query = urlencode({"code": code, "state": form.get("state", "")})
    return RedirectResponse(f"{form['redirect_uri']}?{query}", status_code=303)


@router.post("/token")
async def token(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if not served(settings):
        return Response(status_code=404)
    form = await _form(request)
    with _lock:
        grant = _grants.pop(form.get("code", ""), None)  # a code is good once
    if (
        form.get("grant_type") != "authorization_code"
        or grant is None
        or grant.expires < time.monotonic()
        or grant.redirect_uri != form.get("redirect_uri")
        or not secrets.compare_digest(grant.challenge, challenge_of(form.get("code_verifier", "")))
    ):
        return JSONResponse({"error": "invalid_grant"}, status_code=400)
    folder = Path(settings.jwt_public_key_file).parent  # type: ignore[arg-type]
    access = issue(
        f"penyedia-{grant.supplier}",
        [],
        supplier=grant.supplier,
        ttl=TOKEN_SECONDS,
        folder=folder,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )
    return JSONResponse(
        {"access_token": access, "token_type": "Bearer", "expires_in": TOKEN_SECONDS},
        headers={"Cache-Control": "no-store"},
    )
