"""Finished public pages kept in this process's memory, scoped to the indexed position
(app/explorer/position.py): an entry is served only while the position it was rendered at is the
newest one this process has seen, and a new position drops every entry at once. Bounded by entries
and by bytes (least recently used first); a body larger than the bound per entry is never kept, so
one client paging through large packages (a bulk reader of /ocds/releases) neither pays for copies
nobody reads again nor pushes every smaller page out.

Positions are observed one at a time (`observe` holds a lock around the database read), so the
position this process has seen only moves forward in the database's commit order, even with many
threads: a request that read an older position than another request's misses, and its page is
rendered afresh (never older than what the process has seen) and not kept.

`position_seconds` (the gateway passes TERANG_READ_CACHE_POLL_SECONDS): a position read less than
that long ago is used again without asking the database, so a hit costs no query and no trip to a
thread. A commit then shows at most that long later: the freshness the gateway's contract reads
already have (answered as of a head polled at that interval). 0: every request reads it."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from app.explorer.position import Position

UNKNOWN = object()  # no position read recently enough (PageCache.recent)


@dataclass(frozen=True)
class Page:
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]  # content-type, content-language, vary, etag


def etag_of(position: Position, key: str) -> str:
    """A strong validator derived from the position and the request's key (not from the body)."""
    return '"' + hashlib.sha256(repr((position, key)).encode()).hexdigest()[:32] + '"'


class PageCache:
    def __init__(
        self,
        max_entries: int,
        max_bytes: int,
        position_seconds: float = 0.0,
        clock=time.monotonic,
        max_entry_bytes: int | None = None,
    ) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.max_entry_bytes = min(max_bytes, max_entry_bytes if max_entry_bytes is not None else max_bytes)
        self.enabled = max_entries > 0 and max_bytes > 0
        self.position_seconds, self.clock = position_seconds, clock
        self.position: Position | None = None
        self._observed_at = -math.inf
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._observing = threading.Lock()
        self.hits = self.misses = self.stored = self.dropped = 0

    # -- the position --------------------------------------------------------------------------
    def recent(self) -> Position | None | object:
        """The position last read, if read less than `position_seconds` ago; else UNKNOWN."""
        if self.clock() - self._observed_at < self.position_seconds:
            return self.position
        return UNKNOWN

    def observe(self, read: Callable[[], Position | None]) -> Position | None:
        """Reads the position (under a lock: one read at a time, so each sees a commit at least as
        new as the one before); a position other than the newest seen drops every entry."""
        with self._observing:
            started = self.clock()
            position = read()
            self._observed_at = started
            with self._lock:
                if position != self.position:
                    self.dropped += len(self._pages)
                    self._pages.clear()
                    self._bytes = 0
                    self.position = position
        return position

    # -- entries -------------------------------------------------------------------------------
    def get(self, position: Position, key: str) -> Page | None:
        with self._lock:
            page = self._pages.get(key) if position == self.position else None
            if page is None:
                self.misses += 1
                return None
            self._pages.move_to_end(key)
            self.hits += 1
            return page

    def put(self, position: Position, key: str, page: Page) -> bool:
        """Keeps `page` if `position` is still the newest seen and it fits; returns whether it did."""
        size = len(page.body) + len(key)
        if size > min(self.max_entry_bytes, self.max_bytes):
            return False
        with self._lock:
            if position != self.position:
                return False
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body) + len(key)
            self._pages[key] = page
            self._bytes += size
            while len(self._pages) > self.max_entries or self._bytes > self.max_bytes:
                gone_key, gone = self._pages.popitem(last=False)
                self._bytes -= len(gone.body) + len(gone_key)
            self.stored += 1
            return True

    def size(self) -> tuple[int, int]:
        """(entries, bytes) kept now."""
        with self._lock:
            return len(self._pages), self._bytes
