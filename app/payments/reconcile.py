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
- not_in_outbox: an authorisation the bridge has passed without recording it.
The last five need a person: they are never repaired automatically.

A batch instruction (welfare) is compared line by line once settled: a line the ledger records as
failed must have no successful payout (paid_but_failed), every other line one (settled_not_paid,
or reversed_after_settlement); amount_differs per line; such mismatches name the line. A batch
still being paid is in flight (the bridge proves its failed lines and settles it); one whose lines
could not be read back is counted as held.

`python -m app.payments.reconcile [--repair] [--json]`; GET /payments/reconciliation."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.indexer.models import IndexerCursor
from app.payments import models as states
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
from app.payments.providers.base import PENDING, REVERSED, SUCCEEDED, Payout, Provider, ProviderUnavailable

log = logging.getLogger("terang.payments.reconcile")
REPAIRABLE = {"paid_not_settled", "failed_not_recorded", "outbox_disagrees"}
LOG_RANGE = 10_000


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
) -> Report:
    report = Report()
    authorized = _chain_authorizations(ledger, first_block)
    with sessions() as session:
        rows = list(session.execute(select(PaymentOutbox).order_by(PaymentOutbox.id)).scalars())
        lines = list(
            session.execute(
                select(PaymentLine).order_by(PaymentLine.instruction_id, PaymentLine.line_index)
            ).scalars()
        )
        cursor = session.get(IndexerCursor, CURSOR)
    bridge_block = cursor.block_number if cursor else 0
    by_id: dict[str, list[PaymentOutbox]] = {}
    for row in rows:
        by_id.setdefault(row.instruction_id, []).append(row)
    ids = sorted(set(authorized) | set(by_id))
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
    report.instructions, report.attempts = len(ids), len(rows)
    for instruction_id in ids:
        instruction = chain[instruction_id]
        attempts = sorted(by_id.get(instruction_id, []), key=lambda r: r.attempt)
        pairs = [(row, payouts[row.id]) for row in attempts]
        report.unreachable += sum(1 for _, p in pairs if p is _UNREACHABLE)
        if instruction_id in lines_of or any(row.purpose in BATCH_PURPOSES for row in attempts):
            batch_lines = [(line, line_payouts[line.id]) for line in lines_of.get(instruction_id, [])]
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
        for mismatch in found:
            if repair and mismatch.kind in REPAIRABLE and mismatch.line is None:
                mismatch.repaired = _repair(sessions, ledger, mismatch, pairs)
        report.mismatches.extend(found)
    return report


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
    except ProviderUnavailable:
        return _UNREACHABLE
    return None


def _chain_authorizations(ledger: PaymentsLedger, first_block: int) -> dict[str, int]:
    """instruction id -> block of its latest PaymentAuthorized, read from the chain itself."""
    head = ledger.node.head()
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
    )
    bridge.close()
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        print(
            f"{report.instructions} instructions, {report.attempts} attempts: {report.settled} settled, "
            f"{report.failed} failed, {report.inFlight} in flight, {len(report.mismatches)} mismatches "
            f"({report.repaired} repaired)"
        )
        for m in report.mismatches:
            repaired = "  [repaired]" if m.repaired else ""
            print(f"  {m.kind:26} {m.instructionId}-{m.attempt}  {m.detail}{repaired}")
    return 1 if any(not m.repaired for m in report.mismatches) else 0


if __name__ == "__main__":
    sys.exit(main())
