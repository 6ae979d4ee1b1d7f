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
import shutil
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
