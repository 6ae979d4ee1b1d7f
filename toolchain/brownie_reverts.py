"""Read a reverted transaction's error by replaying it as a call, not by tracing it.

brownie learns why a transaction reverted from `debug_traceTransaction` with memory enabled, then
expands that trace in Python to find the source line. On ganache (ethereumjs) the trace of one
reverted call to the tender contract costs about half a second, and the contract suite reverts on
purpose a few thousand times: that trace was most of the ganache lane's time.

On a local chain that mines each transaction in its own block, the reason is known without a trace:
a reverted transaction changed no contract state, so the state at the end of its block is the state
it ran in, and an `eth_call` of the same call at that block, stamped with that block's number and
time, reverts with the same data. Both chains answer a reverting `eth_call` with its revert data.

`install()` makes a reverted receipt ask that call first. It keeps brownie's trace whenever the
shortcut does not hold: the transaction shared its block, the node answered without revert data, or
a test asks for the trace itself (`tx.trace`, `tx.events` of a reverted transaction). The error a
test sees names the same custom error with the same arguments
(tests/contracts/test_brownie_reverts.py compares the two paths); only brownie's source excerpt
(the Solidity line printed under the error) is left out.
"""

from __future__ import annotations

import functools

from brownie.exceptions import decode_typed_error
from brownie.network.transaction import TransactionReceipt
from brownie.network.web3 import web3

REPLAYED = "_terang_replayed"


def replay_revert_data(receipt: TransactionReceipt) -> str | None:
    """The revert data of reverted `receipt`, from an `eth_call` of it at its own block, or None when
    that call cannot stand for the transaction."""
    if receipt.status != 0 or receipt.contract_address or receipt.block_number is None:
        return None
    count = web3.provider.make_request("eth_getBlockTransactionCountByNumber", [hex(receipt.block_number)])
    if int(count.get("result") or "0x0", 16) != 1:
        return None  # another transaction in the block may have changed the state it ran in
    call = {
        "from": receipt.sender.address if hasattr(receipt.sender, "address") else str(receipt.sender),
        "to": str(receipt.receiver),
        "data": receipt.input,
        "value": hex(int(receipt.value)),
        "gas": hex(receipt.gas_limit),
    }
    answer = web3.provider.make_request("eth_call", [call, hex(receipt.block_number)])
    data = (answer.get("error") or {}).get("data")
    if isinstance(data, dict):  # some nodes wrap it: {"data": "0x..."} or {"result": "0x..."}
        data = data.get("data") or data.get("result")
    if not isinstance(data, str) or not data.startswith("0x"):
        return None
    return data


def _replaying(get_trace):
    @functools.wraps(get_trace)
    def get_trace_or_replay(self):
        if self._raw_trace is None and self._revert_msg is None and not getattr(self, REPLAYED, False):
            setattr(self, REPLAYED, True)
            data = replay_revert_data(self)
            if data is not None:
                self._revert_msg = decode_typed_error(data) if len(data) > 2 else ""
                self._dev_revert_msg = ""
                return
        return get_trace(self)

    get_trace_or_replay.original = get_trace
    return get_trace_or_replay


def _raising_without_source(raise_if_reverted):
    @functools.wraps(raise_if_reverted)
    def raise_if_reverted_without_trace(self, exc):
        if self.status or self._raw_trace is not None:
            return raise_if_reverted(self, exc)
        if self._revert_msg is None:
            self._get_trace()
        if not getattr(self, REPLAYED, False) or self._raw_trace is not None:
            return raise_if_reverted(self, exc)
        raise exc._with_attr(source="", revert_msg=self._revert_msg, dev_revert_msg=self._dev_revert_msg)

    raise_if_reverted_without_trace.original = raise_if_reverted
    return raise_if_reverted_without_trace


def install() -> None:
    """Replay reverted transactions as calls in this process (once)."""
    if not hasattr(TransactionReceipt._get_trace, "original"):
        TransactionReceipt._get_trace = _replaying(TransactionReceipt._get_trace)
    if not hasattr(TransactionReceipt._raise_if_reverted, "original"):
        TransactionReceipt._raise_if_reverted = _raising_without_source(TransactionReceipt._raise_if_reverted)


def uninstall() -> None:
    """brownie's own trace again (for the test that compares the two)."""
    for name in ("_get_trace", "_raise_if_reverted"):
        patched = getattr(TransactionReceipt, name)
        if hasattr(patched, "original"):
            setattr(TransactionReceipt, name, patched.original)
