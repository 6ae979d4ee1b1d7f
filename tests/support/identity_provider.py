"""An OIDC identity provider for tests: a real HTTP server on a loopback port with an authorization
endpoint (it signs in whoever the test says, at once: 303 back to the redirect URI with a code) and a
token endpoint (the code, once, with its PKCE verifier, for a token signed by the development issuer's
key in `folder`). It records every token request, and can be told to be down."""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from app.auth import devissuer, devlogin


@dataclass
class IdentityProvider:
    url: str
    folder: Path
    supplier: int | None = 7  # who signs in next (claim `supplier`)
    roles: list[str] = field(default_factory=list)  # and with which roles (an official's: some)
    down: bool = False  # the token endpoint answers 503
    token_requests: list[dict] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    _codes: dict[str, tuple[str, str, int | None, list[str]]] = field(default_factory=dict)

    @property
    def authorize_url(self) -> str:
        return self.url + "/authorize"

    @property
    def token_url(self) -> str:
        return self.url + "/token"


@contextlib.contextmanager
def identity_provider(folder: Path) -> Iterator[IdentityProvider]:
    state = IdentityProvider("", folder)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            q = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            code = secrets.token_urlsafe(16)
            state._codes[code] = (q["redirect_uri"], q["code_challenge"], state.supplier, list(state.roles))
            self.send_response(303)
            self.send_header(
                "Location", f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"
            )
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            form = {
                k: v[0]
                for k, v in parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()).items()
            }
            state.token_requests.append(form)
            if state.down:
                return self._answer(503, {"error": "temporarily_unavailable"})
            grant = state._codes.pop(form.get("code", ""), None)
            challenge = devlogin.challenge_of(form.get("code_verifier", ""))
            if grant is None or grant[0] != form.get("redirect_uri") or grant[1] != challenge:
                return self._answer(400, {"error": "invalid_grant"})
            _, _, supplier, roles = grant
            token = devissuer.issue(f"idp-{supplier}", roles, supplier=supplier, folder=state.folder, ttl=600)
            state.issued.append(token)
            return self._answer(200, {"access_token": token, "token_type": "Bearer", "expires_in": 600})

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
