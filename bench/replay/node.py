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

    def batch(self, calls: list[tuple[str, list]], size: int = 500) -> list[Any]:
        """The results of `calls` in order, sent `size` to a JSON-RPC batch."""
        results: list[Any] = []
        for start in range(0, len(calls), size):
            chunk = calls[start : start + size]
            body = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(chunk)]
            answers = sorted(self.session.post(self.url, json=body, timeout=self.timeout).json(), key=_id)
            for (method, _), answer in zip(chunk, answers, strict=True):
                if "error" in answer:
                    raise RpcError(f"{method}: {answer['error']}")
                results.append(answer["result"])
        return results

    def close(self) -> None:
        self.session.close()


def _id(answer: dict) -> int:
    return answer["id"]
