"""Several contract reads as one JSON-RPC batch of eth_calls at the latest block, decoded as brownie
decodes a call. For invariants checked after every step of a state machine: one round trip instead
of one per read, the same answers (the node runs each call on the same state)."""

from __future__ import annotations

from typing import Any

import requests
from brownie import web3


def read(*calls: tuple[Any, tuple]) -> list[Any]:
    """`calls`: (a brownie contract method, its arguments) each; their decoded results in order."""
    payload = [
        {
            "jsonrpc": "2.0",
            "id": number,
            "method": "eth_call",
            "params": [{"to": str(method._address), "data": method.encode_input(*args)}, "latest"],
        }
        for number, (method, args) in enumerate(calls)
    ]
    answers = {a["id"]: a for a in requests.post(web3.provider.endpoint_uri, json=payload, timeout=60).json()}
    results = []
    for number, (method, _) in enumerate(calls):
        answer = answers[number]
        if "error" in answer:
            raise AssertionError(f"{method._name} failed: {answer['error']}")
        results.append(method.decode_output(answer["result"]))
    return results
