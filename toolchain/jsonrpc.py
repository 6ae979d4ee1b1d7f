"""A minimal JSON-RPC client (standard library only) for tooling that must not need web3."""

from __future__ import annotations

import json
import urllib.request
from typing import Any


class JsonRpcError(Exception):
    """The node answered with a JSON-RPC error object."""


def rpc(url: str, method: str, params: list | None = None, timeout: float = 5.0) -> Any:
    """Calls `method` at `url`; raises OSError (URLError) when unreachable, JsonRpcError on an error."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an HTTP(S) JSON-RPC URL: {url}")
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked above)
        payload = json.loads(response.read())
    if "error" in payload:
        raise JsonRpcError(payload["error"])
    return payload["result"]
