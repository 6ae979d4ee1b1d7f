"""The manifest's version history of a replaced contract (docs/decisions/0024-upgrades.md): a
successor is recorded pending, then current once the committee's act executed, its predecessor
frozen at the block of the freeze; readers get the current entry, the indexer every version."""

from __future__ import annotations

import json

import pytest

from app.protocol.manifest import ManifestError, load_manifest, record_activation, record_pending

OLD, NEW, HUB = "0x" + "11" * 20, "0x" + "22" * 20, "0x" + "33" * 20
EVENT = {"type": "event", "name": "EscrowCreated", "inputs": [], "anonymous": False}


def _raw() -> dict:
    entry = {"address": OLD, "blockNumber": 5, "transactionHash": "0x01", "abi": [EVENT], "artifact": "a"}
    hub = {"address": HUB, "blockNumber": 1, "transactionHash": "0x02", "abi": [], "artifact": "h"}
    return {"chainId": 31337, "network": "t", "contracts": {"AccessHub": hub, "MilestoneEscrow": entry}}


def _load(raw, tmp_path):
    path = tmp_path / "31337.json"
    path.write_text(json.dumps(raw))
    return load_manifest(path)


def _deployed(address=NEW, block=40):
    return {
        "address": address,
        "blockNumber": block,
        "transactionHash": "0x03",
        "abi": [EVENT],
        "artifact": "a",
    }


def test_a_manifest_without_versions_reads_as_version_one(tmp_path):
    manifest = _load(_raw(), tmp_path)
    (only,) = manifest.versions_of("MilestoneEscrow")
    assert (only.version, only.status, only.address) == (1, "current", OLD)
    assert {c.address for c in manifest.followed()} == {OLD, HUB}


def test_a_pending_successor_is_followed_but_not_written_to(tmp_path):
    manifest = _load(record_pending(_raw(), "MilestoneEscrow", _deployed()), tmp_path)
    assert manifest.address("MilestoneEscrow") == OLD
    assert [v.status for v in manifest.versions_of("MilestoneEscrow")] == ["current", "pending"]
    assert NEW in {c.address for c in manifest.followed()}
    assert [v.address for v in manifest.readable("MilestoneEscrow")] == [OLD]


def test_activation_makes_the_successor_current_and_freezes_the_predecessor(tmp_path):
    raw = record_activation(record_pending(_raw(), "MilestoneEscrow", _deployed()), "MilestoneEscrow", 42)
    manifest = _load(raw, tmp_path)
    assert manifest.address("MilestoneEscrow") == NEW
    assert manifest.contracts["MilestoneEscrow"].version == 2
    old, new = manifest.versions_of("MilestoneEscrow")
    assert (old.status, old.frozen_block, new.status) == ("frozen", 42, "current")
    assert [v.address for v in manifest.readable("MilestoneEscrow")] == [NEW, OLD]
    assert manifest.version_at(OLD.upper().replace("0X", "0x")).version == 1


def test_a_third_version_freezes_the_second(tmp_path):
    raw = record_activation(record_pending(_raw(), "MilestoneEscrow", _deployed()), "MilestoneEscrow", 42)
    third = "0x" + "44" * 20
    raw = record_activation(
        record_pending(raw, "MilestoneEscrow", _deployed(third, 50)), "MilestoneEscrow", 60
    )
    versions = _load(raw, tmp_path).versions_of("MilestoneEscrow")
    assert [(v.version, v.status, v.frozen_block) for v in versions] == [
        (1, "frozen", 42),
        (2, "frozen", 60),
        (3, "current", None),
    ]


def test_a_second_pending_version_is_refused():
    raw = record_pending(_raw(), "MilestoneEscrow", _deployed())
    with pytest.raises(ManifestError, match="already has a pending version"):
        record_pending(raw, "MilestoneEscrow", _deployed("0x" + "55" * 20))


def test_activation_without_a_pending_version_is_refused():
    with pytest.raises(ManifestError, match="no pending version"):
        record_activation(_raw(), "MilestoneEscrow", 10)


def test_an_unknown_version_status_makes_the_manifest_invalid(tmp_path):
    raw = record_pending(_raw(), "MilestoneEscrow", _deployed())
    raw["contracts"]["MilestoneEscrow"]["versions"][1]["status"] = "maybe"
    with pytest.raises(ManifestError, match="not valid"):
        _load(raw, tmp_path)
