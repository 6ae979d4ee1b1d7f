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

It also makes the wait prompt. brownie asks for a receipt, and when the node has none yet it
sleeps a whole second before asking again. On a local chain that mines at once, a transaction
that lands in that gap keeps its sender (and every chain snapshot or revert, which waits for
pending confirmations) idle for a second. `install()` first asks from `POLL_SECONDS` on, less
often each time, for up to `PROMPT_SECONDS`, then hands over to brownie, which then finds the
receipt on its first look (or, on a slow network, keeps its own pace). The same holds for a
transaction that must wait for several confirmations (a live deployment's `required_confs`):
brownie counts them once a second, so each transaction waited at least a second on a chain that
mines every quarter of one. `install()` watches for them from the receipt on, for up to
`CONFIRM_SECONDS`, before brownie counts them and finds them there.
"""

from __future__ import annotations

import functools
import time

from brownie.exceptions import TransactionError
from brownie.network.account import _PrivateKeyAccount
from brownie.network.transaction import Status, TransactionReceipt
from brownie.network.web3 import web3
from web3.exceptions import TransactionNotFound

PATIENCE_SECONDS = 3.0
PROMPT_SECONDS = 2.0
CONFIRM_SECONDS = 5.0
POLL_SECONDS = 0.005


def confirmed(
    txid: str,
    required_confs: int = 1,
    patience: float = PATIENCE_SECONDS,
    poll: float = 0.05,
    backoff: float = 1.0,
) -> bool:
    """Whether the node has (or within `patience` seconds shows) `txid` in a block with
    `required_confs - 1` blocks on top of it (1: in a block at all), asking every `poll` seconds,
    the interval growing by `backoff` up to a tenth of a second."""
    deadline = time.monotonic() + patience
    while True:
        try:
            receipt = web3.eth.get_transaction_receipt(txid)
        except TransactionNotFound:
            receipt = None
        in_block = receipt is not None and receipt["blockHash"] is not None
        if in_block and (
            required_confs <= 1 or web3.eth.block_number - receipt["blockNumber"] >= required_confs - 1
        ):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll)
        poll = min(poll * backoff, 0.1)


def mined(txid: str, patience: float = PATIENCE_SECONDS, poll: float = 0.05, backoff: float = 1.0) -> bool:
    """Whether the node has (or within `patience` seconds shows) a receipt in a block for `txid`."""
    return confirmed(txid, 1, patience, poll, backoff)


def _prompt(await_confirmation):
    @functools.wraps(await_confirmation)
    def await_confirmation_promptly(self, block_number=None, required_confs=1):
        if not block_number:
            in_block = mined(self.txid, patience=PROMPT_SECONDS, poll=POLL_SECONDS, backoff=1.5)
            if in_block and required_confs > 1:
                confirmed(self.txid, required_confs, patience=CONFIRM_SECONDS, backoff=1.5)
        return await_confirmation(self, block_number, required_confs)

    await_confirmation_promptly.original = await_confirmation
    return await_confirmation_promptly


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
    """Make every brownie account in this process tolerate a receipt that lags the nonce, and every
    receipt's wait prompt (once)."""
    current = _PrivateKeyAccount._await_confirmation
    if not hasattr(current, "original"):
        _PrivateKeyAccount._await_confirmation = _tolerant(current)
    waiting = TransactionReceipt._await_confirmation
    if not hasattr(waiting, "original"):
        TransactionReceipt._await_confirmation = _prompt(waiting)


def uninstall() -> None:
    """brownie's own behaviour again (for the test that shows why `install` exists)."""
    current = _PrivateKeyAccount._await_confirmation
    if hasattr(current, "original"):
        _PrivateKeyAccount._await_confirmation = current.original
    waiting = TransactionReceipt._await_confirmation
    if hasattr(waiting, "original"):
        TransactionReceipt._await_confirmation = waiting.original
