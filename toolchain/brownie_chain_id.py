"""Brownie's web3 asks the node for its chain id once per connection, not once per request.

web3.py's validation middleware checks the chain id of every `eth_call`, `eth_estimateGas` and
`eth_sendTransaction` against the node's, and with request caching off (web3 7's default) it asks
the node with `eth_chainId` requests each time (two per call with brownie's middlewares). Profiled
on the escrow state machine (tests/contracts/test_escrow_stateful.py, anvil), those `eth_chainId`
requests were 29% of the test's time. A connection's chain id cannot change while it is open, so
`install()` lets each provider brownie connects cache that one answer (and nothing else: blocks and
receipts change under snapshots and reverts). The gateway's own client does the same
(app/ledger/client.py `connect`).
"""

from __future__ import annotations

import functools

from brownie.network.web3 import Web3, web3
from web3.types import RPCEndpoint

CACHED = {RPCEndpoint("eth_chainId")}


def _cache_chain_id(provider) -> None:
    if provider is not None and hasattr(provider, "cache_allowed_requests"):
        provider.cache_allowed_requests = True
        provider.cacheable_requests = CACHED


def install() -> None:
    """Every provider brownie connects from now on, and the current one, caches its chain id."""
    if hasattr(Web3.connect, "original"):
        _cache_chain_id(web3.provider)
        return
    connect = Web3.connect

    @functools.wraps(connect)
    def connect_caching_chain_id(self, uri: str, timeout: int = 30) -> None:
        connect(self, uri, timeout)
        _cache_chain_id(self.provider)

    connect_caching_chain_id.original = connect
    Web3.connect = connect_caching_chain_id
    _cache_chain_id(web3.provider)
