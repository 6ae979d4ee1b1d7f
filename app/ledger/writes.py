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

What is sent is a `Call` (calldata signed by one of the gateway's signers) or a `SignedTransaction`
(bytes its signer signed, relayed as they are). Errors are those of app/ledger/errors.py; the HTTP
layer maps them to problems in one place. Nothing here knows HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eth_abi.exceptions import EncodingError
from sqlalchemy import select
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
)
from app.ledger.models import SentTransaction
from app.ledger.signed import SignedTransaction
from app.ledger.signers import SignerRegistry
from app.ledger.txmanager import Confirmed, ReceiptTimeout, TransactionManager

STALE_CLAIM_SECONDS = 60
# The status and code a mined-but-reverted write is answered (and replayed) with.
REVERTED = (502, "transaction_failed")


@dataclass(frozen=True)
class Call:
    """A contract call to send: target contract, ABI-encoded data, and which signer sends it."""

    contract: Any  # a web3 Contract
    function: str
    args: list
    signer: str  # a name in the signer registry: agency:<id>, role:<ROLE>, relayer

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


class WritePath:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        txmanager: TransactionManager,
        signers: SignerRegistry,
        wait_seconds: float,
        stale_claim_seconds: float = STALE_CLAIM_SECONDS,
    ) -> None:
        self.sessions, self.txmanager, self.signers = sessions, txmanager, signers
        self.wait_seconds, self.stale_claim_seconds = wait_seconds, stale_claim_seconds

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
        def on_recorded(connection, tx_hash):
            # the key's record learns its transaction in the transaction that records it
            idempotency.record_transaction(connection, claim, tx_hash)

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
            idempotency.release(self.sessions, claim.record_id)
            raise
        return self._finish(claim.record_id, sent.tx_hash, outcome, status_code)

    def _finish(self, record_id: int, tx_hash: str, outcome: Outcome, status_code: int) -> Written:
        """Waits for the receipt, then records the transaction's fate and the key's outcome together."""
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
        attempt that died before sending anything."""
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


def _purpose(record_id: int) -> str:
    return f"idempotency:{record_id}"
