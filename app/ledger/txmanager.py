"""Sends transactions exactly once, from several gateway processes sharing one database.

For each transaction: simulate it for its gas (a revert becomes a decoded ChainRevert before anything is
signed); under a per-signer row lock choose the lowest nonce that no recorded transaction of that
signer holds at or above the chain's confirmed count; sign; record the signed transaction (and,
through `on_recorded`, whatever the caller keeps with it, in the same database transaction);
commit; only then broadcast. A process that dies after recording finds its transaction with
`rebroadcast_unconfirmed()` and sends the same bytes again (same hash: never a second
transaction); a process waiting for a receipt sends them again every few seconds, so a node that
lost them (a restart, a dropped pool, a broadcast that failed on transport) gets them back.
Transient RPC failures are retried with backoff; receipts are awaited with the configured
confirmations.

The node is spoken to in plain JSON-RPC (app/ledger/rpc.py): this is the write path's hot loop.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from web3 import Web3

from app.db.session import engine_of, write_transaction
from app.ledger.errors import (
    ReceiptTimeout,
    SignedTransactionRefused,
    TransactionFailed,
    TransactionRefused,
)
from app.ledger.metrics import TransactionStats
from app.ledger.models import SenderNonce, SentTransaction
from app.ledger.reverts import ChainRevert, ErrorDecoder
from app.ledger.rpc import JsonRpc, RpcError, RpcUnavailable
from app.ledger.signed import SignedTransaction
from app.ledger.signing import TransactionSigner

log = logging.getLogger("terang.txmanager")
FEE_TTL_SECONDS = 2.0
# The chain's confirmed transaction count of a signer is asked at most this often. A count that is
# a little old only makes the nonce search start lower, over nonces our own records hold; a nonce
# taken by someone else meanwhile is found by the node ("nonce too low") and chosen again.
CONFIRMED_COUNT_TTL_SECONDS = 1.0
TRANSIENT = (ConnectionError, TimeoutError, OSError)
NONCES, SENT = SenderNonce.__table__, SentTransaction.__table__
# How nodes say that another transaction has the nonce: mined ("nonce too low"), or waiting in the
# pool with the same or a higher fee (geth and anvil: "replacement transaction underpriced"; Besu:
# REPLACEMENT_UNDERPRICED).
NONCE_TAKEN = ("nonce too low", "replacement transaction underpriced", "replacement_underpriced")
# How nodes say they hold these very bytes already (geth: "already known", anvil: "transaction
# already imported", Besu and others: "known transaction"). Any other refusal is checked against
# the node (eth_getTransactionByHash) before the transaction is taken for refused.
ALREADY_HELD = ("already known", "already imported", "known transaction")
# Receipts are polled soon after broadcasting, then less and less often up to `poll_interval`: a
# node that mines on arrival (anvil, ganache) has the receipt within milliseconds (under the
# benchmark's load, 20 ms used less CPU than 5 ms and answered as fast), a network with block
# times of seconds is asked about ten times a second.
FIRST_RECEIPT_POLL_SECONDS = 0.02
# While a receipt is awaited, the recorded bytes are sent again this often (same hash: the node
# answers that it has them): a node that restarted, dropped the transaction from its pool or never
# got it (a broadcast that failed on transport) gets it back without waiting for a gateway restart.
REBROADCAST_SECONDS = 5.0
# A node's state can run a moment ahead of its transaction index (anvil commits a block's state
# before it stores the block's transactions; a load-balanced endpoint's backends lag each other):
# "does the node hold this transaction?" is asked twice, a moment apart; "was it replaced?" (its
# nonce used, no receipt) is asked REPLACED_CHECKS times over about two seconds.
KNOWN_RECHECK_SECONDS = 0.25
REPLACED_CHECKS = 4


class _NonceTaken(TransactionRefused):
    """The node says the nonce is used already, by a transaction we did not record."""


@dataclass(frozen=True)
class Sent:
    tx_hash: str
    nonce: int
    sender: str


@dataclass(frozen=True)
class Confirmed:
    tx_hash: str
    block_number: int
    gas_used: int
    status: int
    logs: list


def _retry(call: Callable, attempts: int = 5, base_delay: float = 0.2):
    for attempt in range(attempts):
        try:
            return call()
        except TRANSIENT:
            if attempt == attempts - 1:
                raise
            time.sleep(base_delay * 2**attempt)
    return None


def _unsupported(exc: RpcError) -> bool:
    """The node does not know the method (JSON-RPC -32601, or said in words)."""
    message = exc.message.lower()
    return exc.code == -32601 or any(
        words in message for words in ("not supported", "does not exist", "not found", "not available")
    )


def _log(entry: dict[str, Any]) -> dict[str, Any]:
    """A receipt's log in the shape web3's event decoding reads (bytes and integers)."""
    return {
        "address": Web3.to_checksum_address(entry["address"]),
        "topics": [HexBytes(t) for t in entry["topics"]],
        "data": HexBytes(entry["data"]),
        "blockNumber": int(entry["blockNumber"], 16),
        "blockHash": HexBytes(entry["blockHash"]),
        "transactionHash": HexBytes(entry["transactionHash"]),
        "transactionIndex": int(entry["transactionIndex"], 16),
        "logIndex": int(entry["logIndex"], 16),
    }


def _confirmed(tx_hash: str, receipt: dict[str, Any]) -> Confirmed:
    return Confirmed(
        tx_hash=tx_hash,
        block_number=int(receipt["blockNumber"], 16),
        gas_used=int(receipt["gasUsed"], 16),
        status=int(receipt["status"], 16),
        logs=[_log(entry) for entry in receipt["logs"]],
    )


def _log_sent(tx_hash: str, nonce: int, sender: str, purpose: str) -> None:
    """One line per transaction handed to the node. During a write it carries the request's id
    (app/logs.py), so a request is joined to its transaction, and through the hash to the bridge's
    and indexer's later lines."""
    log.info(
        "transaction sent", extra={"tx_hash": tx_hash, "nonce": nonce, "sender": sender, "purpose": purpose}
    )


class TransactionManager:
    def __init__(
        self,
        rpc: JsonRpc,
        sessions: sessionmaker[Session],
        decoder: ErrorDecoder,
        confirmations: int = 1,
        receipt_timeout: float = 120.0,
        poll_interval: float = 0.1,
        on_confirmed: Callable[[int], None] | None = None,
        rebroadcast_seconds: float = REBROADCAST_SECONDS,
    ) -> None:
        self.rpc = rpc
        self.on_confirmed = on_confirmed  # told each confirmed block (the block-scoped read cache)
        self._fee_cache: tuple[float, dict] | None = None
        self._counts: dict[str, tuple[float, int]] = {}  # signer -> (asked at, confirmed count)
        self._counts_lock = threading.Lock()
        self._access_lists = True  # False once the node says it has no eth_createAccessList
        self._signers: dict[str, TransactionSigner] = {}  # address -> signer (app/ledger/signing.py)
        self.sessions = sessions
        # The per-transaction statements run on a plain connection (Core), not through an ORM
        # session: about a millisecond of CPU less per transaction (docs/decisions/0011).
        self.engine = engine_of(sessions)
        self.decoder = decoder
        self.confirmations = confirmations
        self.receipt_timeout = receipt_timeout
        self.poll_interval = poll_interval
        self.rebroadcast_seconds = rebroadcast_seconds
        self.stats = TransactionStats()  # resends, refusals, confirmation times (app/ledger/metrics.py)
        self.chain_id = int(_retry(lambda: rpc.call("eth_chainId")), 16)

    # --- building ---------------------------------------------------------------------------
    def _gas_limit(self, tx: dict) -> int:
        """The node simulates the call once; a revert is decoded into the contract's custom error
        (ChainRevert, before anything is signed), any other refusal (e.g. a signer without funds)
        is TransactionFailed. Otherwise the gas limit to sign: the simulation's gas with a margin.

        eth_createAccessList runs the call once and reports the gas it used (after refunds, which
        EIP-3529 caps at a fifth, hence at least 25% on top); eth_estimateGas searches for the
        lowest limit that succeeds, running the call several times (anvil: 1.54 ms of its CPU
        against 0.27 ms; bench/write_path_parts.py). Nodes without eth_createAccessList (ganache)
        are asked eth_estimateGas."""
        call = {
            "from": tx["from"],
            "to": tx["to"],
            "data": Web3.to_hex(tx["data"]),
            "value": hex(tx["value"]),
        }
        if self._access_lists:
            try:
                result = _retry(lambda: self.rpc.call("eth_createAccessList", [call, "latest"]))
            except RpcError as exc:
                if exc.is_revert() or not _unsupported(exc):
                    raise self._refusal(exc) from None
                self._access_lists = False
            else:
                if result.get("error"):  # geth and Besu report a revert here, without its data
                    self._revert_of(call)
                return int(int(result["gasUsed"], 16) * 1.3) + 10_000
        try:
            return int(int(_retry(lambda: self.rpc.call("eth_estimateGas", [call])), 16) * 1.2) + 10_000
        except RpcError as exc:
            raise self._refusal(exc) from None

    def _refusal(self, exc: RpcError) -> Exception:
        if not exc.is_revert():
            self.stats.refused("simulation")
            return TransactionFailed(f"the node refused to simulate the transaction: {exc.message}")
        self.stats.refused("revert")
        data = exc.revert_data()
        return self.decoder.decode(data) if data else ChainRevert("Reverted", {"reason": exc.message})

    def _revert_of(self, call: dict) -> None:
        """Raises the decoded revert of `call` (eth_call carries the revert data)."""
        try:
            _retry(lambda: self.rpc.call("eth_call", [call, "latest"]))
        except RpcError as exc:
            raise self._refusal(exc) from None
        self.stats.refused("revert")
        raise ChainRevert("Reverted", {"reason": "the node's simulation failed; a call succeeded"})

    def _fees(self) -> dict:
        """Fee fields, asked of the node at most once per FEE_TTL_SECONDS: a max fee of twice the base
        fee stays valid through several blocks of the largest base-fee rise (12.5% a block)."""
        cached = self._fee_cache
        if cached is not None and time.monotonic() - cached[0] < FEE_TTL_SECONDS:
            return cached[1]
        block = _retry(lambda: self.rpc.call("eth_getBlockByNumber", ["latest", False]))
        base_fee = block.get("baseFeePerGas")
        if base_fee is None:  # a pre-London or zero-fee (e.g. Besu free-gas) network
            fees = {"gasPrice": int(_retry(lambda: self.rpc.call("eth_gasPrice")), 16)}
        else:
            priority = int(_retry(lambda: self.rpc.call("eth_maxPriorityFeePerGas")), 16)
            fees = {
                "maxFeePerGas": 2 * int(base_fee, 16) + priority,
                "maxPriorityFeePerGas": priority,
                "type": 2,
            }
        self._fee_cache = (time.monotonic(), fees)
        return fees

    # --- nonces -----------------------------------------------------------------------------
    def _confirmed_count(self, sender: str, fresh: bool = False) -> int:
        """The signer's transaction count in the latest block, asked at most once a
        CONFIRMED_COUNT_TTL_SECONDS; when `fresh` (the node has just said a nonce is taken by a
        transaction we did not send), asked now and counting the node's pending transactions."""
        with self._counts_lock:
            known = self._counts.get(sender)
        if not fresh and known is not None and time.monotonic() - known[0] < CONFIRMED_COUNT_TTL_SECONDS:
            return known[1]
        block = "pending" if fresh else "latest"
        count = int(_retry(lambda: self.rpc.call("eth_getTransactionCount", [sender, block])), 16)
        with self._counts_lock:
            self._counts[sender] = (time.monotonic(), count)
        return count

    def _allocate_nonce(self, connection: Connection, sender: str, fresh: bool = False) -> int:
        """Under the signer's row lock: the lowest nonce >= the confirmed count that no live record
        holds. (Core statements on the tables, not the ORM: this runs for every transaction.)"""
        lock = (
            select(NONCES.c.id, NONCES.c.next_nonce)
            .where(NONCES.c.chain_id == self.chain_id, NONCES.c.address == sender)
            .with_for_update()
        )
        row = connection.execute(lock).first()
        if row is None:
            try:
                with connection.begin_nested():
                    connection.execute(
                        insert(NONCES).values(chain_id=self.chain_id, address=sender, next_nonce=0)
                    )
            except IntegrityError:
                pass  # another process created it first
            row = connection.execute(lock).one()
        confirmed = self._confirmed_count(sender, fresh)
        # Records hold every nonce from the confirmed count up to `next_nonce` (a record is only
        # ever replaced, never removed): the lowest of those the node refused comes first, else
        # the next one after them.
        refused = connection.execute(
            select(func.min(SENT.c.nonce)).where(
                SENT.c.chain_id == self.chain_id,
                SENT.c.sender == sender,
                SENT.c.state == "rejected",
                SENT.c.nonce >= confirmed,
            )
        ).scalar()
        if refused is not None:
            nonce = refused
            # A transaction the node refused never reached the chain: its record gives way to the
            # one that takes its nonce (one record per nonce).
            connection.execute(
                delete(SENT).where(
                    SENT.c.chain_id == self.chain_id, SENT.c.sender == sender, SENT.c.nonce == nonce
                )
            )
        else:
            nonce = max(confirmed, row.next_nonce)
        if nonce + 1 > row.next_nonce:
            connection.execute(update(NONCES).where(NONCES.c.id == row.id).values(next_nonce=nonce + 1))
        return nonce

    # --- sending ----------------------------------------------------------------------------
    def send(
        self,
        signer: LocalAccount,
        to: str,
        data: str | bytes,
        purpose: str,
        value: int = 0,
        on_recorded: Callable[[Connection, str], None] | None = None,
    ) -> Sent:
        """Simulate, sign, record and broadcast one transaction; returns once the node has it.
        `on_recorded(connection, tx_hash)` runs inside the database transaction that records it."""
        sender = signer.address
        tx = {
            "from": sender,
            "to": Web3.to_checksum_address(to),
            "data": HexBytes(data),
            "value": value,
            "chainId": self.chain_id,
        }
        tx.update(self._fees(), gas=self._gas_limit(tx))
        fresh = False
        for attempt in range(3):
            tx_hash, raw, nonce = self._record(signer, tx, purpose, fresh, on_recorded)
            try:
                self._broadcast(tx_hash, raw)
            except _NonceTaken:
                if attempt == 2:
                    raise
                fresh = True  # someone else used the key: ask the chain again, choose again
                continue
            _log_sent(tx_hash, nonce, sender, purpose)
            return Sent(tx_hash=tx_hash, nonce=nonce, sender=sender)
        raise AssertionError("unreachable")

    def send_signed(
        self,
        signed: SignedTransaction,
        purpose: str,
        on_recorded: Callable[[Connection, str], None] | None = None,
    ) -> Sent:
        """Simulate, record and broadcast a transaction its signer signed (nothing is signed here), so
        the receipt wait, the resends and a restart treat it like the gateway's own. The same bytes
        sent again are the same transaction: recorded once, `on_recorded` told each time. A nonce the
        signer used for other recorded bytes, or a node refusing the bytes, is
        SignedTransactionRefused: only the signer can mend it."""
        held = _retry(lambda: self.rpc.call("eth_getTransactionByHash", [signed.tx_hash]))
        if held is None:  # bytes sent before (perhaps mined) are not simulated again: they would revert
            call = {"from": signed.sender, "to": signed.to, "data": Web3.to_hex(signed.data)}
            try:
                _retry(lambda: self.rpc.call("eth_call", [call, "latest"]))
            except RpcError as exc:
                raise self._refusal(exc) from None
        try:
            with write_transaction(self.engine) as connection:
                known = connection.execute(
                    select(SENT.c.id).where(SENT.c.tx_hash == signed.tx_hash)
                ).scalar_one_or_none()
                if known is None:
                    connection.execute(
                        insert(SENT).values(
                            chain_id=self.chain_id,
                            sender=signed.sender,
                            nonce=signed.nonce,
                            tx_hash=signed.tx_hash,
                            raw=Web3.to_hex(signed.raw),
                            purpose=purpose[:200],
                            state="signed",
                            created_at=datetime.now(timezone.utc),
                        )
                    )
                if on_recorded is not None:
                    on_recorded(connection, signed.tx_hash)
        except IntegrityError:
            self.stats.refused("nonce_used")
            raise SignedTransactionRefused(
                f"nonce {signed.nonce} of {signed.sender} is used by another recorded transaction"
            ) from None
        try:
            self._broadcast(signed.tx_hash, signed.raw)
        except TransactionRefused as exc:
            raise SignedTransactionRefused(str(exc), signed.tx_hash) from None
        _log_sent(signed.tx_hash, signed.nonce, signed.sender, purpose)
        return Sent(tx_hash=signed.tx_hash, nonce=signed.nonce, sender=signed.sender)

    def _signer(self, account: LocalAccount) -> TransactionSigner:
        signer = self._signers.get(account.address)
        if signer is None:
            signer = self._signers[account.address] = TransactionSigner(bytes(account.key))
        return signer

    def _record(self, signer: LocalAccount, tx: dict, purpose: str, fresh: bool, on_recorded):
        sender = signer.address
        for attempt in range(10):
            try:
                with write_transaction(self.engine) as connection:
                    nonce = self._allocate_nonce(connection, sender, fresh)
                    signed = self._signer(signer).sign({**tx, "nonce": nonce})
                    tx_hash = Web3.to_hex(signed.hash)
                    connection.execute(
                        insert(SENT).values(
                            chain_id=self.chain_id,
                            sender=sender,
                            nonce=nonce,
                            tx_hash=tx_hash,
                            raw=Web3.to_hex(signed.raw),
                            purpose=purpose[:200],
                            state="signed",
                            created_at=datetime.now(timezone.utc),
                        )
                    )
                    if on_recorded is not None:
                        on_recorded(connection, tx_hash)
                return tx_hash, signed.raw, nonce
            except IntegrityError:
                # Another process recorded the same nonce first (SQLite has no row locks): choose again.
                if attempt == 9:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    def _broadcast(self, tx_hash: str, raw: bytes) -> None:
        try:
            _retry(lambda: self.rpc.call("eth_sendRawTransaction", [Web3.to_hex(raw)]))
            return
        except RpcError as exc:
            if any(words in exc.message.lower() for words in ALREADY_HELD):
                return  # the same bytes are already in the pool
            # Whatever the words ("nonce too low" for bytes mined already, a retried send whose
            # first attempt arrived, a node's own phrasing): bytes the node holds are not refused.
            if self._known(tx_hash):
                return
            refusal = exc.message
        self._mark_rejected(tx_hash)
        taken = any(words in refusal.lower() for words in NONCE_TAKEN)
        self.stats.refused("nonce_taken" if taken else "rejected")
        failure = _NonceTaken if taken else TransactionRefused
        raise failure(f"the node rejected transaction {tx_hash}: {refusal}")

    def _known(self, tx_hash: str) -> bool:
        """The node holds the transaction (in its pool or in a block), asked twice a moment apart.
        A node that answers with an error cannot tell: RpcUnavailable, never "unknown" (which would
        let the caller take a transaction that may be mined for refused)."""
        for attempt in (1, 2):
            try:
                found = _retry(lambda: self.rpc.call("eth_getTransactionByHash", [tx_hash]))
            except RpcError as exc:
                raise RpcUnavailable(f"cannot tell whether the node holds {tx_hash}: {exc.message}") from None
            if found is not None:
                return True
            if attempt == 1:
                time.sleep(KNOWN_RECHECK_SECONDS)
        return False

    def _replaced(self, sender: str, nonce: int, tx_hash: str) -> bool:
        """Another transaction of the signer took this one's nonce: the signer's confirmed count is
        past it and this one has no receipt, each time it is asked over about two seconds."""
        for check in range(REPLACED_CHECKS):
            if check:
                time.sleep(KNOWN_RECHECK_SECONDS * 2**check)
            count = int(_retry(lambda: self.rpc.call("eth_getTransactionCount", [sender, "latest"])), 16)
            if count <= nonce or _retry(lambda: self.rpc.call("eth_getTransactionReceipt", [tx_hash])):
                return False
        return True

    def _resend(self, tx_hash: str) -> None:
        """Sends a recorded transaction's bytes again while it is awaited (same hash: never a second
        transaction). Whatever the node answers, the wait goes on, unless the transaction was
        replaced (its nonce used by another, no receipt): then it can never be mined, the record is
        marked rejected and TransactionRefused ends the wait. A node that cannot be reached or
        cannot tell is asked again at the next turn."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(SENT.c.raw, SENT.c.state, SENT.c.sender, SENT.c.nonce).where(SENT.c.tx_hash == tx_hash)
            ).first()
        if row is None or row.state in ("mined", "reverted"):
            return  # not recorded here (e.g. a supplier's own transaction), or concluded meanwhile
        try:
            if row.state == "signed" and self._send_again(tx_hash, row.raw):
                return
            replaced = self._replaced(row.sender, row.nonce, tx_hash)
        except TRANSIENT as exc:  # RpcUnavailable included
            log.warning("rebroadcast of %s not possible now, retried later: %s", tx_hash, exc)
            return
        if replaced:
            self.stats.refused("replaced")
            self._mark_rejected(tx_hash)
            raise TransactionRefused(f"transaction {tx_hash} was replaced: its nonce {row.nonce} is used")

    def _send_again(self, tx_hash: str, raw: str) -> bool:
        """True when the node took the bytes; a refusal is only logged (it decides nothing)."""
        self.stats.resent()
        try:
            _retry(lambda: self.rpc.call("eth_sendRawTransaction", [raw]))
            return True
        except RpcError as exc:
            log.info("rebroadcast of %s answered: %s", tx_hash, exc.message)
            return False

    def _mark_rejected(self, tx_hash: str) -> None:
        with write_transaction(self.engine) as connection:
            connection.execute(
                update(SENT).where(SENT.c.tx_hash == tx_hash).values(state="rejected")
            )  # frees the nonce for the next allocation

    def rebroadcast_unconfirmed(self) -> int:
        """After a restart: send again every recorded transaction not yet known to be mined."""
        with self.sessions() as session:
            records = (
                session.execute(
                    select(SentTransaction).where(
                        SentTransaction.chain_id == self.chain_id, SentTransaction.state == "signed"
                    )
                )
                .scalars()
                .all()
            )
        count = 0
        for record in records:
            if _retry(lambda record=record: self.rpc.call("eth_getTransactionReceipt", [record.tx_hash])):
                continue
            try:
                self._broadcast(record.tx_hash, bytes(HexBytes(record.raw)))
            except TransactionFailed as exc:  # recorded as rejected; its caller's retry sees it
                log.warning("not rebroadcast: %s", exc)
                continue
            except TRANSIENT as exc:  # RpcUnavailable included: the receipt wait sends it again later
                log.warning("not rebroadcast now: %s", exc)
                continue
            self.stats.resent()
            count += 1
        return count

    # --- receipts ---------------------------------------------------------------------------
    def receipt(self, tx_hash: str) -> Confirmed:
        """Waits for the receipt and the configured confirmations, sending the recorded bytes again
        every `rebroadcast_seconds` while there is no receipt. Raises ReceiptTimeout when the receipt
        timeout passes, TransactionRefused when the transaction was replaced (its nonce used by
        another: it can never be mined)."""
        started = time.monotonic()
        deadline, resend_at = started + self.receipt_timeout, started + self.rebroadcast_seconds
        pause = min(FIRST_RECEIPT_POLL_SECONDS, self.poll_interval)
        while time.monotonic() < deadline:
            receipt = _retry(lambda: self.rpc.call("eth_getTransactionReceipt", [tx_hash]))
            if receipt is not None:
                confirmed = _confirmed(tx_hash, receipt)
                if self.confirmations <= 1:  # the receipt is the one confirmation
                    self.stats.confirmed(time.monotonic() - started)
                    return confirmed
                head = int(_retry(lambda: self.rpc.call("eth_blockNumber")), 16)
                if head - confirmed.block_number + 1 >= self.confirmations:
                    self.stats.confirmed(time.monotonic() - started)
                    return confirmed
            elif time.monotonic() >= resend_at:
                self._resend(tx_hash)
                resend_at = time.monotonic() + self.rebroadcast_seconds
            time.sleep(pause)
            pause = min(2 * pause, self.poll_interval)
        raise ReceiptTimeout(f"transaction {tx_hash} not confirmed within {self.receipt_timeout:.0f} s")

    def conclude(self, confirmed: Confirmed, also: Callable[[Connection], None] | None = None) -> None:
        """Records a confirmed transaction's fate (mined or reverted), with `also(connection)` in the
        same database transaction, and tells the read cache of its block."""
        with write_transaction(self.engine) as connection:
            connection.execute(
                update(SENT)
                .where(SENT.c.tx_hash == confirmed.tx_hash)
                .values(
                    state="mined" if confirmed.status == 1 else "reverted",
                    block_number=confirmed.block_number,
                )
            )
            if also is not None:
                also(connection)
        if self.on_confirmed is not None:
            self.on_confirmed(confirmed.block_number)

    def wait(self, tx_hash: str) -> Confirmed:
        """Wait for the receipt and the configured confirmations; a reverted transaction raises."""
        confirmed = self.receipt(tx_hash)
        self.conclude(confirmed)
        if confirmed.status != 1:
            raise TransactionFailed(
                f"transaction {confirmed.tx_hash} reverted in block {confirmed.block_number}"
            )
        return confirmed

    def transact(self, signer: LocalAccount, to: str, data: str | bytes, purpose: str) -> Confirmed:
        return self.wait(self.send(signer, to, data, purpose).tx_hash)
