"""Running the indexer: as a background thread of the gateway (default) or as its own process
(`python -m app.indexer`). Either way it first brings the database schema up to date."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy import Engine

from app.chain.manifest import Manifest
from app.config import Settings
from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.indexer.follower import Indexer
from app.indexer.node import Node
from app.indexer.status import IndexerStatus

log = logging.getLogger("terang.indexer")


def build_indexer(settings: Settings, manifest: Manifest, engine: Engine, status: IndexerStatus) -> Indexer:
    return Indexer(
        Node(settings.rpc_url, timeout=max(settings.rpc_timeout_seconds, 30.0)),
        make_session_factory(engine),
        manifest,
        confirmations=settings.confirmations,
        batch_blocks=settings.indexer_batch_blocks,
        status=status,
    )


@dataclass
class IndexerThread:
    """The in-process indexer; `status` is what /health and /metrics read."""

    settings: Settings
    manifest: Manifest
    status: IndexerStatus = field(default_factory=IndexerStatus)
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
            while not self._stop.is_set():
                try:
                    upgrade(self.settings.database_url)
                    break
                except Exception as exc:  # the database may come up after the gateway
                    self.status.errors_total += 1
                    self.status.last_error = f"migration: {type(exc).__name__}: {exc}"
                    log.warning("indexer cannot migrate the database yet (%s)", exc)
                    self._stop.wait(5.0)
            indexer = build_indexer(self.settings, self.manifest, engine, self.status)
            indexer.run(self._stop, self.settings.indexer_poll_seconds)
            indexer.node.close()
        finally:
            engine.dispose()
