"""Batch instructions (purpose WelfareBatch): one chain instruction, many payouts.

WelfarePrograms.disburse authorises a batch with Payments.authorizeBatch: the instruction's payee
key is the Merkle root of its lines (index, beneficiary key, amount) and its amount their sum; the
lines themselves are the source's `BenefitAuthorized(beneficiaryKey, batchId, lineIndex, amount)`
events in the same transaction. The bridge:

1. opens the batch: reads those events from the authorising transaction's receipt, checks them
   against the chain (line count from Payments.batchLinesOf, the Merkle root, the sum) and stores
   them in payment_lines; a batch that does not check out is held, nothing paid;
2. pays each line like a single instruction (app/payments/steps.py), to the payout account
   registered for the beneficiary key, with the idempotency key `<instruction id>-L<index>`;
3. once every line is paid or failed, proves the failed lines to Payments.failLines (TREASURY,
   grouped by failure code, Merkle proofs) and then settles the instruction, which records the
   rest as paid (settled += sum - failed).

A retry of a failed batch (a new attempt) adopts the stored lines: a line paid under an earlier
attempt has the same key and is never paid again."""

from __future__ import annotations

import logging
from collections import defaultdict

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.indexer.node import Node, NodeError
from app.payments.follow import AUTHORIZED_TOPIC
from app.payments.ledger import AUTHORIZED, STATUS_NAMES, PaymentsLedger
from app.payments.ledger import SETTLED as CHAIN_SETTLED
from app.payments.models import (
    FAILED,
    HELD,
    LINE_FINAL,
    LINES,
    NEW,
    PAID,
    SETTLED,
    SETTLING,
    PaymentLine,
    PaymentOutbox,
    key_fields,
)

log = logging.getLogger("terang.payments")

BENEFIT_AUTHORIZED_TOPIC = "0x" + keccak(text="BenefitAuthorized(bytes32,bytes32,uint256,uint256)").hex()
# A failed line with its proof is about 600 bytes of calldata in a batch of 3,149 lines (12 proof
# hashes): 100 lines keep a failLines transaction near 60 KB (nodes refuse transactions over 128 KB)
# and about 4M gas.
FAIL_LINES_PER_TX = 100


class BatchUnreadable(Exception):
    """The lines of a batch cannot be read back or do not match what the chain committed."""


def line_leaf(index: int, key: bytes, amount: int) -> bytes:
    """The leaf WelfarePrograms and Payments hash (see app/protocol/welfare.py)."""
    return keccak(keccak(abi_encode(["uint256", "bytes32", "uint256"], [index, key, amount])))


class LineTree:
    """The Merkle tree of a batch's lines, built once (OpenZeppelin sorted-pair hashing, an odd
    last node moving up unchanged, like WelfareMath.merkleRoot), for many proofs."""

    def __init__(self, lines: list[tuple[int, bytes, int]]) -> None:
        level = [line_leaf(*line) for line in lines]
        self.levels = [level]
        while len(level) > 1:
            up = [_pair(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            if len(level) % 2:
                up.append(level[-1])
            self.levels.append(up)
            level = up

    @property
    def root(self) -> bytes:
        return self.levels[-1][0] if self.levels[0] else b"\0" * 32

    def proof(self, position: int) -> list[bytes]:
        proof = []
        for level in self.levels[:-1]:
            sibling = position ^ 1
            if sibling < len(level):
                proof.append(level[sibling])
            position //= 2
        return proof


def _pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b if a < b else b + a)


# -- 1. opening ----------------------------------------------------------------------------------
def read_lines(node: Node, ledger: PaymentsLedger, row: PaymentOutbox, first_block: int) -> list[tuple]:
    """The batch's lines (index, key, amount) from the source's events, checked against the chain."""
    tx_hash = row.authorized_tx if row.attempt == 0 else _first_authorization(node, ledger, row, first_block)
    receipt = node.call("eth_getTransactionReceipt", [tx_hash])
    if receipt is None:  # the node lags or reorganised: the follower reads the range again
        raise NodeError(f"no receipt yet for the authorising transaction {tx_hash}")
    lines = []
    for entry in receipt["logs"]:
        topics = entry["topics"]
        if entry["address"].lower() != row.source or not topics or topics[0] != BENEFIT_AUTHORIZED_TOPIC:
            continue
        batch_id, index, amount = abi_decode(
            ("bytes32", "uint256", "uint256"), bytes.fromhex(entry["data"][2:])
        )
        if "0x" + batch_id.hex() == row.instruction_id:
            lines.append((index, bytes.fromhex(topics[1][2:]), amount))
    lines.sort()
    expected = ledger.batch_line_count(row.instruction_id)
    if [line[0] for line in lines] != list(range(expected)):
        raise BatchUnreadable(f"{len(lines)} line events for a batch of {expected} lines")
    if "0x" + LineTree(lines).root.hex() != row.payee_key:
        raise BatchUnreadable("the lines' Merkle root is not the instruction's")
    original = ledger.instructions([row.instruction_id])[row.instruction_id]
    if sum(line[2] for line in lines) != original.amount:
        raise BatchUnreadable(
            f"the lines sum to {sum(line[2] for line in lines)}, the batch to {original.amount}"
        )
    return lines


def _first_authorization(node: Node, ledger: PaymentsLedger, row: PaymentOutbox, first_block: int) -> str:
    logs = node.call(
        "eth_getLogs",
        [
            {
                "fromBlock": hex(max(first_block, 1)),
                "toBlock": hex(row.block_number),
                "address": ledger.contract.address,
                "topics": [AUTHORIZED_TOPIC, row.instruction_id],
            }
        ],
    )
    if not logs:
        raise BatchUnreadable("the batch's first authorisation is not on this chain")
    return logs[0]["transactionHash"]


def open_batches(
    sessions: sessionmaker[Session],
    node: Node,
    ledger: PaymentsLedger,
    rows: list[PaymentOutbox],
    first_block: int,
) -> int:
    """new -> lines: stores each batch's lines (or adopts those an earlier attempt stored)."""
    for row in rows:
        with sessions() as session:
            stored = session.execute(
                select(func.count()).where(PaymentLine.instruction_id == row.instruction_id)
            ).scalar_one()
        lines: list[tuple] = []
        reason = None
        if not stored:
            try:
                lines = read_lines(node, ledger, row, first_block)
            except BatchUnreadable as exc:
                reason = str(exc)
                log.error("batch %s held: %s", row.key, reason)
        with sessions.begin() as session:
            current = session.get(PaymentOutbox, row.id)
            if current is None or current.state != NEW:
                continue
            if reason is not None:
                current.state = HELD
                session.add(current.step(HELD, reason=reason))
                continue
            for index, key, amount in lines:
                session.add(
                    PaymentLine(
                        outbox_id=row.id,
                        instruction_id=row.instruction_id,
                        line_index=index,
                        payee_key="0x" + key.hex(),
                        amount=amount,
                        state=NEW,
                        requests=0,
                    )
                )
            adopted = 0
            if stored:
                adopted = (
                    session.query(PaymentLine)
                    .filter(PaymentLine.instruction_id == row.instruction_id)
                    .update({PaymentLine.outbox_id: row.id}, synchronize_session=False)
                )
            current.state = LINES
            session.add(current.step(LINES, lines=len(lines) or adopted, adopted=bool(stored)))
            log.info("batch %s: %d lines to pay", row.key, len(lines) or adopted, extra=key_fields(row.key))
    return len(rows)


# -- 3. completing -------------------------------------------------------------------------------
def complete_batches(sessions: sessionmaker[Session], ledger: PaymentsLedger) -> int:
    """lines -> settling for every batch whose lines are all paid or failed; a batch the chain
    no longer has Authorized at this attempt (failed or cancelled by someone else) stops here."""
    with sessions() as session:
        rows = list(session.execute(select(PaymentOutbox).where(PaymentOutbox.state == LINES)).scalars())
        if not rows:
            return 0
        counts: dict[int, dict[str, int]] = defaultdict(dict)
        for outbox_id, state, count in session.execute(
            select(PaymentLine.outbox_id, PaymentLine.state, func.count())
            .where(PaymentLine.outbox_id.in_([row.id for row in rows]))
            .group_by(PaymentLine.outbox_id, PaymentLine.state)
        ):
            counts[outbox_id][state] = count
    chain = ledger.instructions(sorted({row.instruction_id for row in rows}))
    moved = 0
    with sessions.begin() as session:
        for row in rows:
            current = session.get(PaymentOutbox, row.id)
            if current.state != LINES:
                continue
            instruction = chain[row.instruction_id]
            if instruction.status != AUTHORIZED or instruction.attempt != row.attempt:
                # Settled or failed by someone else while lines were being paid: stop paying it.
                final = (
                    SETTLED
                    if (instruction.status, instruction.attempt) == (CHAIN_SETTLED, row.attempt)
                    else FAILED
                )
                log.error(
                    "batch %s is %s on chain while its lines are paid",
                    row.key,
                    STATUS_NAMES[instruction.status],
                )
                current.state = final
                session.add(
                    current.step(
                        final,
                        chainStatus=STATUS_NAMES[instruction.status],
                        chainAttempt=instruction.attempt,
                        conflict=True,
                    )
                )
                moved += 1
                continue
            by_state = counts[row.id]
            if any(state not in LINE_FINAL for state in by_state):
                continue
            paid, total = by_state.get(PAID, 0), sum(by_state.values())
            current.state, current.provider_ref = SETTLING, f"lines paid {paid}/{total}"
            session.add(current.step(SETTLING, paid=paid, failed=by_state.get(FAILED, 0)))
            log.info(
                "batch %s: lines paid %d/%d, to be settled", row.key, paid, total, extra=key_fields(row.key)
            )
            moved += 1
    return moved


def prove_failed_lines(sessions: sessionmaker[Session], ledger: PaymentsLedger, row: PaymentOutbox) -> bool:
    """Reports the batch's failed lines not yet failed on chain (failLines, with proofs) and waits
    for them; True once the chain records every failed line, so the batch may be settled."""
    with sessions() as session:
        lines = list(
            session.execute(
                select(PaymentLine)
                .where(PaymentLine.instruction_id == row.instruction_id)
                .order_by(PaymentLine.line_index)
            ).scalars()
        )
    failed = [line for line in lines if line.state == FAILED]
    if not failed:
        return True
    proven = ledger.failed_lines(row.instruction_id, [line.line_index for line in failed])
    unproven = [line for line in failed if line.line_index not in proven]
    if not unproven:
        return True
    tree = LineTree([(line.line_index, bytes.fromhex(line.payee_key[2:]), line.amount) for line in lines])
    by_code: dict[str, list[PaymentLine]] = defaultdict(list)
    for line in unproven:
        by_code[line.failure_code or "FAILED"].append(line)
    sent = []
    for code, group in sorted(by_code.items()):
        for start in range(0, len(group), FAIL_LINES_PER_TX):
            chunk = group[start : start + FAIL_LINES_PER_TX]
            tx_hash = ledger.send_fail_lines(
                row.instruction_id,
                row.attempt,
                [(line.line_index, bytes.fromhex(line.payee_key[2:]), line.amount) for line in chunk],
                [tree.proof(line.line_index) for line in chunk],
                code,
            )
            if tx_hash:
                sent.append(tx_hash)
    ok = all([ledger.wait(tx_hash) for tx_hash in sent])
    if sent:
        log.info("batch %s: %d failed lines reported in %d transactions", row.key, len(unproven), len(sent))
    return ok and len(ledger.failed_lines(row.instruction_id, [line.line_index for line in unproven])) == len(
        unproven
    )
