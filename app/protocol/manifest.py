"""The deployment manifest (`deployments/<chain-id>.json`): what was deployed where, with which
compiler, from which commit. Written by scripts/deploy.py, read by the gateway and the tools."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

MANIFEST_VERSION = 1


class ManifestError(Exception):
    """The manifest is missing, unreadable or for another chain; the message says what to do."""


def manifest_path(directory: Path | str, chain_id: int) -> Path:
    return Path(directory) / f"{chain_id}.json"


def build_manifest(
    *,
    chain_id: int,
    network: str,
    deployer: str,
    contracts: dict[str, dict[str, Any]],
    compiler: dict[str, Any],
    git_commit: str | None,
    config_file: str,
) -> dict[str, Any]:
    return {
        "manifestVersion": MANIFEST_VERSION,
        "chainId": chain_id,
        "network": network,
        "deployedAt": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "deployer": deployer,
        "gitCommit": git_commit,
        "compiler": compiler,
        "config": config_file,
        "contracts": contracts,
    }


@dataclass(frozen=True)
class DeployedContract:
    name: str
    address: str
    block_number: int
    abi: list[dict[str, Any]]


@dataclass(frozen=True)
class Manifest:
    chain_id: int
    network: str
    contracts: dict[str, DeployedContract]
    raw: dict[str, Any]

    def address(self, name: str) -> str:
        return self.contracts[name].address

    @property
    def first_block(self) -> int:
        return min((c.block_number for c in self.contracts.values()), default=0)


def load_manifest(path: Path | str, expected_chain_id: int | None = None) -> Manifest:
    path = Path(path)
    if not path.exists():
        raise ManifestError(
            f"no deployment manifest at {path}: deploy first (`make run` does it locally, "
            "`python -m toolchain.deploy --network <name>` elsewhere)"
        )
    try:
        raw = json.loads(path.read_text())
        contracts = {
            name: DeployedContract(name, entry["address"], int(entry["blockNumber"]), entry["abi"])
            for name, entry in raw["contracts"].items()
        }
        chain_id = int(raw["chainId"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ManifestError(f"deployment manifest {path} is not valid ({exc}); deploy again") from None
    if expected_chain_id is not None and chain_id != expected_chain_id:
        raise ManifestError(
            f"manifest {path} is for chain {chain_id} but the node reports chain {expected_chain_id}; "
            "point TERANG_RPC_URL at the right node or TERANG_MANIFEST at the right manifest"
        )
    return Manifest(chain_id=chain_id, network=raw.get("network", ""), contracts=contracts, raw=raw)
