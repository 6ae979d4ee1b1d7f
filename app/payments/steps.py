"""The bridge's three kinds of work on outbox rows, each a plain function:

- request: write `requesting` (and count the request), then create the payout with the attempt's
  idempotency key; a definite refusal moves to `failing`, an unknown outcome stays `requesting`
  and is asked again later with the same key (the provider answers with the same payout);
- check: ask the provider how a pending payout ended (after a callback, or when none came);
- record: settle or fail the attempt on chain, then mark it final once the chain agrees."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from app.db.models import utcnow
from app.payments.accounts import load_account
from app.payments.ledger import AUTHORIZED, CANCELLED, FAILED, SETTLED, STATUS_NAMES, PaymentsLedger
from app.payments.models import (
    BATCH_PURPOSES,
    FAILING,
    HELD,
    NEW,
    PENDING,
    REQUESTING,
    SETTLING,
    PaymentOutbox,
)
from app.payments.models import (
    FAILED as ROW_FAILED,
)
from app.payments.models import (
    SETTLED as ROW_SETTLED,
)
from app.payments.outbox import journal, move
from app.payments.providers.base import (
    FAILED as PAYOUT_FAILED,
)
from app.payments.providers.base import (
    PENDING as PAYOUT_PENDING,
)
from app.payments.providers.base import (
    REVERSED,
    SUCCEEDED,
    Payout,
    PayoutOrder,
    Provider,
    ProviderRejected,
    ProviderUnavailable,
)

log = logging.getLogger("terang.payments")
NO_ACCOUNT = "NO_PAYOUT_ACCOUNT"


def request_payout(
    sessions: sessionmaker[Session], provider: Provider, account_key: str, row_id: int
) -> None:
    with sessions.begin() as session:
        row = session.get(PaymentOutbox, row_id)
        if row is None or row.state not in (NEW, REQUESTING):
            return
        if row.purpose in BATCH_PURPOSES:
            row.state = HELD
            journal(session, row, HELD, reason="batch instruction: paid line by line, not by this bridge")
            return
        account = load_account(session, account_key, row.payee_key)
        if account is None:
            row.state, row.failure_code = FAILING, NO_ACCOUNT
            journal(session, row, FAILING, failureCode=NO_ACCOUNT)
            return
        row.state, row.provider, row.requests, row.checked_at = (
            REQUESTING,
            provider.name,
            row.requests + 1,
            utcnow(),
        )
        journal(session, row, REQUESTING, request=row.requests)
        order = PayoutOrder(
            key=row.key,
            amount=row.amount,
            channel_code=account.channelCode,
            account_number=account.accountNumber,
            account_holder_name=account.accountHolderName,
            description=f"Terang payment {row.instruction_id[:18]} attempt {row.attempt}",
        )
    try:
        payout = provider.approve(provider.create(order))
    except ProviderRejected as refused:
        log.info("payout %s refused by the provider: %s", order.key, refused.code)
        move(
            sessions,
            row_id,
            (REQUESTING,),
            FAILING,
            {"failureCode": refused.code},
            failure_code=refused.code[:32],
        )
        return
    except ProviderUnavailable as exc:
        log.info("payout %s: no reliable answer (%s); will ask again with the same key", order.key, exc)
        return
    if payout.amount != order.amount:
        log.error("payout %s: provider reports amount %d, ordered %d", order.key, payout.amount, order.amount)
    moved = move(
        sessions,
        row_id,
        (REQUESTING,),
        PENDING,
        {"providerRef": payout.reference},
        provider_ref=payout.reference,
        provider_status=payout.status,
    )
    if moved is not None and payout.status != PAYOUT_PENDING:
        apply_outcome(sessions, moved, payout)


def check_payout(sessions: sessionmaker[Session], provider: Provider, row: PaymentOutbox) -> None:
    try:
        payout = provider.get(row.provider_ref)
    except ProviderUnavailable as exc:
        log.info("status of payout %s unknown for now (%s)", row.key, exc)
        return
    apply_outcome(sessions, row, payout)


def apply_outcome(sessions: sessionmaker[Session], row: PaymentOutbox, payout: Payout) -> None:
    """Moves a pending row by what the provider's API (never a callback body) says."""
    if payout.status == PAYOUT_PENDING:
        with sessions.begin() as session:
            current = session.get(PaymentOutbox, row.id)
            current.checked_at, current.provider_status = utcnow(), payout.status
        return
    if payout.amount != row.amount:
        log.error(
            "payout %s (%s) is for %d rupiah, the instruction for %d: left for reconciliation",
            row.key,
            payout.reference,
            payout.amount,
            row.amount,
        )
        with sessions.begin() as session:
            current = session.get(PaymentOutbox, row.id)
            current.checked_at, current.provider_status = utcnow(), "AMOUNT_MISMATCH"
        return
    if payout.status == SUCCEEDED:
        move(sessions, row.id, (PENDING,), SETTLING, {"providerStatus": SUCCEEDED}, provider_status=SUCCEEDED)
    elif payout.status in (PAYOUT_FAILED, REVERSED):
        code = (payout.failure_code or payout.status)[:32]
        move(
            sessions,
            row.id,
            (PENDING,),
            FAILING,
            {"providerStatus": payout.status, "failureCode": code},
            provider_status=payout.status,
            failure_code=code,
        )


def record_outcomes(
    sessions: sessionmaker[Session], ledger: PaymentsLedger, rows: list[PaymentOutbox]
) -> int:
    """Settles or fails `rows` on chain (transactions pipelined, then awaited); returns how many
    rows became final."""
    if not rows:
        return 0
    done = _finalise(sessions, ledger, rows)
    remaining = [row for row in rows if row.id not in done]
    sent = []
    for row in remaining:
        act, value = ("settle", row.provider_ref) if row.state == SETTLING else ("fail", row.failure_code)
        tx_hash = ledger.send(act, row.instruction_id, row.attempt, value or "UNKNOWN")
        if tx_hash:
            sent.append(tx_hash)
            if row.chain_tx != tx_hash:
                with sessions.begin() as session:
                    session.get(PaymentOutbox, row.id).chain_tx = tx_hash
    for tx_hash in sent:
        ledger.wait(tx_hash)
    if remaining:
        done |= _finalise(sessions, ledger, remaining)
    return len(done)


def _finalise(sessions: sessionmaker[Session], ledger: PaymentsLedger, rows: list[PaymentOutbox]) -> set[int]:
    """Marks final the rows whose outcome the chain already shows; returns their ids."""
    chain = ledger.instructions(sorted({row.instruction_id for row in rows}))
    done = set()
    for row in rows:
        instruction = chain[row.instruction_id]
        status, attempt = instruction.status, instruction.attempt
        if status == AUTHORIZED and attempt == row.attempt:
            continue  # still to be recorded
        if status == SETTLED and attempt == row.attempt:
            final = ROW_SETTLED
        elif attempt > row.attempt or (status in (FAILED, CANCELLED) and attempt == row.attempt):
            final = ROW_FAILED
        else:
            log.error("instruction %s is %s on chain at attempt %d", row.key, STATUS_NAMES[status], attempt)
            continue
        expected = ROW_SETTLED if row.state == SETTLING else ROW_FAILED
        detail = {"chainStatus": STATUS_NAMES[status], "chainAttempt": attempt}
        if final != expected:
            detail["conflict"] = True
            log.error("outcome conflict for %s: bridge meant %s, chain shows %s", row.key, expected, final)
        if move(sessions, row.id, (row.state,), final, detail) is not None:
            done.add(row.id)
    return done
