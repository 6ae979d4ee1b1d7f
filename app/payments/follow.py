"""Following PaymentAuthorized into the outbox: from a stored cursor (block number and hash) up to
the head minus the confirmations, one eth_getLogs per batch; the rows and the moved cursor are
committed together, so a crash never loses or doubles an authorisation. A cursor hash the node no
longer reports (a reorg deeper than the confirmations) moves the cursor back and the range is read
again; rows already in the outbox are kept (unique per instruction and attempt)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from eth_abi import decode as abi_decode
from eth_utils import keccak
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from app.indexer.models import IndexerCursor
from app.indexer.node import Node
from app.payments.models import NEW, PaymentOutbox
from app.payments.outbox import journal

AUTHORIZED_TOPIC = (
    "0x" + keccak(text="PaymentAuthorized(bytes32,address,bytes32,uint8,uint256,bytes32,uint8)").hex()
)
CURSOR = "payment-bridge"
REORG_REWIND = 64
log = logging.getLogger("terang.payments")


@dataclass(frozen=True)
class Authorization:
    instruction_id: str
    source: str
    payee_key: str
    purpose: int
    amount: int
    attempt: int
    block_number: int
    tx_hash: str


def decode_authorization(log: dict) -> Authorization:
    purpose, amount, _source_ref, attempt = abi_decode(
        ("uint8", "uint256", "bytes32", "uint8"), bytes.fromhex(log["data"][2:])
    )
    topics = log["topics"]
    return Authorization(
        instruction_id=topics[1].lower(),
        source="0x" + topics[2][-40:].lower(),
        payee_key=topics[3].lower(),
        purpose=purpose,
        amount=amount,
        attempt=attempt,
        block_number=int(log["blockNumber"], 16),
        tx_hash=log["transactionHash"],
    )


def authorization_logs(node: Node, payments: str, first: int, last: int) -> list[dict]:
    return [
        entry
        for entry in node.call(
            "eth_getLogs",
            [
                {
                    "fromBlock": hex(first),
                    "toBlock": hex(last),
                    "address": payments,
                    "topics": [AUTHORIZED_TOPIC],
                }
            ],
        )
        if not entry.get("removed")
    ]


class AuthorizationFollower:
    def __init__(
        self,
        node: Node,
        sessions: sessionmaker[Session],
        payments: str,
        chain_id: int,
        first_block: int,
        confirmations: int = 1,
        max_blocks: int = 5_000,
    ) -> None:
        self.node, self.sessions, self.payments = node, sessions, payments.lower()
        self.chain_id, self.first_block = chain_id, max(first_block, 1)
        self.confirmations, self.max_blocks = confirmations, max_blocks

    def step(self) -> int:
        """Stores the authorisations of at most one batch of blocks; returns how many were new."""
        number, block_hash = self._cursor()
        here = self.node.header(number)
        if here is None or here.hash != block_hash:
            self._save_cursor(max(self.first_block - 1, number - REORG_REWIND))
            return 0
        target = self.node.head() - self.confirmations + 1
        if number >= target:
            return 0
        last = min(number + self.max_blocks, target)
        tip = self.node.header(last)
        logs = authorization_logs(self.node, self.payments, number + 1, last)
        if tip is None or self.node.header(last) != tip:
            return 0  # the chain moved under the query; ask again
        found = [decode_authorization(entry) for entry in logs]
        with self.sessions.begin() as session:
            added = _insert_new(session, found)
            _store_cursor(session, self.chain_id, last, tip.hash)
        for a in added:  # joined to the gateway's "transaction sent" line by the hash
            log.info(
                "payment %s-%d authorised on chain (Rp%d): to be paid",
                a.instruction_id,
                a.attempt,
                a.amount,
                extra={"instruction_id": a.instruction_id, "attempt": a.attempt, "tx_hash": a.tx_hash},
            )
        return len(added)

    def _cursor(self) -> tuple[int, str]:
        with self.sessions() as session:
            row = session.get(IndexerCursor, CURSOR)
            if row is not None:
                if row.chain_id != self.chain_id:
                    raise RuntimeError(
                        f"the bridge's cursor is for chain {row.chain_id}, not {self.chain_id}"
                    )
                return row.block_number, row.block_hash
        start = self.node.header(self.first_block - 1)
        if start is None:
            raise RuntimeError(
                f"the node has no block {self.first_block - 1}: is the manifest for this chain?"
            )
        return start.number, start.hash

    def _save_cursor(self, number: int) -> None:
        header = self.node.header(number)
        if header is not None:
            with self.sessions.begin() as session:
                _store_cursor(session, self.chain_id, header.number, header.hash)


def _insert_new(session: Session, found: list[Authorization]) -> list[Authorization]:
    if not found:
        return []
    keys = [(a.instruction_id, a.attempt) for a in found]
    existing = set(
        session.execute(
            select(PaymentOutbox.instruction_id, PaymentOutbox.attempt).where(
                tuple_(PaymentOutbox.instruction_id, PaymentOutbox.attempt).in_(keys)
            )
        )
    )
    new = [a for a in found if (a.instruction_id, a.attempt) not in existing]
    rows = [
        PaymentOutbox(
            instruction_id=a.instruction_id,
            attempt=a.attempt,
            source=a.source,
            payee_key=a.payee_key,
            purpose=a.purpose,
            amount=a.amount,
            block_number=a.block_number,
            authorized_tx=a.tx_hash,
            state=NEW,
            requests=0,
        )
        for a in new
    ]
    session.add_all(rows)
    session.flush()
    for row in rows:
        journal(session, row, NEW, block=row.block_number, tx=row.authorized_tx)
    return new


def _store_cursor(session: Session, chain_id: int, number: int, block_hash: str) -> None:
    row = session.get(IndexerCursor, CURSOR)
    if row is None:
        session.add(IndexerCursor(name=CURSOR, chain_id=chain_id, block_number=number, block_hash=block_hash))
    else:
        row.block_number, row.block_hash = number, block_hash
