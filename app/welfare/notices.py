"""Notices to families: on enrolment, refusal (with its reason), suspension, reinstatement, exit,
payment and an appeal's decision, one message per event through the notifier adapter
(app/welfare/messenger.py), recorded off chain.

Where notices come from: the indexed chain events (chain_events), read in chain order after a stored
position, so a notice follows what the ledger holds, whichever gateway or tool made the change. Each
event becomes at most one notice per family: a notice's `event_uid` (transaction, event and family,
and for a paid batch the line) is unique, so reading an event again (a restart, a second gateway, an
indexer replaying after a reorg) adds nothing. A payment is noticed when the treasury settles the
batch (Payments.PaymentSettled), for each of its lines the provider did not report failed.

How they leave: `deliver` claims a due notice (a conditional update, so two gateways never send one
notice at once), opens the family's number (app/welfare/contacts.py) and sends it under a reference
that never changes (`wn-<id>`), which the provider deduplicates: a retry after a lost answer is one
message. No answer, 408, 429 or 5xx: retried after `retry_seconds`, doubling up to an hour, until
`max_attempts`; any other refusal, or the attempts spent: `failed`. A family with no number given:
`unreachable`. Each state is listed for caseworkers (GET /welfare/notices), who reach the family
another way. Nothing of this goes on chain; the text is rendered at sending, in the family's language."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import JSON, BigInteger, DateTime, Integer, String, func, insert, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from app.db.models import Base, utcnow
from app.indexer.models import ChainEvent, IndexerCursor
from app.indexer.store import CURSOR
from app.keyring.keyring import Keyring
from app.protocol import welfare as welfarelib
from app.welfare import contacts
from app.welfare.messenger import DELIVERED, REFUSED, Messenger
from app.welfare.notice_texts import render
from app.welfare.views import indexed_definitions

log = logging.getLogger("terang.welfare.notices")

PENDING, SENT, FAILED, UNREACHABLE = "pending", "sent", "failed", "unreachable"
STATES = (PENDING, SENT, FAILED, UNREACHABLE)
POSITION = "welfare-notices"
WELFARE, PAYMENTS = "WelfarePrograms", "Payments"
FAMILY_EVENTS = {
    "BeneficiaryEnrolled": "enrolled",
    "EnrolmentRefused": "refused",
    "BeneficiarySuspended": "suspended",
    "BeneficiaryReinstated": "reinstated",
    "BeneficiaryExited": "exited",
    "AppealResolved": "appeal",
}
READ_BATCH = 2_000  # events read per step
SEND_BATCH = 100  # notices sent per step
CLAIM = timedelta(seconds=120)  # how long a claimed notice is another gateway's to leave alone
MAX_BACKOFF = 3600.0


class WelfareNotice(Base):
    __tablename__ = "welfare_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_uid: Mapped[str] = mapped_column(String(160), unique=True)
    family_key: Mapped[str] = mapped_column(String(66), index=True)
    programme_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(24))
    params: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
    provider_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class NoticePosition(Base):
    """The last chain event (block, log index) turned into notices."""

    __tablename__ = "welfare_notice_positions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger)
    log_index: Mapped[int] = mapped_column(Integer)


# --- from events to notices ------------------------------------------------------------------------


def _code(hex_bytes32: str) -> str:
    return bytes.fromhex(hex_bytes32[2:]).rstrip(b"\x00").decode("ascii", "replace")


def _family_notice(event: ChainEvent) -> tuple[str, dict] | None:
    kind = FAMILY_EVENTS[event.event]
    a = event.args
    params: dict = {"programmeId": int(a["programmeId"]), "at": event.block_timestamp}
    if kind == "refused":
        params["reason"] = welfarelib.REASONS[int(a["reason"])]
        if (
            params["reason"] == "AlreadyEnrolled"
        ):  # the family is enrolled: a repeat application tells it nothing
            return None
    elif kind in ("suspended", "exited"):
        params["reason"] = _code(a["reasonCode"])
    elif kind == "appeal":
        kind = "appeal_upheld" if a["upheld"] else "appeal_rejected"
    return kind, params


def _paid_lines(session: Session, settled: ChainEvent) -> list[tuple[str, int, int, int]]:
    """(family key, line index, amount, programme) of each line of a settled welfare batch that the
    provider did not report failed; [] for a payment that is no welfare batch."""
    batch_id = settled.topic1
    batches = session.execute(
        select(ChainEvent).where(ChainEvent.contract == WELFARE, ChainEvent.event == "BatchDisbursed")
    ).scalars()
    batch = next((b for b in batches if str(b.args["batchId"]).lower() == batch_id), None)
    if batch is None:
        return []
    failed = {
        int(e.args["lineIndex"])
        for e in session.execute(
            select(ChainEvent).where(
                ChainEvent.contract == PAYMENTS,
                ChainEvent.event == "PaymentLineFailed",
                ChainEvent.topic1 == batch_id,
            )
        ).scalars()
    }
    lines = session.execute(
        select(ChainEvent).where(ChainEvent.tx_hash == batch.tx_hash, ChainEvent.event == "BenefitAuthorized")
    ).scalars()
    programme = int(batch.args["programmeId"])
    return [
        (str(e.args["beneficiaryKey"]).lower(), int(e.args["lineIndex"]), int(e.args["amount"]), programme)
        for e in lines
        if str(e.args["batchId"]).lower() == batch_id and int(e.args["lineIndex"]) not in failed
    ]


def _notices_of(session: Session, event: ChainEvent) -> list[dict]:
    uid = f"{event.tx_hash}:{event.event}"  # not the log index: a re-mined transaction may move it
    if event.contract == WELFARE:
        found = _family_notice(event)
        if found is None:
            return []
        kind, params = found
        family = str(event.args["beneficiaryKey"]).lower()
        return [_notice(f"{uid}:{family}", family, params["programmeId"], kind, params)]
    return [
        _notice(
            f"{uid}:{family}:{line}",
            family,
            programme,
            "paid",
            {"programmeId": programme, "amount": amount, "at": event.block_timestamp},
        )
        for family, line, amount, programme in _paid_lines(session, event)
    ]


def _notice(uid: str, family: str, programme: int, kind: str, params: dict) -> dict:
    now = utcnow()
    return {
        "event_uid": uid,
        "family_key": family,
        "programme_id": programme,
        "kind": kind,
        "params": params,
        "state": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


def collect(session: Session, limit: int = READ_BATCH) -> int:
    """Turns the indexed events after the stored position into notices; returns how many were added.
    Runs in the caller's transaction (the position moves with the notices it covers)."""
    position = session.get(NoticePosition, POSITION)
    if position is None:
        position = NoticePosition(name=POSITION, block_number=-1, log_index=-1)
        session.add(position)
    cursor = session.get(IndexerCursor, CURSOR)
    if cursor is not None and position.block_number > cursor.block_number:
        # The indexer rolled back below what was read: read again from its cursor (uids dedupe).
        position.block_number, position.log_index = cursor.block_number, 2**31 - 1
    after = or_(
        ChainEvent.block_number > position.block_number,
        (ChainEvent.block_number == position.block_number) & (ChainEvent.log_index > position.log_index),
    )
    wanted = or_(
        (ChainEvent.contract == WELFARE) & ChainEvent.event.in_(FAMILY_EVENTS),
        (ChainEvent.contract == PAYMENTS) & (ChainEvent.event == "PaymentSettled"),
    )
    events = list(
        session.execute(
            select(ChainEvent)
            .where(after, wanted)
            .order_by(ChainEvent.block_number, ChainEvent.log_index)
            .limit(limit)
        ).scalars()
    )
    notices = [n for event in events for n in _notices_of(session, event)]
    known: set[str] = set()
    uids = [n["event_uid"] for n in notices]
    for start in range(0, len(uids), 500):  # bounded statements, whatever a round holds
        chunk = uids[start : start + 500]
        known |= set(
            session.execute(
                select(WelfareNotice.event_uid).where(WelfareNotice.event_uid.in_(chunk))
            ).scalars()
        )
    fresh = [n for n in notices if n["event_uid"] not in known]
    if fresh:  # in bulk: a 500-family enrolment is 500 notices
        session.execute(insert(WelfareNotice), fresh)
    if events:
        position.block_number, position.log_index = events[-1].block_number, events[-1].log_index
    elif cursor is not None and cursor.block_number > position.block_number:
        position.block_number, position.log_index = cursor.block_number, 2**31 - 1
    return len(fresh)


# --- delivery --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryPolicy:
    site: str  # the public base URL the texts link to
    max_attempts: int = 8
    retry_seconds: float = 10.0
    contact_grace: timedelta = timedelta(seconds=60)  # a notice this young without a number waits for one


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)  # SQLite drops the zone


def _claim(session: Session, notice_id: int, now: datetime) -> bool:
    claimed = session.execute(
        update(WelfareNotice)
        .where(
            WelfareNotice.id == notice_id,
            WelfareNotice.state == PENDING,
            or_(WelfareNotice.claimed_until.is_(None), WelfareNotice.claimed_until < now),
        )
        .values(claimed_until=now + CLAIM)
    )
    return claimed.rowcount == 1


def deliver(
    sessions: sessionmaker[Session],
    keyring: Keyring,
    messenger: Messenger,
    policy: DeliveryPolicy,
) -> int:
    """Sends the due notices, oldest first; returns how many the provider took. Each notice is
    claimed at its own time, so a slow batch never outlives its claims."""
    now = utcnow()
    with sessions() as session:
        due = list(
            session.execute(
                select(WelfareNotice.id)
                .where(WelfareNotice.state == PENDING, WelfareNotice.next_attempt_at <= now)
                .order_by(WelfareNotice.id)
                .limit(SEND_BATCH)
            ).scalars()
        )
    sent = 0
    for notice_id in due:
        now = utcnow()
        with sessions.begin() as session:
            if not _claim(session, notice_id, now):
                continue
            notice = session.get(WelfareNotice, notice_id)
            contact = contacts.contact_of(session, keyring, notice.family_key)
            if contact is None and _aware(notice.created_at) > now - policy.contact_grace:
                # The enrolment keeps the number once its transaction is confirmed, which may come
                # a moment after the event was indexed: look again shortly.
                notice.next_attempt_at, notice.claimed_until = now + timedelta(seconds=5), None
                continue
            if contact is None:
                notice.state, notice.claimed_until = UNREACHABLE, None
                continue
            programme, _ = indexed_definitions(session, notice.programme_id)
            phone, language = contact
            text = render(notice.kind, {**notice.params, "programme": programme}, language, policy.site)
        outcome = messenger.send(phone, text, f"wn-{notice_id}")
        with sessions.begin() as session:
            notice = session.get(WelfareNotice, notice_id)
            if notice.state != PENDING:  # settled meanwhile (never by another sender: the claim held)
                continue
            notice.attempts += 1
            notice.claimed_until = None
            if outcome.verdict == DELIVERED:
                notice.state, notice.sent_at, notice.provider_id = SENT, utcnow(), outcome.provider_id
                notice.last_error = None
                sent += 1
                continue
            notice.last_error = outcome.error
            if outcome.verdict == REFUSED or notice.attempts >= policy.max_attempts:
                notice.state = FAILED
                log.warning("welfare notice %s failed: %s", notice_id, outcome.error)
            else:
                wait = min(policy.retry_seconds * 2 ** (notice.attempts - 1), MAX_BACKOFF)
                notice.next_attempt_at = now + timedelta(seconds=wait)
    return sent


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(WelfareNotice.state, func.count()).group_by(WelfareNotice.state))
    found = dict.fromkeys(STATES, 0)
    found.update({state: n for state, n in rows})
    return found


def listing(session: Session, state: str | None, family_key: str | None, limit: int) -> list[WelfareNotice]:
    query = select(WelfareNotice).order_by(WelfareNotice.id.desc()).limit(limit)
    if state is not None:
        query = query.where(WelfareNotice.state == state)
    if family_key is not None:
        query = query.where(WelfareNotice.family_key == family_key.lower())
    return list(session.execute(query).scalars())
