"""The pipelined sender: with anvil's automine off, a phase's transactions are all sent (JSON-RPC
batches of eth_sendTransaction; anvil signs for its dev accounts and impersonates the generated
ones, each sender with its own nonce stream), then blocks are mined until the pool is empty, then the
receipts are read back in batches. A reverted transaction stops the replay with its kind named."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bench.replay.node import Rpc


class ReplayError(Exception):
    """The replay could not go on (a transaction reverted, the chain refused)."""


@dataclass(frozen=True)
class Tx:
    kind: str  # what it does, for the per-kind tallies: "commit", "enrol", ...
    sender: str
    to: str
    data: str


@dataclass
class Tally:
    transactions: Counter = field(default_factory=Counter)
    gas: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)
    blocks: int = 0

    def gas_of(self, *kinds: str) -> int:
        return sum(self.gas[k] for k in kinds)

    def count_of(self, *kinds: str) -> int:
        return sum(self.transactions[k] for k in kinds)


class Sender:
    def __init__(self, rpc: Rpc, tally: Tally | None = None) -> None:
        self.rpc = rpc
        self.tally = tally or Tally()
        self.nonces: dict[str, int] = {}  # each sender's next nonce (its own stream)

    def run(self, txs: list[Tx]) -> list[dict]:
        """Sends `txs` (independent of each other, or ordered per sender), mines them; receipts in order."""
        if not txs:
            return []
        self._learn_nonces({t.sender for t in txs} - set(self.nonces))
        calls = []
        for t in txs:
            nonce = self.nonces[t.sender]
            self.nonces[t.sender] = nonce + 1
            calls.append(
                ("eth_sendTransaction", [{"from": t.sender, "to": t.to, "data": t.data, "nonce": hex(nonce)}])
            )
        hashes = self.rpc.batch(calls, size=250)
        self.mine_pending()
        receipts = self.rpc.batch([("eth_getTransactionReceipt", [h]) for h in hashes], size=250)
        for tx, receipt in zip(txs, receipts, strict=True):
            if receipt is None or receipt["status"] != "0x1":
                why = self._why(tx, receipt)
                raise ReplayError(
                    f"a {tx.kind} transaction from {tx.sender} was not mined successfully: {why}"
                )
            self.tally.transactions[tx.kind] += 1
            self.tally.gas[tx.kind] += int(receipt["gasUsed"], 16)
            self.tally.events[tx.kind] += len(receipt["logs"])
        return receipts

    def _why(self, tx: Tx, receipt: dict | None) -> str:
        """The revert, replayed as a call on the state before the transaction's block."""
        if receipt is None:
            return "no receipt"
        before = hex(int(receipt["blockNumber"], 16) - 1)
        call = {"from": tx.sender, "to": tx.to, "data": tx.data, "gas": receipt["gasUsed"]}
        try:
            self.rpc.call("eth_call", [call, before])
        except Exception as exc:  # noqa: BLE001 (only to describe the failure)
            return f"gas used {int(receipt['gasUsed'], 16):,}; {exc}"[:600]
        return f"gas used {int(receipt['gasUsed'], 16):,}; the call succeeds alone (out of gas, or order)"

    def _learn_nonces(self, senders: set[str]) -> None:
        ordered = sorted(senders)
        counts = self.rpc.batch([("eth_getTransactionCount", [s, "pending"]) for s in ordered])
        self.nonces.update({s: int(c, 16) for s, c in zip(ordered, counts, strict=True)})

    def forget_nonces(self) -> None:
        """After transactions sent by someone else (e.g. web3 while automine was on)."""
        self.nonces.clear()

    def one(self, tx: Tx) -> dict:
        return self.run([tx])[0]

    def mine_pending(self) -> None:
        while int(self.rpc.call("txpool_status")["pending"], 16) > 0:
            self.rpc.call("evm_mine")
            self.tally.blocks += 1

    def now(self) -> int:
        return int(self.rpc.call("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

    def travel_to(self, timestamp: int) -> None:
        """Time travel: the next block is mined at `timestamp` (or one second on, if that is past)."""
        self.rpc.call("evm_setNextBlockTimestamp", [max(int(timestamp), self.now() + 1)])
        self.rpc.call("evm_mine")
        self.tally.blocks += 1
