"""Tables of the tenders domain: sealed openings of the bids the gateway commits for managed suppliers,
and the sealed score sheets of Pokja members."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base, utcnow


class ManagedBidOpening(Base):
    """The opening (price, products and their shares, salt, bid bond reference, envelope hash) of a
    sealed bid the gateway made for a managed supplier, sealed until the reveal
    (app/tenders/managed_openings.py). The commitment and its commitSeq are public on chain once the
    commit is mined; the opening is not, so it is never stored in clear."""

    __tablename__ = "managed_bid_openings"
    __table_args__ = (Index("ix_managed_bid_openings_bid", "tender_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    supplier_id: Mapped[int] = mapped_column(BigInteger)
    tender_id: Mapped[str] = mapped_column(String(66))
    commitment: Mapped[str] = mapped_column(String(66), unique=True)
    sealed_opening: Mapped[str] = mapped_column(Text)
    commit_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # keccak256 of the envelope the commit carried (public on chain with the commit); null for an
    # opening made before envelopes, which no sealed bid on chain can match
    envelope_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PokjaScoreSheet(Base):
    """A Pokja member's technical score sheet and its salt (value system), drawn and sealed by the
    gateway when the member seals the sheet on chain, kept until the member opens it after the
    reveal deadline (app/tenders/score_sheets.py). `sealed_sheet` is the hash sent on chain (public
    once mined); the scores and the salt are not, so they are never stored in clear."""

    __tablename__ = "pokja_score_sheets"
    __table_args__ = (Index("ix_pokja_score_sheets_member", "tender_id", "member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tender_id: Mapped[str] = mapped_column(String(66))
    member: Mapped[str] = mapped_column(String(42))
    sealed_sheet: Mapped[str] = mapped_column(String(66), unique=True)
    sealed_value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
