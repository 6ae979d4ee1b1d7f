"""`python -m app`: check the configuration and the chain, then serve the gateway.

Configuration mistakes (unreachable node, wrong chain, missing manifest, port taken, a development
secret outside local/test on loopback: app/config.py check_deployment) end in one line on stderr and
exit status 2, never a traceback, and before anything binds."""

from __future__ import annotations

import socket
import sys

import uvicorn

from app import logs
from app.config import ConfigurationError, settings_or_refusal
from app.keyring.keyring import keyring_for
from app.keyring.providers import KeyringError
from app.ledger.client import ChainUnavailable, connect
from app.main import create_app
from app.officials.keys import check_signers
from app.protocol.manifest import ManifestError


def main() -> int:
    settings = settings_or_refusal("gateway")
    if settings is None:
        return 2
    logs.configure(settings.log_level)
    try:  # people's acts are signed by each official's own key: no shared key outside local/test
        check_signers(settings)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:  # the keys that seal secrets at rest: outside local/test a provisioned file (app/keyring)
        keyring_for(settings)
    except KeyringError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        chain = connect(settings)
    except (ChainUnavailable, ManifestError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((settings.host, settings.port))
        except OSError:
            print(
                f"error: {settings.host}:{settings.port} is already in use; set TERANG_PORT to a free port",
                file=sys.stderr,
            )
            return 2
    # log_config=None: uvicorn's own and access lines go through the JSON handler set up above.
    uvicorn.run(
        create_app(settings, chain),
        host=settings.host,
        port=settings.port,
        log_config=None,
        log_level=settings.log_level.lower(),
        # the peer is the client: X-Forwarded-For counts only from the proxies app/config.py trusts
        # (rate_limit_trusted_proxies, app/api/ratelimit.py), not from any loopback caller
        proxy_headers=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
