"""The OCDS read model: each announced ocid's releases and compiled release, precomputed from the
indexed events and kept current as the indexer stores batches (app/explorer/projection.py), so the
publication's endpoints read rows instead of rebuilding every tender on every request. Rebuildable
from chain_events at any time."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base


class OcdsTender(Base):
    """One contracting process as published: `position` orders ocids by announcement (block and
    log index of TenderAnnounced, as one sortable integer) and pages the packages; `last_block` is
    the highest block of an event it includes (a rollback below it means rebuilding it)."""

    __tablename__ = "ocds_tenders"
    __table_args__ = (
        Index("ix_ocds_tenders_position", "position", unique=True),
        Index("ix_ocds_tenders_tender_id", "tender_id", unique=True),
        Index("ix_ocds_tenders_last_block", "last_block"),
    )

    ocid: Mapped[str] = mapped_column(String(128), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
    tender_id: Mapped[str] = mapped_column(String(66))
    last_block: Mapped[int] = mapped_column(BigInteger)
    release_count: Mapped[int] = mapped_column(Integer)
    releases: Mapped[list] = mapped_column(JSON)
    compiled: Mapped[dict] = mapped_column(JSON)


class OcdsPaymentLink(Base):
    """A payment id named by an ocid's escrow events: a Payments event with this id (its topic1)
    changes that ocid's releases."""

    __tablename__ = "ocds_payment_links"
    __table_args__ = (Index("ix_ocds_payment_links_ocid", "ocid"),)

    payment_id: Mapped[str] = mapped_column(String(66), primary_key=True)
    ocid: Mapped[str] = mapped_column(String(128))


def position_of(block_number: int, log_index: int) -> int:
    """One integer ordering events as the chain does (log indexes stay far below a million)."""
    return block_number * 1_000_000 + log_index
