"""The one path every write endpoint takes: idempotency claim -> transaction -> receipt -> outcome.

- A request without an Idempotency-Key is refused; the same key with a different body is refused.
- The first request with a key sends exactly one transaction; duplicates wait for its outcome
  (up to `idempotency_wait_seconds`) and replay it, also after the first process died after
  sending (its transaction is found through the transaction manager's record).
- A revert is decoded before anything is signed and answered as a problem with the contract's
  custom error as code; the key is then released so a corrected retry may reuse it. So is a
  transaction the node refuses outright (502): it can never be mined.
- A transaction not confirmed within `receipt_timeout_seconds` is answered 504 with its hash; the
  key stays pending and a retry with it waits for the same transaction (whose bytes the
  transaction manager keeps sending to the node meanwhile).
- A duplicate that finds the first attempt silent for STALE_CLAIM_SECONDS before it recorded
  anything takes the claim over; should the first attempt be alive after all, it can no longer
  record a transaction for the key (compare-and-set) and follows the new owner instead.
- An argument the contract's ABI types cannot hold is a 422, the key released.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eth_abi.exceptions import EncodingError
from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from app.api.errors import ApiError, from_revert
from app.auth.tokens import Principal
from app.ledger import idempotency
from app.ledger.calldata import CalldataError, calldata
from app.ledger.models import SentTransaction
from app.ledger.reverts import ChainRevert
from app.ledger.rpc import RpcError, RpcUnavailable
from app.ledger.signers import SignerUnavailable
from app.ledger.txmanager import Confirmed, TransactionFailed, TransactionRefused

STALE_CLAIM_SECONDS = 60


@dataclass(frozen=True)
class Call:
    """A contract call to send: target contract, ABI-encoded data, and which signer sends it."""

    contract: Any  # a web3 Contract
    function: str
    args: list
    signer: str  # a name in the signer registry: agency:<id>, role:<ROLE>, relayer

    def data(self) -> bytes:
        return calldata(self.contract, self.function, self.args)


def idempotent_write(
    request: Request,
    principal: Principal,
    body: Any,
    call: Call,
    outcome: Callable[[Confirmed], dict],
    status_code: int = 200,
) -> JSONResponse:
    app = request.app
    key = request.headers.get("idempotency-key", "").strip()
    if not key or len(key) > idempotency.MAX_KEY_LENGTH:
        raise ApiError(
            400,
            "idempotency_key_required",
            detail=f"send a unique Idempotency-Key header (1 to {idempotency.MAX_KEY_LENGTH} characters)",
        )
    sessions = app.state.sessions
    fingerprint = idempotency.fingerprint(request.method, request.url.path, body)
    try:
        claim = idempotency.claim(sessions, principal.key, key, fingerprint)
    except idempotency.IdempotencyKeyReused:
        raise ApiError(422, "idempotency_key_reused") from None
    if not claim.owner:
        return _follow(app, claim, call, outcome, status_code)
    return _run(app, claim, call, outcome, status_code)


def _purpose(record_id: int) -> str:
    return f"idempotency:{record_id}"


def _run(app, claim: idempotency.Claim, call: Call, outcome, status_code: int) -> JSONResponse:
    sessions, manager = app.state.sessions, app.state.txmanager
    try:
        signer = app.state.signers.get(call.signer)
        sent = manager.send(
            signer,
            call.contract.address,
            call.data(),
            _purpose(claim.record_id),
            # the key's record learns its transaction in the transaction that records it
            on_recorded=lambda connection, tx_hash: idempotency.record_transaction(
                connection, claim, tx_hash
            ),
        )
    except idempotency.ClaimLost:
        # This attempt was slow enough to look dead, and a retry with the key took it over: that
        # retry sends; this attempt (whose signed transaction was not recorded or sent) follows it.
        return _follow(app, _still_claimed(sessions, claim.record_id), call, outcome, status_code)
    except (CalldataError, EncodingError) as exc:  # a value the contract's types cannot hold
        idempotency.release(sessions, claim.record_id)
        raise ApiError(
            422, "invalid_request", detail=f"an argument does not fit the contract: {exc}"
        ) from None
    except ChainRevert as revert:
        idempotency.release(sessions, claim.record_id)
        raise from_revert(revert) from None
    except SignerUnavailable as exc:
        idempotency.release(sessions, claim.record_id)
        raise ApiError(503, "signer_unavailable", detail=str(exc)) from None
    except TransactionFailed as exc:  # refused by the node before anything was mined
        idempotency.release(sessions, claim.record_id, sent_nothing=True)
        raise ApiError(502, "transaction_failed", detail=str(exc)) from None
    except (RpcUnavailable, RpcError):
        # The node cannot be reached, or answered an error outside the transaction's own refusal:
        # forget the key unless a transaction was recorded for it (a retry then waits for that
        # transaction); answered 503 or 502 by the problem handlers.
        idempotency.release(sessions, claim.record_id)
        raise
    return _finish(app, claim.record_id, sent.tx_hash, outcome, status_code)


def _finish(app, record_id: int, tx_hash: str, outcome, status_code: int) -> JSONResponse:
    """Waits for the receipt, then records the transaction's fate and the key's outcome together."""
    manager = app.state.txmanager
    try:
        confirmed = manager.receipt(tx_hash)
    except TransactionRefused as exc:  # replaced (its nonce used by another): it can never be mined
        idempotency.release(app.state.sessions, record_id, sent_nothing=True)
        raise ApiError(502, "transaction_failed", detail=str(exc), transactionHash=tx_hash) from None
    except TransactionFailed as exc:  # not confirmed in time: the key stays pending, a retry waits again
        raise ApiError(504, "transaction_pending", detail=str(exc), transactionHash=tx_hash) from None
    if confirmed.status != 1:
        detail = f"transaction {tx_hash} reverted in block {confirmed.block_number}"
        body = {"code": "transaction_failed", "detail": detail, "transactionHash": tx_hash}
        _complete(app, confirmed, record_id, 502, body)
        raise ApiError(502, "transaction_failed", detail=detail, transactionHash=tx_hash)
    body = {**outcome(confirmed), "transactionHash": tx_hash, "blockNumber": confirmed.block_number}
    _complete(app, confirmed, record_id, status_code, body)
    return JSONResponse(status_code=status_code, content=body)


def _complete(app, confirmed: Confirmed, record_id: int, status_code: int, body: dict) -> None:
    """The transaction's fate and the key's outcome, in one database transaction."""
    app.state.txmanager.conclude(
        confirmed, lambda connection: idempotency.complete(connection, record_id, status_code, body)
    )


def _follow(app, claim: idempotency.Claim, call: Call, outcome, status_code: int) -> JSONResponse:
    """A duplicate: replay the outcome, finish the first attempt's transaction, or take over an
    attempt that died before sending anything."""
    deadline = time.monotonic() + app.state.settings.idempotency_wait_seconds
    while True:
        if claim.state == "completed":
            if claim.status_code >= 400:
                raise ApiError(
                    claim.status_code,
                    claim.response.get("code", "transaction_failed"),
                    detail=claim.response.get("detail"),
                    replayed=True,
                )
            return JSONResponse(
                status_code=claim.status_code, content=claim.response, headers={"Idempotent-Replayed": "true"}
            )
        tx_hash = claim.tx_hash or _recorded_transaction(app, claim.record_id)
        if tx_hash:
            # Sent by the first attempt (alive or not): its receipt is the outcome for everyone.
            return _finish(app, claim.record_id, tx_hash, outcome, status_code)
        if idempotency.age_seconds(claim) > STALE_CLAIM_SECONDS:
            taken = idempotency.take_over(app.state.sessions, claim)
            if taken is not None:
                return _run(app, taken, call, outcome, status_code)
        if time.monotonic() >= deadline:
            raise ApiError(409, "request_in_progress", headers={"Retry-After": "2"})
        time.sleep(0.05)
        claim = _still_claimed(app.state.sessions, claim.record_id)


def _still_claimed(sessions, record_id: int) -> idempotency.Claim:
    claim = idempotency.current(sessions, record_id)
    if claim is None:  # the attempt that held the key released it (it failed before sending)
        raise ApiError(
            409, "request_in_progress", detail="the first attempt failed; retry", headers={"Retry-After": "1"}
        )
    return claim


def _recorded_transaction(app, record_id: int) -> str | None:
    with app.state.sessions() as session:
        return session.execute(
            select(SentTransaction.tx_hash).where(
                SentTransaction.purpose == _purpose(record_id), SentTransaction.state != "rejected"
            )
        ).scalar_one_or_none()
