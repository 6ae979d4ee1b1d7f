"""Notices to a payee about its payout account: every proposal, decision and revocation is written
to an outbox (`payee_notices`) in the same transaction as the change, then POSTed to the notifier
(TERANG_PAYEE_NOTIFIER_URL, a service that reaches the payee by SMS, e-mail or letter) until it
answers 2xx. A notice carries the payee key, the version, what happened, the channel, the masked
number and from when the change takes effect: never the full number nor the holder's name. Its
`noticeId` is stable, so a notice delivered twice (a retry after a lost answer) is one notice.

Delivery runs after each account act and on `deliver_pending`'s next call; a notice the notifier
refuses or cannot take stays `new` with its attempts and last error (shown in the history)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import utcnow
from app.ledger.tls import tls_context
from app.payments.models import NEW, PayeeNotice

log = logging.getLogger("terang.payments.notices")
SENT = "sent"
BATCH = 100


def notify(session: Session, version, event: str, effective_at: datetime | None = None) -> PayeeNotice:
    """Records a notice about `version` (a PayoutAccountVersion) in the session's transaction."""
    notice = PayeeNotice(
        payee_key=version.payee_key,
        version=version.version,
        event=event,
        body={
            "payeeKey": version.payee_key,
            "version": version.version,
            "event": event,
            "channelCode": version.channel_code,
            "accountNumber": version.masked_number,
            "effectiveFrom": _iso(effective_at),
            "at": _iso(utcnow()),
        },
        state=NEW,
        attempts=0,
    )
    session.add(notice)
    session.flush()
    notice.body = {"noticeId": notice.id, **notice.body}
    return notice


def _iso(value: datetime | None) -> str | None:
    """UTC, ISO 8601 with Z, as the API writes times."""
    if value is None:
        return None
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"


def deliver_pending(sessions: sessionmaker[Session], url: str, timeout: float = 5.0) -> int:
    """POSTs every notice not yet delivered, oldest first; returns how many were delivered."""
    delivered = 0
    with sessions() as session:
        ids = list(
            session.execute(
                select(PayeeNotice.id).where(PayeeNotice.state == NEW).order_by(PayeeNotice.id).limit(BATCH)
            ).scalars()
        )
    with httpx.Client(timeout=timeout, verify=tls_context()) as http:
        for notice_id in ids:
            with sessions.begin() as session:
                notice = session.get(PayeeNotice, notice_id)
                if notice is None or notice.state != NEW:
                    continue
                body = dict(notice.body)
            error = None
            try:
                answer = http.post(url, json=body)
                if not answer.is_success:
                    error = f"notifier answered {answer.status_code}"
            except httpx.HTTPError as exc:
                error = f"notifier unreachable: {type(exc).__name__}"
            with sessions.begin() as session:
                notice = session.get(PayeeNotice, notice_id)
                notice.attempts += 1
                if error is None:
                    notice.state, notice.sent_at, notice.last_error = SENT, utcnow(), None
                    delivered += 1
                else:
                    notice.last_error = error
                    log.warning("payee notice %s not delivered: %s", notice_id, error)
    return delivered


def notices_of(session: Session, payee_key: str) -> list[dict]:
    """The notices about a payee's account, oldest first, with whether each was delivered."""
    rows = session.execute(
        select(PayeeNotice).where(PayeeNotice.payee_key == payee_key.lower()).order_by(PayeeNotice.id)
    ).scalars()
    return [
        {
            "version": n.version,
            "event": n.event,
            "delivered": n.state == SENT,
            "attempts": n.attempts,
            "lastError": n.last_error,
        }
        for n in rows
    ]
