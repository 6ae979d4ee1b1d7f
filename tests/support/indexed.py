"""Waiting for the gateway's indexer to reach a block, as a test reads it: through /health."""

from __future__ import annotations

import time
from collections.abc import Callable


def cursor_block(health: dict) -> int:
    """The last block the indexer has stored, from a /health body (0 before its first batch, when
    the indexer reports no cursor yet)."""
    return (health.get("indexer") or {}).get("cursorBlock") or 0


def wait_until_indexed(
    read_health: Callable[[], dict], head: int, timeout: float = 60, what: str = ""
) -> None:
    """Polls `read_health()` (a /health body) until the indexer has stored block `head`."""
    deadline = time.monotonic() + timeout
    while cursor_block(read_health()) < head:
        assert time.monotonic() < deadline, f"the indexer did not catch up{what}"
        time.sleep(0.2)
