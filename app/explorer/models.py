"""The explorer's read models: each tender's summary for the lists, each supplier's row and the events
its page lists, the red-flag results over the whole history, and how far the projection
(app/explorer/projection.py) has followed the indexer.
Kept current in the indexer's own transactions; rebuildable from chain_events at any time."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base


class ExplorerTender(Base):
    """A tender's summary as the explorer's lists show it (TenderView without its timeline)."""

    __tablename__ = "explorer_tenders"
    __table_args__ = (Index("ix_explorer_tenders_position", "position", unique=True),)

    ocid: Mapped[str] = mapped_column(String(128), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[dict] = mapped_column(JSON)


class ExplorerSupplier(Base):
    """A supplier as its list row and page header show it: the registry's entry (umkm, region, agency,
    registration time) and how many tenders it bid in, won and for how much. `position` is where its
    SupplierRegistered event is in the chain (None: registry events without one, listed nowhere)."""

    __tablename__ = "explorer_suppliers"
    __table_args__ = (Index("ix_explorer_suppliers_position", "position", unique=True),)

    supplier_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    position: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    summary: Mapped[dict] = mapped_column(JSON)


class ExplorerSupplierEvent(Base):
    """One chain_events row naming a supplier (its registry events, its bids, awards and contracts),
    so a supplier's page is one indexed join. Rows above a rollback's cursor are dropped with it."""

    __tablename__ = "explorer_supplier_events"
    __table_args__ = (
        Index("ix_explorer_supplier_events_supplier", "supplier_id", "block_number", "log_index"),
        Index("ix_explorer_supplier_events_block", "block_number"),
    )

    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    supplier_id: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)


class RedFlagResults(Base):
    """app.redflags over every compiled release, as Cardinal prints it, and how many it read."""

    __tablename__ = "redflag_results"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    results_json: Mapped[str] = mapped_column(Text)
    analysed: Mapped[int] = mapped_column(Integer)


class ReadModelPosition(Base):
    """The indexer cursor (block and hash) the read models were last brought up to."""

    __tablename__ = "read_model_positions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[str] = mapped_column(String(66))
