"""The guide for the committee's secretariat and the joining agency (docs/guides/onboarding.en.md and
.id.md), run the way its reader runs it: on the system `make run --no-pilot` starts, every ```sh
block of the English guide, in order, in one bash with `set -euo pipefail`, from the repository's
root, with only the environment the guide documents (TERANG_URL, TERANG_RPC_URL, TERANG_TOKENS).
Each block must exit 0 (its `if ...; then exit 1; fi` lines check the refusals: a regency outside its
province, one agency alone, an altered plan, an official moved to another agency), and afterwards
the chain must hold what the guide says: Jawa Timur and Kabupaten Malang in the directory, their
officials assigned and holding their roles, by one committee proposal whose description hash is
the plan's SHA-256. The Indonesian guide carries the very same commands."""

from __future__ import annotations

import hashlib
import re
import shutil

import pytest
from web3 import Web3

from app.protocol import vocabulary
from app.protocol.manifest import load_manifest
from app.protocol.roles import role_id
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, same_commands
from tests.support.local_system import local_system
from tests.support.localchain import ROOT

ENGLISH, INDONESIAN = GUIDES / "onboarding.en.md", GUIDES / "onboarding.id.md"
STATE = re.compile(r"^@@guide-state (\d+) (0x[0-9a-fA-F]{40}) (0x[0-9a-fA-F]{40}) (\S+)$", re.M)
STATUS = vocabulary.enum("ICommittee.ProposalStatus")


def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(ENGLISH, INDONESIAN)) >= 10


@pytest.mark.parametrize("guide", [ENGLISH, INDONESIAN], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    assert every_fence_is_sh(guide), f"{guide.name}: a fence that is not ```sh"


def test_the_guide_is_listed_with_the_other_guides():
    index = (ROOT / "docs" / "README.md").read_text()
    assert "guides/onboarding.id.md" in index


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with local_system(tmp_path_factory.mktemp("guide")) as running:
        yield running


@pytest.fixture(scope="module")
def walked(system, tmp_path_factory):
    missing = [tool for tool in ("bash", "curl", "jq", "sha256sum") if shutil.which(tool) is None]
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
        epilogue='echo "@@guide-state $PLAN $PPK $MALANG_PPK $WORK/fase-3.yaml" >&2',
        timeout=300,
    )
    plan, ppk, malang_ppk, path = STATE.search(ran.stderr).groups()
    return {"plan": int(plan), "ppk": ppk, "malang_ppk": malang_ppk, "sha256": _sha256(path), "ran": ran}


def _sha256(path: str) -> bytes:
    with open(path, "rb") as file:
        return hashlib.sha256(file.read()).digest()


@pytest.fixture(scope="module")
def chain(system):
    web3 = Web3(Web3.HTTPProvider(system.chain_url))
    manifest = load_manifest(system.manifest)

    def contract(name):
        return web3.eth.contract(address=manifest.address(name), abi=manifest.contracts[name].abi)

    return contract


def test_the_province_and_its_regency_joined_by_one_executed_committee_act(walked, chain):
    proposal = chain("Committee").functions.getProposal(walked["plan"]).call()
    assert proposal[2] == STATUS.code("Executed")
    assert proposal[5] == walked["sha256"]  # the description hash is the plan file's SHA-256
    directory = chain("AgencyDirectory")
    assert directory.functions.agencyName(3500).call() == "Pemerintah Provinsi Jawa Timur"
    assert directory.functions.agencyOf(walked["ppk"]).call() == 3500  # not moved to Surabaya
    assert directory.functions.agencyOf(walked["malang_ppk"]).call() == 3507
    assert not directory.functions.isAgency(3578).call()
    hub = chain("AccessHub")
    assert hub.functions.hasRole(role_id("AGENCY_OFFICER"), walked["ppk"]).call()[0]


def test_every_refusal_of_the_guide_was_one_line(walked):
    errors = [line for line in walked["ran"].stderr.splitlines() if line.startswith("error: ")]
    assert any("outside the parent province 35" in line for line in errors), errors
    assert any("altered after it was proposed" in line for line in errors), errors
    assert any("official_in_other_agency" in line for line in errors), errors
    assert "Traceback" not in walked["ran"].stderr
