"""The provider's reference of each payment, as the payment bridge recorded it: the payout id a
supplier finds on its bank statement (app/payments/steps.py sets it when the provider accepts the
payout). The latest attempt that has one answers for the instruction."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.payments.models import PaymentOutbox


def provider_references(session: Session, instruction_ids: Iterable[str]) -> dict[str, str]:
    """instruction id (lower-case hex) -> the provider's payout id, for those the bridge sent."""
    wanted = sorted({i.lower() for i in instruction_ids})
    if not wanted:
        return {}
    rows = session.execute(
        select(PaymentOutbox.instruction_id, PaymentOutbox.provider_ref)
        .where(PaymentOutbox.instruction_id.in_(wanted), PaymentOutbox.provider_ref.is_not(None))
        .order_by(PaymentOutbox.attempt)
    )
    return {instruction: reference for instruction, reference in rows}  # the latest attempt last
