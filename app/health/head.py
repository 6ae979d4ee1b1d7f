"""The chain's latest block for /health, without FastAPI's threadpool and without a node call per
request.

/health is what a load balancer and an operator ask when the gateway is busy, so it must not
queue behind anything: the route is `async` and asks this object, which answers from memory for
`max_age` seconds (one node call per second at most, however many ask) and otherwise makes one
`eth_getBlockByNumber` on a thread of its own, shared by every request arriving meanwhile and given
up after `timeout` seconds (the node then counts as unreachable for that answer). It asks the node pool
(app/ledger/nodes.py) with the same short timeout per node, so a stuck node never holds it for long."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from app.ledger.nodes import NodePool

MAX_AGE_SECONDS = 1.0
TIMEOUT_SECONDS = 2.0


Head = dict  # {"number": int, "timestamp": int}, read as web3's block was


class ChainHead:
    def __init__(
        self, nodes: NodePool, max_age: float = MAX_AGE_SECONDS, timeout: float = TIMEOUT_SECONDS
    ) -> None:
        self.max_age, self.timeout = max_age, timeout
        self._nodes = nodes
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="health-head")
        self._known: tuple[float, Head] | None = None
        self._asking: asyncio.Future[Head] | None = None

    def _ask(self) -> Head:
        block = self._nodes.call("eth_getBlockByNumber", ["latest", False], timeout=self.timeout)
        return {"number": int(block["number"], 16), "timestamp": int(block["timestamp"], 16)}

    async def latest(self) -> Head:
        """The latest block as of at most `max_age` seconds ago; raises (TimeoutError, RpcUnavailable,
        RpcError, ...) when the node cannot tell within `timeout` seconds."""
        known = self._known
        if known is not None and time.monotonic() - known[0] < self.max_age:
            return known[1]
        loop = asyncio.get_running_loop()
        if self._asking is None or self._asking.done() or self._asking.get_loop() is not loop:
            self._asking = loop.run_in_executor(self._thread, self._ask)
            self._asking.add_done_callback(self._keep)
        return await asyncio.wait_for(asyncio.shield(self._asking), self.timeout)

    def _keep(self, asked: asyncio.Future[Head]) -> None:
        if not asked.cancelled() and asked.exception() is None:
            self._known = (time.monotonic(), asked.result())

    def close(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)
