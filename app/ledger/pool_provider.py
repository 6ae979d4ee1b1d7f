"""web3.py's HTTP provider over the node pool: each request goes to the first node that answers.

web3's own encoding, decoding and request cache are kept; only the POST is sent, in turn, to the
pool's nodes in its order (app/ledger/nodes.py), and a node that cannot be reached, times out or
answers with an HTTP error is reported to the pool and the next one is tried."""

from __future__ import annotations

import requests
from web3 import HTTPProvider
from web3.types import RPCEndpoint

from app.ledger.nodes import NodePool


class PoolProvider(HTTPProvider):
    def __init__(self, pool: NodePool, **kwargs) -> None:
        self.pool = pool
        first = pool.urls()[0][1]
        super().__init__(first, exception_retry_configuration=None, **kwargs)

    def __str__(self) -> str:
        return f"node pool of {', '.join(self.pool.names)}"

    def _make_request(self, method: RPCEndpoint, request_data: bytes) -> bytes:
        failures: list[str] = []
        for name, url in self.pool.urls():
            try:
                return self._request_session_manager.make_post_request(
                    url, request_data, **self.get_request_kwargs()
                )
            except requests.RequestException as exc:  # refused, reset, timed out, HTTP 4xx/5xx
                failures.append(f"{name}: {type(exc).__name__}")
                self.pool.report_failure(name, type(exc).__name__)
        raise requests.ConnectionError(f"{method}: no node answered ({'; '.join(failures)})")
