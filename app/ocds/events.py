"""The indexed events an ocid's OCDS data is built from: the tender's (Tenders), its contract's
(MilestoneEscrow, escrow id = tender id), the payments that contract authorised (Payments), and the
pauses of Tenders after its announcement (a pause moves the deadlines of every tender in flight).
(A BidCommitted's envelope is indexed as its `envelopeHash` and `envelopeSize`: app/indexer/decode.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.indexer.models import ChainEvent
from app.protocol.bids import tender_id

PAYMENT_ID_FIELDS = ("paymentId", "advancePaymentId")
# Tenders' own pause events (no tender id among their topics): each belongs to every tender in flight.
PAUSE_EVENTS = ("Paused", "PauseTimeCredited")


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
        ChainEvent.contract.in_(("Tenders", "MilestoneEscrow", "EPurchasing")),
        *bound,
    )
    if not own:
        return []
    payment_ids = {
        e.args[field]
        for e in own
        for field in PAYMENT_ID_FIELDS
        if int(e.args.get(field, "0x0") or "0x0", 16)
    }
    # Each query is one short index range whatever the history's size: payments by their ids, pauses
    # by event name, each one's contract checked here. Asked with the contract too, SQLite (without
    # statistics) walks every Payments or Tenders event instead; and for no payment ids, no query
    # (an empty IN is such a walk as well).
    found = _events(session, ChainEvent.topic1.in_(payment_ids), *bound) if payment_ids else []
    payments = [e for e in found if e.contract == "Payments"]
    since = ChainEvent.block_number >= own[0].block_number
    paused = _events(session, ChainEvent.event.in_(PAUSE_EVENTS), since, *bound)
    pauses = [e for e in paused if e.contract == "Tenders"]
    return sorted(own + payments + pauses, key=lambda e: (e.block_number, e.log_index))


def agency_events(session: Session, events: list[Event], upto: int | None = None) -> list[Event]:
    """The AgencyRegistered of the agency announcing the tender in `events` (its public name, which
    the releases give the buyer; an agency is registered before its officers can announce, and its
    name never changes), as a list to put ahead of `events` for build_releases; empty when absent."""
    announced = next((e for e in events if e.name == "TenderAnnounced"), None)
    if announced is None:
        return []
    topic = "0x" + int(announced.args["params"]["agencyId"]).to_bytes(32, "big").hex()
    bound = (ChainEvent.block_number <= upto,) if upto is not None else ()
    found = _events(session, ChainEvent.topic1 == topic, ChainEvent.event == "AgencyRegistered", *bound)
    return [e for e in found if e.contract == "AgencyDirectory"][-1:]


def release_events(session: Session, ocid: str, upto: int | None = None) -> list[Event]:
    """What the releases of `ocid` are built from: its events (events_of), the buyer's name ahead."""
    events = events_of(session, ocid, upto)
    return agency_events(session, events, upto) + events


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


@dataclass
class Schedule:
    """A tender's deadlines in wall-clock seconds as they stand, from its events: announced, moved by
    addenda, set by each proposed award (objections), and moved by every pause of Tenders while the
    tender is in flight. (A construction tender's appeal deadline is the policy's appeal window after
    an objection's answer; no event states it, so it is not kept here.)

    The contract keeps deadlines in active time (wall clock minus the time Tenders spent paused), so
    a pause extends each window still open when it began, by the pause's length; a deadline already
    past when the pause began stays where it was. Events give wall-clock times as they stood when
    emitted; PauseTimeCredited (at the unpause) gives the pause's length."""

    commit: int | None = None
    scoring: int | None = None  # value system only
    reveal: int | None = None
    objection: int | None = None

    FIELDS = ("commit", "scoring", "reveal", "objection")

    def announced(self, params: dict[str, Any]) -> None:
        self.commit, self.reveal = params["commitDeadline"], params["revealDeadline"]
        self.scoring = params.get("scoringDeadline") or None

    def amended(self, commit: int, reveal: int) -> None:
        """An addendum moves every deadline by the same shortfall (TenderAmended gives two of them)."""
        if self.scoring is not None and self.commit is not None:
            self.scoring += commit - self.commit
        self.commit, self.reveal = commit, reveal

    def credit(self, resumed_at: int, paused_seconds: int) -> bool:
        """A pause of `paused_seconds` that ended at `resumed_at`: every deadline after its start moves
        by its length. Returns whether any did."""
        began = resumed_at - paused_seconds
        moved = False
        for name in self.FIELDS:
            deadline = getattr(self, name)
            if deadline is not None and deadline > began and paused_seconds:
                setattr(self, name, deadline + paused_seconds)
                moved = True
        return moved
