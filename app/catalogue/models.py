"""The catalogue snapshots LKPP published and their products, which the chain holds only as a Merkle
root: the gateway keeps them to list the products and to build each order's proof."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.models import Base, utcnow


class CatalogueSnapshot(Base):
    __tablename__ = "catalogue_snapshots"

    catalogue_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[str] = mapped_column(String(66))
    metadata_hash: Mapped[str] = mapped_column(String(66))  # keccak-256 of the snapshot file
    products: Mapped[int] = mapped_column(Integer)
    publisher: Mapped[str] = mapped_column(String(42))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CatalogueProduct(Base):
    __tablename__ = "catalogue_products"

    catalogue_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("catalogue_snapshots.catalogue_id"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(64), primary_key=True)  # LKPP's product code
    product_id: Mapped[str] = mapped_column(String(66))  # keccak-256 of the code, as on chain
    supplier_id: Mapped[int] = mapped_column(BigInteger, index=True)
    unit_price: Mapped[int] = mapped_column(BigInteger)  # rupiah
    tkdn_bps: Mapped[int] = mapped_column(Integer)
    category: Mapped[int] = mapped_column(Integer)  # ITenders.Category code
    name: Mapped[str] = mapped_column(String(200))


def current(session: Session) -> CatalogueSnapshot | None:
    return session.scalars(
        select(CatalogueSnapshot).order_by(CatalogueSnapshot.catalogue_id.desc()).limit(1)
    ).first()


def products_of(session: Session, catalogue_id: int) -> list[CatalogueProduct]:
    return list(
        session.scalars(
            select(CatalogueProduct)
            .where(CatalogueProduct.catalogue_id == catalogue_id)
            .order_by(CatalogueProduct.code)
        )
    )
