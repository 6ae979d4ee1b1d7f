"""Several uvicorn workers on one port (`terang gateway --workers N`) are one scrape target: a scrape
reaches whichever worker accepts it. So that its counters are the target's, not one worker's, each
worker that has served a request writes what it counted (requests, the transaction manager's
tallies, the page cache's counters, its last reconciliation run) to `<TERANG_METRICS_DIR>/<pid>.json`
every SHARE_SECONDS, and /metrics adds the other workers' files to its own live tallies. The folder is
made fresh for each start by app/__main__.py; a worker that died leaves its last file, so the sums
never go down (at most SHARE_SECONDS of its counting is lost). Without TERANG_METRICS_DIR (one
process), nothing is written."""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger("terang.health.metrics")
ENV = "TERANG_METRICS_DIR"
SHARE_SECONDS = 1.0


def snapshot(state) -> dict:
    """What this process counted, read from the application's state by attribute."""
    shared: dict = {}
    http = getattr(state, "http_metrics", None)
    if http is not None:
        shared["http_requests"] = [[*key, count] for key, count in http.requests.copy().items()]
        shared["http_durations"] = [[*key, tally[:]] for key, tally in http.durations.copy().items()]
    txmanager = getattr(state, "txmanager", None)
    if txmanager is not None:
        shared["tx"] = list(txmanager.stats.snapshot())
    cache = getattr(state, "page_cache", None)
    if cache is not None:
        shared["page_cache"] = [cache.hits, cache.misses, cache.stored, cache.dropped]
    record = getattr(getattr(state, "payments", None), "reconciliations", None)
    if record is not None and record.last_run is not None:
        shared["reconciliation"] = [record.runs, record.last_run, record.unrepaired]
    return shared


class WorkerShare:
    def __init__(self, folder: Path, state) -> None:
        self.folder = folder
        self.state = state
        self.path = folder / f"{os.getpid()}.json"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="metrics-share", daemon=True)

    def start(self) -> WorkerShare:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(SHARE_SECONDS):
            self.write()

    def write(self) -> None:
        try:
            partial = self.path.with_suffix(".part")
            partial.write_text(json.dumps(snapshot(self.state)))
            os.replace(partial, self.path)  # a reader sees the old file or the new one, never half
        except (OSError, RuntimeError, ValueError) as exc:
            log.warning("metrics not shared with the other workers: %s", exc)

    def others(self) -> list[dict]:
        found = []
        for path in self.folder.glob("*.json"):
            if path != self.path:
                try:
                    found.append(json.loads(path.read_text()))
                except (OSError, ValueError):
                    continue  # a worker's file being replaced: its next scrape counts it
        return found


_lock = threading.Lock()


def share_of(state) -> WorkerShare | None:
    """This process's share when several workers serve one port (TERANG_METRICS_DIR set), started
    once; None otherwise."""
    folder = os.environ.get(ENV)
    if not folder:
        return None
    share = getattr(state, "worker_share", None)
    if share is None:
        with _lock:
            share = getattr(state, "worker_share", None)
            if share is None:
                share = state.worker_share = WorkerShare(Path(folder), state).start()
    return share
