"""Grievances (pengaduan), shaped like the national complaints system SP4N-LAPOR!: a category, a
description and a reference the complainant keeps. A family files one on the web form (no login), a
caseworker through the API; the ticket gets a deadline (`grievance_days`, 14 by default) from its
receipt.

Lifecycle, each step an official's act except the first:
- received: filed; kept here only. The description may name people, so it never leaves this table.
- registered: a caseworker anchored the ticket's hash, programme, receipt time and deadline on chain
  (Grievances.registerGrievance), signed with its own key.
- appealed (a `decision` grievance: the family objects to a refusal, suspension or exit): the
  caseworker filed the family's appeal with the ticket's hash as its grounds
  (WelfarePrograms.fileAppeal), which links the two on chain; a welfare administrator decides it
  (resolveAppeal, the decision's hash = the resolution's hash), and that decision is the resolution.
- resolved: a welfare administrator other than the registering caseworker anchored the resolution's
  hash (Grievances.resolveGrievance); the chain marks it late after the deadline.

Hashes: the ticket's is SHA-256 over its canonical JSON with a random salt kept here, so nothing
about the family can be guessed from it; the resolution's is SHA-256 over the ticket hash, the
decision and the resolution's text. Anyone holding the texts can recompute both against the chain.

Overdue: a ticket not resolved by its deadline, whatever its state, is listed by `overdue` (and
GET /welfare/grievances/overdue) with how late it is."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import BigInteger, Boolean, DateTime, Index, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.db.models import Base, utcnow

RECEIVED, REGISTERED, APPEALED, DECIDED, RESOLVED = (
    "received",
    "registered",
    "appealed",
    "decided",
    "resolved",
)
# SP4N-LAPOR!-like categories, for welfare; `decision` is an appeal against a welfare decision.
CATEGORIES = ("decision", "payment", "data", "conduct", "other")
APPEAL = "decision"
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


class Grievance(Base):
    __tablename__ = "welfare_grievances"
    __table_args__ = (Index("ix_welfare_grievances_state_due", "state", "due_at"),)  # the overdue report

    reference: Mapped[str] = mapped_column(String(16), primary_key=True)
    ticket_hash: Mapped[str] = mapped_column(String(66), unique=True)
    salt: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))  # web (the family) or caseworker
    category: Mapped[str] = mapped_column(String(24))
    programme_id: Mapped[int] = mapped_column(BigInteger)
    family_key: Mapped[str | None] = mapped_column(String(66), nullable=True)
    description: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registered_by: Mapped[str | None] = mapped_column(String(42), nullable=True)
    appeal: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolution_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    upheld: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    resolved_by: Mapped[str | None] = mapped_column(String(42), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def _sha256(document: dict) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "0x" + hashlib.sha256(canonical.encode()).hexdigest()


def seconds(at: datetime) -> int:
    """UTC seconds; a time read back from SQLite has lost its zone, and every stored time is UTC."""
    return int((at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)).timestamp())


def ticket_hash(g: Grievance) -> str:
    return _sha256(
        {
            "reference": g.reference,
            "salt": g.salt,
            "category": g.category,
            "programmeId": g.programme_id,
            "familyKey": g.family_key,
            "description": g.description,
            "receivedAt": seconds(g.received_at),
        }
    )


def resolution_hash(g: Grievance, upheld: bool | None, text: str) -> str:
    return _sha256({"ticketHash": g.ticket_hash, "upheld": upheld, "resolution": text})


def new_reference() -> str:
    """ADU-XXXX-XXXX: 40 random bits, so a reference cannot be guessed to read another's ticket."""
    part = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"ADU-{part[:4]}-{part[4:]}"


def file(
    session: Session,
    *,
    channel: str,
    category: str,
    programme_id: int,
    family_key: bytes | None,
    description: str,
    days: int,
    now: datetime | None = None,
) -> Grievance:
    received = (now or utcnow()).replace(microsecond=0)
    g = Grievance(
        reference=new_reference(),
        salt=secrets.token_hex(16),
        channel=channel,
        category=category,
        programme_id=programme_id,
        family_key="0x" + family_key.hex() if family_key is not None else None,
        description=description.strip(),
        state=RECEIVED,
        received_at=received,
        due_at=received + timedelta(days=days),
        # An objection becomes an appeal only when it names a family and a programme; otherwise it
        # is answered like any other ticket.
        appeal=category == APPEAL and family_key is not None and programme_id != 0,
    )
    g.ticket_hash = ticket_hash(g)
    session.add(g)
    return g


def overdue(session: Session, now: datetime | None = None) -> list[Grievance]:
    """Tickets past their deadline and not resolved, the longest overdue first."""
    now = now or utcnow()
    return list(
        session.execute(
            select(Grievance)
            .where(Grievance.state != RESOLVED, Grievance.due_at < now)
            .order_by(Grievance.due_at)
        ).scalars()
    )


def queue(session: Session, state: str | None, limit: int) -> list[Grievance]:
    """Tickets for caseworkers, oldest deadline first."""
    query = select(Grievance).order_by(Grievance.due_at).limit(limit)
    if state is not None:
        query = query.where(Grievance.state == state)
    return list(session.execute(query).scalars())
