"""Helpers the REST story tests share: the local chain's clock and a fresh Idempotency-Key."""

from __future__ import annotations

import uuid

from tests.support.localchain import rpc


def key() -> dict:
    """A header with a fresh Idempotency-Key: every write the tests send takes one."""
    return {"Idempotency-Key": str(uuid.uuid4())}


def now(chain_url: str) -> int:
    """The latest block's timestamp (UTC seconds): the contracts' clock, not the machine's."""
    return int(rpc(chain_url, "eth_getBlockByNumber", ["latest", False])["timestamp"], 16)


def travel_to(chain_url: str, timestamp: int) -> None:
    """Mines a block at `timestamp` (a local chain only), so deadlines pass without waiting."""
    rpc(chain_url, "evm_setNextBlockTimestamp", [timestamp])
    rpc(chain_url, "evm_mine")
