"""The guide for agency and LKPP data officers (docs/guides/plans-and-suppliers.en.md and .id.md),
run the way its reader runs it: on the system `make run --no-pilot` starts with the SIKaP check on
(TERANG_SIKAP_CHECK_ENABLED=true), every ```sh block of the English guide, in order, in one bash with
`set -euo pipefail`, from the repository's root, with only the environment the guide documents
(TERANG_URL, TERANG_RPC_URL, TERANG_TOKENS, TERANG_DATABASE_URL, TERANG_MANIFEST_DIR). Each block
must exit 0 (its `refused CODE ...` and `if ...; then exit 1; fi` lines check the refusals: a
malformed plan file, the PPK importing a plan, an unknown RUP, an HPS above the pagu, a package cited
twice, a file that is no SIKaP extract, an NIB SIKaP does not know, one official confirming its own
blacklist proposal), and afterwards the chain
must hold what the guide says: the tender announced, the supplier blacklisted by two officials of
one agency. The Indonesian guide carries the very same commands."""

from __future__ import annotations

import re
import shutil

import pytest
from web3 import Web3

from app.ledger.view_calls import named
from app.protocol.bids import tender_id
from app.protocol.manifest import load_manifest
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, same_commands
from tests.support.local_system import local_system
from tests.support.localchain import ROOT

ENGLISH, INDONESIAN = GUIDES / "plans-and-suppliers.en.md", GUIDES / "plans-and-suppliers.id.md"
STATE = re.compile(r"^@@guide-state (\S+) (\d+) (\d+) (\d+)$", re.M)


def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(ENGLISH, INDONESIAN)) >= 7


@pytest.mark.parametrize("guide", [ENGLISH, INDONESIAN], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    assert every_fence_is_sh(guide), f"{guide.name}: a fence that is not ```sh"


def test_the_guide_is_listed_with_the_other_guides():
    index = (ROOT / "docs" / "README.md").read_text()
    assert "guides/plans-and-suppliers.id.md" in index


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with local_system(
        tmp_path_factory.mktemp("guide"), env={"TERANG_SIKAP_CHECK_ENABLED": "true"}
    ) as running:
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
            "TERANG_DATABASE_URL": f"sqlite:///{system.state / 'gateway.db'}",
            "TERANG_MANIFEST_DIR": str(system.manifest.parent),
        },
        tmp_path_factory.mktemp("script"),
        epilogue='echo "@@guide-state $OCID $RUP $SUPPLIER $PROPOSAL" >&2',
        timeout=300,
    )
    ocid, rup, supplier, proposal = STATE.search(ran.stderr).groups()
    return {"ocid": ocid, "rup": rup, "supplier": int(supplier), "proposal": int(proposal), "ran": ran}


@pytest.fixture(scope="module")
def chain(system):
    web3 = Web3(Web3.HTTPProvider(system.chain_url))
    manifest = load_manifest(system.manifest)

    def contract(name):
        return web3.eth.contract(address=manifest.address(name), abi=manifest.contracts[name].abi)

    return contract


def test_the_tender_citing_the_package_is_on_chain_within_its_pagu(walked, chain):
    tenders = chain("Tenders")
    data = named(tenders, "getTender", tenders.functions.getTender(tender_id(walked["ocid"])).call())
    assert (data["agencyId"], data["hps"]) == (1001, 1_400_000_000)  # under the pagu of Rp1,5 miliar


def test_the_supplier_is_blacklisted_by_a_proposal_a_second_official_confirmed(walked, chain):
    registry = chain("SupplierRegistry")
    raw = registry.functions.getBlacklistProposal(walked["proposal"]).call()
    proposal = named(registry, "getBlacklistProposal", raw)
    assert proposal["supplierId"] == walked["supplier"] and proposal["confirmedAt"] > 0
    record = named(registry, "getSupplier", registry.functions.getSupplier(walked["supplier"]).call())
    assert record["blacklistEnd"] == proposal["end"] and record["blacklistReason"] == proposal["reasonHash"]


def test_every_refusal_of_the_guide_was_one_line(walked):
    stderr = walked["ran"].stderr
    errors = [line for line in stderr.splitlines() if line.startswith("galat/error: ")]
    assert any("pagu must be a whole number" in line for line in errors), errors
    assert any("jenis must be one of" in line for line in errors), errors
    refusals = walked["ran"].stdout
    assert "terbukti/proven: 1 impor RUP" in refusals  # `plans verify` after the anchored import
    for code in (
        "forbidden_role",
        "rup_unknown",
        "hps_above_pagu",
        "rup_already_cited",
        "supplier_unknown_nib",
    ):
        assert f"refused/ditolak: {code}" in refusals
    assert "refused/ditolak: SupplierBlacklistSameOfficer" in refusals
    assert "Traceback" not in stderr
