"""Rows the bridge sets aside so that one bad row never stops a round.

A payable row (an instruction's attempt, a batch's line) whose step fails for a reason of its own
is quarantined: the reason code is stored on the row with the time, journalled, logged (the row's
key and the code, never account details or the provider's words), and the bridge's rounds skip it
while every other row goes on. Transient failures (timeouts, 5xx, an unavailable node) are not
quarantined: they are retried as before.

Reasons:
- ACCOUNT_UNREADABLE: the payee's stored account does not open (wrong key, damaged record);
- MALFORMED_ANSWER, BAD_AMOUNT, PROVIDER_4XX: the provider's answer about this payout cannot be
  acted on (app/payments/providers/base.py, AnswerUnusable);
- LOOKUP_UNAVAILABLE (parked): an earlier create call got no answer, and the provider cannot be
  asked whether it made the payout (the Iris shape has no search by reference, or the search did
  not answer) while it may have forgotten the idempotency key: creating it again could pay twice.

A quarantined row stays parked until the treasury releases it (POST
/payments/instructions/{id}/attempts/{attempt}/release or .../lines/{line}/release, or
`python -m app.payments.quarantine release ...`) after looking: a parked request is either
adopted (the provider's payout reference given) or created again (none exists); any other row is
simply taken up again by the next round."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import utcnow
from app.payments.models import NEW, PENDING, REQUESTING, PaymentLine, PaymentOutbox, key_fields

log = logging.getLogger("terang.payments")
ACCOUNT_UNREADABLE = "ACCOUNT_UNREADABLE"
LOOKUP_UNAVAILABLE = "LOOKUP_UNAVAILABLE"


def quarantine(session: Session, row: PaymentOutbox | PaymentLine, reason: str) -> None:
    """Sets `row` aside with `reason` (in the caller's transaction) and says so in the log."""
    row.quarantine, row.quarantined_at = reason[:32], utcnow()
    session.add(row.step(row.state, quarantined=row.quarantine))
    log.warning(
        "payout %s quarantined (%s): left for the treasury, the other payouts go on",
        row.key,
        row.quarantine,
        extra={**key_fields(row.key), "reason": row.quarantine},
    )


@dataclass(frozen=True)
class Quarantined:
    instructionId: str
    attempt: int | None
    line: int | None
    state: str
    reason: str
    since: str


def quarantined(sessions: sessionmaker[Session], limit: int = 1000) -> list[Quarantined]:
    """Every row set aside, oldest first (attempts, then lines)."""
    found: list[Quarantined] = []
    with sessions() as session:
        for model in (PaymentOutbox, PaymentLine):
            for row in session.execute(
                select(model).where(model.quarantine.is_not(None)).order_by(model.id).limit(limit)
            ).scalars():
                found.append(
                    Quarantined(
                        row.instruction_id,
                        row.attempt if model is PaymentOutbox else None,
                        row.line_index if model is PaymentLine else None,
                        row.state,
                        row.quarantine,
                        row.quarantined_at.isoformat() if row.quarantined_at else "",
                    )
                )
    return found


class NotQuarantined(Exception):
    """No such row, or it is not quarantined (released already)."""


def release(
    sessions: sessionmaker[Session],
    instruction_id: str,
    by: str,
    attempt: int | None = None,
    line: int | None = None,
    provider_reference: str | None = None,
) -> str:
    """Takes a row out of quarantine; returns the state it goes on from.

    A row parked in `requesting` goes on as `pending` with `provider_reference` (the payout the
    treasury found at the provider: the bridge asks its status) or, without one, as `new` (the
    treasury found none: it is created, under the same key). Any other row goes on where it was,
    due at once."""
    model = PaymentOutbox if line is None else PaymentLine
    where = (PaymentOutbox.attempt == attempt) if model is PaymentOutbox else (PaymentLine.line_index == line)
    with sessions.begin() as session:
        row = session.execute(
            select(model).where(model.instruction_id == instruction_id.lower(), where).with_for_update()
        ).scalar_one_or_none()
        if row is None or row.quarantine is None:
            raise NotQuarantined(instruction_id)
        reason = row.quarantine
        detail: dict = {"released": reason, "by": by}
        if row.state == REQUESTING and provider_reference:
            row.state, row.provider_ref = PENDING, provider_reference
            detail["providerRef"] = provider_reference
        elif row.state == REQUESTING:
            row.state, row.requested_at = NEW, None
        row.quarantine, row.quarantined_at, row.checked_at = None, None, None
        session.add(row.step(row.state, **detail))
        log.info(
            "payout %s released from quarantine (%s) by %s: goes on %s",
            row.key,
            reason,
            by,
            row.state,
            extra=key_fields(row.key),
        )
        return row.state


def main(argv: list[str] | None = None) -> int:
    from app import logs
    from app.config import get_settings
    from app.db.session import make_engine, make_session_factory

    parser = argparse.ArgumentParser(prog="python -m app.payments.quarantine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="print the quarantined rows as JSON")
    freeing = commands.add_parser("release", help="release one quarantined row")
    freeing.add_argument("instruction_id")
    which = freeing.add_mutually_exclusive_group(required=True)
    which.add_argument("--attempt", type=int)
    which.add_argument("--line", type=int)
    freeing.add_argument("--provider-reference", help="the payout found at the provider, to adopt")
    freeing.add_argument("--by", required=True, help="who looked (recorded in the journal)")
    args = parser.parse_args(argv)
    settings = get_settings()
    logs.configure(settings.log_level)
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    try:
        if args.command == "list":
            print(json.dumps([row.__dict__ for row in quarantined(sessions)], indent=2))
            return 0
        try:
            state = release(
                sessions, args.instruction_id, args.by, args.attempt, args.line, args.provider_reference
            )
        except NotQuarantined:
            print("no such quarantined row", file=sys.stderr)
            return 1
        print(state)
        return 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
