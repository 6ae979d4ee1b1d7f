"""Tables the write path keeps to act exactly once: idempotency keys, per-signer nonces and the
transactions the gateway sent. The chain is the record of truth for the domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base, utcnow


class IdempotencyRecord(Base):
    """One row per (caller, Idempotency-Key): the request's fingerprint and, once known, its outcome.
    A retry with the same key returns the stored outcome; a different request under the same key
    is refused."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("principal", "key", name="uq_idempotency_principal_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    principal: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | completed
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class SenderNonce(Base):
    """The next nonce of each signing account on each chain. Allocating a nonce locks this row
    (SELECT ... FOR UPDATE on PostgreSQL), so several gateway processes never reuse one."""

    __tablename__ = "sender_nonces"
    __table_args__ = (UniqueConstraint("chain_id", "address", name="uq_sender_chain_address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    address: Mapped[str] = mapped_column(String(42))
    next_nonce: Mapped[int] = mapped_column(BigInteger)


class SentTransaction(Base):
    """Every transaction the gateway signed, written before it is broadcast, so a restarted
    process finds (and re-broadcasts or confirms) what an earlier one sent."""

    __tablename__ = "sent_transactions"
    __table_args__ = (UniqueConstraint("chain_id", "sender", "nonce", name="uq_sent_sender_nonce"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chain_id: Mapped[int] = mapped_column(BigInteger)
    sender: Mapped[str] = mapped_column(String(42))
    nonce: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(String(66), unique=True)
    raw: Mapped[str] = mapped_column(Text)  # signed transaction, hex
    purpose: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), default="signed")  # signed | mined | reverted
    block_number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
