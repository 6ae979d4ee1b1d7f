"""`python -m app`: check the configuration and the chain, then serve the gateway.

Configuration mistakes (unreachable node, wrong chain, missing manifest, port taken) end in one
line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import socket
import sys

import uvicorn

from app import logs
from app.config import get_settings
from app.ledger.client import ChainUnavailable, connect
from app.main import create_app
from app.protocol.manifest import ManifestError


def main() -> int:
    try:
        settings = get_settings()
    except ValueError as exc:
        print(
            f"error: invalid TERANG_* setting: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}"
            if hasattr(exc, "errors")
            else f"error: {exc}",
            file=sys.stderr,
        )
        return 2
    logs.configure(settings.log_level)
    try:
        chain = connect(settings)
    except (ChainUnavailable, ManifestError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
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
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
