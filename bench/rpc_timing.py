"""Where a test run's JSON-RPC time goes: a pytest plugin that times every request the run sends
through web3's HTTP provider and writes one line per method (count, total seconds, mean ms),
slowest total first, when the process ends.

    .venv/bin/brownie test tests/contracts --network terang-ganache -p bench.rpc_timing
    RPC_TIMING_OUT=rpc.txt .venv/bin/python -m pytest tests/gateway -p bench.rpc_timing

It is how the contract suite's trace cost was found (docs/decisions/0026-test-suite-time.md).
The table goes to RPC_TIMING_OUT, default rpc-timing.txt in the working directory.
"""

from __future__ import annotations

import atexit
import os
import time
from collections import defaultdict

from web3.providers.rpc import HTTPProvider

_totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
_send = HTTPProvider.make_request


def _timed(self, method, params):
    started = time.perf_counter()
    try:
        return _send(self, method, params)
    finally:
        entry = _totals[method]
        entry[0] += 1
        entry[1] += time.perf_counter() - started


HTTPProvider.make_request = _timed


@atexit.register
def _write() -> None:
    rows = sorted(_totals.items(), key=lambda item: -item[1][1])
    with open(os.environ.get("RPC_TIMING_OUT", "rpc-timing.txt"), "w") as out:
        out.write(f"{'method':35s} {'count':>8s} {'total s':>9s} {'mean ms':>9s}\n")
        for method, (count, seconds) in rows:
            out.write(f"{method:35s} {int(count):8d} {seconds:9.1f} {1000 * seconds / count:9.1f}\n")
