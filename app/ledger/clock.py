"""The chain's clock: what the contracts will take as "now" for a transaction sent now."""

from __future__ import annotations

import time


def chain_now(chain) -> int:
    """When a transaction sent now is mined, near enough: the later of the latest block's time and
    the wall clock (a chain that makes no empty blocks may have a latest block hours old; a local
    chain moved forward by tests runs ahead of the wall clock)."""
    return max(chain.web3.eth.get_block("latest")["timestamp"], int(time.time()))
