"""Sends transactions exactly once, from several gateway processes sharing one database.

For each transaction: estimate gas (a revert becomes a decoded ChainRevert before anything is
signed); under a per-signer row lock choose the lowest nonce that no recorded transaction of that
signer holds at or above the chain's confirmed count; sign; record the signed transaction; commit;
only then broadcast. A process that dies after recording finds its transaction with
`rebroadcast_unconfirmed()` and sends the same bytes again (same hash: never a second
transaction). Transient RPC failures are retried with backoff; receipts are awaited with the
configured confirmations.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from web3 import Web3
from web3.exceptions import ContractCustomError, ContractLogicError, TransactionNotFound, Web3RPCError

from app.chain.errors import ChainRevert, ErrorDecoder
from app.db.models import SenderNonce, SentTransaction

log = logging.getLogger("terang.txmanager")
FEE_TTL_SECONDS = 2.0
TRANSIENT = (ConnectionError, TimeoutError, OSError)


class TransactionFailed(Exception):
    """The node refused the transaction or it was mined and reverted."""


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


class TransactionManager:
    def __init__(
        self,
        web3: Web3,
        sessions: sessionmaker[Session],
        decoder: ErrorDecoder,
        confirmations: int = 1,
        receipt_timeout: float = 120.0,
        poll_interval: float = 0.1,
        on_confirmed: Callable[[int], None] | None = None,
    ) -> None:
        self.web3 = web3
        self.on_confirmed = on_confirmed  # told each confirmed block (the block-scoped read cache)
        self._fee_cache: tuple[float, dict] | None = None
        self.sessions = sessions
        self.decoder = decoder
        self.confirmations = confirmations
        self.receipt_timeout = receipt_timeout
        self.poll_interval = poll_interval
        self.chain_id = _retry(lambda: web3.eth.chain_id)

    # --- building ---------------------------------------------------------------------------
    def _estimate(self, tx: dict) -> int:
        try:
            return _retry(lambda: self.web3.eth.estimate_gas(tx))
        except ContractCustomError as exc:
            raise self.decoder.decode(exc.data) from None
        except ContractLogicError as exc:
            raise (
                self.decoder.decode(exc.data) if exc.data else ChainRevert("Reverted", {"reason": str(exc)})
            ) from None

    def _fees(self) -> dict:
        """Fee fields, asked of the node at most once per FEE_TTL_SECONDS: a max fee of twice the base
        fee stays valid through several blocks of the largest base-fee rise (12.5% a block)."""
        cached = self._fee_cache
        if cached is not None and time.monotonic() - cached[0] < FEE_TTL_SECONDS:
            return cached[1]
        block = _retry(lambda: self.web3.eth.get_block("latest"))
        base_fee = block.get("baseFeePerGas")
        if base_fee is None:  # a pre-London or zero-fee (e.g. Besu free-gas) network
            fees = {"gasPrice": _retry(lambda: self.web3.eth.gas_price)}
        else:
            priority = _retry(lambda: self.web3.eth.max_priority_fee)
            fees = {"maxFeePerGas": 2 * base_fee + priority, "maxPriorityFeePerGas": priority, "type": 2}
        self._fee_cache = (time.monotonic(), fees)
        return fees

    # --- nonces -----------------------------------------------------------------------------
    def _allocate_nonce(self, session: Session, sender: str) -> int:
        """Under the signer's row lock: lowest nonce >= the confirmed count not held by a record."""
        row = session.execute(
            select(SenderNonce)
            .where(SenderNonce.chain_id == self.chain_id, SenderNonce.address == sender)
            .with_for_update()
        ).scalar_one_or_none()
        if row is None:
            try:
                with session.begin_nested():
                    session.add(SenderNonce(chain_id=self.chain_id, address=sender, next_nonce=0))
            except IntegrityError:
                pass  # another process created it first
            row = session.execute(
                select(SenderNonce)
                .where(SenderNonce.chain_id == self.chain_id, SenderNonce.address == sender)
                .with_for_update()
            ).scalar_one()
        confirmed = _retry(lambda: self.web3.eth.get_transaction_count(sender, "latest"))
        held = set(
            session.execute(
                select(SentTransaction.nonce).where(
                    SentTransaction.chain_id == self.chain_id,
                    SentTransaction.sender == sender,
                    SentTransaction.nonce >= confirmed,
                    SentTransaction.state != "rejected",
                )
            ).scalars()
        )
        nonce = confirmed
        while nonce in held:
            nonce += 1
        row.next_nonce = max(row.next_nonce, nonce + 1)
        return nonce

    # --- sending ----------------------------------------------------------------------------
    def send(self, signer: LocalAccount, to: str, data: str | bytes, purpose: str, value: int = 0) -> Sent:
        """Estimate, sign, record and broadcast one transaction; returns once the node has it."""
        sender = signer.address
        tx = {
            "from": sender,
            "to": Web3.to_checksum_address(to),
            "data": HexBytes(data),
            "value": value,
            "chainId": self.chain_id,
        }
        gas = self._estimate(tx)
        tx.update(self._fees(), gas=int(gas * 1.2) + 10_000)
        for attempt in range(10):
            try:
                with self.sessions.begin() as session:
                    nonce = self._allocate_nonce(session, sender)
                    signed = signer.sign_transaction({**tx, "nonce": nonce})
                    tx_hash = Web3.to_hex(signed.hash)
                    session.add(
                        SentTransaction(
                            chain_id=self.chain_id,
                            sender=sender,
                            nonce=nonce,
                            tx_hash=tx_hash,
                            raw=Web3.to_hex(signed.raw_transaction),
                            purpose=purpose[:200],
                        )
                    )
                break
            except IntegrityError:
                # Another process recorded the same nonce first (SQLite has no row locks): choose again.
                if attempt == 9:
                    raise
                time.sleep(0.01 * (attempt + 1))
        self._broadcast(tx_hash, signed.raw_transaction)
        return Sent(tx_hash=tx_hash, nonce=nonce, sender=sender)

    def _broadcast(self, tx_hash: str, raw: bytes) -> None:
        try:
            _retry(lambda: self.web3.eth.send_raw_transaction(raw))
        except (Web3RPCError, ValueError) as exc:  # the node's JSON-RPC error (web3 7: Web3RPCError)
            message = str(exc).lower()
            if "already known" in message or "known transaction" in message:
                return  # the same bytes are already in the pool
            if "nonce too low" in message and self._known(tx_hash):
                return  # these bytes were mined already (a rebroadcast after a restart)
            with self.sessions.begin() as session:
                record = session.execute(
                    select(SentTransaction).where(SentTransaction.tx_hash == tx_hash)
                ).scalar_one()
                record.state = "rejected"  # frees the nonce for the next allocation
            raise TransactionFailed(f"the node rejected transaction {tx_hash}: {exc}") from None

    def _known(self, tx_hash: str) -> bool:
        try:
            return self.web3.eth.get_transaction(tx_hash) is not None
        except TransactionNotFound:
            return False

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
            try:
                receipt = self.web3.eth.get_transaction_receipt(record.tx_hash)
            except TransactionNotFound:
                receipt = None
            if receipt is None:
                try:
                    self._broadcast(record.tx_hash, HexBytes(record.raw))
                except TransactionFailed as exc:  # recorded as rejected; its caller's retry sees it
                    log.warning("not rebroadcast: %s", exc)
                    continue
                count += 1
        return count

    def wait(self, tx_hash: str) -> Confirmed:
        """Wait for the receipt and the configured confirmations; a reverted transaction raises."""
        deadline = time.monotonic() + self.receipt_timeout
        receipt = None
        while time.monotonic() < deadline:
            try:
                receipt = _retry(lambda: self.web3.eth.get_transaction_receipt(tx_hash))
            except TransactionNotFound:
                receipt = None
            if receipt is not None:
                if self.confirmations <= 1:  # the receipt is the one confirmation
                    break
                head = _retry(lambda: self.web3.eth.block_number)
                if head - receipt["blockNumber"] + 1 >= self.confirmations:
                    break
            time.sleep(self.poll_interval)
        else:
            raise TransactionFailed(
                f"transaction {tx_hash} not confirmed within {self.receipt_timeout:.0f} s"
            )
        state = "mined" if receipt["status"] == 1 else "reverted"
        with self.sessions.begin() as session:
            record = session.execute(
                select(SentTransaction).where(SentTransaction.tx_hash == tx_hash)
            ).scalar_one_or_none()
            if record is not None:
                record.state, record.block_number = state, receipt["blockNumber"]
        if self.on_confirmed is not None:
            self.on_confirmed(receipt["blockNumber"])
        if receipt["status"] != 1:
            raise TransactionFailed(f"transaction {tx_hash} reverted in block {receipt['blockNumber']}")
        return Confirmed(
            tx_hash=tx_hash,
            block_number=receipt["blockNumber"],
            gas_used=receipt["gasUsed"],
            status=receipt["status"],
            logs=list(receipt["logs"]),
        )

    def transact(self, signer: LocalAccount, to: str, data: str | bytes, purpose: str) -> Confirmed:
        return self.wait(self.send(signer, to, data, purpose).tx_hash)
