"""Running the indexer: as a background thread of the gateway (default) or as its own process
(`python -m app.indexer`). The schema is migrated by whoever starts it (the gateway's lifespan
outside production, `python -m app.db.migrate` in production)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine

from app.config import Settings
from app.db.session import make_engine, make_session_factory
from app.indexer.follower import Indexer, Projection
from app.indexer.node import Node
from app.indexer.status import IndexerStatus
from app.ledger.nodes import NodePool
from app.protocol.manifest import Manifest

log = logging.getLogger("terang.indexer")


def build_indexer(
    settings: Settings,
    manifest: Manifest,
    engine: Engine,
    status: IndexerStatus,
    projections: Sequence[Projection] = (),
    nodes: NodePool | None = None,
) -> Indexer:
    """`nodes`: the process's node pool (app/ledger/nodes.py); without it, TERANG_RPC_URL alone."""
    return Indexer(
        Node(nodes or settings.rpc_url, timeout=max(settings.rpc_timeout_seconds, 30.0)),
        make_session_factory(engine),
        manifest,
        confirmations=settings.confirmations,
        batch_blocks=settings.indexer_batch_blocks,
        status=status,
        projections=projections,
    )


@dataclass
class IndexerThread:
    """The in-process indexer; `status` is what /health and /metrics read."""

    settings: Settings
    manifest: Manifest
    status: IndexerStatus = field(default_factory=IndexerStatus)
    projections: Sequence[Projection] = ()  # read models kept in the indexer's transactions
    nodes: NodePool | None = None  # the gateway's node pool
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> IndexerThread:
        self._thread = threading.Thread(target=self._run, name="terang-indexer", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        engine = make_engine(self.settings.database_url)
        try:
            indexer = build_indexer(
                self.settings, self.manifest, engine, self.status, self.projections, self.nodes
            )
            indexer.run(self._stop, self.settings.indexer_poll_seconds)
            indexer.node.close()
        finally:
            engine.dispose()
