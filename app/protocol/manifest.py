"""The deployment manifest (`deployments/<chain-id>.json`): what was deployed where, with which
compiler, from which commit. Written by scripts/deploy.py, read by the gateway and the tools.

A contract replaced by a successor (docs/decisions/0024-upgrades.md) keeps its history under its
name: the entry describes the version the gateway writes to, and `versions` lists every version,
oldest first, each `current`, `frozen` (with the block of its freeze) or `pending` (deployed, its
committee act not yet executed). The indexer follows every version; writes go to the current one."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
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


CURRENT, FROZEN, PENDING = "current", "frozen", "pending"


@dataclass(frozen=True)
class DeployedContract:
    name: str
    address: str
    block_number: int
    abi: list[dict[str, Any]]
    version: int = 1
    status: str = CURRENT
    frozen_block: int | None = None


@dataclass(frozen=True)
class Manifest:
    chain_id: int
    network: str
    contracts: dict[str, DeployedContract]
    raw: dict[str, Any]
    versions: dict[str, tuple[DeployedContract, ...]] = field(default_factory=dict)

    def address(self, name: str) -> str:
        return self.contracts[name].address

    def versions_of(self, name: str) -> tuple[DeployedContract, ...]:
        """Every version of contract `name`, oldest first (one for a contract never replaced)."""
        return self.versions.get(name) or (self.contracts[name],)

    def readable(self, name: str) -> tuple[DeployedContract, ...]:
        """The versions whose state the gateway reads, newest first: the current one, then the
        frozen ones (a pending version holds nothing yet)."""
        return tuple(v for v in reversed(self.versions_of(name)) if v.status != PENDING)

    def followed(self) -> tuple[DeployedContract, ...]:
        """Every deployed version of every contract: the indexer follows all of their events."""
        return tuple(v for name in self.contracts for v in self.versions_of(name))

    def version_at(self, address: str) -> DeployedContract | None:
        address = address.lower()
        return next((v for v in self.followed() if v.address.lower() == address), None)

    @property
    def first_block(self) -> int:
        return min((c.block_number for c in self.followed()), default=0)


def load_manifest(path: Path | str, expected_chain_id: int | None = None) -> Manifest:
    path = Path(path)
    if not path.exists():
        raise ManifestError(
            f"no deployment manifest at {path}: deploy first (`make run` does it locally, "
            "`python -m toolchain.deploy --network <name>` elsewhere)"
        )
    try:
        raw = json.loads(path.read_text())
        contracts, versions = {}, {}
        for name, entry in raw["contracts"].items():
            contracts[name] = DeployedContract(
                name, entry["address"], int(entry["blockNumber"]), entry["abi"], int(entry.get("version", 1))
            )
            if "versions" in entry:
                versions[name] = tuple(_version(name, v) for v in entry["versions"])
        chain_id = int(raw["chainId"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ManifestError(f"deployment manifest {path} is not valid ({exc}); deploy again") from None
    if expected_chain_id is not None and chain_id != expected_chain_id:
        raise ManifestError(
            f"manifest {path} is for chain {chain_id} but the node reports chain {expected_chain_id}; "
            "point TERANG_RPC_URL at the right node or TERANG_MANIFEST at the right manifest"
        )
    return Manifest(
        chain_id=chain_id, network=raw.get("network", ""), contracts=contracts, raw=raw, versions=versions
    )


def _version(name: str, entry: dict[str, Any]) -> DeployedContract:
    status = entry["status"]
    if status not in (CURRENT, FROZEN, PENDING):
        raise ValueError(f"{name} version {entry.get('version')} has unknown status {status!r}")
    frozen = entry.get("frozenBlock")
    return DeployedContract(
        name,
        entry["address"],
        int(entry["blockNumber"]),
        entry["abi"],
        int(entry["version"]),
        status,
        int(frozen) if frozen is not None else None,
    )


_VERSION_FIELDS = ("address", "blockNumber", "transactionHash", "abi", "artifact")


def record_pending(raw: dict[str, Any], name: str, deployed: dict[str, Any]) -> dict[str, Any]:
    """The manifest with a successor of contract `name` deployed (`deployed`: address, blockNumber,
    transactionHash, abi, artifact) and awaiting its committee act; writes still go to the current."""
    entry = raw["contracts"][name]
    versions = entry.get("versions") or [
        {
            "version": int(entry.get("version", 1)),
            "status": CURRENT,
            **{k: entry.get(k) for k in _VERSION_FIELDS},
        }
    ]
    if any(v["status"] == PENDING for v in versions):
        raise ManifestError(f"{name} already has a pending version; activate or withdraw it first")
    number = max(int(v["version"]) for v in versions) + 1
    versions = [
        *versions,
        {"version": number, "status": PENDING, **{k: deployed.get(k) for k in _VERSION_FIELDS}},
    ]
    return {**raw, "contracts": {**raw["contracts"], name: {**entry, "versions": versions}}}


def record_activation(raw: dict[str, Any], name: str, frozen_block: int) -> dict[str, Any]:
    """The manifest once the committee act executed (at `frozen_block`): the pending version is the
    current one, the previous current one frozen; the entry now describes the new version."""
    entry = raw["contracts"][name]
    versions = [dict(v) for v in entry.get("versions", [])]
    pending = [v for v in versions if v["status"] == PENDING]
    if not pending:
        raise ManifestError(f"{name} has no pending version to activate; deploy one first")
    for v in versions:
        if v["status"] == CURRENT:
            v["status"], v["frozenBlock"] = FROZEN, frozen_block
    new = pending[0]
    new["status"] = CURRENT
    current = {
        **entry,
        **{k: new[k] for k in _VERSION_FIELDS},
        "version": new["version"],
        "versions": versions,
    }
    return {**raw, "contracts": {**raw["contracts"], name: current}}
