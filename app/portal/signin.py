"""Signing in to the supplier portal: the OIDC authorization-code flow with PKCE. The gateway sends
the supplier to the identity provider with a fresh `state` (also kept in a short-lived cookie, so a
callback started in another browser is refused) and an S256 code challenge; the row behind the state
holds the verifier, is used once and expires. The code is exchanged at the provider's token
endpoint, and the access token that comes back is verified exactly as the API verifies bearer tokens.
Only a supplier's token is accepted: claim `supplier` (its registry id) and no official's role.

The session is that token in an HttpOnly, SameSite=Lax cookie scoped to /portal/, verified again on
every page and gone when the token expires; nothing about it is kept on the server, so any gateway
behind the same provider serves the signed-in supplier. The API never reads this cookie: a page of
another site cannot make the portal's cookie act on the API."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import httpx
import jwt
from fastapi import Request
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.auth import devlogin
from app.auth.tokens import AuthError, IdentityProviderUnavailable, Principal
from app.config import Settings, development_allowed
from app.db.models import utcnow
from app.ledger.tls import tls_context
from app.portal.models import PortalSignIn

SESSION_COOKIE, STATE_COOKIE = "terang_portal", "terang_portal_state"
COOKIE_PATH = "/portal/"
SIGN_IN_SECONDS = 600
CALLBACK = "portal/signed-in"


class SignInError(Exception):
    """A sign-in that cannot finish: `code` is stable (the page and the log say it), `status` HTTP."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


@dataclass(frozen=True)
class Endpoints:
    authorize: str
    token: str


def endpoints(request: Request) -> Endpoints:
    """The provider's endpoints; the development sign-in's where development values are allowed and
    none are configured; otherwise refused (fail closed)."""
    settings: Settings = request.app.state.settings
    if settings.portal_oidc_authorize_url and settings.portal_oidc_token_url:
        return Endpoints(settings.portal_oidc_authorize_url, settings.portal_oidc_token_url)
    if development_allowed(settings) and devlogin.served(settings):
        base = str(request.base_url)
        return Endpoints(base + "dev-issuer/authorize", base + "dev-issuer/token")
    raise SignInError(503, "portal_sign_in_unconfigured")


def safe_return(path: str | None) -> str:
    """Where to go after signing in: a portal page of this site, nothing else (no open redirect)."""
    if path and path.startswith("/portal/") and "//" not in path and "\\" not in path and len(path) <= 500:
        return path
    return "/portal/"


def secure(request: Request) -> bool:
    settings: Settings = request.app.state.settings
    return request.url.scheme == "https" or settings.environment == "production"


def begin(request: Request, session: Session, return_to: str) -> tuple[str, str]:
    """Records a sign-in and returns (the provider URL to send the browser to, its state)."""
    found = endpoints(request)
    settings: Settings = request.app.state.settings
    state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    session.execute(
        delete(PortalSignIn).where(PortalSignIn.created_at < utcnow() - timedelta(seconds=SIGN_IN_SECONDS))
    )
    session.add(PortalSignIn(state=state, code_verifier=verifier, return_to=safe_return(return_to)))
    query = httpx.QueryParams(
        {
            "response_type": "code",
            "client_id": settings.portal_oidc_client_id,
            "redirect_uri": str(request.base_url) + CALLBACK,
            "scope": "openid",
            "state": state,
            "code_challenge": devlogin.challenge_of(verifier),
            "code_challenge_method": "S256",
        }
    )
    return f"{found.authorize}?{query}", state


@dataclass(frozen=True)
class Claimed:
    """A sign-in taken off the table for its callback: what the code exchange needs."""

    code_verifier: str
    return_to: str


def claim(request: Request, session: Session, state: str) -> Claimed:
    """The sign-in the callback's `state` names, removed (its transaction commits before the code is
    exchanged, so a failure afterwards cannot leave it usable). Raises SignInError."""
    if not state or not secrets.compare_digest(request.cookies.get(STATE_COOKIE, ""), state):
        raise SignInError(400, "sign_in_state_mismatch")  # not the browser that began it
    row = session.get(PortalSignIn, state)
    if row is None:
        raise SignInError(400, "sign_in_expired")
    session.delete(row)
    if (utcnow() - _aware(row.created_at)).total_seconds() > SIGN_IN_SECONDS:
        return Claimed("", "")  # expired: removed all the same, refused by `finish`
    return Claimed(row.code_verifier, row.return_to)


def finish(request: Request, claimed: Claimed, code: str) -> tuple[str, str, int]:
    """Exchanges the callback's code and verifies the token: (token, where to go, seconds the session
    may last). Raises SignInError."""
    if not claimed.code_verifier:
        raise SignInError(400, "sign_in_expired")
    token = _exchange(request, code, claimed.code_verifier)
    principal = verify_supplier(request, token)
    if principal is None:
        raise SignInError(403, "not_a_supplier")
    expires = int(jwt.decode(token, options={"verify_signature": False})["exp"])
    return token, claimed.return_to, max(0, expires - int(time.time()))


def verify_supplier(request: Request, token: str) -> Principal | None:
    """The supplier a token speaks for, verified as the API verifies tokens; None for an official's
    token (any role), a token without a supplier, or one that no longer verifies."""
    try:
        principal = request.app.state.verifier.verify(token)
    except AuthError:
        return None
    except IdentityProviderUnavailable:
        raise SignInError(503, "identity_provider_unavailable") from None
    if principal.supplier is None or principal.roles:
        return None
    return principal


def signed_in(request: Request) -> Principal | None:
    """The supplier whose session cookie this request carries, if it still verifies."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 8192:
        return None
    try:
        return verify_supplier(request, token)
    except SignInError:
        return None


def _exchange(request: Request, code: str, verifier: str) -> str:
    settings: Settings = request.app.state.settings
    found = endpoints(request)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": str(request.base_url) + CALLBACK,
        "client_id": settings.portal_oidc_client_id,
        "code_verifier": verifier,
    }
    if settings.portal_oidc_client_secret is not None:
        form["client_secret"] = settings.portal_oidc_client_secret.get_secret_value()
    try:
        with httpx.Client(timeout=settings.portal_oidc_timeout_seconds, verify=tls_context()) as client:
            answer = client.post(found.token, data=form, headers={"Accept": "application/json"})
    except httpx.HTTPError:
        raise SignInError(502, "identity_provider_unavailable") from None
    if answer.status_code == 400:
        raise SignInError(400, "sign_in_expired")  # the code was used, expired or not this browser's
    try:
        token = answer.json()["access_token"] if answer.status_code == 200 else None
    except (ValueError, KeyError, TypeError):
        token = None
    if not isinstance(token, str):
        raise SignInError(502, "identity_provider_unavailable")
    return token


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
