"""Moving outbox rows from state to state. Each move is its own committed transaction, checked
against the state the caller expects (a compare-and-set), and journalled in payment_steps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import utcnow
from app.payments.models import FAILING, PENDING, SETTLING, PaymentCallback, PaymentOutbox, PaymentStep


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


def rows(sessions: sessionmaker[Session], states: Iterable[str], limit: int) -> list[PaymentOutbox]:
    with sessions() as session:
        return list(
            session.execute(
                select(PaymentOutbox)
                .where(PaymentOutbox.state.in_(tuple(states)))
                .order_by(PaymentOutbox.id)
                .limit(limit)
            ).scalars()
        )


def due_requests(sessions: sessionmaker[Session], states: Iterable[str], limit: int) -> list[PaymentOutbox]:
    """Rows to (re)send to the provider: new ones, and unanswered ones after a backoff."""
    now = utcnow()
    due = []
    for row in rows(sessions, states, limit * 4):
        if row.checked_at is None or _aware(row.checked_at) + _backoff(row.requests) <= now:
            due.append(row)
        if len(due) == limit:
            break
    return due


def due_checks(sessions: sessionmaker[Session], every: float, limit: int) -> list[PaymentOutbox]:
    """Pending payouts to ask the provider about: a callback arrived since the last look, or none
    came for `every` seconds."""
    stale = utcnow() - timedelta(seconds=every)
    with sessions() as session:
        return list(
            session.execute(
                select(PaymentOutbox)
                .where(
                    PaymentOutbox.state == PENDING,
                    or_(
                        PaymentOutbox.checked_at.is_(None),
                        PaymentOutbox.checked_at < stale,
                        PaymentOutbox.callback_at >= PaymentOutbox.checked_at,
                    ),
                )
                .order_by(PaymentOutbox.id)
                .limit(limit)
            ).scalars()
        )


def outcomes(sessions: sessionmaker[Session], limit: int) -> list[PaymentOutbox]:
    return rows(sessions, (SETTLING, FAILING), limit)


def _backoff(requests: int) -> timedelta:
    return timedelta(seconds=min(5.0, 0.25 * 2 ** min(requests, 5)))


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns."""
    from datetime import timezone

    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
