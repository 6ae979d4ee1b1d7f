"""A real local chain for tests of the tooling and the gateway: anvil (or ganache) from node_modules
on a free loopback port, stopped when the test is done."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from toolchain.jsonrpc import rpc
from toolchain.run_local import chain_command, free_port

__all__ = ["anvil", "ganache", "deploy_local", "rpc", "ROOT"]

ROOT = Path(__file__).resolve().parents[2]
ANVIL = ROOT / "node_modules" / ".bin" / "anvil"


@contextlib.contextmanager
def anvil(chain_id: int = 31337, block_time: float | None = None, accounts: int = 24) -> Iterator[str]:
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
    # anvil's own cache folder outlives a chain stopped by a signal (toolchain/run_local.py)
    with (
        tempfile.TemporaryDirectory(prefix="anvil-cache-") as cache,
        _serving([*cmd, "--cache-path", cache], port, "anvil") as url,
    ):
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
    """Deploys the suite to a local chain the way `make run` does (network terang-local).

    A deployment is a brownie process and about a hundred transactions (some ten seconds). The
    first one in this process onto a fresh anvil is kept (`anvil_dumpState`: accounts, storage,
    blocks, receipts and logs) with its manifest; a later one with the same configuration onto
    another fresh anvil with the same accounts gets that state back (`anvil_loadState`) and the
    same manifest: the same blocks, events and addresses as deploying again. Any other chain
    (ganache, or an anvil that has mined already) is deployed to."""
    from toolchain.brownie_artifacts import deploy_local_suite

    key = _fresh_anvil(url, config)
    if key in _DEPLOYED:
        state, manifests, result = _DEPLOYED[key]
        rpc(url, "anvil_loadState", [state])
        manifest_dir.mkdir(parents=True, exist_ok=True)
        for name, text in manifests.items():
            (manifest_dir / name).write_text(text)
        return result
    result = deploy_local_suite(url, manifest_dir, {"TERANG_DEPLOY_CONFIG": str(config)} if config else None)
    if key is not None and result.returncode == 0:
        manifests = {path.name: path.read_text() for path in manifest_dir.glob("*.json")}
        _DEPLOYED[key] = (rpc(url, "anvil_dumpState"), manifests, result)
    return result


_DEPLOYED: dict[tuple, tuple[str, dict[str, str], subprocess.CompletedProcess]] = {}


def _fresh_anvil(url: str, config: Path | None) -> tuple | None:
    """What a deployment onto this chain depends on, if it is an anvil that has mined nothing yet."""
    if not rpc(url, "web3_clientVersion").startswith("anvil") or int(rpc(url, "eth_blockNumber"), 16):
        return None
    settings = (str(config), config.read_bytes()) if config else None
    return rpc(url, "eth_chainId"), tuple(rpc(url, "eth_accounts")), settings
