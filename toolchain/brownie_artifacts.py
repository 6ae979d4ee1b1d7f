"""Brownie keeps its own record of live deployments under build/deployments/<chainid>/ and, on
connecting, fails (ContractNotFound) when a recorded contract is gone, as it is on every fresh
local chain. This project's record is the deployment manifest (deployments/<chain-id>.json), so
brownie's is cleared before each deployment, and deployments from several processes of this
checkout (two test lanes, a test beside `make run`) take turns: one could otherwise clear or
write that record while another is connecting."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def clear_brownie_deployments(network_chainid: str | int, build_dir: Path = ROOT / "build") -> None:
    deployments = build_dir / "deployments"
    shutil.rmtree(deployments / str(network_chainid), ignore_errors=True)
    map_file = deployments / "map.json"
    if map_file.exists():
        try:
            mapping = json.loads(map_file.read_text())
        except ValueError:
            mapping = {}
        mapping.pop(str(network_chainid), None)
        map_file.write_text(json.dumps(mapping, indent=2, sort_keys=True))


@contextlib.contextmanager
def deployment_turn(build_dir: Path = ROOT / "build") -> Iterator[None]:
    """Held while clearing brownie's record and running a deployment (an exclusive file lock,
    released when the process ends, however it ends)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with (build_dir / ".deployment.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


LOCAL_CHAIN_ID = 31337  # the chain id of the `terang-local` brownie network


def deploy_local_suite(
    rpc_url: str, manifest_dir: Path, extra_env: dict | None = None
) -> subprocess.CompletedProcess:
    """scripts/deploy.py on the local chain at `rpc_url` (network terang-local), in its turn, with
    brownie's stale record of the local chain cleared first; output captured."""
    env = {
        **os.environ,
        "TERANG_RPC_URL": rpc_url,
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        **(extra_env or {}),
    }
    with deployment_turn():
        clear_brownie_deployments(LOCAL_CHAIN_ID)
        return subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "brownie"),
                "run",
                "scripts/deploy.py",
                "--network",
                "terang-local",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
