"""The pipelined sender: with anvil's automine off, a phase's transactions are sent a block's worth
at a time (JSON-RPC batches of eth_sendTransaction; anvil signs for its dev accounts and impersonates
the generated ones, each sender with its own nonce stream) and mined, then the receipts are read back
per block. A reverted transaction stops the replay with its kind named."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bench.replay.chain import BLOCK_GAS
from bench.replay.node import Rpc

# Kinds whose gas varies with their arguments (bidders, milestones): each is estimated. Enrol and
# disburse batches vary less (the share of refusals) and estimating them costs anvil the most.
# Every other kind is sent with half as much again as the most gas its kind has used so far (no
# estimate, which costs anvil several executions per transaction); the first of a kind is estimated.
ESTIMATED = frozenset({"evaluate", "escrow", "programme"})


# anvil's pool takes longer per transaction the more it holds (1,500 pending transfers take 0.46 s
# to send, 5,000 take 3.3 s), so a block's worth of small transactions is capped by count as well.
BLOCK_TXS = 400


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
        self.most_gas: dict[str, int] = {}  # the most gas a transaction of each kind has used

    def run(self, txs: list[Tx]) -> list[dict]:
        """Sends `txs` (independent of each other, or ordered per sender), mines them; receipts in order."""
        if not txs:
            return []
        first = int(self.rpc.call("eth_blockNumber"), 16) + 1  # (automine may be on)
        self._learn_nonces({t.sender for t in txs} - set(self.nonces))
        gas = self._gas(txs)
        hashes: list[str] = []
        for chunk in _blocks(list(range(len(txs))), gas):
            calls = []
            for i in chunk:
                t = txs[i]
                nonce = self.nonces[t.sender]
                self.nonces[t.sender] = nonce + 1
                call = {"from": t.sender, "to": t.to, "data": t.data, "nonce": hex(nonce), "gas": hex(gas[i])}
                calls.append(("eth_sendTransaction", [call]))
            hashes += self.rpc.batch(calls, size=250)
            self.mine_pending()
        last = int(self.rpc.call("eth_blockNumber"), 16)
        mined = self.rpc.batch([("eth_getBlockReceipts", [hex(b)]) for b in range(first, last + 1)], size=20)
        by_hash = {r["transactionHash"]: r for block in mined for r in block}
        receipts = [by_hash.get(h) for h in hashes]
        for tx, receipt, tx_hash in zip(txs, receipts, hashes, strict=True):
            if receipt is None or receipt["status"] != "0x1":
                why = self._why(tx, receipt, tx_hash)
                raise ReplayError(
                    f"a {tx.kind} transaction from {tx.sender} was not mined successfully: {why}"
                )
            used = int(receipt["gasUsed"], 16)
            self.most_gas[tx.kind] = max(self.most_gas.get(tx.kind, 0), used)
            self.tally.transactions[tx.kind] += 1
            self.tally.gas[tx.kind] += used
            self.tally.events[tx.kind] += len(receipt["logs"])
        return receipts

    def _gas(self, txs: list[Tx]) -> list[int]:
        """Each transaction's gas limit: estimated (in one batch) where its kind's gas varies or is not
        known yet, else half as much again as its kind has used at most."""
        gas = [0] * len(txs)
        unknown = [i for i, t in enumerate(txs) if t.kind in ESTIMATED or t.kind not in self.most_gas]
        calls = [
            ("eth_estimateGas", [{"from": txs[i].sender, "to": txs[i].to, "data": txs[i].data}])
            for i in unknown
        ]
        for i, estimate in zip(unknown, self.rpc.batch(calls, size=100), strict=True):
            gas[i] = int(estimate, 16) * 5 // 4 + 20_000
        for i, t in enumerate(txs):
            if not gas[i]:
                gas[i] = self.most_gas[t.kind] * 3 // 2 + 50_000
            gas[i] = min(gas[i], BLOCK_GAS)
        return gas

    def _why(self, tx: Tx, receipt: dict | None, tx_hash: str) -> str:
        """The revert, replayed as a call on the state before the transaction's block."""
        if receipt is None:
            known = self.rpc.call("eth_getTransactionByHash", [tx_hash])
            return f"no receipt for {tx_hash}; pool {self.rpc.call('txpool_status')}; transaction {known}"[
                :1500
            ]
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


def _blocks(order: list[int], gas: list[int]) -> list[list[int]]:
    """The transactions in groups whose gas limits fit one block together, at most BLOCK_TXS to a
    group. anvil is sent one group, then mines it: a transaction that does not fit a block makes
    anvil drop the same sender's next transaction from its pool (seen with pipelined batches), and
    this never lets one miss a block."""
    groups: list[list[int]] = []
    room = 0
    for i in order:
        if not groups or gas[i] > room or len(groups[-1]) == BLOCK_TXS:
            groups.append([])
            room = BLOCK_GAS
        groups[-1].append(i)
        room -= gas[i]
    return groups
