"""The drill of docs/runbooks/pause-and-rollback.en.md: on the system `make run --no-pilot` starts,
with two tenders announced, every ```bash block of the runbook runs in order. Its own checks (a write
refused with `EnforcedPause`, reads and the explorer answering, the export verified against the
chain and its checksums) run inside the blocks; afterwards the chain and the export must show what
the runbook promises: one guardian paused every pausable contract alone, the export holds exactly
the processes on the chain, and one committee act of two agencies unpaused them all after the
hub's delay, after which the refused write went through."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest
from web3 import Web3

from app.protocol import vocabulary
from app.protocol.manifest import load_manifest
from tests.support.local_system import local_system
from tests.support.runbooks import RUNBOOKS, listed_in_index, run_runbook, same_blocks
from tests.support.tender_scenario import Scenario

NAME = "pause-and-rollback"
STATUS = vocabulary.enum("ICommittee.ProposalStatus")
BPK = 3  # deploy/local.yaml: dev:3, the BPK official (guardian)
OCIDS = ("ocds-terang-1001-drill-1", "ocds-terang-1001-drill-2")
DRILL = re.compile(r"^@@drill (\d+) (\S+) ([\d ]+) // (.+)$", re.M)


def test_the_indonesian_runbook_carries_the_english_runbooks_commands():
    same_blocks(NAME)


def test_the_runbook_is_listed_in_the_index():
    listed_in_index(NAME)


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with local_system(tmp_path_factory.mktemp("runbook-pause")) as running:
        yield running


@pytest.fixture(scope="module")
def drilled(system, tmp_path_factory):
    missing = [tool for tool in ("bash", "curl", "jq", "sha256sum") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the runbook's commands need {', '.join(missing)} (Debian packages of the same names)")
    manifest = load_manifest(system.manifest)
    scenario = Scenario(system.chain_url, manifest)
    for n, ocid in enumerate(OCIDS, start=1):
        scenario.announce(ocid, f"Latihan runbook {n}")
    began = time.monotonic()
    ran = run_runbook(
        RUNBOOKS / f"{NAME}.en.md",
        {
            "TERANG_URL": system.gateway_url,
            "TERANG_RPC_URL": system.chain_url,
            "TERANG_TOKENS": str(system.state / "dev-tokens.json"),
        },
        tmp_path_factory.mktemp("runbook"),
        epilogue='echo "@@drill $PAUSED_AT $EXPORT $PROPOSALS // $CONTRACTS" >&2',
    )
    paused_at, export, proposals, contracts = DRILL.search(ran.stderr).groups()
    print(f"drill of {NAME}: {time.monotonic() - began:.1f} s")
    return {
        "web3": scenario.w3,
        "manifest": manifest,
        "proposals": [int(p) for p in proposals.split()],
        "paused_at": int(paused_at),
        "export": Path(export),
        "contracts": contracts.split(),
        "stdout": ran.stdout,
    }


def contract(drilled, name):
    manifest = drilled["manifest"]
    return drilled["web3"].eth.contract(address=manifest.address(name), abi=manifest.contracts[name].abi)


def test_one_guardian_paused_every_pausable_contract_alone(drilled):
    assert len(drilled["contracts"]) >= 9
    web3 = drilled["web3"]
    for name in drilled["contracts"]:
        (paused,) = contract(drilled, name).events.Paused().get_logs(from_block=0)
        assert paused["args"]["account"] == web3.eth.accounts[BPK]  # its own transaction, no one else's
        assert paused["blockNumber"] <= drilled["paused_at"]


def test_the_export_holds_exactly_the_processes_on_the_chain_and_its_checksums(drilled):
    export = drilled["export"]
    lines = export.joinpath("releases.jsonl").read_text().splitlines()
    assert {json.loads(line)["ocid"] for line in lines} == set(OCIDS)
    for ocid in OCIDS:
        record = json.loads(export.joinpath("records", f"{ocid}.json").read_text())
        assert record["records"][0]["compiledRelease"]["tender"]["title"].startswith("Latihan runbook")
    sums = export.joinpath("SHA256SUMS").read_text()
    assert "./releases.jsonl" in sums and all(f"./records/{ocid}.json" in sums for ocid in OCIDS)


def test_one_committee_act_of_two_agencies_unpaused_everything_and_writes_resumed(drilled):
    committee = contract(drilled, "Committee")
    assert len(drilled["proposals"]) == 2  # at most 8 acts a proposal, 9 contracts
    for proposal in drilled["proposals"]:
        assert committee.functions.getProposal(proposal).call()[2] == STATUS.code("Executed")
        approvals = committee.events.Approved().get_logs(
            argument_filters={"proposalId": proposal}, from_block=0
        )
        assert len({a["args"]["agencyId"] for a in approvals}) == 2
    for name in drilled["contracts"]:
        assert not contract(drilled, name).functions.paused().call(), name
    (registered,) = contract(drilled, "SupplierRegistry").events.SupplierRegistered().get_logs(from_block=0)
    assert registered["blockNumber"] > drilled["paused_at"]
    assert Web3.to_checksum_address(registered["args"]["account"]) == Web3.to_checksum_address(
        "0x000000000000000000000000000000000000b0b1"
    )
    # The problem's title (Indonesian first) says why.
    assert "refused: EnforcedPause (Kontrak dihentikan sementara oleh penjaga" in drilled["stdout"]
