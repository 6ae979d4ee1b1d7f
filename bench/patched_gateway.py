"""`python -m app` with the read-path patch the gateway benchmark proposes, applied at start-up (the
committed gateway is not changed): web3 contract objects built once per contract instead of once
per request, and the node's chain id cached by web3 instead of asked before every eth_call and
gas estimate (web3's validation middleware asks for it each time).

    .venv-app/bin/python bench/patched_gateway.py      # same TERANG_* environment as python -m app
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from web3.types import RPCEndpoint  # noqa: E402

import app.__main__ as gateway_main  # noqa: E402
from app.chain import client  # noqa: E402

_build_contract = client.ChainClient.contract
_connect = client.connect


def cached_contract(self: client.ChainClient, name: str):
    cache = self.__dict__.setdefault("_contracts", {})
    if name not in cache:
        cache[name] = _build_contract(self, name)
    return cache[name]


def connect_caching_chain_id(settings):
    chain = _connect(settings)
    chain.web3.provider.cacheable_requests = {RPCEndpoint("eth_chainId")}
    chain.web3.provider.cache_allowed_requests = True
    return chain


client.ChainClient.contract = cached_contract
gateway_main.connect = connect_caching_chain_id

if __name__ == "__main__":
    sys.exit(gateway_main.main())
