"""The explorer's read models: each tender's summary for the lists, the red-flag results over the
whole history, and how far the projection (app/explorer/projection.py) has followed the indexer.
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
