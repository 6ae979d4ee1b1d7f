"""The consortium's nodes as one JSON-RPC endpoint: each node checked, calls sent to a healthy one.

A consortium runs one node per member agency (LKPP, Kemenkeu, BPK, KPK). The gateway, the indexer and
the payment bridge are given every node's endpoint (TERANG_RPC_NODES, "name=url" pairs) and keep
working while any healthy one answers.

Health. A prober asks every node, every `probe_seconds`, for its chain id, latest block and peer
count (net_peerCount, where the node tells). A node is *up* when it answers with the expected chain
id, and *healthy* when it is also no more than `max_lag_blocks` behind the best head and agrees with
the majority on the hash of the highest block they all have (a node answering with another history
is an endpoint not to trust: docs/runbooks/node-compromised.*.md).

Calls. `call()` has JsonRpc's interface, so the transaction manager uses the pool unchanged. It tries
the first healthy node in the configured order (one node at a time, so reads and the nonces they
tell are consistent), then the others; a node that fails a call counts as down until the next probe
finds it answering again. A node's JSON-RPC error is an answer, not a failure, and is raised as
such. Writes stay send-once across nodes: the transaction manager records the signed bytes before
broadcasting them, and a node that holds them already (because the first node passed them on before
failing) says so, which the manager reads as sent (app/ledger/txmanager.py)."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from app.ledger.errors import RpcError, RpcUnavailable
from app.ledger.rpc import JsonRpc, redacted

log = logging.getLogger("terang.nodes")

PROBE_TIMEOUT_SECONDS = 2.0


class NodesMisconfigured(ValueError):
    """TERANG_RPC_NODES cannot be read; the message says which entry and why."""


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str


@dataclass(frozen=True)
class NodeState:
    """What the last probe (or the last failed call) found about one node."""

    name: str
    url: str  # without credentials
    up: bool = False
    healthy: bool = False
    chain_id: int | None = None
    head: int | None = None
    head_timestamp: int | None = None
    lag_blocks: int | None = None
    peers: int | None = None
    failovers: int = 0  # calls that left this node for another
    checked_at: float = 0.0  # unix seconds
    since: float = 0.0  # unix seconds when `healthy` last changed
    problem: str | None = None  # why it is not healthy, in a few words (no URL, no credentials)


def parse_endpoints(spec: str) -> list[Endpoint]:
    """ "lkpp=http://10.0.1.5:8545,kemenkeu=https://node.kemenkeu:8545" -> endpoints, in that order
    (a bare URL is named node1, node2, ...)."""
    endpoints: list[Endpoint] = []
    for position, entry in enumerate((e.strip() for e in spec.split(",") if e.strip()), start=1):
        name, _, url = entry.rpartition("=") if "=" in entry.split("://", 1)[0] else ("", "", entry)
        name = name.strip() or f"node{position}"
        url = url.strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise NodesMisconfigured(f"TERANG_RPC_NODES entry {position} ({name}): not an http(s) URL")
        if any(e.name == name for e in endpoints):
            raise NodesMisconfigured(f"TERANG_RPC_NODES: the name {name!r} is given twice")
        endpoints.append(Endpoint(name, url))
    if not endpoints:
        raise NodesMisconfigured("TERANG_RPC_NODES names no node")
    return endpoints


@dataclass
class _Node:
    endpoint: Endpoint
    state: NodeState
    rpcs: dict[float, JsonRpc] = field(default_factory=dict)


class NodePool:
    def __init__(
        self,
        endpoints: list[Endpoint],
        chain_id: int | None = None,
        timeout: float = 10.0,
        max_lag_blocks: int = 5,
        probe_timeout: float = PROBE_TIMEOUT_SECONDS,
    ) -> None:
        self.chain_id, self.timeout, self.max_lag_blocks = chain_id, timeout, max_lag_blocks
        self.probe_timeout = probe_timeout
        self._nodes = [_Node(e, NodeState(e.name, redacted(e.url))) for e in endpoints]
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._probing = ThreadPoolExecutor(max_workers=len(endpoints), thread_name_prefix="node-probe")

    @property
    def url(self) -> str:
        """The endpoint calls go to now (JsonRpc's attribute; for messages)."""
        return redacted(self._ordered()[0].endpoint.url)

    @property
    def names(self) -> list[str]:
        return [n.endpoint.name for n in self._nodes]

    def states(self) -> list[NodeState]:
        with self._lock:
            return [n.state for n in self._nodes]

    def urls(self) -> list[tuple[str, str]]:
        """(name, url) in the order calls should try them: healthy first, then up, then the rest."""
        return [(n.endpoint.name, n.endpoint.url) for n in self._ordered()]

    def _ordered(self) -> list[_Node]:
        with self._lock:
            rank = {id(n): (not n.state.healthy, not n.state.up) for n in self._nodes}
            return sorted(self._nodes, key=lambda n: rank[id(n)])  # stable: configured order within a rank

    def _rpc(self, node: _Node, timeout: float) -> JsonRpc:
        rpc = node.rpcs.get(timeout)
        if rpc is None:
            rpc = node.rpcs.setdefault(timeout, JsonRpc(node.endpoint.url, timeout))
        return rpc

    # --- calls ------------------------------------------------------------------------------------
    def call(self, method: str, params: list[Any] | None = None, timeout: float | None = None) -> Any:
        """One call, on the first node that answers (see the module's notes); RpcUnavailable when
        none does, RpcError when a node answers with an error."""
        failures: list[str] = []
        for node in self._ordered():
            try:
                return self._rpc(node, timeout or self.timeout).call(method, params)
            except RpcUnavailable as exc:
                failures.append(f"{node.endpoint.name}: {exc}")
                self.report_failure(node.endpoint.name, str(exc))
        raise RpcUnavailable(f"{method}: no node answered ({'; '.join(failures)})")

    def report_failure(self, name: str, problem: str) -> None:
        """A call to node `name` failed: it counts as down until a probe finds it answering."""
        with self._lock:
            for node in self._nodes:
                if node.endpoint.name == name:
                    was = node.state
                    node.state = replace(
                        was,
                        up=False,
                        healthy=False,
                        failovers=was.failovers + 1,
                        problem=_short(problem),
                        since=time.time() if was.healthy else was.since,
                    )
                    if was.healthy:
                        log.warning("node %s failed a call, trying the others: %s", name, _short(problem))

    # --- health -----------------------------------------------------------------------------------
    def probe(self) -> list[NodeState]:
        """Ask every node now (in parallel) and update their states."""
        seen = list(self._probing.map(self._ask, self._nodes))
        expected = self.chain_id
        if expected is None:  # the chain most nodes report
            ids = Counter(s["chain_id"] for s in seen if s.get("chain_id") is not None)
            expected = ids.most_common(1)[0][0] if ids else None
        on_chain = [s for s in seen if s.get("chain_id") == expected and s.get("head") is not None]
        best = max((s["head"] for s in on_chain), default=None)
        agreed = self._agreed_hashes(on_chain)
        now = time.time()
        with self._lock:
            for node, found in zip(self._nodes, seen, strict=True):
                problem = found.get("problem")
                up = problem is None and found.get("chain_id") == expected
                if problem is None and not up:
                    problem = f"reports chain {found.get('chain_id')}, expected {expected}"
                lag = best - found["head"] if up and best is not None else None
                if up and lag is not None and lag > self.max_lag_blocks:
                    problem = f"{lag} blocks behind"
                if up and agreed is not None and found.get("common_hash") not in (None, agreed):
                    problem = "another history than the other nodes"
                healthy = up and problem is None
                was = node.state
                node.state = replace(
                    was,
                    up=up,
                    healthy=healthy,
                    chain_id=found.get("chain_id"),
                    head=found.get("head"),
                    head_timestamp=found.get("timestamp"),
                    lag_blocks=lag,
                    peers=found.get("peers"),
                    checked_at=now,
                    since=now if healthy != was.healthy or not was.checked_at else was.since,
                    problem=problem,
                )
                if healthy != was.healthy and was.checked_at:
                    log.warning("node %s is %s", node.endpoint.name, "healthy again" if healthy else problem)
        return self.states()

    def _ask(self, node: _Node) -> dict[str, Any]:
        rpc = self._rpc(node, self.probe_timeout)
        try:
            found: dict[str, Any] = {"chain_id": int(rpc.call("eth_chainId"), 16)}
            block = rpc.call("eth_getBlockByNumber", ["latest", False])
            found["head"], found["timestamp"] = int(block["number"], 16), int(block["timestamp"], 16)
        except (RpcUnavailable, RpcError, KeyError, TypeError, ValueError) as exc:
            return {"problem": _short(str(exc) or type(exc).__name__)}
        try:
            found["peers"] = int(rpc.call("net_peerCount"), 16)
        except (RpcUnavailable, RpcError, TypeError, ValueError):
            found["peers"] = None  # not every node tells (anvil does not serve net_peerCount)
        found["rpc"] = rpc
        return found

    def _agreed_hashes(self, on_chain: list[dict[str, Any]]) -> str | None:
        """The hash most nodes give for the highest block they all have; each node's answer is kept
        in its `common_hash`. None when fewer than two nodes answer."""
        if len(on_chain) < 2:
            return None
        common = min(s["head"] for s in on_chain)
        for found in on_chain:
            try:
                block = found["rpc"].call("eth_getBlockByNumber", [hex(common), False])
                found["common_hash"] = block["hash"] if block else None
            except (RpcUnavailable, RpcError, KeyError, TypeError):
                found["common_hash"] = None
        hashes = Counter(s["common_hash"] for s in on_chain if s.get("common_hash"))
        if not hashes:
            return None
        (top, votes), *rest = hashes.most_common()
        return top if not rest or votes > rest[0][1] else None  # no majority: nobody is singled out

    def start(self, probe_seconds: float) -> NodePool:
        """Probe now, then every `probe_seconds` on a thread of its own (again after stop())."""
        self.probe()
        with self._lock:
            if probe_seconds > 0 and self._thread is None:
                self._stop = threading.Event()
                self._thread = threading.Thread(
                    target=self._run, args=(probe_seconds, self._stop), name="node-prober", daemon=True
                )
                self._thread.start()
        return self

    def _run(self, probe_seconds: float, stop: threading.Event) -> None:
        while not stop.wait(probe_seconds):
            try:
                self.probe()
            except Exception:  # the prober must outlive any surprise; the next round tries again
                log.exception("node probe failed")

    def stop(self) -> None:
        """Stop probing (calls still work, on the states last seen)."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
        if thread is not None:
            thread.join(timeout=5)


def _short(problem: str) -> str:
    """A problem in a few words, with no URL in it (a URL may carry credentials)."""
    words = " ".join(w for w in problem.split() if "://" not in w and "@" not in w)
    return words[:160]


def node_pool(settings, timeout: float | None = None) -> NodePool:
    """The pool of the nodes `settings` name (TERANG_RPC_NODES, else TERANG_RPC_URL), not yet probed."""
    endpoints = parse_endpoints(settings.rpc_nodes or settings.rpc_url)
    return NodePool(
        endpoints,
        chain_id=settings.chain_id,
        timeout=timeout or settings.rpc_timeout_seconds,
        max_lag_blocks=settings.node_max_lag_blocks,
    )
