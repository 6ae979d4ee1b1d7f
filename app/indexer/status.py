"""What the indexer reports about itself: read by /health and /metrics, written only by the
indexer's own thread (plain attribute writes, so readers never need a lock)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class IndexerStatus:
    running: bool = False
    head: int | None = None  # the node's latest block
    target: int | None = None  # the latest block with enough confirmations
    cursor: int | None = None  # every log up to here is stored
    batch_blocks: int = 0  # current eth_getLogs range (adapts to the node's answers)
    events_total: int = 0  # stored since the process started
    batches_total: int = 0
    reorgs_total: int = 0
    rolled_back_events_total: int = 0
    errors_total: int = 0
    last_error: str | None = None
    last_progress_at: float | None = None  # time.time() of the last stored batch or idle check

    @property
    def lag(self) -> int | None:
        """Blocks between the cursor and the node's head."""
        if self.head is None or self.cursor is None:
            return None
        return max(0, self.head - self.cursor)
