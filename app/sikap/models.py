"""Tables of the SIKaP extract: each business (by the keyed hash of its NIB, the value the supplier
registry holds on chain, never the NIB itself), its qualifications and the national blacklist
(daftar hitam) entries. Imported by app/sikap/importing.py; read by supplier registration and by the
relay of bid commitments (app/sikap/checks.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.models import Base, utcnow


class SikapBusiness(Base):
    __tablename__ = "sikap_businesses"

    nib_hash: Mapped[str] = mapped_column(String(66), primary_key=True)  # 0x + HMAC-SHA256("nib:...")
    name: Mapped[str] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SikapQualification(Base):
    """A KBLI business classification (no end) or an SBU construction certificate (valid_until)."""

    __tablename__ = "sikap_qualifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nib_hash: Mapped[str] = mapped_column(String(66), index=True)
    code: Mapped[str] = mapped_column(String(40))  # "KBLI:42101", "SBU:BG004"
    valid_until: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # UTC seconds, exclusive


class SikapBlacklistEntry(Base):
    """A national blacklist entry: the business may not take part in [start, end)."""

    __tablename__ = "sikap_blacklist"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nib_hash: Mapped[str] = mapped_column(String(66), index=True)
    start: Mapped[int] = mapped_column(BigInteger)  # UTC seconds
    end: Mapped[int] = mapped_column(BigInteger)  # UTC seconds, exclusive
    reason: Mapped[str] = mapped_column(Text)


class SikapSupplier(Base):
    """The keyed NIB hash a supplier was registered with through this gateway, recorded once its
    registration is confirmed on chain: how a supplier id finds its business in the extract."""

    __tablename__ = "sikap_suppliers"

    supplier_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    nib_hash: Mapped[str] = mapped_column(String(66))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def remember_supplier(session: Session, supplier_id: int, nib_hash: str) -> None:
    """Records the NIB hash supplier `supplier_id` was registered with (the registry gives each
    registration a new id, so a recorded id never changes its hash)."""
    if session.get(SikapSupplier, supplier_id) is None:
        session.add(SikapSupplier(supplier_id=supplier_id, nib_hash=nib_hash))


def names_of(session: Session, supplier_ids: list[int]) -> dict[int, str]:
    """Business names by supplier id, for the suppliers whose business is in the extract."""
    if not supplier_ids:
        return {}
    query = (
        select(SikapSupplier.supplier_id, SikapBusiness.name)
        .join(SikapBusiness, SikapBusiness.nib_hash == SikapSupplier.nib_hash)
        .where(SikapSupplier.supplier_id.in_(supplier_ids))
    )
    return {supplier_id: name for supplier_id, name in session.execute(query)}


def business(session: Session, nib_hash: str) -> SikapBusiness | None:
    return session.get(SikapBusiness, nib_hash)


def qualifications(session: Session, nib_hash: str) -> list[SikapQualification]:
    query = select(SikapQualification).where(SikapQualification.nib_hash == nib_hash)
    return list(session.execute(query).scalars())


def blacklist(session: Session, nib_hash: str | None = None) -> list[SikapBlacklistEntry]:
    query = select(SikapBlacklistEntry).order_by(SikapBlacklistEntry.id)
    if nib_hash is not None:
        query = query.where(SikapBlacklistEntry.nib_hash == nib_hash)
    return list(session.execute(query).scalars())
