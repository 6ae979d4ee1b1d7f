"""Reconciliation: the chain's instructions, the outbox and the provider's payouts side by side.

Every disagreement is reported; the safe ones are repaired when asked:
- paid_not_settled: the provider paid the current attempt, the chain still says Authorized
  -> settle on chain (repairable);
- failed_not_recorded: the provider failed or reversed it before settlement -> fail on chain
  (repairable);
- outbox_disagrees: the outbox's final state differs from the chain while the provider agrees
  with the chain -> the outbox is corrected (repairable);
- settled_not_paid: settled on chain without a successful payout at the provider;
- paid_but_failed: the provider paid an attempt that the chain records as failed (a retry would
  pay twice); paid_twice: more than one successful payout for one instruction;
- amount_differs: a payout's amount differs from the instruction's (while it does, the attempt
  is neither settled nor failed by a repair);
- reversed_after_settlement: the bank returned a payment already settled on chain;
- not_in_outbox: an authorisation the bridge has passed without recording it;
- account_not_approved, account_not_effective, account_not_in_force: a payout (or a batch's line)
  sent to a payout account version that was not the payee's account in force when it was sent:
  never approved by a second treasury official (or revoked), still in its cooling-off, or
  superseded by another version (app/payments/accounts.py).
The last eight need a person: they are never repaired automatically.

A batch instruction (welfare) is compared line by line once settled: a line the ledger records as
failed must have no successful payout (paid_but_failed), every other line one (settled_not_paid,
or reversed_after_settlement); amount_differs per line; such mismatches name the line. A batch
still being paid is in flight (the bridge proves its failed lines and settles it); one whose lines
could not be read back is counted as held.

Incremental: a run asks the provider and the chain only about what can still change. An
instruction whose every attempt (and line) was found final and in agreement is stamped
(`reconciled_at`) and left out of later runs until a callback names one of its payouts again (a
reversal); the chain's authorisations are read from a watermark (the `payment-reconcile` cursor),
never past the bridge's own cursor nor past an authorisation still missing from the outbox, so
such a mismatch is reported on every run until it is resolved. `--full` (or ?full=true) checks
everything again. Rows the bridge quarantined are listed with their reason.

`python -m app.payments.reconcile [--repair] [--full] [--json]`; GET /payments/reconciliation."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from app.db.models import utcnow
from app.indexer.models import IndexerCursor
from app.payments import models as states
from app.payments.accounts import version_problem
from app.payments.follow import CURSOR, authorization_logs, decode_authorization
from app.payments.ledger import (
    AUTHORIZED,
    CANCELLED,
    FAILED,
    SETTLED,
    STATUS_NAMES,
    Instruction,
    PaymentsLedger,
)
from app.payments.models import BATCH_PURPOSES, PaymentLine, PaymentOutbox
from app.payments.outbox import move
from app.payments.providers.base import FAILED as PAYOUT_FAILED
from app.payments.providers.base import (
    PENDING,
    REVERSED,
    SUCCEEDED,
    AnswerUnusable,
    Payout,
    Provider,
    ProviderUnavailable,
)
from app.payments.quarantine import quarantined

log = logging.getLogger("terang.payments.reconcile")
REPAIRABLE = {"paid_not_settled", "failed_not_recorded", "outbox_disagrees"}
LOG_RANGE = 10_000
WATERMARK = "payment-reconcile"


@dataclass
class Mismatch:
    kind: str
    instructionId: str
    attempt: int
    detail: str
    repaired: bool = False
    line: int | None = None  # the line of a batch instruction, when the mismatch is a line's


@dataclass
class Report:
    instructions: int = 0
    attempts: int = 0
    settled: int = 0
    failed: int = 0
    inFlight: int = 0
    held: int = 0  # batch instructions whose lines could not be read back: nothing paid
    unreachable: int = 0  # payouts the provider did not answer about
    quarantined: list[dict] = field(default_factory=list)  # rows the bridge set aside
    checked: int = 0  # payouts asked about by this run
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def repaired(self) -> int:
        return sum(1 for m in self.mismatches if m.repaired)

    def as_dict(self) -> dict:
        return {**asdict(self), "repaired": self.repaired}


def reconcile(
    sessions: sessionmaker[Session],
    ledger: PaymentsLedger,
    provider: Provider,
    first_block: int,
    repair: bool = False,
    workers: int = 16,
    full: bool = False,
) -> Report:
    report = Report()
    with sessions() as session:
        cursor = session.get(IndexerCursor, CURSOR)
        mark = None if full else session.get(IndexerCursor, WATERMARK)
    bridge_block = cursor.block_number if cursor else 0
    scan_from = max(first_block, 1) if mark is None else mark.block_number + 1
    head = ledger.node.head()
    authorized = _chain_authorizations(ledger, scan_from, head)
    with sessions() as session:
        open_ids = set(authorized) | (_all_ids(session) if full else _open_ids(session))
        rows, lines = _rows_of(session, sorted(open_ids))
        closed = _closed_counts(session)
        report.attempts = session.execute(select(func.count()).select_from(PaymentOutbox)).scalar_one()
    by_id: dict[str, list[PaymentOutbox]] = {}
    for row in rows:
        by_id.setdefault(row.instruction_id, []).append(row)
    ids = sorted(open_ids)
    chain = ledger.instructions(ids)
    lines_of: dict[str, list[PaymentLine]] = {}
    for line in lines:
        lines_of.setdefault(line.instruction_id, []).append(line)
    with ThreadPoolExecutor(workers) as pool:
        payouts = dict(zip((r.id for r in rows), pool.map(lambda r: _payout(provider, r), rows), strict=True))
        line_payouts = dict(
            zip(
                (line.id for line in lines),
                pool.map(lambda line: _payout(provider, line), lines),
                strict=True,
            )
        )
    report.checked = sum(1 for p in [*payouts.values(), *line_payouts.values()] if p is not None)
    report.instructions = len(ids) + sum(closed.values())
    report.settled, report.failed = closed.get(states.SETTLED, 0), closed.get(states.FAILED, 0)
    clean: list[str] = []
    missing_from = None  # the first block of an authorisation missing from the outbox
    for instruction_id in ids:
        instruction = chain[instruction_id]
        attempts = sorted(by_id.get(instruction_id, []), key=lambda r: r.attempt)
        pairs = [(row, payouts[row.id]) for row in attempts]
        report.unreachable += sum(1 for _, p in pairs if p is _UNREACHABLE)
        batch_lines = [(line, line_payouts[line.id]) for line in lines_of.get(instruction_id, [])]
        if instruction_id in lines_of or any(row.purpose in BATCH_PURPOSES for row in attempts):
            report.unreachable += sum(1 for _, p in batch_lines if p is _UNREACHABLE)
            found = _compare_batch(
                ledger,
                instruction,
                pairs,
                batch_lines,
                authorized.get(instruction_id, 0),
                bridge_block,
                report,
            )
        else:
            found = _compare(instruction, pairs, authorized.get(instruction_id, 0), bridge_block, report)
        found.extend(_account_versions(sessions, attempts, lines_of.get(instruction_id, []), instruction))
        for mismatch in found:
            if repair and mismatch.kind in REPAIRABLE and mismatch.line is None:
                mismatch.repaired = _repair(sessions, ledger, mismatch, pairs)
            if mismatch.kind == "not_in_outbox":
                block = authorized.get(instruction_id, 0)
                missing_from = block if missing_from is None else min(missing_from, block)
        report.mismatches.extend(found)
        if not found and _settled_for_good(instruction, pairs, batch_lines):
            clean.append(instruction_id)
    _stamp(sessions, clean)
    watermark = min(head, bridge_block)
    if missing_from is not None:
        watermark = min(watermark, missing_from - 1)
    if watermark >= scan_from - 1:
        _save_watermark(sessions, watermark, ledger)
    report.quarantined = [row.__dict__ for row in quarantined(sessions)]
    return report


def _account_versions(
    sessions, attempts: list[PaymentOutbox], lines: list[PaymentLine], instruction: Instruction
) -> list[Mismatch]:
    """Each payout sent to an account version that was not the one in force when it was sent: not
    approved by a second official, still in its cooling-off, or superseded (app/payments/accounts.py).
    Never repaired: the money went where the rules did not send it; a person follows it."""
    found = []
    with sessions() as session:
        for row in [*attempts, *lines]:
            if row.account_version is None or row.requested_at is None:
                continue  # never sent, or sent before payouts recorded their account version
            kind = version_problem(session, row.payee_key, row.account_version, row.requested_at)
            if kind is None:
                continue
            line = row.line_index if isinstance(row, PaymentLine) else None
            found.append(
                Mismatch(
                    kind,
                    instruction.id,
                    row.attempt if line is None else instruction.attempt,
                    f"payout {row.key} sent to account version {row.account_version} of {row.payee_key}",
                    line=line,
                )
            )
    return found


def _open_ids(session: Session) -> set[str]:
    """Instructions with a row that can still change: never found clean, or named by a callback
    since (a reversal)."""
    ids: set[str] = set()
    for model in (PaymentOutbox, PaymentLine):
        ids.update(
            session.execute(
                select(model.instruction_id)
                .where(
                    or_(
                        model.reconciled_at.is_(None),
                        and_(model.callback_at.is_not(None), model.callback_at > model.reconciled_at),
                    )
                )
                .distinct()
            ).scalars()
        )
    return ids


def _all_ids(session: Session) -> set[str]:
    return set(session.execute(select(PaymentOutbox.instruction_id).distinct()).scalars())


def _rows_of(session: Session, ids: list[str]) -> tuple[list[PaymentOutbox], list[PaymentLine]]:
    rows: list[PaymentOutbox] = []
    lines: list[PaymentLine] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows += session.execute(
            select(PaymentOutbox).where(PaymentOutbox.instruction_id.in_(chunk)).order_by(PaymentOutbox.id)
        ).scalars()
        lines += session.execute(
            select(PaymentLine)
            .where(PaymentLine.instruction_id.in_(chunk))
            .order_by(PaymentLine.instruction_id, PaymentLine.line_index)
        ).scalars()
    return rows, lines


def _closed_counts(session: Session) -> dict[str, int]:
    """Instructions found clean earlier and not open now, by their latest attempt's state (a count
    in the database, nothing asked of the provider or the chain)."""
    other = aliased(PaymentOutbox)
    line = aliased(PaymentLine)
    query = (
        select(PaymentOutbox.state, func.count())
        .where(
            PaymentOutbox.reconciled_at.is_not(None),
            or_(
                PaymentOutbox.callback_at.is_(None), PaymentOutbox.callback_at <= PaymentOutbox.reconciled_at
            ),
            ~exists().where(
                other.instruction_id == PaymentOutbox.instruction_id,
                or_(
                    other.attempt > PaymentOutbox.attempt,
                    other.reconciled_at.is_(None),
                    other.callback_at > other.reconciled_at,
                ),
            ),
            ~exists().where(
                line.instruction_id == PaymentOutbox.instruction_id,
                or_(line.reconciled_at.is_(None), line.callback_at > line.reconciled_at),
            ),
        )
        .group_by(PaymentOutbox.state)
    )
    return dict(session.execute(query).all())


def _settled_for_good(instruction: Instruction, pairs, lines) -> bool:
    """Nothing left to change: the chain decided, every row final, every payout answered and final."""
    if instruction.status not in (SETTLED, FAILED, CANCELLED) or not pairs:
        return False
    current = [row for row, _ in pairs if row.attempt == instruction.attempt]
    if not current or any(row.state not in states.FINAL for row, _ in pairs):
        return False
    if any(row.quarantine for row, _ in pairs) or any(line.quarantine for line, _ in lines):
        return False
    if any(line.state not in states.LINE_FINAL for line, _ in lines):
        return False
    answers = [p for _, p in pairs] + [p for _, p in lines]
    return all(p is None or (p is not _UNREACHABLE and p.status != PENDING) for p in answers)


def _stamp(sessions, ids: list[str]) -> None:
    if not ids:
        return
    now = utcnow()
    with sessions.begin() as session:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for model in (PaymentOutbox, PaymentLine):
                session.execute(
                    update(model)
                    .where(model.instruction_id.in_(chunk))
                    .values(reconciled_at=now)
                    .execution_options(synchronize_session=False)
                )


def _save_watermark(sessions, number: int, ledger: PaymentsLedger) -> None:
    with sessions.begin() as session:
        row = session.get(IndexerCursor, WATERMARK)
        if row is None:
            chain_id = ledger.node.call("eth_chainId", [])
            session.add(
                IndexerCursor(name=WATERMARK, chain_id=int(chain_id, 16), block_number=number, block_hash="")
            )
        else:
            row.block_number = number


_UNREACHABLE = Payout("?", None, "UNREACHABLE", -1)


def _payout(provider: Provider, row: PaymentOutbox | PaymentLine) -> Payout | None:
    if isinstance(row, PaymentOutbox) and row.purpose in BATCH_PURPOSES:
        return None  # paid line by line
    try:
        if row.provider_ref:
            return provider.get(row.provider_ref)
        if row.requests:
            found = provider.find(row.key)
            return found[0] if found else None
    except (ProviderUnavailable, AnswerUnusable):  # no usable answer (an unusable one is quarantined)
        return _UNREACHABLE
    return None


def _chain_authorizations(ledger: PaymentsLedger, first_block: int, head: int) -> dict[str, int]:
    """instruction id -> block of its latest PaymentAuthorized in first_block..head, read from the
    chain itself."""
    blocks: dict[str, int] = {}
    for start in range(max(first_block, 1), head + 1, LOG_RANGE):
        for entry in authorization_logs(
            ledger.node, ledger.contract.address, start, min(head, start + LOG_RANGE - 1)
        ):
            authorization = decode_authorization(entry)
            blocks[authorization.instruction_id] = authorization.block_number
    return blocks


def _compare(
    instruction: Instruction,
    pairs: list[tuple[PaymentOutbox, Payout | None]],
    authorized_block: int,
    bridge_block: int,
    report: Report,
) -> list[Mismatch]:
    found: list[Mismatch] = []
    iid, status, attempt = instruction.id, instruction.status, instruction.attempt

    def flag(kind: str, at: int, detail: str) -> None:
        found.append(Mismatch(kind, iid, at, detail))

    succeeded = [(row, p) for row, p in pairs if p is not None and p.status == SUCCEEDED]
    if len(succeeded) > 1:
        flag("paid_twice", attempt, "payouts " + ", ".join(p.reference for _, p in succeeded))
    for row, payout in pairs:
        if payout is not None and payout is not _UNREACHABLE and payout.amount != instruction.amount:
            flag(
                "amount_differs",
                row.attempt,
                f"payout {payout.reference}: {payout.amount} vs {instruction.amount}",
            )
    current = next(((row, p) for row, p in pairs if row.attempt == attempt), None)
    row, payout = current if current else (None, None)
    if row is not None and row.state == states.HELD:
        report.held += 1
        return found
    paid = payout is not None and payout.status == SUCCEEDED
    if row is None:
        if status == SETTLED:
            flag("settled_not_paid", attempt, "settled on chain, no payout recorded by the bridge")
        elif status == AUTHORIZED and authorized_block and authorized_block <= bridge_block:
            flag("not_in_outbox", attempt, f"authorised in block {authorized_block}, the bridge is past it")
        elif status == AUTHORIZED:
            report.inFlight += 1
        return found
    if status == SETTLED:
        report.settled += 1
        if payout is not None and payout.status == REVERSED:
            flag("reversed_after_settlement", attempt, f"payout {payout.reference} reversed after settlement")
        elif not paid and payout is not _UNREACHABLE:
            flag("settled_not_paid", attempt, f"provider status {payout.status if payout else 'none'}")
        elif paid and row.state != states.SETTLED:
            flag("outbox_disagrees", attempt, f"outbox {row.state}, chain {STATUS_NAMES[SETTLED]}")
    elif status == AUTHORIZED:
        if payout is not None and payout is not _UNREACHABLE and payout.amount != instruction.amount:
            pass  # amount_differs, flagged above: a person decides, nothing is settled or failed
        elif paid:
            flag("paid_not_settled", attempt, f"payout {payout.reference} succeeded")
        elif payout is not None and payout.status in (PAYOUT_FAILED, REVERSED):
            flag("failed_not_recorded", attempt, f"payout {payout.reference} {payout.status}")
        elif row.state == states.FAILING and payout is None:
            flag("failed_not_recorded", attempt, f"refused before any payout ({row.failure_code})")
        else:
            report.inFlight += 1
    elif status in (FAILED, CANCELLED):
        report.failed += 1
        if paid:
            flag(
                "paid_but_failed",
                attempt,
                f"payout {payout.reference} succeeded, chain {STATUS_NAMES[status]}",
            )
        elif (
            row.state != states.FAILED
            and payout is not _UNREACHABLE
            and (payout is None or payout.status != PENDING)
        ):
            flag("outbox_disagrees", attempt, f"outbox {row.state}, chain {STATUS_NAMES[status]}")
    for earlier, p in pairs:
        if earlier.attempt < attempt and p is not None and p.status == SUCCEEDED:
            flag("paid_but_failed", earlier.attempt, f"payout {p.reference} succeeded for a failed attempt")
    return found


def _compare_batch(
    ledger: PaymentsLedger,
    instruction: Instruction,
    pairs: list[tuple[PaymentOutbox, None]],
    lines: list[tuple[PaymentLine, Payout | None]],
    authorized_block: int,
    bridge_block: int,
    report: Report,
) -> list[Mismatch]:
    found: list[Mismatch] = []
    iid, status, attempt = instruction.id, instruction.status, instruction.attempt
    row = next((r for r, _ in pairs if r.attempt == attempt), None)
    if row is None:
        return _compare(instruction, pairs, authorized_block, bridge_block, report)
    if row.state == states.HELD:
        report.held += 1
        return found
    for line, payout in lines:
        if payout is not None and payout is not _UNREACHABLE and payout.amount != line.amount:
            found.append(
                Mismatch(
                    "amount_differs",
                    iid,
                    attempt,
                    f"line {line.line_index}: payout {payout.reference}: {payout.amount} vs {line.amount}",
                    line=line.line_index,
                )
            )
    if status == AUTHORIZED:
        report.inFlight += 1
        return found
    if status in (FAILED, CANCELLED):
        report.failed += 1
        if row.state != states.FAILED:
            found.append(
                Mismatch(
                    "outbox_disagrees", iid, attempt, f"outbox {row.state}, chain {STATUS_NAMES[status]}"
                )
            )
        return found
    report.settled += 1
    if not lines:
        found.append(
            Mismatch("settled_not_paid", iid, attempt, "settled on chain, no lines stored by the bridge")
        )
        return found
    failed_on_chain = ledger.failed_lines(iid, [line.line_index for line, _ in lines])
    for line, payout in lines:
        index = line.line_index
        paid = payout is not None and payout.status == SUCCEEDED
        if index in failed_on_chain:
            if paid:
                found.append(
                    Mismatch(
                        "paid_but_failed",
                        iid,
                        attempt,
                        f"line {index}: payout {payout.reference} succeeded",
                        line=index,
                    )
                )
        elif payout is not None and payout.status == REVERSED:
            found.append(
                Mismatch(
                    "reversed_after_settlement",
                    iid,
                    attempt,
                    f"line {index}: payout {payout.reference} reversed after settlement",
                    line=index,
                )
            )
        elif not paid and payout is not _UNREACHABLE:
            found.append(
                Mismatch(
                    "settled_not_paid",
                    iid,
                    attempt,
                    f"line {index}: provider status {payout.status if payout else 'none'}",
                    line=index,
                )
            )
    if row.state != states.SETTLED:
        found.append(
            Mismatch("outbox_disagrees", iid, attempt, f"outbox {row.state}, chain {STATUS_NAMES[SETTLED]}")
        )
    return found


def _repair(sessions, ledger: PaymentsLedger, mismatch: Mismatch, pairs) -> bool:
    row, payout = next((r, p) for r, p in pairs if r.attempt == mismatch.attempt)
    if mismatch.kind == "outbox_disagrees":
        final = (
            states.SETTLED
            if ledger.instructions([row.instruction_id])[row.instruction_id].status == SETTLED
            else states.FAILED
        )
        return move(sessions, row.id, (row.state,), final, {"reconciled": True}) is not None
    if mismatch.kind == "paid_not_settled":
        act, value, final = "settle", payout.reference, states.SETTLED
    else:
        act, value, final = (
            "fail",
            (payout.failure_code if payout else row.failure_code) or "FAILED",
            states.FAILED,
        )
    tx_hash = ledger.send(act, row.instruction_id, row.attempt, value)
    if tx_hash is None or not ledger.wait(tx_hash):
        return False
    fields = {"provider_ref": payout.reference} if payout is not None else {}
    move(
        sessions, row.id, (row.state,), final, {"reconciled": True, "tx": tx_hash}, chain_tx=tx_hash, **fields
    )
    log.info("reconciliation: %s %s-%d (%s)", act, row.instruction_id, row.attempt, tx_hash)
    return True


def main(argv: list[str] | None = None) -> int:
    from app import logs
    from app.config import get_settings
    from app.db.session import make_engine, make_session_factory
    from app.ledger.client import connect
    from app.payments.bridge import build_bridge

    parser = argparse.ArgumentParser(prog="python -m app.payments.reconcile", description=__doc__)
    parser.add_argument("--repair", action="store_true", help="repair what is safe to repair")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--full", action="store_true", help="check everything again, not only what may change"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    logs.configure(settings.log_level)
    chain = connect(settings)
    engine = make_engine(settings.database_url)
    bridge = build_bridge(settings, chain, make_session_factory(engine))
    report = reconcile(
        bridge.sessions,
        bridge.ledger,
        bridge.provider,
        chain.manifest.contracts["Payments"].block_number,
        repair=args.repair,
        full=args.full,
    )
    bridge.close()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(
            f"{report.instructions} instructions, {report.attempts} attempts: {report.settled} settled, "
            f"{report.failed} failed, {report.inFlight} in flight, {len(report.mismatches)} mismatches "
            f"({report.repaired} repaired), {len(report.quarantined)} quarantined, {report.checked} checked"
        )
        for row in report.quarantined:
            where = f"line {row['line']}" if row["line"] is not None else f"attempt {row['attempt']}"
            print(f"  quarantined {row['instructionId']} {where}: {row['reason']}")
        for m in report.mismatches:
            repaired = "  [repaired]" if m.repaired else ""
            print(f"  {m.kind:26} {m.instructionId}-{m.attempt}  {m.detail}{repaired}")
    return 1 if any(not m.repaired for m in report.mismatches) else 0


if __name__ == "__main__":
    sys.exit(main())
