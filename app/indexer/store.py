"""The indexer's reads and writes. Each batch is one transaction: its events, its block hashes and
the moved cursor land together or not at all, so a crash never leaves a half-indexed range."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.indexer.models import ChainEvent, IndexedBlock, IndexerCursor

CURSOR = "logs"


@dataclass(frozen=True)
class Cursor:
    block_number: int
    block_hash: str


def load_cursor(session: Session, chain_id: int) -> Cursor | None:
    row = session.get(IndexerCursor, CURSOR)
    if row is None:
        return None
    if row.chain_id != chain_id:
        raise RuntimeError(
            f"the database was indexed from chain {row.chain_id}, the node is chain {chain_id}; "
            "point TERANG_DATABASE_URL at another database"
        )
    return Cursor(row.block_number, row.block_hash)


def save_batch(
    session: Session,
    chain_id: int,
    events: list[dict],
    blocks: dict[int, tuple[str, int | None]],
    cursor: Cursor,
) -> None:
    """Stores one batch: `blocks` maps number -> (hash, timestamp)."""
    if events:
        session.execute(insert(ChainEvent), events)
    if blocks:
        session.execute(
            insert(IndexedBlock),
            [{"number": n, "hash": h, "timestamp": t} for n, (h, t) in sorted(blocks.items())],
        )
    _move_cursor(session, chain_id, cursor)


def _move_cursor(session: Session, chain_id: int, cursor: Cursor) -> None:
    row = session.get(IndexerCursor, CURSOR)
    if row is None:
        session.add(
            IndexerCursor(
                name=CURSOR, chain_id=chain_id, block_number=cursor.block_number, block_hash=cursor.block_hash
            )
        )
    else:
        row.block_number, row.block_hash = cursor.block_number, cursor.block_hash


def stored_blocks_below(session: Session, number: int, limit: int) -> list[tuple[int, str]]:
    """Stored (number, hash) pairs under `number`, highest first: the candidates for a fork point."""
    rows = session.execute(
        select(IndexedBlock.number, IndexedBlock.hash)
        .where(IndexedBlock.number < number)
        .order_by(IndexedBlock.number.desc())
        .limit(limit)
    )
    return [(n, h) for n, h in rows]


def roll_back(session: Session, chain_id: int, fork: Cursor) -> int:
    """Forgets everything above the fork point; returns how many events were dropped."""
    dropped = session.execute(delete(ChainEvent).where(ChainEvent.block_number > fork.block_number)).rowcount
    session.execute(delete(IndexedBlock).where(IndexedBlock.number > fork.block_number))
    _move_cursor(session, chain_id, fork)
    return dropped or 0


def event_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ChainEvent)) or 0
