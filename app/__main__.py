"""`python -m app` (or `terang gateway`): check the configuration and the chain, then serve the gateway.

Configuration mistakes (unreachable node, wrong chain, missing manifest, port taken, a development
secret outside local/test on loopback: app/config.py check_deployment) end in one line on stderr and
exit status 2, never a traceback, and before anything binds."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile

import uvicorn

from app import logs
from app.config import ConfigurationError, Settings, settings_or_refusal
from app.db.migrate import upgrade
from app.health import worker_metrics
from app.keyring.keyring import keyring_for
from app.keyring.providers import KeyringError
from app.ledger.client import ChainClient, ChainUnavailable, connect
from app.main import create_app
from app.officials.keys import check_signers
from app.protocol.manifest import ManifestError


def main(workers: int = 1) -> int:
    """Check, then serve. workers > 1: that many uvicorn processes, each building the gateway from the
    same TERANG_* settings (`terang gateway --workers N`)."""
    settings = settings_or_refusal("gateway")
    if settings is None:
        return 2
    logs.configure(settings.log_level)
    chain = preflight(settings, workers)
    if chain is None:
        return 2
    # log_config=None: uvicorn's own and access lines go through the JSON handler set up above.
    # proxy_headers=False: the peer is the client: X-Forwarded-For counts only from the proxies
    # app/config.py trusts (rate_limit_trusted_proxies, app/api/ratelimit.py), not from any loopback caller
    options = {
        "host": settings.host,
        "port": settings.port,
        "log_config": None,
        "log_level": settings.log_level.lower(),
        "proxy_headers": False,
    }
    if workers > 1:  # the processes share only the database (decision 0007); each connects itself
        # and a folder where each shares its counts, so any worker's /metrics answers for all
        # (app/health/worker_metrics.py): a fresh one, removed after, unless TERANG_METRICS_DIR names one
        made = None if os.environ.get(worker_metrics.ENV) else tempfile.mkdtemp(prefix="terang-metrics-")
        if settings.environment != "production":  # migrated once here, or the workers would race to
            upgrade(settings.database_url)  # create the schema (production migrates once per release)
        if made:
            os.environ[worker_metrics.ENV] = made
        try:
            uvicorn.run("app.main:create_app", factory=True, workers=workers, **options)
        finally:
            if made:
                shutil.rmtree(made, ignore_errors=True)
    else:
        uvicorn.run(create_app(settings, chain), **options)
    return 0


def preflight(settings: Settings, workers: int = 1) -> ChainClient | None:
    """Every check before the gateway serves (also `terang check`): its signers and keyring, the node
    and the manifest, the port free. None after one line on stderr naming what is wrong."""
    try:  # people's acts are signed by each official's own key: no shared key outside local/test
        check_signers(settings)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    try:  # the keys that seal secrets at rest: outside local/test a provisioned file (app/keyring)
        keyring_for(settings)
    except KeyringError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    if workers > 1 and (settings.database_url.startswith("sqlite") or settings.indexer_enabled):
        print(
            "error: several workers need a shared PostgreSQL TERANG_DATABASE_URL and "
            "TERANG_INDEXER_ENABLED=false (the indexer then runs once, as `terang indexer`)",
            file=sys.stderr,
        )
        return None
    try:
        chain = connect(settings)
    except (ChainUnavailable, ManifestError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
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
            return None
    return chain


if __name__ == "__main__":
    sys.exit(main())
