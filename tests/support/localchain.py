"""A real local chain for tests of the tooling and the gateway: anvil (or ganache) from node_modules
on a free loopback port, stopped when the test is done."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from toolchain.jsonrpc import rpc
from toolchain.run_local import chain_command, free_port

__all__ = ["anvil", "ganache", "deploy_local", "rpc", "ROOT"]

ROOT = Path(__file__).resolve().parents[2]
ANVIL = ROOT / "node_modules" / ".bin" / "anvil"


@contextlib.contextmanager
def anvil(chain_id: int = 31337, block_time: int | None = None, accounts: int = 24) -> Iterator[str]:
    port = free_port()
    cmd = [
        str(ANVIL),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--chain-id",
        str(chain_id),
        "--accounts",
        str(accounts),
        "--silent",
    ]
    if block_time:
        cmd += ["--block-time", str(block_time)]
    with _serving(cmd, port, "anvil") as url:
        yield url


@contextlib.contextmanager
def ganache() -> Iterator[str]:
    """ganache as `make run CHAIN=ganache` starts it (chain 31337, deterministic accounts)."""
    port = free_port()
    with _serving(chain_command("ganache", port), port, "ganache") as url:
        yield url


@contextlib.contextmanager
def _serving(cmd: list[str], port: int, name: str) -> Iterator[str]:
    process = subprocess.Popen(
        cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                rpc(url, "eth_chainId")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"{name} did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def deploy_local(url: str, manifest_dir: Path, config: Path | None = None) -> subprocess.CompletedProcess:
    """Deploys the suite to a local chain the way `make run` does (network terang-local)."""
    from toolchain.brownie_artifacts import deploy_local_suite

    return deploy_local_suite(url, manifest_dir, {"TERANG_DEPLOY_CONFIG": str(config)} if config else None)
