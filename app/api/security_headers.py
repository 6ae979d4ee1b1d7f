"""Security headers on every response, API and pages alike (a plain ASGI middleware):

- `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`;
- `X-Frame-Options: DENY` and CSP `frame-ancestors 'none'`: no page is framed (clickjacking);
- a strict Content-Security-Policy: scripts, styles, images and fetches only from the gateway
  itself, no inline script or style, no plugins, no <base>. The explorer (app/explorer) keeps every
  script and style in app/explorer/static for this; its document check runs under it.

Exemption: the interactive API docs (/docs, its OAuth2 redirect, /redoc) are FastAPI's pages, which
load Swagger UI / ReDoc from a CDN and start them with an inline script. They get a CSP of their own
that admits that CDN and inline script (nothing else) until the docs are served offline. The JSON
document they read (/openapi.json) has the strict policy like every other response."""

from __future__ import annotations

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = (
    f"default-src 'self'; script-src 'self' 'unsafe-inline' {DOCS_CDN}; "
    f"style-src 'self' 'unsafe-inline' {DOCS_CDN}; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; font-src 'self' https://fonts.gstatic.com; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})

COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
_CSP = b"content-security-policy"


def policy(path: str) -> str:
    return DOCS_CSP if path in DOCS_PATHS else STRICT_CSP


def security_headers(path: str) -> dict[str, str]:
    """The headers, for an answer built outside the middleware (the server error handler's 500)."""
    return {name.decode(): value.decode() for name, value in COMMON} | {
        "content-security-policy": policy(path)
    }


class SecurityHeadersMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = (*COMMON, (_CSP, policy(scope["path"]).encode()))

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in added if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
