"""The few JSON-RPC calls the indexer makes, over one kept-alive HTTP connection.

Plain JSON-RPC rather than web3.py: catch-up moves tens of thousands of logs per request, and
web3's per-field result formatting would cost more than decoding and storing them."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from app.ledger.nodes import NodePool
from app.ledger.tls import tls_context


class NodeError(Exception):
    """The node answered with a JSON-RPC error or could not be reached."""


class RangeTooLarge(NodeError):
    """The node refused an eth_getLogs range as too large (or timed out on it), or its answer was
    larger than the caller would hold: ask for less. `size` is the answer's length in bytes when
    the node said it (Content-Length), else None."""

    def __init__(self, message: str, size: int | None = None) -> None:
        super().__init__(message)
        self.size = size


# Phrases nodes use when a log query is too wide (geth, Besu, anvil, Erigon, hosted providers).
_TOO_LARGE = ("more than", "too many", "limit", "range", "exceed", "timeout", "too large", "response size")


@dataclass(frozen=True)
class Header:
    number: int
    hash: str
    parent_hash: str
    timestamp: int


class Node:
    """`nodes`: one URL, or the node pool (app/ledger/nodes.py), whose order each call follows: a node
    that cannot be reached, or answers with an HTTP error, is reported to the pool and the next is
    asked."""

    def __init__(self, nodes: str | NodePool, timeout: float = 30.0) -> None:
        self._http = httpx.Client(
            timeout=timeout, headers={"Content-Type": "application/json"}, verify=tls_context()
        )
        self._pool = nodes if isinstance(nodes, NodePool) else None
        self._url = nodes if isinstance(nodes, str) else ""
        self._ids = itertools.count(1)

    def _targets(self) -> list[tuple[str, str]]:
        return self._pool.urls() if self._pool is not None else [("node", self._url)]

    def _post(self, method: str, request: Any, max_bytes: int | None) -> bytearray:
        """The answer's body from the first node that gives one."""
        failures: list[str] = []
        for name, url in self._targets():
            try:
                with self._http.stream("POST", url, json=request) as response:
                    if response.status_code >= 500 or response.status_code in (401, 403, 404, 408, 429):
                        raise httpx.HTTPStatusError(
                            f"HTTP {response.status_code}", request=response.request, response=response
                        )
                    return _read(response, max_bytes)
            except httpx.TimeoutException as exc:
                if method == "eth_getLogs":  # the range may be too wide for any node: ask for less
                    raise RangeTooLarge(f"{method} timed out") from exc
                failures.append(f"{name}: timed out")
            except httpx.HTTPError as exc:
                failures.append(f"{name}: {type(exc).__name__}")
            if self._pool is not None:
                self._pool.report_failure(name, failures[-1].split(": ", 1)[1])
        raise NodeError(f"{method}: no node answered ({'; '.join(failures)})")

    def close(self) -> None:
        self._http.close()

    def call(self, method: str, params: list[Any] | None = None, max_bytes: int | None = None) -> Any:
        """One call. With `max_bytes`, an answer longer than that is dropped unread (RangeTooLarge)
        before it is parsed."""
        request = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params or []}
        return _result(method, json.loads(self._post(method, request, max_bytes)))

    def batch(self, calls: Iterable[tuple[str, list[Any]]]) -> list[Any]:
        """Several calls in one JSON-RPC batch; results in the order of `calls`."""
        requests = [
            {"jsonrpc": "2.0", "id": i, "method": method, "params": params}
            for i, (method, params) in enumerate(calls)
        ]
        if not requests:
            return []
        answers = json.loads(self._post("batch", requests, None))
        by_id = {answer["id"]: answer for answer in answers}
        results = []
        for i in range(len(requests)):
            answer = by_id.get(i, {"error": {"message": "missing from batch answer"}})
            if "error" in answer:
                raise NodeError(f"{requests[i]['method']}: {answer['error'].get('message')}")
            results.append(answer["result"])
        return results

    def chain_id(self) -> int:
        return int(self.call("eth_chainId"), 16)

    def head(self) -> int:
        return int(self.call("eth_blockNumber"), 16)

    def header(self, number: int) -> Header | None:
        """The block at `number`, or None when the chain is not that long (any more)."""
        return _header(self.call("eth_getBlockByNumber", [hex(number), False]))

    def headers(self, numbers: Iterable[int]) -> dict[int, Header | None]:
        numbers = list(numbers)
        blocks = self.batch(("eth_getBlockByNumber", [hex(n), False]) for n in numbers)
        return {n: _header(block) for n, block in zip(numbers, blocks, strict=True)}

    def logs(
        self, first: int, last: int, addresses: list[str], max_bytes: int | None = None
    ) -> list[dict[str, Any]]:
        """The logs of blocks first..last; with `max_bytes`, a longer answer is RangeTooLarge, so one
        dense range cannot fill the memory."""
        query = {"fromBlock": hex(first), "toBlock": hex(last), "address": addresses}
        return self.call("eth_getLogs", [query], max_bytes)


def _read(response: httpx.Response, max_bytes: int | None) -> bytearray:
    declared = response.headers.get("content-length")
    if max_bytes is not None and declared is not None and int(declared) > max_bytes:
        raise RangeTooLarge(f"answer of {declared} bytes", size=int(declared))
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if max_bytes is not None and len(body) > max_bytes:
            raise RangeTooLarge(f"answer over {max_bytes} bytes")
    return body


def _result(method: str, body: dict[str, Any]) -> Any:
    if "error" in body:
        message = str(body["error"].get("message", body["error"]))
        if method == "eth_getLogs" and any(p in message.lower() for p in _TOO_LARGE):
            raise RangeTooLarge(message)
        raise NodeError(f"{method}: {message}")
    return body["result"]


def _header(block: dict[str, Any] | None) -> Header | None:
    if block is None:
        return None
    return Header(
        number=int(block["number"], 16),
        hash=block["hash"],
        parent_hash=block["parentHash"],
        timestamp=int(block["timestamp"], 16),
    )
