"""Security headers on every response, API and pages alike (a plain ASGI middleware):

- `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`;
- `X-Frame-Options: DENY` and CSP `frame-ancestors 'none'`: no page is framed (clickjacking);
- a strict Content-Security-Policy: scripts, styles, images and fetches only from the gateway
  itself, no inline script or style, no plugins, no <base>. The explorer (app/explorer) keeps every
  script and style in app/explorer/static for this; its document check runs under it.

No exemption: the interactive API docs (/docs, app/api/docs.py) load Swagger UI from the gateway's
own static files and start it from a file too, under the same policy."""

from __future__ import annotations

STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

COMMON = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
ADDED = (*COMMON, (b"content-security-policy", STRICT_CSP.encode()))


def security_headers(path: str) -> dict[str, str]:
    """The headers, for an answer built outside the middleware (the server error handler's 500)."""
    return {name.decode(): value.decode() for name, value in ADDED}


class SecurityHeadersMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in ADDED if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
