"""Provider callbacks: authenticated (token or signature), stored once, and only a hint.

A callback never settles anything by itself: it marks the payout for a status check, and the
bridge acts on what the provider's API then reports. So a forged or tampered body that got past
authentication still cannot change an outcome, duplicates and out-of-order deliveries are harmless,
and a replayed body (same digest) is acknowledged without effect. Logs name the provider, the
payout and the peer, never the token, the signature or account details."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import utcnow
from app.payments.models import PaymentCallback, PaymentLine, PaymentOutbox, key_fields
from app.payments.providers.base import CallbackRefused, Provider

log = logging.getLogger("terang.payments.callbacks")


@dataclass(frozen=True)
class Receipt:
    status: int  # HTTP status to answer
    outcome: str  # accepted | duplicate | unauthenticated | mismatch


def receive(
    sessions: sessionmaker[Session], provider: Provider, headers: Mapping[str, str], body: bytes, peer: str
) -> Receipt:
    if not all(value.isascii() and value.isprintable() for value in headers.values()):
        # Tokens and signatures are ASCII; anything else is refused before it reaches a comparison
        # (hmac.compare_digest raises on non-ASCII text).
        log.warning("%s callback from %s refused: a header is not printable ASCII", provider.name, peer)
        return Receipt(401, "unauthenticated")
    try:
        notice = provider.verify_callback(headers, body)
    except CallbackRefused as exc:
        log.warning("%s callback from %s refused: %s", provider.name, peer, exc)
        return Receipt(401, "unauthenticated")
    digest = hashlib.sha256(body).hexdigest()
    try:
        with sessions.begin() as session:
            seen = session.execute(
                select(PaymentCallback.id).where(
                    PaymentCallback.provider == provider.name, PaymentCallback.digest == digest
                )
            ).first()
            if seen is not None:
                log.info(
                    "%s callback for payout %s from %s already received: acknowledged, not acted on",
                    provider.name,
                    notice.reference,
                    peer,
                    extra=key_fields(notice.key),
                )
                return Receipt(200, "duplicate")
            row = _outbox_row(session, notice.reference, notice.key) or _line(
                session, notice.reference, notice.key
            )
            if row is not None and notice.amount is not None and notice.amount != row.amount:
                log.warning(
                    "%s callback for payout %s from %s says %d rupiah, the instruction %d: refused",
                    provider.name,
                    notice.reference,
                    peer,
                    notice.amount,
                    row.amount,
                    extra=key_fields(notice.key),
                )
                return Receipt(422, "mismatch")
            session.add(
                PaymentCallback(
                    provider=provider.name,
                    digest=digest,
                    provider_ref=notice.reference,
                    reference=notice.key,
                    status=notice.status,
                    amount=notice.amount,
                )
            )
            if row is not None:
                row.callback_at = utcnow()
    except IntegrityError:
        # The same callback, sent again at the same moment, was recorded by a concurrent request
        # between this one's look-up and its insert (the unique digest): acknowledged, not acted on.
        log.info(
            "%s callback for payout %s from %s received concurrently: acknowledged, not acted on",
            provider.name,
            notice.reference,
            peer,
            extra=key_fields(notice.key),
        )
        return Receipt(200, "duplicate")
    log.info(
        "%s callback: payout %s %s (from %s)",
        provider.name,
        notice.reference,
        notice.status,
        peer,
        extra=key_fields(notice.key),
    )
    return Receipt(200, "accepted")


def _outbox_row(session: Session, reference: str | None, key: str | None) -> PaymentOutbox | None:
    conditions = []
    if reference:
        conditions.append(PaymentOutbox.provider_ref == reference)
    if key and "-" in key:
        instruction_id, _, attempt = key.rpartition("-")
        if attempt.isdigit():
            conditions.append(
                (PaymentOutbox.instruction_id == instruction_id) & (PaymentOutbox.attempt == int(attempt))
            )
    if not conditions:
        return None
    return session.execute(select(PaymentOutbox).where(or_(*conditions)).limit(1)).scalar_one_or_none()


def _line(session: Session, reference: str | None, key: str | None) -> PaymentLine | None:
    """The batch line a callback is about: by the provider's reference, or by our key
    `<instruction id>-L<index>`."""
    conditions = []
    if reference:
        conditions.append(PaymentLine.provider_ref == reference)
    if key and "-L" in key:
        instruction_id, _, index = key.rpartition("-L")
        if index.isdigit():
            conditions.append(
                (PaymentLine.instruction_id == instruction_id) & (PaymentLine.line_index == int(index))
            )
    if not conditions:
        return None
    return session.execute(select(PaymentLine).where(or_(*conditions)).limit(1)).scalar_one_or_none()
