"""The log follower: from a stored cursor, fetch the logs of every manifest contract in batched
eth_getLogs ranges up to the confirmed head, decode and store them; notice a reorg by a block hash
the node no longer reports, roll back to the fork point and replay.

Why a range is trusted: the hash of its last block is read before and after eth_getLogs, and the
cursor's hash after; when all agree, the logs came from one chain that extends what is stored.
A reorg after that is noticed at the next step, when the stored cursor hash no longer matches."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from app.db.session import READ_ONLY, engine_of
from app.indexer import store
from app.indexer.decode import decode_log, event_specs
from app.indexer.node import Header, Node, RangeTooLarge
from app.indexer.status import IndexerStatus
from app.indexer.store import Cursor
from app.protocol.manifest import Manifest

log = logging.getLogger("terang.indexer")

HEADER_BATCH = 500  # block headers per JSON-RPC batch (timestamps, fork search)
LOG_BYTES = 4_096  # an eth_getLogs answer may hold target_logs logs of this many bytes each (~4x usual)


class Projection(Protocol):
    """Tables derived from the indexed events (read models), kept current in the indexer's own
    transaction: called after each stored batch and each rollback, with the cursor already moved.
    Layers above the indexer supply them at composition (the indexer imports none of them)."""

    def catch_up(self, session: Session) -> int: ...

    def settle_due(self, session: Session) -> bool:
        """Whether work deferred while batches kept coming is waiting (read-only, cheap: asked at
        every idle step of the indexer)."""
        ...

    def settle(self, session: Session) -> bool:
        """Does that work, when the indexer has caught up (True: some was done)."""
        ...


class Indexer:
    def __init__(
        self,
        node: Node,
        sessions: sessionmaker[Session],
        manifest: Manifest,
        *,
        confirmations: int = 1,
        batch_blocks: int = 100,
        max_batch_blocks: int = 100_000,
        target_logs: int = 5_000,
        max_answer_bytes: int | None = None,
        status: IndexerStatus | None = None,
        projections: Sequence[Projection] = (),
    ) -> None:
        self.node = node
        self.projections = tuple(projections)
        self.sessions = sessions
        self.chain_id = manifest.chain_id
        self.first_block = max(manifest.first_block, 1)
        self.specs = event_specs(manifest)
        # Every version of a replaced contract too (current, frozen, pending), stored under its name.
        self.contracts = {c.address.lower(): c.name for c in manifest.followed()}
        self.addresses = sorted(self.contracts)
        self.confirmations = confirmations
        self.max_batch_blocks = max_batch_blocks
        self.target_logs = target_logs
        # The memory bound: a multi-block answer longer than this is dropped unread and the range
        # narrowed, so a dense stretch after a sparse one (the range grown wide) is never held whole.
        self.max_answer_bytes = max_answer_bytes or target_logs * LOG_BYTES
        self.status = status or IndexerStatus()
        self.status.batch_blocks = batch_blocks

    # -- one step ------------------------------------------------------------------------------
    def step(self) -> int:
        """Checks for a reorg, then stores at most one batch. Returns how many events it stored."""
        cursor = self._cursor()
        self.status.cursor = cursor.block_number
        head = self.node.head()
        target = head - self.confirmations + 1
        self.status.head, self.status.target = head, target
        here = self.node.header(cursor.block_number)
        if here is None or here.hash != cursor.block_hash:
            self._roll_back_reorg(cursor)
            return 0
        if cursor.block_number >= target:
            self.status.last_progress_at = time.time()
            self._settle()
            return 0
        first = cursor.block_number + 1
        last = min(cursor.block_number + self.status.batch_blocks, target)
        tip = self.node.header(last)
        try:
            # One block cannot be split: its answer is taken whatever its size (the gas limit bounds it).
            limit = None if last == first else self.max_answer_bytes
            logs = self.node.logs(first, last, self.addresses, limit)
        except RangeTooLarge as exc:
            if last == first:
                raise
            self._narrow(last - first + 1, exc)
            return 0
        after = self.node.headers([last, cursor.block_number])
        if tip is None or after[last] != tip or after[cursor.block_number] != here:
            return 0  # the chain moved under the query: ask again (a reorg shows at the next step)
        rows, blocks = self._rows(logs, tip)
        with self.sessions.begin() as session:
            store.save_batch(session, self.chain_id, rows, blocks, Cursor(last, tip.hash))
            self._project(session)
        self._adapt(last - first + 1, len(logs))
        s = self.status
        s.cursor, s.events_total, s.batches_total = last, s.events_total + len(rows), s.batches_total + 1
        s.last_progress_at = time.time()
        return len(rows)

    def _project(self, session: Session) -> None:
        for projection in self.projections:
            projection.catch_up(session)

    def _settle(self) -> None:
        """Deferred projection work, in a write transaction only when some is due."""
        if not self.projections:
            return
        with Session(engine_of(self.sessions).execution_options(**{READ_ONLY: True})) as session:
            due = [p for p in self.projections if p.settle_due(session)]
        if due:
            with self.sessions.begin() as session:
                for projection in due:
                    projection.settle(session)

    def caught_up(self) -> bool:
        s = self.status
        return s.cursor is not None and s.target is not None and s.cursor >= s.target

    # -- helpers -------------------------------------------------------------------------------
    def _cursor(self) -> Cursor:
        with self.sessions() as session:
            cursor = store.load_cursor(session, self.chain_id)
        return cursor or self._start()

    def _start(self) -> Cursor:
        """Just before the earliest deployment block: nothing of ours can be older."""
        header = self.node.header(self.first_block - 1)
        if header is None:
            raise RuntimeError(
                f"the node has no block {self.first_block - 1}: is the manifest for this chain?"
            )
        return Cursor(header.number, header.hash)

    def _rows(self, logs: list[dict], tip: Header) -> tuple[list[dict], dict[int, tuple[str, int | None]]]:
        rows = [decode_log(entry, self.specs, self.contracts) for entry in logs if not entry.get("removed")]
        blocks: dict[int, tuple[str, int | None]] = {tip.number: (tip.hash, tip.timestamp)}
        missing: set[int] = set()
        for row, entry in zip(rows, logs, strict=False):
            stamp = entry.get("blockTimestamp")  # newer nodes include it; else read the headers
            number = row["block_number"]
            if number not in blocks:
                blocks[number] = (row["block_hash"], int(stamp, 16) if stamp else None)
                if stamp is None:
                    missing.add(number)
        for chunk in _chunks(sorted(missing), HEADER_BATCH):
            for number, header in self.node.headers(chunk).items():
                if header is None or header.hash != blocks[number][0]:
                    raise RuntimeError(f"block {number} changed while indexing; retrying")
                blocks[number] = (header.hash, header.timestamp)
        for row in rows:
            row["block_timestamp"] = blocks[row["block_number"]][1]
        return rows, blocks

    def _narrow(self, span: int, refused: RangeTooLarge) -> None:
        """After a refused range: to the share of it the answer's size says fits, else half."""
        narrower = span * self.max_answer_bytes // (4 * refused.size) if refused.size else span // 2
        self.status.batch_blocks = max(1, min(narrower, span // 2))
        log.info("eth_getLogs over %d blocks refused (%s); now %d", span, refused, self.status.batch_blocks)

    def _adapt(self, span: int, found: int) -> None:
        """Aim for about `target_logs` logs per request: narrow to that share on dense ranges,
        double on sparse."""
        if found > 2 * self.target_logs:
            self.status.batch_blocks = max(1, span * self.target_logs // found)
        elif found < self.target_logs // 2 and span >= self.status.batch_blocks:
            self.status.batch_blocks = min(self.max_batch_blocks, span * 2)

    def _roll_back_reorg(self, cursor: Cursor) -> None:
        fork = self._fork_point(cursor.block_number)
        with self.sessions.begin() as session:
            dropped = store.roll_back(session, self.chain_id, fork)
            self._project(session)
        s = self.status
        s.reorgs_total += 1
        s.rolled_back_events_total += dropped
        s.cursor = fork.block_number
        log.warning(
            "reorg below block %d: rolled back to %d (%d events dropped), replaying",
            cursor.block_number,
            fork.block_number,
            dropped,
        )

    def _fork_point(self, below: int) -> Cursor:
        """The highest stored block the node still reports with the same hash."""
        while True:
            with self.sessions() as session:
                candidates = store.stored_blocks_below(session, below, HEADER_BATCH)
            if not candidates:
                return self._start()
            current = self.node.headers(n for n, _ in candidates)
            for number, stored_hash in candidates:
                header = current[number]
                if header is not None and header.hash == stored_hash:
                    return Cursor(number, stored_hash)
            below = candidates[-1][0]

    # -- the loop ------------------------------------------------------------------------------
    def run(self, stop: threading.Event, poll_seconds: float = 2.0) -> None:
        """Steps until `stop` is set: back to back while behind, every `poll_seconds` when caught up,
        backing off on errors (the node down, the database locked) without giving up."""
        self.status.running = True
        failures = 0
        try:
            while not stop.is_set():
                try:
                    self.step()
                    failures = 0
                except Exception as exc:  # keep following: the next step starts from the stored cursor
                    failures += 1
                    self.status.errors_total += 1
                    self.status.last_error = f"{type(exc).__name__}: {exc}"
                    log.warning("indexer step failed (%s); retrying", self.status.last_error)
                    stop.wait(min(30.0, poll_seconds * 2 ** min(failures, 5)))
                    continue
                if self.caught_up():
                    stop.wait(poll_seconds)
        finally:
            self.status.running = False


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
