"""The one path every write takes: idempotency claim -> transaction -> receipt -> outcome.

- A write without an Idempotency-Key is refused; the same key with a different request is refused.
- The first request with a key sends exactly one transaction; duplicates wait for its outcome
  (up to `wait_seconds`) and replay it, also after the first process died after sending (its
  transaction is found through the transaction manager's record).
- A revert is decoded before anything is signed and raised as the contract's custom error; the key
  is then released so a corrected retry may reuse it. So is a transaction the node refuses outright:
  it can never be mined.
- A transaction not confirmed within the receipt timeout raises TransactionPending with its hash; the
  key stays pending and a retry with it waits for the same transaction (whose bytes the transaction
  manager keeps sending to the node meanwhile).
- A duplicate that finds the first attempt silent for `stale_claim_seconds` before it recorded
  anything takes the claim over; should the first attempt be alive after all, it can no longer record
  a transaction for the key (compare-and-set) and follows the new owner instead.
- An argument the contract's ABI types cannot hold is a CalldataError, the key released.
- Once a transaction is recorded for the key (it may have been broadcast), no failure of the
  database or the node is raised as itself: it is TransactionPending with the transaction's hash (a
  retry with the same key waits for that transaction and records its outcome), so a caller is never
  led to retry with a new key and act twice.
- Writes run on their own bounded threads (`submit`, `WriteCapacity`), never on the threads that
  serve reads: when every slot is taken a new write is WritesBusy at once, before it claims its key.

What is sent is a `Call` (calldata signed by one of the gateway's signers) or a `SignedTransaction`
(bytes its signer signed, relayed as they are). Errors are those of app/ledger/errors.py; the HTTP
layer maps them to problems in one place. Nothing here knows HTTP."""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from eth_abi.exceptions import EncodingError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.ledger import idempotency
from app.ledger.calldata import calldata
from app.ledger.errors import (
    CalldataError,
    ChainRevert,
    ClaimLost,
    IdempotencyKeyRequired,
    RequestInProgress,
    RpcError,
    RpcUnavailable,
    SignerUnavailable,
    StoredFailure,
    TransactionFailed,
    TransactionPending,
    TransactionRefused,
    TransactionReverted,
    WritesBusy,
)
from app.ledger.models import SentTransaction
from app.ledger.signed import SignedTransaction
from app.ledger.signers import SignerRegistry
from app.ledger.txmanager import Confirmed, ReceiptTimeout, TransactionManager

log = logging.getLogger("terang.writes")
STALE_CLAIM_SECONDS = 60
WRITE_CAPACITY = 64
# What a write refused for want of a slot is told to wait: about one block of a consortium chain.
BUSY_RETRY_AFTER_SECONDS = 2
# The status and code a mined-but-reverted write is answered (and replayed) with.
REVERTED = (502, "transaction_failed")


@dataclass(frozen=True)
class Call:
    """A contract call to send: target contract, ABI-encoded data, and which signer sends it."""

    contract: Any  # a web3 Contract
    function: str
    args: list
    signer: str  # a name in the signer registry: officer:<address>, a service role:<ROLE>, relayer

    def data(self) -> bytes:
        return calldata(self.contract, self.function, self.args)


@dataclass(frozen=True)
class WriteRequest:
    """Who asks, under which key, for what (method, path and body make the key's fingerprint)."""

    principal: str
    key: str | None
    method: str
    path: str
    body: Any


@dataclass(frozen=True)
class Written:
    status_code: int
    body: dict
    replayed: bool = False


Outcome = Callable[[Confirmed], dict]


class WriteCapacity:
    """Writes' own threads, at most `size` writes at once. A write holds its slot from its claim to
    its outcome, receipt wait included (up to the receipt timeout), so writes stalled behind a slow
    chain take slots of their own, never the threads that serve reads and /health. When every slot
    is taken, `submit` raises WritesBusy at once instead of queueing the write behind the others."""

    def __init__(self, size: int = WRITE_CAPACITY) -> None:
        self.size = size
        self._slots = threading.BoundedSemaphore(size)
        self._busy = 0
        self._count_lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="write")

    def submit(self, work: Callable[[], Written]) -> Future[Written]:
        if not self._slots.acquire(blocking=False):
            raise WritesBusy(self.size, BUSY_RETRY_AFTER_SECONDS)
        with self._count_lock:
            self._busy += 1
        try:
            # the caller's context (the request's id for log lines) goes with the work
            future = self._executor.submit(contextvars.copy_context().run, work)
        except BaseException:
            self._release()
            raise
        future.add_done_callback(lambda _: self._release())
        return future

    def _release(self) -> None:
        with self._count_lock:
            self._busy -= 1
        self._slots.release()

    @property
    def busy(self) -> int:
        """Writes holding a slot now."""
        return self._busy

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class WritePath:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        txmanager: TransactionManager,
        signers: SignerRegistry,
        wait_seconds: float,
        stale_claim_seconds: float = STALE_CLAIM_SECONDS,
        capacity: int = WRITE_CAPACITY,
    ) -> None:
        self.sessions, self.txmanager, self.signers = sessions, txmanager, signers
        self.wait_seconds, self.stale_claim_seconds = wait_seconds, stale_claim_seconds
        self.capacity = WriteCapacity(capacity)

    def submit(
        self, request: WriteRequest, call: Call | SignedTransaction, outcome: Outcome, status_code: int = 200
    ) -> Future[Written]:
        """`write` on the writes' own threads: a future of its Written (or its error), or WritesBusy
        at once when every write slot is taken."""
        return self.capacity.submit(lambda: self.write(request, call, outcome, status_code))

    def close(self) -> None:
        self.capacity.shutdown()

    def write(
        self, request: WriteRequest, call: Call | SignedTransaction, outcome: Outcome, status_code: int = 200
    ) -> Written:
        key = (request.key or "").strip()
        if not key or len(key) > idempotency.MAX_KEY_LENGTH:
            raise IdempotencyKeyRequired()
        fingerprint = idempotency.fingerprint(request.method, request.path, request.body)
        claim = idempotency.claim(self.sessions, request.principal, key, fingerprint)
        if not claim.owner:
            return self._follow(claim, call, outcome, status_code)
        return self._run(claim, call, outcome, status_code)

    # --- the owner of a key -----------------------------------------------------------------------
    def _run(self, claim: idempotency.Claim, call, outcome: Outcome, status_code: int) -> Written:
        recorded: list[str] = []

        def on_recorded(connection, tx_hash):
            # the key's record learns its transaction in the transaction that records it
            idempotency.record_transaction(connection, claim, tx_hash)
            recorded.append(tx_hash)

        try:
            if isinstance(call, SignedTransaction):
                sent = self.txmanager.send_signed(call, _purpose(claim.record_id), on_recorded=on_recorded)
            else:
                sent = self.txmanager.send(
                    self.signers.get(call.signer),
                    call.contract.address,
                    call.data(),
                    _purpose(claim.record_id),
                    on_recorded=on_recorded,
                )
        except ClaimLost:
            # This attempt was slow enough to look dead, and a retry with the key took it over: that
            # retry sends; this attempt (whose transaction was not recorded or sent) follows it.
            return self._follow(self._still_claimed(claim.record_id), call, outcome, status_code)
        except EncodingError as exc:  # a value the contract's types cannot hold
            idempotency.release(self.sessions, claim.record_id)
            raise CalldataError(str(exc)) from None
        except TransactionFailed:  # refused by the node before anything was mined
            idempotency.release(self.sessions, claim.record_id, sent_nothing=True)
            raise
        except (CalldataError, ChainRevert, SignerUnavailable, RpcUnavailable, RpcError):
            # Refused before sending, or the node cannot be reached or answered an error outside the
            # transaction's own refusal: forget the key unless a transaction was recorded for it (a
            # retry then waits for that transaction).
            if recorded:  # it may have reached the node: the key keeps it
                raise _pending(recorded[-1], "the node failed after the transaction was recorded") from None
            idempotency.release(self.sessions, claim.record_id)
            raise
        except SQLAlchemyError as exc:
            if recorded:  # committed with the key, perhaps broadcast: a retry with the key finds it
                log.warning("database error after recording %s: %s", recorded[-1], type(exc).__name__)
                raise _pending(
                    recorded[-1], "the database failed after the transaction was recorded"
                ) from None
            raise
        return self._finish(claim.record_id, sent.tx_hash, outcome, status_code)

    def _finish(self, record_id: int, tx_hash: str, outcome: Outcome, status_code: int) -> Written:
        """Waits for the receipt, then records the transaction's fate and the key's outcome together.
        The transaction is sent: whatever fails now (the database, the node, the outcome's own reads)
        leaves the key with it and answers TransactionPending, never an error a caller could take for
        "nothing happened"."""
        try:
            return self._conclude(record_id, tx_hash, outcome, status_code)
        except (TransactionPending, TransactionFailed, StoredFailure, ChainRevert):
            raise  # the transaction's own fate, or already the answer to give
        except SQLAlchemyError as exc:
            log.warning("database error while concluding %s: %s", tx_hash, type(exc).__name__)
            raise _pending(tx_hash, "its outcome could not be recorded now") from None
        except (RpcUnavailable, RpcError) as exc:
            log.warning("node error while concluding %s: %s", tx_hash, type(exc).__name__)
            raise _pending(tx_hash, "the node could not be asked for its outcome now") from None
        except Exception as exc:  # e.g. an outcome's read failing: the key keeps the transaction
            log.error("error while concluding %s: %s", tx_hash, type(exc).__name__)
            raise _pending(tx_hash, "its outcome could not be read now") from None

    def _conclude(self, record_id: int, tx_hash: str, outcome: Outcome, status_code: int) -> Written:
        try:
            confirmed = self.txmanager.receipt(tx_hash)
        except TransactionRefused as exc:  # replaced (its nonce used by another): never mined
            idempotency.release(self.sessions, record_id, sent_nothing=True)
            raise TransactionRefused(str(exc), tx_hash) from None
        except ReceiptTimeout as exc:  # the key stays pending, a retry waits again
            raise TransactionPending(str(exc), tx_hash) from None
        if confirmed.status != 1:
            detail = f"transaction {tx_hash} reverted in block {confirmed.block_number}"
            status, code = REVERTED
            self._complete(
                confirmed, record_id, status, {"code": code, "detail": detail, "transactionHash": tx_hash}
            )
            raise TransactionReverted(detail, tx_hash)
        body = {**outcome(confirmed), "transactionHash": tx_hash, "blockNumber": confirmed.block_number}
        self._complete(confirmed, record_id, status_code, body)
        return Written(status_code, body)

    def _complete(self, confirmed: Confirmed, record_id: int, status_code: int, body: dict) -> None:
        """The transaction's fate and the key's outcome, in one database transaction."""
        self.txmanager.conclude(
            confirmed, lambda connection: idempotency.complete(connection, record_id, status_code, body)
        )

    # --- duplicates -------------------------------------------------------------------------------
    def _follow(self, claim: idempotency.Claim, call, outcome: Outcome, status_code: int) -> Written:
        """A duplicate: replay the outcome, finish the first attempt's transaction, or take over an
        attempt that died before sending anything. A database failure while it looks is
        RequestInProgress: the first attempt may have sent, so the answer is "retry with the key"."""
        try:
            return self._follow_claim(claim, call, outcome, status_code)
        except SQLAlchemyError as exc:
            log.warning("database error while following a key: %s", type(exc).__name__)
            raise RequestInProgress("the key's state cannot be read now; retry", retry_after=2) from None

    def _follow_claim(self, claim: idempotency.Claim, call, outcome: Outcome, status_code: int) -> Written:
        deadline = time.monotonic() + self.wait_seconds
        while True:
            if claim.state == "completed":
                if claim.status_code >= 400:
                    response = claim.response or {}
                    raise StoredFailure(
                        claim.status_code, response.get("code", REVERTED[1]), response.get("detail")
                    )
                return Written(claim.status_code, claim.response, replayed=True)
            tx_hash = claim.tx_hash or self._recorded_transaction(claim.record_id)
            if tx_hash:
                # Sent by the first attempt (alive or not): its receipt is the outcome for everyone.
                return self._finish(claim.record_id, tx_hash, outcome, status_code)
            if idempotency.age_seconds(claim) > self.stale_claim_seconds:
                taken = idempotency.take_over(self.sessions, claim)
                if taken is not None:
                    return self._run(taken, call, outcome, status_code)
            if time.monotonic() >= deadline:
                raise RequestInProgress(retry_after=2)
            time.sleep(0.05)
            claim = self._still_claimed(claim.record_id)

    def _still_claimed(self, record_id: int) -> idempotency.Claim:
        claim = idempotency.current(self.sessions, record_id)
        if claim is None:  # the attempt that held the key released it (it failed before sending)
            raise RequestInProgress("the first attempt failed; retry", retry_after=1)
        return claim

    def _recorded_transaction(self, record_id: int) -> str | None:
        with self.sessions() as session:
            return session.execute(
                select(SentTransaction.tx_hash).where(
                    SentTransaction.purpose == _purpose(record_id), SentTransaction.state != "rejected"
                )
            ).scalar_one_or_none()


def _pending(tx_hash: str, why: str) -> TransactionPending:
    return TransactionPending(
        f"transaction {tx_hash} is sent; {why}: retry with the same Idempotency-Key", tx_hash
    )


def _purpose(record_id: int) -> str:
    return f"idempotency:{record_id}"
