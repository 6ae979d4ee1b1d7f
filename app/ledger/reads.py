"""Reads of contract state, answered once per block.

Contract state changes only from block to block, so a view call's result holds for every request
until the next block. A follower thread keeps the head block number (one `eth_blockNumber` per poll
interval); a read is made at that block (`block_identifier`) and kept until the head moves, so many
readers of a hot record (a tender the public is watching) cost one JSON-RPC call per block.

Freshness: a read reflects the head as of the last poll (`read_cache_poll_seconds`, default 0.25 s).
This process's own writes are seen at once: the transaction manager reports each confirmed block
(`observe`), which moves the head before the write's answer leaves. Another replica's write is seen
within one poll interval. If the follower cannot reach the node, reads bypass the cache (each asks
the node at `latest`), so a stalled follower never serves stale data.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

log = logging.getLogger("terang.reads")
MAX_ENTRIES = 20_000
STALE_AFTER_POLLS = 4


class BlockReads:
    def __init__(self, block_number: Callable[[], int], poll_seconds: float) -> None:
        self._block_number = block_number
        self.poll_seconds = poll_seconds
        self._head: int | None = None
        self._polled_at = 0.0
        self._entries: dict[Hashable, Any] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.hits = self.misses = 0

    # --- head --------------------------------------------------------------------------------
    def start(self) -> BlockReads:
        self._poll()
        self._thread = threading.Thread(target=self._follow, name="block-reads", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def observe(self, block_number: int) -> None:
        """A block this process saw confirmed (its own write): reads must not be older than it."""
        with self._lock:
            if self._head is None or block_number > self._head:
                self._head, self._entries = block_number, {}

    def _follow(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            self._poll()

    def _poll(self) -> None:
        try:
            number = self._block_number()
        except Exception as exc:  # the node is unreachable: reads go to the node directly
            log.debug("head poll failed: %s", exc)
            return
        with self._lock:
            self._polled_at = time.monotonic()
            if self._head is None or number > self._head:
                self._head, self._entries = number, {}

    def head(self) -> int | None:
        """The block reads are made at, or None when the follower is stale (then: no caching)."""
        with self._lock:
            if time.monotonic() - self._polled_at > STALE_AFTER_POLLS * self.poll_seconds:
                return None
            return self._head

    # --- reads -------------------------------------------------------------------------------
    def read(self, key: Hashable, call: Callable[[int | str], Any]) -> Any:
        """`call(block)` once per head block for `key`; errors (e.g. an unknown id) are not kept."""
        head = self.head()
        if head is None:
            return call("latest")
        with self._lock:
            if (head, key) in self._entries:
                self.hits += 1
                return self._entries[(head, key)]
        value = call(head)
        with self._lock:
            self.misses += 1
            if self._head == head:
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
                self._entries[(head, key)] = value
        return value
