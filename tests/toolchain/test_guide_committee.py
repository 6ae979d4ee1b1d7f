"""The guide for committee members and guardians (docs/guides/committee-guardian.en.md and .id.md),
run the way its reader runs it: on the system `make run --no-pilot` starts, every ```sh block of the
English guide, in order, in one bash with `set -euo pipefail`, from the repository's root, with only
the environment the guide documents (TERANG_URL, TERANG_RPC_URL, TERANG_TOKENS). Each block must exit
0 (its `refused` lines check that one member, one agency and one guardian are refused), and
afterwards the chain must hold what the guide says: the first unpause vetoed by the BPK official,
the second executed after the LKPP and Kemenkeu officials approved, and the registry running again.
The Indonesian guide carries the very same commands."""

from __future__ import annotations

import re
import shutil

import pytest
from web3 import Web3

from app.protocol import vocabulary
from app.protocol.manifest import load_manifest
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, same_commands
from tests.support.local_system import local_system
from tests.support.localchain import ROOT

ENGLISH, INDONESIAN = GUIDES / "committee-guardian.en.md", GUIDES / "committee-guardian.id.md"
STATE = re.compile(r"^@@guide-state (\d+) (\d+)$", re.M)
STATUS = vocabulary.enum("ICommittee.ProposalStatus")
LKPP, KEMENKEU, BPK = 1, 2, 3  # dev accounts of deploy/local.yaml's committee officials


def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(ENGLISH, INDONESIAN)) >= 10


@pytest.mark.parametrize("guide", [ENGLISH, INDONESIAN], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    assert every_fence_is_sh(guide), f"{guide.name}: a fence that is not ```sh"


def test_the_guide_is_listed_with_the_other_guides():
    index = (ROOT / "docs" / "README.md").read_text()
    assert "guides/committee-guardian.id.md" in index


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with local_system(tmp_path_factory.mktemp("guide")) as running:
        yield running


@pytest.fixture(scope="module")
def walked(system, tmp_path_factory):
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the guide's commands need {', '.join(missing)} (Debian packages of the same names)")
    ran = run_guide(
        ENGLISH,
        {
            "TERANG_URL": system.gateway_url,
            "TERANG_RPC_URL": system.chain_url,
            "TERANG_TOKENS": str(system.state / "dev-tokens.json"),
        },
        tmp_path_factory.mktemp("script"),
        epilogue='echo "@@guide-state $P1 $P2" >&2',
        timeout=300,
    )
    first, second = STATE.search(ran.stderr).groups()
    return {"P1": int(first), "P2": int(second), "stdout": ran.stdout}


@pytest.fixture(scope="module")
def chain(system):
    web3 = Web3(Web3.HTTPProvider(system.chain_url))
    manifest = load_manifest(system.manifest)

    def contract(name):
        return web3.eth.contract(address=manifest.address(name), abi=manifest.contracts[name].abi)

    return web3, contract


def test_the_first_unpause_was_vetoed_by_the_bpk_official_and_never_executed(walked, chain):
    web3, contract = chain
    committee = contract("Committee")
    proposal = committee.functions.getProposal(walked["P1"]).call()
    assert proposal[2] == STATUS.code("Vetoed")
    (veto,) = committee.events.Vetoed().get_logs(argument_filters={"proposalId": walked["P1"]}, from_block=0)
    assert veto["args"]["official"] == web3.eth.accounts[BPK]
    assert not committee.events.Executed().get_logs(
        argument_filters={"proposalId": walked["P1"]}, from_block=0
    )


def test_the_second_unpause_executed_after_two_agencies_and_the_registry_runs(walked, chain):
    web3, contract = chain
    committee = contract("Committee")
    assert committee.functions.getProposal(walked["P2"]).call()[2] == STATUS.code("Executed")
    approvals = committee.events.Approved().get_logs(
        argument_filters={"proposalId": walked["P2"]}, from_block=0
    )
    assert [a["args"]["official"] for a in approvals] == [
        web3.eth.accounts[LKPP],
        web3.eth.accounts[KEMENKEU],
    ]
    assert not contract("TkdnRegistry").functions.paused().call()
    assert '"status":"executed"' in walked["stdout"] and "Unpaused" in walked["stdout"]
