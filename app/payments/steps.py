"""The bridge's three kinds of work, a round of rows at a time, for both kinds of payable row:
an instruction's attempt (payment_outbox) and a batch's line (payment_lines).

- request: the round's rows are split in chunks over the workers. For its chunk a worker commits
  the rows `requesting` (counting the request), creates their payouts at the provider, each with
  its row's idempotency key, and commits the answers. A definite refusal fails the row; an unknown
  outcome leaves it `requesting`, asked again later with the same key (the provider answers with
  the same payout). A crash between the two commits loses only answers that are asked for again.
- check: ask the provider how pending payouts ended (after a callback, or when none came); one
  commit per chunk.
- record (attempts only): settle or fail on chain, then mark the row final once the chain agrees;
  a batch's failed lines are proven to the ledger before it is settled.

An attempt's outcome moves it to `settling` / `failing` (the chain is next); a line's to `paid` /
`failed` (final; the batch settles once all its lines are)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import utcnow
from app.payments.accounts import account_in_force
from app.payments.ledger import AUTHORIZED, CANCELLED, FAILED, NONE, SETTLED, STATUS_NAMES, PaymentsLedger
from app.payments.models import (
    BATCH_PURPOSES,
    FAILING,
    NEW,
    PAID,
    PENDING,
    REQUESTING,
    SETTLING,
    PaymentCallback,
    PaymentLine,
    PaymentOutbox,
    key_fields,
)
from app.payments.models import (
    FAILED as ROW_FAILED,
)
from app.payments.models import (
    SETTLED as ROW_SETTLED,
)
from app.payments.providers.base import (
    FAILED as PAYOUT_FAILED,
)
from app.payments.providers.base import (
    MALFORMED_ANSWER,
    REVERSED,
    SUCCEEDED,
    AnswerUnusable,
    Payout,
    PayoutOrder,
    Provider,
    ProviderRejected,
    ProviderUnavailable,
)
from app.payments.providers.base import (
    PENDING as PAYOUT_PENDING,
)
from app.payments.quarantine import ACCOUNT_UNREADABLE, LOOKUP_UNAVAILABLE, quarantine

log = logging.getLogger("terang.payments")
NO_ACCOUNT = "NO_PAYOUT_ACCOUNT"
AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
# Rows one worker takes per round: the work a kill can lose (answers asked for again with the same
# key), and two commits per CHUNK payouts instead of two or three per payout.
CHUNK = 8


@dataclass(frozen=True)
class Payable:
    """What differs between paying an attempt and paying a line: the table, and the states a
    provider's success or failure moves a row to."""

    model: type[PaymentOutbox] | type[PaymentLine]
    succeeded: str
    failed: str


ATTEMPTS = Payable(PaymentOutbox, SETTLING, FAILING)
LINES = Payable(PaymentLine, PAID, ROW_FAILED)


# -- request -------------------------------------------------------------------------------------
def undecided(sessions: sessionmaker[Session], ledger: PaymentsLedger, rows: list[PaymentOutbox]) -> list:
    """Of `rows`, those still to be paid. An attempt never sent to the provider (`new`) that the
    chain already shows settled, failed or superseded is closed unpaid (a bridge database restored
    from a backup, or started on a chain another bridge pays); one the chain no longer knows (a
    reorg) waits."""
    new = [row for row in rows if row.state == NEW]
    if not new:
        return rows
    chain = ledger.instructions(sorted({row.instruction_id for row in new}))
    closed: dict[int, tuple[str, dict]] = {}
    waiting = set()
    for row in new:
        instruction = chain[row.instruction_id]
        status, attempt = instruction.status, instruction.attempt
        if status == AUTHORIZED and attempt == row.attempt:
            continue
        if status == NONE:
            waiting.add(row.id)
            continue
        final = ROW_SETTLED if (status, attempt) == (SETTLED, row.attempt) else ROW_FAILED
        log.warning(
            "%s is %s on chain at attempt %d: not paid by this bridge",
            row.key,
            STATUS_NAMES[status],
            attempt,
            extra=key_fields(row.key),
        )
        closed[row.id] = (
            final,
            {"chainStatus": STATUS_NAMES[status], "chainAttempt": attempt, "unpaid": True},
        )
    if closed:
        with sessions.begin() as session:
            for row in _rows(session, PaymentOutbox, list(closed), (NEW,)):
                row.state, detail = closed[row.id]
                session.add(row.step(row.state, **detail))
    return [row for row in rows if row.id not in closed and row.id not in waiting]


def request_payouts(
    sessions: sessionmaker[Session],
    provider: Provider,
    account_key: str,
    pool: Executor,
    payable: Payable,
    row_ids: list[int],
    workers: int = 16,
    key_memory: float = 0.0,
) -> int:
    """Creates the payouts of `row_ids` (rows in new/requesting), in chunks spread over the
    workers; returns how many were asked. `key_memory`: seconds the provider is known to remember
    an idempotency key (see _lookups)."""
    chunks = _chunks(row_ids, workers)
    return sum(
        pool.map(
            lambda chunk: _request_chunk(sessions, provider, account_key, payable, chunk, key_memory), chunks
        )
    )


def _request_chunk(
    sessions: sessionmaker[Session],
    provider: Provider,
    account_key: str,
    payable: Payable,
    row_ids: list[int],
    key_memory: float = 0.0,
) -> int:
    """One worker's share of a round: one commit marks the rows `requesting`, their payouts are
    created (or, for a row whose earlier request went unanswered, first looked up) one after the
    other, one commit records the answers. A row that fails for a reason of its own is
    quarantined; the others go on."""
    model, now = payable.model, utcnow()
    orders: list[tuple[int, PayoutOrder]] = []
    versions: dict[int, int] = {}  # the account version each order was built with
    unanswered: list[tuple[int, PayoutOrder, datetime | None]] = []
    with sessions.begin() as session:
        for row in _rows(session, model, row_ids, (NEW, REQUESTING)):
            try:
                in_force = account_in_force(session, account_key, row.payee_key, now)
            except SQLAlchemyError:
                raise  # the database, not the row: the round is retried
            except Exception:  # noqa: BLE001 (whatever the sealing raises: the row's own record)
                quarantine(session, row, ACCOUNT_UNREADABLE)
                continue
            if in_force is None:
                row.state, row.failure_code = payable.failed, NO_ACCOUNT
                session.add(row.step(row.state, failureCode=NO_ACCOUNT))
                log.warning(
                    "payout %s failed: no payout account for the payee", row.key, extra=key_fields(row.key)
                )
                continue
            account, versions[row.id] = in_force.details, in_force.version
            order = PayoutOrder(
                key=row.key,
                amount=row.amount,
                channel_code=account.channelCode,
                account_number=account.accountNumber,
                account_holder_name=account.accountHolderName,
                description=row.description,
            )
            if row.state == REQUESTING and row.requests:
                # An earlier create call went unanswered (a timeout, or a crash before its answer
                # was recorded): the payout may exist. Looked up before anything is created again.
                unanswered.append((row.id, order, row.requested_at))
                row.checked_at = now
                continue
            row.state, row.provider, row.requests, row.checked_at = (
                REQUESTING,
                provider.name,
                row.requests + 1,
                now,
            )
            row.requested_at = row.requested_at or now
            row.account_version = in_force.version  # the version in force when sent (reconciled)
            session.add(row.step(REQUESTING, request=row.requests, accountVersion=in_force.version))
            orders.append((row.id, order))
    if not orders and not unanswered:
        return 0
    answers: dict[int, Payout | ProviderRejected | AnswerUnusable | None] = {
        row_id: _create(provider, order) for row_id, order in orders
    }
    again, found = _lookups(provider, unanswered, key_memory, now)
    for row_id, order in again:
        answers[row_id] = _create(provider, order)
    answers.update(found)
    ordered = {row_id: order for row_id, order in orders + again}
    recreated = {row_id for row_id, _ in again}
    with sessions.begin() as session:
        asked = list(answers) + [row_id for row_id, _, _ in unanswered if row_id not in answers]
        rows = {row.id: row for row in _rows(session, model, asked, (REQUESTING,))}
        called_back = _called_back(
            session,
            [payout.reference for payout in answers.values() if isinstance(payout, Payout)]
            + [order.key for _, order, _ in unanswered]
            + [order.key for order in ordered.values()],
        )
        for row_id, answer in answers.items():
            row = rows.get(row_id)
            if row is None or answer is None or row.quarantine is not None:
                continue  # moved on meanwhile, or no reliable answer: asked (or looked up) again later
            if row_id in recreated:
                row.requests += 1
                row.account_version = versions[row_id]  # created again: to the version in force now
                session.add(row.step(REQUESTING, request=row.requests, lookedUp=True))
            if isinstance(answer, AnswerUnusable):
                quarantine(session, row, answer.code)
                continue
            if isinstance(answer, ProviderRejected):
                row.state, row.failure_code = payable.failed, answer.code[:32]
                session.add(row.step(row.state, failureCode=answer.code))
                continue
            if answer.amount != row.amount:
                log.error(
                    "payout %s: provider reports amount %d, ordered %d",
                    row.key,
                    answer.amount,
                    row.amount,
                    extra=key_fields(row.key),
                )
            adopted = row_id not in ordered
            row.state, row.provider, row.provider_ref, row.provider_status = (
                PENDING,
                provider.name,
                answer.reference,
                answer.status,
            )
            session.add(
                row.step(PENDING, providerRef=answer.reference, **({"adopted": True} if adopted else {}))
            )
            if answer.reference in called_back or row.key in called_back:
                row.callback_at = utcnow()  # the callback came before the create call answered
            if answer.status != PAYOUT_PENDING:
                _apply(session, payable, row, answer, now)
        for row_id, reason in _parked(unanswered, again, found):
            row = rows.get(row_id)
            if row is not None and row.quarantine is None:
                quarantine(session, row, reason)
    return len(orders) + len(unanswered)


def _lookups(
    provider: Provider,
    unanswered: list[tuple[int, PayoutOrder, datetime | None]],
    key_memory: float,
    now: datetime,
) -> tuple[list[tuple[int, PayoutOrder]], dict[int, Payout | AnswerUnusable]]:
    """For rows whose earlier create call went unanswered: (orders safe to create again, answers
    found). Each is looked up by its key where the provider can search: a payout found is adopted;
    none found means none was made, so it is created. Where the provider cannot search or the
    search does not answer, the create is repeated under the same key only while the provider is
    known to remember keys (`key_memory` seconds since the first request); else the row is left
    out of both, and _parked quarantines it: a person looks rather than risk paying twice."""
    again: list[tuple[int, PayoutOrder]] = []
    found: dict[int, Payout | AnswerUnusable] = {}
    for row_id, order, first in unanswered:
        fields = key_fields(order.key)
        if provider.can_find:
            try:
                payouts = provider.find(order.key)
            except ProviderUnavailable as exc:
                log.info("payout %s: lookup unanswered (%s)", order.key, exc, extra=fields)
            except AnswerUnusable as unusable:
                found[row_id] = unusable
                continue
            else:
                if payouts:
                    found[row_id] = payouts[0]
                    log.info(
                        "payout %s found at the provider as %s: adopted",
                        order.key,
                        payouts[0].reference,
                        extra={**fields, "provider_ref": payouts[0].reference},
                    )
                else:
                    again.append((row_id, order))
                continue
        if first is not None and (now - _aware(first)).total_seconds() < key_memory:
            again.append((row_id, order))  # the provider still remembers the key
    return again, found


def _parked(unanswered, again, found) -> list[tuple[int, str]]:
    handled = {row_id for row_id, _ in again} | set(found)
    return [(row_id, LOOKUP_UNAVAILABLE) for row_id, _, _ in unanswered if row_id not in handled]


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _chunks(items: list, workers: int, most: int = CHUNK) -> list[list]:
    """`items` in consecutive chunks, enough to keep `workers` busy, none longer than `most`."""
    size = max(1, min(most, -(-len(items) // max(1, workers))))
    return [items[start : start + size] for start in range(0, len(items), size)]


def _create(provider: Provider, order: PayoutOrder) -> Payout | ProviderRejected | AnswerUnusable | None:
    fields = key_fields(order.key)
    try:
        payout = provider.approve(provider.create(order))
    except ProviderRejected as refused:  # its code only: a provider's words may quote the account
        log.info("payout %s refused by the provider: %s", order.key, refused.code, extra=fields)
        return refused
    except AnswerUnusable as unusable:
        return unusable
    except ProviderUnavailable as exc:
        log.info(
            "payout %s: no reliable answer (%s); will look it up before asking again",
            order.key,
            exc,
            extra=fields,
        )
        return None
    log.info(
        "payout %s created at the provider as %s (%s)",
        order.key,
        payout.reference,
        payout.status,
        extra={**fields, "provider_ref": payout.reference},
    )
    return payout


def _called_back(session: Session, references: list[str]) -> set[str]:
    """References (provider's or ours) among `references` that a callback already named."""
    if not references:
        return set()
    found = set()
    for start in range(0, len(references), 500):
        chunk = references[start : start + 500]
        for provider_ref, reference in session.execute(
            select(PaymentCallback.provider_ref, PaymentCallback.reference).where(
                or_(PaymentCallback.provider_ref.in_(chunk), PaymentCallback.reference.in_(chunk))
            )
        ):
            found.update(value for value in (provider_ref, reference) if value)
    return found


# -- check ---------------------------------------------------------------------------------------
def check_payouts(
    sessions: sessionmaker[Session],
    provider: Provider,
    pool: Executor,
    payable: Payable,
    rows: list,
    workers: int = 16,
) -> int:
    """Asks the provider about pending payouts and applies what it says, a chunk per worker and
    one commit per chunk; returns how many were asked about."""
    return sum(
        pool.map(lambda chunk: _check_chunk(sessions, provider, payable, chunk), _chunks(rows, workers))
    )


def _check_chunk(sessions: sessionmaker[Session], provider: Provider, payable: Payable, rows: list) -> int:
    asked = utcnow()  # a callback arriving after this is looked at again
    answers = [_get(provider, row) for row in rows]
    if not any(answers):
        return len(rows)
    with sessions.begin() as session:
        current = {row.id: row for row in _rows(session, payable.model, [row.id for row in rows], (PENDING,))}
        for row, payout in zip(rows, answers, strict=True):
            if payout is None or row.id not in current or current[row.id].quarantine is not None:
                continue
            if isinstance(payout, AnswerUnusable):
                quarantine(session, current[row.id], payout.code)
            else:
                _apply(session, payable, current[row.id], payout, asked)
    return len(rows)


def _get(provider: Provider, row) -> Payout | AnswerUnusable | None:
    if not row.provider_ref:
        return AnswerUnusable(MALFORMED_ANSWER)  # pending without the provider's reference
    try:
        return provider.get(row.provider_ref)
    except AnswerUnusable as unusable:
        return unusable
    except ProviderUnavailable as exc:
        log.info("status of payout %s unknown for now (%s)", row.key, exc, extra=key_fields(row.key))
        return None


def _apply(session: Session, payable: Payable, row, payout: Payout, asked) -> None:
    """Moves a pending row by what the provider's API (never a callback body) says."""
    row.checked_at, row.provider_status = asked, payout.status
    if payout.status == PAYOUT_PENDING:
        return
    if payout.amount != row.amount:
        log.error(
            "payout %s (%s) is for %d rupiah, the payment for %d: left for reconciliation",
            row.key,
            payout.reference,
            payout.amount,
            row.amount,
            extra=key_fields(row.key),
        )
        row.provider_status = AMOUNT_MISMATCH
        return
    fields = {**key_fields(row.key), "provider_ref": payout.reference}
    if payout.status == SUCCEEDED:
        row.state = payable.succeeded
        session.add(row.step(row.state, providerStatus=SUCCEEDED))
        log.info("payout %s succeeded at the provider: %s", row.key, row.state, extra=fields)
    elif payout.status in (PAYOUT_FAILED, REVERSED):
        row.state, row.failure_code = payable.failed, (payout.failure_code or payout.status)[:32]
        session.add(row.step(row.state, providerStatus=payout.status, failureCode=row.failure_code))
        log.info(
            "payout %s %s at the provider (%s): %s",
            row.key,
            payout.status.lower(),
            row.failure_code,
            row.state,
            extra=fields,
        )


def _rows(session: Session, model, ids: list[int], states: tuple[str, ...]) -> list:
    found = []
    for start in range(0, len(ids), 500):
        found += session.execute(
            select(model).where(model.id.in_(ids[start : start + 500]), model.state.in_(states))
        ).scalars()
    return found


# -- record (attempts) ---------------------------------------------------------------------------
def record_outcomes(
    sessions: sessionmaker[Session],
    ledger: PaymentsLedger,
    pool: Executor,
    rows: list[PaymentOutbox],
    prove_lines: Callable[[PaymentOutbox], bool],
) -> int:
    """Settles or fails `rows` on chain and returns how many rows became final. The transactions
    are pipelined: sent from the workers side by side (each waits only for its nonce under the
    signer's lock), then awaited side by side. A batch is settled only once `prove_lines` has its
    failed lines on chain."""
    if not rows:
        return 0
    done = _finalise(sessions, ledger, rows)
    remaining = [row for row in rows if row.id not in done]

    def send(row: PaymentOutbox) -> str | None:
        if row.purpose in BATCH_PURPOSES and not prove_lines(row):
            return None
        act, value = ("settle", row.provider_ref) if row.state == SETTLING else ("fail", row.failure_code)
        return ledger.send(act, row.instruction_id, row.attempt, value or "UNKNOWN")

    sent = {row.id: tx for row, tx in zip(remaining, pool.map(send, remaining), strict=True) if tx}
    changed = {row.id: sent[row.id] for row in remaining if row.id in sent and row.chain_tx != sent[row.id]}
    if changed:
        with sessions.begin() as session:
            for row in session.execute(select(PaymentOutbox).where(PaymentOutbox.id.in_(changed))).scalars():
                row.chain_tx = changed[row.id]
    list(pool.map(ledger.wait, sent.values()))
    if remaining:
        done |= _finalise(sessions, ledger, remaining)
    return len(done)


def _finalise(sessions: sessionmaker[Session], ledger: PaymentsLedger, rows: list[PaymentOutbox]) -> set[int]:
    """Marks final the rows whose outcome the chain already shows (one commit); returns their ids."""
    chain = ledger.instructions(sorted({row.instruction_id for row in rows}))
    moves: dict[int, tuple[str, dict]] = {}
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
            log.error(
                "instruction %s is %s on chain at attempt %d",
                row.key,
                STATUS_NAMES[status],
                attempt,
                extra=key_fields(row.key),
            )
            continue
        expected = ROW_SETTLED if row.state == SETTLING else ROW_FAILED
        detail = {"chainStatus": STATUS_NAMES[status], "chainAttempt": attempt}
        if final != expected:
            detail["conflict"] = True
            log.error(
                "outcome conflict for %s: bridge meant %s, chain shows %s",
                row.key,
                expected,
                final,
                extra=key_fields(row.key),
            )
        moves[row.id] = (final, detail)
    if not moves:
        return set()
    done = set()
    with sessions.begin() as session:
        for row in _rows(session, PaymentOutbox, list(moves), (SETTLING, FAILING)):
            final, detail = moves[row.id]
            row.state = final
            session.add(row.step(final, **detail))
            done.add(row.id)
            log.info("instruction %s %s on chain", row.key, final, extra=key_fields(row.key))
    return done
