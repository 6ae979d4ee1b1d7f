"""`python -m app.indexer [--metrics-port N]`: the indexer as its own process (TERANG_* settings),
stopped cleanly by SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from prometheus_client import CollectorRegistry, start_http_server

from app import logs
from app.config import settings_or_refusal
from app.db.migrate import upgrade
from app.db.session import make_engine
from app.indexer.metrics import IndexerCollector
from app.indexer.service import build_indexer
from app.indexer.status import IndexerStatus
from app.ledger.client import ChainUnavailable, connect
from app.protocol.manifest import ManifestError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.indexer", description=__doc__)
    parser.add_argument(
        "--metrics-port", type=int, default=None, help="serve Prometheus metrics on this port"
    )
    args = parser.parse_args(argv)
    settings = settings_or_refusal("indexer", "indexer")  # it holds no secrets; a bad setting is one line
    if settings is None:
        return 2
    logs.configure(settings.log_level)
    try:
        chain = connect(settings)
    except (ChainUnavailable, ManifestError) as exc:
        print(f"indexer: {exc}", file=sys.stderr)
        return 2
    if settings.environment != "production":
        upgrade(settings.database_url)  # as the gateway does; production migrates once per release
    status = IndexerStatus()
    if args.metrics_port:
        registry = CollectorRegistry()
        registry.register(IndexerCollector(status))
        start_http_server(args.metrics_port, addr=settings.host, registry=registry)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    engine = make_engine(settings.database_url)
    nodes = chain.rpc.start(settings.node_probe_seconds)  # every node checked; calls fail over
    indexer = build_indexer(settings, chain.manifest, engine, status, nodes=nodes)
    logging.getLogger("terang.indexer").info(
        "indexing %d contracts of chain %d into %s",
        len(chain.manifest.contracts),
        chain.manifest.chain_id,
        engine.url.render_as_string(hide_password=True),
    )
    indexer.run(stop, settings.indexer_poll_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
