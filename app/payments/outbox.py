"""Choosing the outbox rows (attempts) and batch lines that have work due, and moving one row
from state to state in its own committed transaction, checked against the state the caller
expects (a compare-and-set) and journalled in payment_steps (reconciliation's repairs)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import utcnow
from app.payments.models import (
    BATCH_PURPOSES,
    FAILING,
    LINES,
    NEW,
    PENDING,
    REQUESTING,
    SETTLING,
    PaymentCallback,
    PaymentLine,
    PaymentOutbox,
    PaymentStep,
)


def journal(session: Session, row: PaymentOutbox, state: str, **detail) -> None:
    session.add(PaymentStep(outbox_id=row.id, state=state, detail=detail))


def move(
    sessions: sessionmaker[Session],
    row_id: int,
    expected: Iterable[str],
    state: str,
    detail: dict | None = None,
    **fields,
) -> PaymentOutbox | None:
    """Sets `state` (and `fields`) if the row is still in one of `expected`; else returns None."""
    with sessions.begin() as session:
        row = session.get(PaymentOutbox, row_id)
        if row is None or row.state not in tuple(expected):
            return None
        for name, value in fields.items():
            setattr(row, name, value)
        if state == PENDING and row.state != PENDING and _has_callback(session, row):
            row.callback_at = utcnow()  # the callback came before the create call answered
        row.state = state
        journal(session, row, state, **(detail or {}))
        return row


def _has_callback(session: Session, row: PaymentOutbox) -> bool:
    return (
        session.execute(
            select(PaymentCallback.id)
            .where(
                or_(PaymentCallback.provider_ref == row.provider_ref, PaymentCallback.reference == row.key)
            )
            .limit(1)
        ).first()
        is not None
    )


def rows(
    sessions: sessionmaker[Session], states: Iterable[str], limit: int, model=PaymentOutbox, where=()
) -> list:
    with sessions() as session:
        return list(
            session.execute(
                select(model).where(model.state.in_(tuple(states)), *where).order_by(model.id).limit(limit)
            ).scalars()
        )


def due_requests(sessions: sessionmaker[Session], limit: int, model=PaymentOutbox) -> list:
    """Rows to (re)send to the provider: new ones, and unanswered ones after a backoff (looked up
    before they are sent again). Lines only of batches being paid (their attempt row in `lines`).
    Quarantined rows wait for the treasury."""
    now = utcnow()
    where = (PaymentOutbox.purpose.not_in(BATCH_PURPOSES),)
    if model is PaymentLine:
        where = (PaymentLine.outbox_id.in_(select(PaymentOutbox.id).where(PaymentOutbox.state == LINES)),)
    due = []
    for row in rows(sessions, (NEW, REQUESTING), limit * 4, model, (*where, model.quarantine.is_(None))):
        if row.checked_at is None or _aware(row.checked_at) + _backoff(row.requests) <= now:
            due.append(row)
        if len(due) == limit:
            break
    return due


def due_checks(sessions: sessionmaker[Session], every: float, limit: int, model=PaymentOutbox) -> list:
    """Pending payouts to ask the provider about: a callback arrived since the last look, or none
    came for `every` seconds."""
    stale = utcnow() - timedelta(seconds=every)
    with sessions() as session:
        return list(
            session.execute(
                select(model)
                .where(
                    model.state == PENDING,
                    model.quarantine.is_(None),
                    or_(
                        model.checked_at.is_(None),
                        model.checked_at < stale,
                        model.callback_at >= model.checked_at,
                    ),
                )
                .order_by(model.id)
                .limit(limit)
            ).scalars()
        )


def outcomes(sessions: sessionmaker[Session], limit: int) -> list[PaymentOutbox]:
    return rows(sessions, (SETTLING, FAILING), limit)


def new_batches(sessions: sessionmaker[Session], limit: int) -> list[PaymentOutbox]:
    return rows(sessions, (NEW,), limit, where=(PaymentOutbox.purpose.in_(BATCH_PURPOSES),))


def _backoff(requests: int) -> timedelta:
    return timedelta(seconds=min(5.0, 0.25 * 2 ** min(requests, 5)))


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns."""
    from datetime import timezone

    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
