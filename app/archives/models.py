"""What the gateway keeps of an imported archive: the archive (its source file's SHA-256, how far the
import got, its root and where it was anchored), each record's canonical bytes and leaf, and the
inner nodes of its Merkle tree (level 1 up; level 0 is the records' leaves), so a record's proof is
read, not recomputed. None of it is trusted by `terang archive verify`: a record is proven by
hashing its bytes again up to the root read from the chain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, Integer, LargeBinary, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base, utcnow

# Archive.status, in the order an import goes through them.
IMPORTING, BUILT, ANCHORING, ANCHORED = "importing", "built", "anchoring", "anchored"


class Archive(Base):
    __tablename__ = "archives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[int] = mapped_column(Integer)  # IArchives.ArchiveKind
    source: Mapped[str] = mapped_column(String(16))  # spse | ocds
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    period: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    lines_done: Mapped[int] = mapped_column(BigInteger, default=0)  # last source line stored
    record_count: Mapped[int] = mapped_column(BigInteger, default=0)
    root: Mapped[str | None] = mapped_column(String(66), nullable=True)
    metadata_json: Mapped[str | None] = mapped_column(Text, nullable=True)  # canonical bytes, as text
    metadata_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    chain_archive_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    transaction: Mapped[str | None] = mapped_column(String(66), nullable=True)
    officer: Mapped[str | None] = mapped_column(String(42), nullable=True)
    block_number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    anchored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ArchiveRecord(Base):
    __tablename__ = "archive_records"
    __table_args__ = (Index("ix_archive_records_ocid", "ocid", "archive_id"),)

    archive_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    line: Mapped[int] = mapped_column(BigInteger)
    ocid: Mapped[str] = mapped_column(String(128))
    canonical: Mapped[str] = mapped_column(Text)
    leaf: Mapped[bytes] = mapped_column(LargeBinary(32))


class ArchiveNode(Base):
    __tablename__ = "archive_nodes"

    archive_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


def archived(session, ocid: str) -> bool:
    """Whether an imported archive holds a record of `ocid` (a past process: no live tender may take
    its ocid, which would hide the record behind the chain's)."""
    found = session.execute(select(ArchiveRecord.archive_id).where(ArchiveRecord.ocid == ocid).limit(1))
    return found.first() is not None
