"""JSON-RPC to the replay's own anvil: single calls and batches over one keep-alive session."""

from __future__ import annotations

from typing import Any

import requests


class RpcError(Exception):
    """The node answered a call with an error object."""


class Rpc:
    def __init__(self, url: str, timeout: float = 600.0) -> None:
        self.url = url
        self.timeout = timeout
        self.session = requests.Session()

    def call(self, method: str, params: list | None = None) -> Any:
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}
        payload = self.session.post(self.url, json=body, timeout=self.timeout).json()
        if "error" in payload:
            raise RpcError(f"{method}: {payload['error']}")
        return payload["result"]

    def batch(self, calls: list[tuple[str, list]], size: int = 500, max_bytes: int = 1_500_000) -> list[Any]:
        """The results of `calls` in order, sent at most `size` (and about `max_bytes`) to a batch."""
        results: list[Any] = []
        for chunk in _chunks(calls, size, max_bytes):
            body = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(chunk)]
            answers = self.session.post(self.url, json=body, timeout=self.timeout).json()
            if not isinstance(answers, list):
                raise RpcError(f"batch of {len(chunk)} {chunk[0][0]}: {answers}")
            for (method, _), answer in zip(chunk, sorted(answers, key=_id), strict=True):
                if "error" in answer:
                    raise RpcError(f"{method}: {answer['error']}")
                results.append(answer["result"])
        return results

    def close(self) -> None:
        self.session.close()


def _id(answer: dict) -> int:
    return answer["id"]


def _chunks(calls: list[tuple[str, list]], size: int, max_bytes: int) -> list[list[tuple[str, list]]]:
    chunks: list[list[tuple[str, list]]] = [[]]
    weight = 0
    for call in calls:
        heavy = len(str(call[1]))
        if chunks[-1] and (len(chunks[-1]) == size or weight + heavy > max_bytes):
            chunks.append([])
            weight = 0
        chunks[-1].append(call)
        weight += heavy
    return chunks if chunks[0] else []
