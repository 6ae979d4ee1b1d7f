"""The guide to the money rules by version (docs/guides/policy.en.md and .id.md), run the way its
reader runs it: on the system `make run --no-pilot` starts, every ```sh block of the English guide,
in order, in one bash with `set -euo pipefail`, from the repository's root, with only the
environment the guide documents (TERANG_URL, TERANG_RPC_URL). Each block must exit 0, and afterwards
the chain must hold what the guide says: version 2 in force with the lower UMKM reservation ceiling,
version 1 unchanged, and no version with a 20% adendum cap. The Indonesian guide carries the very
same commands."""

from __future__ import annotations

import shutil

import pytest
from web3 import Web3

from app.protocol import policy as policy_rules
from app.protocol.manifest import load_manifest
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, same_commands
from tests.support.local_system import local_system

ENGLISH, INDONESIAN = GUIDES / "policy.en.md", GUIDES / "policy.id.md"


def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(ENGLISH, INDONESIAN)) >= 6


@pytest.mark.parametrize("guide", [ENGLISH, INDONESIAN], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    assert every_fence_is_sh(guide), f"{guide.name}: a fence that is not ```sh"


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the guide's commands need {', '.join(missing)} (Debian packages of the same names)")
    with local_system(tmp_path_factory.mktemp("guide")) as system:
        ran = run_guide(
            ENGLISH,
            {"TERANG_URL": system.gateway_url, "TERANG_RPC_URL": system.chain_url},
            tmp_path_factory.mktemp("script"),
            timeout=300,
        )
        web3 = Web3(Web3.HTTPProvider(system.chain_url))
        manifest = load_manifest(system.manifest)
        registry = web3.eth.contract(
            address=manifest.address("PolicyRegistry"), abi=manifest.contracts["PolicyRegistry"].abi
        )
        yield {"registry": registry, "stdout": ran.stdout, "stderr": ran.stderr}


def test_every_block_runs_and_version_2_is_in_force_with_the_lower_ceiling(walked):
    registry = walked["registry"]
    assert registry.functions.currentVersion().call() == 2
    second = policy_rules.named(registry.functions.policyOf(2).call())
    assert second == {**policy_rules.DEFAULTS, "umkmReservationCeiling": 12_000_000_000}
    assert policy_rules.named(registry.functions.policyOf(1).call()) == policy_rules.DEFAULTS


def test_the_out_of_bounds_version_was_refused_naming_the_chains_answer(walked):
    assert "refused by the chain" in walked["stderr"]
    assert '{"currentVersion":2}' in walked["stdout"]
