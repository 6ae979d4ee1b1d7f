"""The indexed events an ocid's OCDS data is built from: the tender's (Tenders), its contract's
(MilestoneEscrow, escrow id = tender id) and the payments that contract authorised (Payments)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.indexer.models import ChainEvent
from app.protocol.bids import tender_id

PAYMENT_ID_FIELDS = ("paymentId", "advancePaymentId")


@dataclass(frozen=True)
class Event:
    contract: str
    name: str
    args: dict[str, Any]
    block_number: int
    log_index: int
    timestamp: int
    tx_hash: str


def _events(session: Session, *conditions) -> list[Event]:
    rows = session.scalars(
        select(ChainEvent).where(*conditions).order_by(ChainEvent.block_number, ChainEvent.log_index)
    )
    return [
        Event(r.contract, r.event, r.args, r.block_number, r.log_index, r.block_timestamp or 0, r.tx_hash)
        for r in rows
    ]


def events_of(session: Session, ocid: str, upto: int | None = None) -> list[Event]:
    """Everything known about `ocid`, in chain order (empty when it was never announced); with
    `upto`, only what blocks up to that one hold."""
    subject = "0x" + tender_id(ocid).hex()
    bound = (ChainEvent.block_number <= upto,) if upto is not None else ()
    own = _events(
        session,
        ChainEvent.topic1 == subject,
        ChainEvent.contract.in_(("Tenders", "MilestoneEscrow")),
        *bound,
    )
    payment_ids = {
        e.args[field]
        for e in own
        for field in PAYMENT_ID_FIELDS
        if int(e.args.get(field, "0x0") or "0x0", 16)
    }
    payments = _events(session, ChainEvent.contract == "Payments", ChainEvent.topic1.in_(payment_ids), *bound)
    return sorted(own + payments, key=lambda e: (e.block_number, e.log_index))


def payment_ids_of(events: list[Event]) -> set[str]:
    """The payment ids an ocid's own events name (whose Payments events belong to it)."""
    return {
        e.args[field]
        for e in events
        if e.contract != "Payments"
        for field in PAYMENT_ID_FIELDS
        if int(e.args.get(field, "0x0") or "0x0", 16)
    }


def announced_ocids(session: Session) -> list[str]:
    """Every ocid announced on the chain, in announcement order."""
    args = session.scalars(
        select(ChainEvent.args)
        .where(ChainEvent.contract == "Tenders", ChainEvent.event == "TenderAnnounced")
        .order_by(ChainEvent.block_number, ChainEvent.log_index)
    )
    return [a["params"]["ocid"] for a in args]
