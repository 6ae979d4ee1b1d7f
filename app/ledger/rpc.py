"""Plain JSON-RPC to the node for the transaction manager's hot path.

Each relayed write makes four node requests (simulate, broadcast, receipt, fee fields now and then).
Through web3.py each one passes its middleware, its request and result formatters and `requests`'
per-call proxy lookup in the environment: 0.94 ms of CPU against 0.14 ms for the same request here
(bench/write_path_parts.py; docs/performance.md, "Write path parts"). The answers used here are few
and flat, so they are read directly; everything else keeps using web3.py. The node's URL is dialled
directly (no proxy).

Thread-safe: each calling thread keeps its own connection."""

from __future__ import annotations

import base64
import http.client
import itertools
import json
import threading
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from app.ledger.errors import RpcError, RpcUnavailable

JSON = {"Content-Type": "application/json"}


def redacted(url: str) -> str:
    """The URL without the user name and password it may carry, for messages and logs."""
    parts = urlsplit(url)
    if not (parts.username or parts.password):
        return url
    host = parts.hostname or ""
    netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class JsonRpc:
    """JSON-RPC over HTTP(S), one kept-alive connection per calling thread (the standard library's
    http.client, no pool manager in between)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) JSON-RPC URL: {redacted(url)!r}")
        self.url, self.timeout = url, timeout
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._headers = dict(JSON)
        if parts.username:  # http://user:secret@node:8545 (kept out of every message)
            credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
            self._headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode()
        self._ids = itertools.count(1)
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            connection = self._local.connection = kind(self._host, self._port, timeout=self.timeout)
        return connection

    def _post(self, method: str, body: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):  # a kept-alive connection the node closed meanwhile: reconnect once
            connection = self._connection()
            try:
                connection.request("POST", self._path, body=body, headers=self._headers)
                response = connection.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                self._local.connection = None
                if attempt == 2 or isinstance(exc, TimeoutError):
                    raise RpcUnavailable(f"{method}: {type(exc).__name__}: {exc}") from None
        raise AssertionError("unreachable")

    def call(self, method: str, params: list[Any] | None = None) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params or []})
        status, data = self._post(method, body.encode())
        if status >= 500 or status in (408, 429):
            raise RpcUnavailable(f"{method}: HTTP {status}")
        try:
            answer = json.loads(data)
        except ValueError:
            if status == 200:  # a garbled answer: asked again
                raise RpcUnavailable(f"{method}: HTTP {status}, not a JSON-RPC answer") from None
            answer = None
        error = answer.get("error") if isinstance(answer, dict) else None
        if error is not None:
            if not isinstance(error, dict):  # a node or proxy that puts a bare message there
                error = {"message": str(error)}
            raise RpcError(method, error.get("code"), str(error.get("message", error)), error.get("data"))
        if status != 200 or not isinstance(answer, dict) or "result" not in answer:
            # e.g. a proxy's 401/403/404 page: never read as a successful answer with no result
            raise RpcError(method, status, f"HTTP {status}, not a JSON-RPC answer")
        return answer["result"]
