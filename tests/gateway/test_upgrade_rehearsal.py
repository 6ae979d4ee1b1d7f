"""An upgrade rehearsed on a chain with history, through the tool, the committee's act, the gateway,
the indexer, OCDS and the explorer (docs/decisions/0024-upgrades.md; the guide
docs/guides/upgrade.id.md runs the same commands).

A tender is contracted on MilestoneEscrow version 1 and read through the gateway; the successor is
deployed by `python -m toolchain.upgrade deploy`, a guardian pauses version 1, the committee's act
runs through the hub's delay, `activate` records the switch; a second tender is contracted on
version 2. A gateway started on the new manifest then reads both contracts, their OCDS records and
the explorer's timeline, and the explorer says which version each event came from. Version 1
refuses the old contract's next step and version 2 refuses to contract the first tender again."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web3 import Web3
from web3.exceptions import ContractCustomError, Web3RPCError

from app.main import create_app
from app.protocol.bids import tender_id
from app.protocol.manifest import load_manifest
from tests.support.localchain import ROOT, anvil, deploy_local, rpc
from tests.support.tender_scenario import DAY, Scenario

PYTHON = ROOT / ".venv" / "bin" / "python"
OCID_V1, OCID_V2 = "ocds-terang-1001-upgrade-v1", "ocds-terang-1001-upgrade-v2"
PPK, GUARDIAN, COMMITTEE_MEMBER, SECOND_MEMBER, VERIFIERS = 4, 3, 1, 2, (8, 9, 10)
ADMIN_DELAY = 120  # deploy/local.yaml: ADMIN's execution delay (COMMITTEE's is shorter)


def h(text: str) -> bytes:
    return Web3.keccak(text=text)


def tool(url: str, manifest: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TERANG_RPC_URL": url, "TERANG_MANIFEST": str(manifest)}
    return subprocess.run(
        [str(PYTHON), "-m", "toolchain.upgrade", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def contract_escrow(scenario: Scenario, escrow, run) -> str:
    """The PPK contracts the awarded tender `run` on `escrow` (a web3 contract of some version)."""
    value, now = run.prices[run.winner], scenario.now()
    accounts = scenario.accounts
    terms = (
        value // 10,
        h("jaminan uang muka"),
        h("jaminan pelaksanaan"),
        500,
        1000,
        500,
        7 * DAY,
        2,
        [accounts[i] for i in VERIFIERS],
        False,  # not multi-year
    )
    first = value * 6 // 10
    milestones = [
        (first, 0, now + 30 * DAY, h("termin 1")),
        (value - first, 0, now + 60 * DAY, h("termin 2")),
    ]
    scenario.send(escrow.functions.createEscrow(run.tender_id, terms, milestones), PPK)
    return Web3.to_hex(run.tender_id)


def wait_for_indexer(client: TestClient) -> None:
    deadline = time.monotonic() + 90
    while (client.get("/health").json().get("indexer") or {}).get("lagBlocks") != 0:
        assert time.monotonic() < deadline, client.get("/health").json()
        time.sleep(0.1)


@pytest.fixture(scope="module")
def rehearsal(settings, tmp_path_factory):
    folder = tmp_path_factory.mktemp("upgrade")
    with anvil() as url:
        result = deploy_local(url, folder)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        path = folder / "31337.json"
        scenario = Scenario(url, load_manifest(path))
        first = scenario.tender(OCID_V1, {16: 1_850_000_000, 17: 1_790_000_000})
        second = scenario.tender(OCID_V2, {17: 1_500_000_000}, amend=False, objection=False)
        v1 = scenario.contract("MilestoneEscrow")
        escrow_v1 = contract_escrow(scenario, v1, first)
        own = settings.model_copy(
            update={
                "rpc_url": url,
                "manifest_dir": folder,
                "database_url": f"sqlite:///{folder / 'gateway.db'}",
                "indexer_poll_seconds": 0.05,
            }
        )
        with TestClient(create_app(own)) as client:  # the gateway before the upgrade
            wait_for_indexer(client)
            before = client.get(f"/escrows/{escrow_v1}").json()
        yield {
            "url": url,
            "path": path,
            "folder": folder,
            "settings": own,
            "scenario": scenario,
            "first": first,
            "second": second,
            "v1": v1,
            "escrow_v1": escrow_v1,
            "before": before,
        }


@pytest.fixture(scope="module")
def upgraded(rehearsal):
    r, scenario = rehearsal, rehearsal["scenario"]
    act = r["folder"] / "act.json"
    deployed = tool(
        r["url"],
        r["path"],
        "deploy",
        "--network",
        "terang-local",
        "--contract",
        "MilestoneEscrow",
        "--out",
        str(act),
    )
    assert deployed.returncode == 0, deployed.stdout[-2000:] + deployed.stderr[-2000:]
    plan = json.loads(act.read_text())
    r["plan"] = plan
    # A guardian pauses version 1 at once (its public functions); the committee's act does the rest.
    scenario.send(r["v1"].functions.pause(), GUARDIAN)
    # One committee act: the LKPP official proposes the whole batch, Kemenkeu's approves, the
    # Committee schedules it in the hub; executing before the delay is refused.
    council = scenario.contract("Committee")
    calls = [(call["target"], Web3.to_bytes(hexstr=call["data"])) for call in plan["calls"]]
    proposal = council.functions.proposalCount().call() + 1
    scenario.send(
        council.functions.propose(calls, Web3.keccak(text="upgrade MilestoneEscrow")), COMMITTEE_MEMBER
    )
    with pytest.raises((ContractCustomError, Web3RPCError, ValueError)):  # one agency alone: refused
        council.functions.schedule(proposal).call({"from": scenario.accounts[COMMITTEE_MEMBER]})
    scenario.send(council.functions.approve(proposal), SECOND_MEMBER)
    scenario.send(council.functions.schedule(proposal), COMMITTEE_MEMBER)
    with pytest.raises((ContractCustomError, Web3RPCError, ValueError)):  # before the delay: refused
        council.functions.execute(proposal).call({"from": scenario.accounts[COMMITTEE_MEMBER]})
    rpc(r["url"], "evm_increaseTime", [ADMIN_DELAY + 1])
    rpc(r["url"], "evm_mine")
    scenario.send(council.functions.execute(proposal), COMMITTEE_MEMBER)
    activated = tool(r["url"], r["path"], "activate", "--contract", "MilestoneEscrow")
    assert activated.returncode == 0, activated.stdout + activated.stderr
    manifest = load_manifest(r["path"])
    scenario.manifest = manifest
    v2 = scenario.contract("MilestoneEscrow")
    r.update(manifest=manifest, v2=v2, escrow_v2=contract_escrow(scenario, v2, r["second"]))
    # Restarted on the new manifest with an empty database: the indexer rebuilds the history of
    # both versions from the chain.
    fresh = r["settings"].model_copy(update={"database_url": f"sqlite:///{r['folder'] / 'rebuilt.db'}"})
    with TestClient(create_app(fresh)) as client:
        wait_for_indexer(client)
        r["client"] = client
        yield r


def test_the_tool_refuses_a_contract_others_hold_by_address(rehearsal):
    result = tool(rehearsal["url"], rehearsal["path"], "proposal", "--contract", "Tenders")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot be replaced" in result.stderr


def test_activation_before_the_committee_act_is_refused(rehearsal, tmp_path):
    result = tool(rehearsal["url"], rehearsal["path"], "activate", "--contract", "MilestoneEscrow")
    assert result.returncode == 2 and "no pending version" in result.stderr


def test_the_manifest_keeps_both_versions_under_one_name(upgraded):
    versions = upgraded["manifest"].versions_of("MilestoneEscrow")
    assert [(v.version, v.status) for v in versions] == [(1, "frozen"), (2, "current")]
    assert versions[0].address == upgraded["v1"].address and versions[1].address == upgraded["v2"].address
    assert versions[0].frozen_block is not None and versions[0].frozen_block >= versions[1].block_number


def test_the_gateway_reads_the_contract_signed_before_the_upgrade(upgraded):
    body = upgraded["client"].get(f"/escrows/{upgraded['escrow_v1']}").json()
    assert (body["contractVersion"], body["contractAddress"]) == (1, upgraded["v1"].address)
    unchanged = {k: v for k, v in body.items() if k not in ("contractVersion", "contractAddress")}
    assert unchanged == {k: v for k, v in upgraded["before"].items() if k in unchanged}


def test_the_gateway_reads_the_contract_signed_after_the_upgrade(upgraded):
    body = upgraded["client"].get(f"/escrows/{upgraded['escrow_v2']}").json()
    assert (body["contractVersion"], body["contractAddress"]) == (2, upgraded["v2"].address)
    assert body["status"] == "awaiting_countersign"


def test_ocds_records_show_the_contract_of_each_version(upgraded):
    client = upgraded["client"]
    for ocid, run in ((OCID_V1, upgraded["first"]), (OCID_V2, upgraded["second"])):
        compiled = client.get(f"/ocds/records/{ocid}").json()["records"][0]["compiledRelease"]
        (contract,) = compiled["contracts"]
        assert contract["value"]["amount"] == run.prices[run.winner], ocid
        assert len(contract["milestones"]) == 2


def test_the_explorer_lists_both_versions_and_marks_each_event(upgraded):
    client = upgraded["client"]
    page = client.get("/explorer/contracts/MilestoneEscrow?lang=en").text
    assert upgraded["v1"].address in page and upgraded["v2"].address in page
    assert "frozen" in page and "current" in page
    assert page.count('class="version"') >= 2  # EscrowCreated of v1 and of v2, each marked
    assert ">v1<" in page and ">v2<" in page
    page_id = client.get("/explorer/contracts/MilestoneEscrow?lang=id").text
    assert "dibekukan" in page_id and "berlaku" in page_id


def test_the_explorer_marks_each_contracts_creation_with_its_version(upgraded):
    page = upgraded["client"].get("/explorer/contracts/MilestoneEscrow?event=EscrowCreated").text
    rows = page.split("<tr>")
    for escrow, version in ((upgraded["escrow_v1"], "v1"), (upgraded["escrow_v2"], "v2")):
        (row,) = [r for r in rows if escrow in r.lower()]
        assert f'<small class="version" title="Versi">{version}</small>' in row, row


def test_the_frozen_version_refuses_the_old_contracts_next_step(upgraded):
    scenario, v1 = upgraded["scenario"], upgraded["v1"]
    supplier = scenario.accounts[17]  # the first tender's winner (dev:17)
    with pytest.raises((ContractCustomError, Web3RPCError, ValueError)):
        v1.functions.countersign(upgraded["escrow_v1"]).call({"from": supplier})
    with pytest.raises((ContractCustomError, Web3RPCError, ValueError)):
        v1.functions.unpause().call({"from": scenario.accounts[0]})  # even the local hub admin


def test_the_successor_refuses_to_contract_the_old_tender_again(upgraded):
    scenario, v2 = upgraded["scenario"], upgraded["v2"]
    with pytest.raises((ContractCustomError, Web3RPCError, ValueError)):
        contract_escrow(scenario, v2, upgraded["first"])
    assert v2.functions.hasEscrow(tender_id(OCID_V1)).call()
