"""Tables the indexer fills: the decoded logs of the deployed contracts, the hashes of the blocks
they came from (to notice a reorg), and the cursor to resume from. Rebuildable from the chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base, utcnow


class IndexedBlock(Base):
    """A block the indexer has seen: every block with a log, and the last block of each batch.
    A stored hash the node no longer reports for that height means a reorg."""

    __tablename__ = "indexed_blocks"

    number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(66))
    timestamp: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class ChainEvent(Base):
    """One decoded log. `topic1` is the first indexed argument as the log carries it (the tender id,
    escrow id, payment id or supplier id of most events), so a subject's history is one index scan."""

    __tablename__ = "chain_events"
    __table_args__ = (
        UniqueConstraint("block_number", "log_index", name="uq_chain_event_position"),
        Index("ix_chain_events_topic1", "topic1", "block_number"),
        Index("ix_chain_events_contract_event", "contract", "event", "block_number", "log_index"),
        # A contract's newest events; an event's occurrences across contracts; a transaction's events.
        Index("ix_chain_events_contract_position", "contract", "block_number", "log_index"),
        Index("ix_chain_events_event", "event", "block_number", "log_index"),
        Index("ix_chain_events_tx_hash", "tx_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[str] = mapped_column(String(66))
    block_timestamp: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    log_index: Mapped[int] = mapped_column(Integer)
    tx_hash: Mapped[str] = mapped_column(String(66))
    tx_index: Mapped[int] = mapped_column(Integer)
    contract: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(42))
    event: Mapped[str] = mapped_column(String(64))
    topic1: Mapped[str | None] = mapped_column(String(66), nullable=True)
    args: Mapped[dict] = mapped_column(JSON)


class IndexerCursor(Base):
    """The last block whose logs are all stored, with its hash; the indexer resumes after it."""

    __tablename__ = "indexer_cursors"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[str] = mapped_column(String(66))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
