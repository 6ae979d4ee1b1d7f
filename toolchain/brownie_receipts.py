"""Brownie must not call a mined transaction "dropped" because the node's receipt lags its state.

brownie 1.22 decides that a transaction was dropped when the sender's nonce has moved past it and
no receipt is found, reading the nonce first and the receipt second. anvil (1.7) answers
`eth_sendTransaction` before it mines, and commits a block's state a moment before it stores the
block's receipts: measured here, 8 of 2,000 transfers showed the nonce advanced while
`eth_getTransactionReceipt` still answered null. brownie then raises "Tx dropped without known
replacement" for a transaction that succeeded (seen in CI on a reverting call in
tests/contracts/test_permissions_table.py). A load-balanced RPC endpoint whose replicas lag each
other shows the same thing on a live network.

`install()` keeps brownie's behaviour and adds one step before it gives up: the receipt is asked
for again for up to `patience` seconds; if it appears, the transaction is awaited as brownie
would have awaited it. A transaction that was really dropped or replaced stays dropped (its
receipt never appears), only `patience` later.
"""

from __future__ import annotations

import functools
import time

from brownie.exceptions import TransactionError
from brownie.network.account import _PrivateKeyAccount
from brownie.network.transaction import Status
from brownie.network.web3 import web3
from web3.exceptions import TransactionNotFound

PATIENCE_SECONDS = 3.0
POLL_SECONDS = 0.05


def mined(txid: str, patience: float = PATIENCE_SECONDS) -> bool:
    """Whether the node has (or within `patience` seconds shows) a receipt in a block for `txid`."""
    deadline = time.monotonic() + patience
    while True:
        try:
            receipt = web3.eth.get_transaction_receipt(txid)
        except TransactionNotFound:
            receipt = None
        if receipt is not None and receipt["blockHash"] is not None:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)


def _tolerant(await_confirmation):
    @functools.wraps(await_confirmation)
    def await_confirmation_tolerating_receipt_lag(self, receipt, required_confs, *args, **kwargs):
        try:
            return await_confirmation(self, receipt, required_confs, *args, **kwargs)
        except TransactionError:
            if receipt.status != Status(-2) or not mined(receipt.txid):
                raise
        # brownie's confirmation thread has ended on "dropped"; await the receipt it missed here.
        receipt.status = Status(-1)
        receipt._confirmed.clear()
        receipt._await_confirmation(required_confs=max(required_confs, 1))
        return receipt

    await_confirmation_tolerating_receipt_lag.original = await_confirmation
    return await_confirmation_tolerating_receipt_lag


def install() -> None:
    """Make every brownie account in this process tolerate a receipt that lags the nonce (once)."""
    current = _PrivateKeyAccount._await_confirmation
    if not hasattr(current, "original"):
        _PrivateKeyAccount._await_confirmation = _tolerant(current)


def uninstall() -> None:
    """brownie's own behaviour again (for the test that shows why `install` exists)."""
    current = _PrivateKeyAccount._await_confirmation
    if hasattr(current, "original"):
        _PrivateKeyAccount._await_confirmation = current.original
