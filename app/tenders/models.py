"""Tables of the tenders domain: sealed openings of the bids the gateway commits for managed suppliers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base, utcnow


class ManagedBidOpening(Base):
    """The opening (price, products, salt) of a sealed bid the gateway made for a managed supplier,
    sealed until the reveal (app/tenders/managed_openings.py). The commitment and its commitSeq are
    public on chain once the commit is mined; the opening is not, so it is never stored in clear."""

    __tablename__ = "managed_bid_openings"
    __table_args__ = (Index("ix_managed_bid_openings_bid", "tender_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplier_id: Mapped[int] = mapped_column(BigInteger)
    tender_id: Mapped[str] = mapped_column(String(66))
    commitment: Mapped[str] = mapped_column(String(66), unique=True)
    sealed_opening: Mapped[str] = mapped_column(Text)
    commit_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
