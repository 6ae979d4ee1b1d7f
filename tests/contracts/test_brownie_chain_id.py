"""Contract calls do not ask the node for its chain id each time (toolchain/brownie_chain_id.py):
web3's validation still checks every call's chain id, against the one answer the connection
cached."""

from __future__ import annotations

from collections import Counter

import pytest
from brownie import web3
from brownie.network.web3 import Web3

from toolchain import brownie_chain_id


@pytest.fixture
def requests_sent(monkeypatch):
    """The JSON-RPC methods that reach the node, counted."""
    sent: Counter = Counter()
    send = web3.provider._make_request

    def counting(method, request_data):
        sent[method] += 1
        return send(method, request_data)

    monkeypatch.setattr(web3.provider, "_make_request", counting)
    return sent


def test_twenty_calls_ask_for_the_chain_id_at_most_once(directory, requests_sent):
    for _ in range(20):
        directory.isAgency(1001)
    assert requests_sent["eth_call"] == 20
    assert requests_sent["eth_chainId"] <= 1


def test_without_the_cache_each_call_asks_for_the_chain_id(directory, requests_sent):
    # The measurement the module exists for: without the cache every call sends eth_chainId
    # (twice, with brownie's middlewares, on anvil 1.7).
    web3.provider.cache_allowed_requests = False
    try:
        for _ in range(5):
            directory.isAgency(1001)
    finally:
        web3.provider.cache_allowed_requests = True
    assert requests_sent["eth_call"] == 5
    assert requests_sent["eth_chainId"] >= 5


def test_a_new_connection_caches_its_chain_id_too():
    assert hasattr(Web3.connect, "original")
    brownie_chain_id.install()  # installing again keeps one wrapper
    assert not hasattr(Web3.connect.original, "original")
    assert web3.provider.cacheable_requests == brownie_chain_id.CACHED
