"""Table of the documents domain: what is known of each stored file besides its bytes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base, utcnow


class StoredDocument(Base):
    """A file in the document store (app/documents/store.py), under its keccak-256. Who uploaded it
    is the token's subject and agency: an official's own account is on chain when the hash is."""

    __tablename__ = "documents"

    hash: Mapped[str] = mapped_column(String(66), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    agency: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
