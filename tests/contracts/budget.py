"""How many random examples the property tests run.

The full count runs on anvil (revm), where the suite's property tests meet their required minimums
(e.g. 200 escrow sequences). On ganache (ethereumjs), a transaction costs about ten times as much
wall-clock, so the same tests run a tenth of the examples there: the second EVM's job is to show
the same bytecode behaves the same, which a smaller random sample still checks, while `make test`
stays within its time budget. TERANG_DEEP=1 runs the deep counts on either chain.
"""

from __future__ import annotations

import os

from brownie._config import CONFIG

DEEP = os.environ.get("TERANG_DEEP") == "1"


def on_ganache() -> bool:
    return "ganache" in (CONFIG.argv["network"] or "")


def examples(ci: int, deep: int | None = None) -> int:
    if DEEP:
        return deep or ci * 10
    return max(10, ci // 10) if on_ganache() else ci
