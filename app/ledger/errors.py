"""Every error the ledger core raises, rooted at one base, LedgerError. The HTTP layer maps them to
problems in one place (app/api/problems.py); workers (indexer, bridge) catch them by class.

None of these messages carries a secret: node URLs are redacted before they reach a message."""

from __future__ import annotations

from typing import Any


class LedgerError(Exception):
    """Base of the ledger core's errors."""


# --- the node ---------------------------------------------------------------------------------------
class RpcError(LedgerError):
    """The node answered with a JSON-RPC error object."""

    def __init__(self, method: str, code: int | None, message: str, data: Any = None) -> None:
        super().__init__(f"{method}: {message}")
        self.method, self.code, self.message, self.data = method, code, message, data

    def revert_data(self) -> str | None:
        """The revert payload when the node reports an execution revert, else None. Nodes put it
        in `data` as a hex string (geth, anvil, Besu) or inside an object (ganache: `result`)."""
        data = self.data
        if isinstance(data, dict):
            data = data.get("result") or data.get("data")
        if isinstance(data, str) and data.startswith("0x"):
            return data
        return None

    def is_revert(self) -> bool:
        return self.revert_data() is not None or "revert" in self.message.lower()


class RpcUnavailable(LedgerError, ConnectionError):
    """The node could not be reached or did not answer in time (a transient failure: retried)."""


# --- what the contracts refuse ------------------------------------------------------------------------
class ChainRevert(LedgerError):
    """A call or transaction reverted with `error` (a custom error name, or Error/Panic) and its
    named `params`."""

    def __init__(self, error: str, params: dict[str, Any] | None = None, data: str = "") -> None:
        self.error, self.params, self.data = error, params or {}, data
        super().__init__(f"{error}({', '.join(f'{k}={v}' for k, v in self.params.items())})")


class CalldataError(LedgerError, ValueError):
    """An argument does not fit the function's ABI."""


# --- signing ------------------------------------------------------------------------------------------
class SignerUnavailable(LedgerError):
    """No usable signing key for an actor (not configured, or its keystore does not open)."""


# --- transactions -------------------------------------------------------------------------------------
class TransactionFailed(LedgerError):
    """The node refused the transaction or it was mined and reverted."""

    def __init__(self, message: str, tx_hash: str | None = None) -> None:
        super().__init__(message)
        self.tx_hash = tx_hash


class TransactionRefused(TransactionFailed):
    """The node refused these bytes and does not hold them: they can never be mined (the record is
    marked rejected and its nonce freed)."""


class SignedTransactionRefused(TransactionRefused):
    """The node refused a transaction its signer signed and handed over to be relayed (for example
    its nonce is used or its sender cannot pay the gas): only the signer can mend it."""


class ReceiptTimeout(TransactionFailed):
    """No receipt (or not enough confirmations) within the receipt timeout: it may still be mined."""


# --- the idempotent write path ------------------------------------------------------------------------
class IdempotencyKeyRequired(LedgerError):
    """A write came without a usable Idempotency-Key."""


class IdempotencyKeyReused(LedgerError):
    """The key was first used for a different request."""


class ClaimLost(LedgerError):
    """Another request with the key took the claim over (this attempt looked dead to it): this
    attempt must not record a transaction; raised inside the recording database transaction, so
    nothing it signed is kept or sent."""


class RequestInProgress(LedgerError):
    """The first request with this key has not finished (or failed before sending): retry later."""

    def __init__(self, message: str = "", retry_after: int = 2) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WritesBusy(LedgerError):
    """Every write slot is taken (writes waiting for their receipts): this write was refused before
    anything was claimed or sent; retry later (any key)."""

    def __init__(self, capacity: int, retry_after: int = 2) -> None:
        super().__init__(f"all {capacity} write slots are busy; retry in {retry_after} s")
        self.capacity, self.retry_after = capacity, retry_after


class TransactionPending(TransactionFailed):
    """Sent, but its outcome is not known or not recorded yet (no receipt within the receipt
    timeout, or the database or the node failed after sending): the key stays with the transaction
    and a retry with it waits for the same transaction, never sending another."""


class TransactionReverted(TransactionFailed):
    """Mined, and reverted."""


class StoredFailure(LedgerError):
    """A retry of a write whose first attempt failed: the stored status, code and detail."""

    def __init__(self, status: int, code: str, detail: str | None) -> None:
        super().__init__(detail or code)
        self.status, self.code, self.detail = status, code, detail
