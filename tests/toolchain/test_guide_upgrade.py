"""The upgrade guide (docs/guides/upgrade.en.md and .id.md), run the way its reader runs it: every
```sh block of the English guide, in order, in one bash with `set -euo pipefail`, from the
repository's root, on a local chain with history (a tender contracted on MilestoneEscrow version 1),
with only the environment the guide documents (TERANG_RPC_URL, TERANG_MANIFEST). Afterwards the
chain and the manifest must hold what the guide says: version 1 closed at the hub and paused, version
2 wired and current, the contract signed before the upgrade still readable on version 1."""

from __future__ import annotations

import shutil

import pytest
from web3 import Web3

from app.protocol.manifest import load_manifest
from app.protocol.upgrades import selectors
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, same_commands
from tests.support.localchain import anvil, deploy_local
from tests.support.tender_scenario import DAY, Scenario

ENGLISH, INDONESIAN = GUIDES / "upgrade.en.md", GUIDES / "upgrade.id.md"
OCID = "ocds-terang-1001-guide-upgrade"


def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(ENGLISH, INDONESIAN)) == 4


@pytest.mark.parametrize("guide", [ENGLISH, INDONESIAN], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    assert every_fence_is_sh(guide), f"{guide.name}: a fence that is not ```sh"


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    missing = [tool for tool in ("bash", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the guide's commands need {', '.join(missing)} (Debian packages of the same names)")
    folder = tmp_path_factory.mktemp("guide-upgrade")
    with anvil() as url:
        result = deploy_local(url, folder)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        manifest_file = folder / "31337.json"
        scenario = Scenario(url, load_manifest(manifest_file))
        run = scenario.tender(OCID, {16: 1_850_000_000, 17: 1_790_000_000})
        value, now, accounts = run.prices[run.winner], scenario.now(), scenario.accounts
        terms = (value // 10, b"\x01" * 32, b"\x02" * 32, 500, 1000, 500, 7 * DAY, 2, accounts[8:11], False)
        milestones = [(value, 0, now + 30 * DAY, b"\x03" * 32)]
        v1 = scenario.contract("MilestoneEscrow")
        scenario.send(v1.functions.createEscrow(run.tender_id, terms, milestones), 4)

        run_guide(
            ENGLISH, {"TERANG_RPC_URL": url, "TERANG_MANIFEST": str(manifest_file)}, folder, timeout=300
        )
        yield {"scenario": scenario, "v1": v1, "manifest": load_manifest(manifest_file), "run": run}


def test_the_guide_freezes_version_one_and_makes_version_two_current(walked):
    scenario, v1, manifest = walked["scenario"], walked["v1"], walked["manifest"]
    old, new = manifest.versions_of("MilestoneEscrow")
    assert (old.address, old.status, new.status) == (v1.address, "frozen", "current")
    assert manifest.address("MilestoneEscrow") == new.address != v1.address
    assert scenario.hub.functions.isTargetClosed(v1.address).call()
    assert v1.functions.paused().call()
    v2 = scenario.w3.eth.contract(address=Web3.to_checksum_address(new.address), abi=new.abi)
    assert v2.functions.predecessor().call() == v1.address
    selector = selectors(new.abi)["createEscrow"]
    assert scenario.hub.functions.getTargetFunctionRole(new.address, selector).call() == 3  # AGENCY_OFFICER


def test_the_contract_signed_before_the_guide_stays_on_version_one(walked):
    v1, run = walked["v1"], walked["run"]
    assert v1.functions.getEscrow(run.tender_id).call()[0] == run.winner  # supplierId
