"""Tables of the suppliers domain: signing keys the gateway holds for wallet-less suppliers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base, utcnow


class ManagedSupplierKey(Base):
    """A supplier's signing key held by the gateway for a supplier without a wallet of its own
    (app/suppliers/managed_keys.py): the private key sealed with AES-GCM, bound to the supplier id and
    address; the address alone is public (it is the supplier's account on the registry)."""

    __tablename__ = "managed_supplier_keys"

    supplier_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    address: Mapped[str] = mapped_column(String(42), unique=True)
    sealed_key: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
