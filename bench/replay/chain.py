"""The replay's own anvil: launched on a free loopback port (never an already running chain), its
state dumped on request so a later process can restart the same chain with `anvil --load-state`."""

from __future__ import annotations

import contextlib
import gzip
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.replay.node import Rpc
from toolchain.run_local import free_port

ROOT = Path(__file__).resolve().parents[2]
ANVIL = ROOT / "node_modules" / ".bin" / "anvil"
# The replay's blocks hold ten consortium blocks' worth of gas (30M is a consortium's usual limit;
# the extrapolation in report.py uses 30M and 50M). anvil recomputes the whole state root from
# scratch at every block, about 1.1 ms per 1,000 storage slots (an empty block over a million slots
# takes 1.2 s), so at a tenth of a year, with millions of slots, the block count and not the
# transactions set the replay's time. Gas per unit, which is what is extrapolated, does not depend
# on how transactions are grouped into blocks.
BLOCK_GAS = 300_000_000
ACCOUNTS = 24  # deploy/local.yaml names dev:0 .. dev:23
RICH = hex(10**24)  # wei given to every generated account (officials, suppliers)


@dataclass
class Anvil:
    url: str
    pid: int
    rpc: Rpc


def anvil_command(port: int, load_state: Path | None = None) -> list[str]:
    """How the replay (and a reader of a kept replay) starts anvil: the chain id of deploy/local.yaml's
    local chain, FIFO ordering of the pool, 300M-gas blocks, no base fee, no state history kept."""
    cmd = [str(ANVIL), "--host", "127.0.0.1", "--port", str(port), "--chain-id", "31337"]
    cmd += ["--accounts", str(ACCOUNTS), "--gas-limit", str(BLOCK_GAS), "--order", "fifo", "--silent"]
    # No base fee: full blocks would otherwise raise it past the fee cap of transactions already in
    # the pool, and anvil drops those (a consortium chain runs without a fee market anyway).
    cmd += ["--base-fee", "0"]
    # Only recent states in memory and none on disk: a replay never reads an old block's state (the
    # indexer reads logs and blocks), and a full history cost about 1.4 MiB of memory per tender and
    # tens of GB of state files left behind in ~/.foundry/anvil/tmp.
    cmd += ["--prune-history"]
    if load_state is not None:
        cmd += ["--load-state", str(load_state)]
    return cmd


@contextlib.contextmanager
def own_anvil(load_state: Path | None = None) -> Iterator[Anvil]:
    port = free_port()
    log = os.environ.get("REPLAY_ANVIL_LOG")
    command = anvil_command(port, load_state)
    if log:
        command.remove("--silent")
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(command, start_new_session=True, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    rpc = Rpc(url)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                rpc.call("eth_chainId")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("anvil did not start") from None
                time.sleep(0.2)
        yield Anvil(url, _anvil_pid(process.pid), rpc)
    finally:
        rpc.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def impersonate(rpc: Rpc, addresses: list[str]) -> None:
    """Generated officials and suppliers send through eth_sendTransaction like anvil's own dev
    accounts: anvil impersonates any sender, and each is given ETH for gas."""
    rpc.call("anvil_autoImpersonateAccount", [True])
    rpc.batch([("anvil_setBalance", [a, RICH]) for a in addresses])


def dump_state(rpc: Rpc, path: Path) -> None:
    """The chain's state (accounts, storage, blocks) as `anvil --load-state` reads it."""
    raw = bytes.fromhex(rpc.call("anvil_dumpState")[2:])
    path.write_bytes(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)


def _anvil_pid(launched: int) -> int:
    """node_modules/.bin/anvil is a node wrapper that starts the anvil binary as its child: the
    child's pid, whose memory is the chain's (the wrapper's when no child shows up)."""
    for _ in range(50):
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                name, rest = (entry / "stat").read_text().rsplit(")", 1)
                if int(rest.split()[1]) == launched and name.endswith("(anvil"):
                    return int(entry.name)
        time.sleep(0.1)
    return launched
