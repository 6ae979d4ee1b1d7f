"""The drill of docs/runbooks/signer-key-compromise.en.md: on the system `make run --no-pilot`
starts, the key of IKN's PPK (the development official of `agency-officer-1001`) is declared stolen
and every ```bash block of the runbook runs in order. Afterwards the chain must show what the runbook
promises: the stolen key holds no role and no agency, and a transaction it signs itself (the thief's)
is refused by the hub with `AccessManagedUnauthorized`; the new key holds the PPK's role and agency
and registered a supplier through the gateway; the move was one committee act that one agency could
not schedule alone, executed after the hub's delay."""

from __future__ import annotations

import shutil
import time

import pytest
from eth_account import Account
from web3 import Web3
from web3.exceptions import ContractCustomError

from app.ledger.reverts import ErrorDecoder
from app.protocol import vocabulary
from app.protocol.manifest import load_manifest
from app.protocol.roles import role_id
from tests.support.local_system import local_system
from tests.support.runbooks import RUNBOOKS, listed_in_index, run_runbook, same_blocks
from toolchain.dev_signers import development_keys

NAME = "signer-key-compromise"
STATUS = vocabulary.enum("ICommittee.ProposalStatus")
PPK = 4  # deploy/local.yaml: dev:4, the PPK of IKN (agency 1001)


def test_the_indonesian_runbook_carries_the_english_runbooks_commands():
    same_blocks(NAME)


def test_the_runbook_is_listed_in_the_index():
    listed_in_index(NAME)


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with local_system(tmp_path_factory.mktemp("runbook-keys")) as running:
        yield running


@pytest.fixture(scope="module")
def drilled(system, tmp_path_factory):
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the runbook's commands need {', '.join(missing)} (Debian packages of the same names)")
    web3 = Web3(Web3.HTTPProvider(system.chain_url))
    old = web3.eth.accounts[PPK]
    began = time.monotonic()
    ran = run_runbook(
        RUNBOOKS / f"{NAME}.en.md",
        {
            "TERANG_URL": system.gateway_url,
            "TERANG_RPC_URL": system.chain_url,
            "TERANG_TOKENS": str(system.state / "dev-tokens.json"),
            "TERANG_SIGNERS_FILE": str(system.state / "signers.yaml"),
            "TERANG_MANIFEST": str(system.manifest),
            "ISSUER_DIR": str(system.state / "dev-issuer"),
            "OLD": old,
        },
        tmp_path_factory.mktemp("runbook"),
        epilogue='echo "@@drill $P $NEW" >&2',
    )
    proposal, new = next(line.split()[1:] for line in ran.stderr.splitlines() if line.startswith("@@drill "))
    print(f"drill of {NAME}: {time.monotonic() - began:.1f} s")
    return {"web3": web3, "old": old, "new": Web3.to_checksum_address(new), "proposal": int(proposal)}


@pytest.fixture(scope="module")
def contracts(system, drilled):
    manifest = load_manifest(system.manifest)

    def contract(name):
        return drilled["web3"].eth.contract(address=manifest.address(name), abi=manifest.contracts[name].abi)

    return contract, ErrorDecoder([c.abi for c in manifest.contracts.values()])


def test_the_stolen_key_holds_nothing_and_its_own_transaction_is_refused_by_the_hub(
    drilled, contracts, system
):
    contract, decoder = contracts
    old = drilled["old"]
    assert not contract("AccessHub").functions.hasRole(role_id("AGENCY_OFFICER"), old).call()[0]
    with pytest.raises(ContractCustomError) as refused:
        contract("AgencyDirectory").functions.agencyOf(old).call()
    assert decoder.decode(refused.value.data).error == "AgencyOfficerUnassigned"
    # The thief signs a registration with the stolen key itself, bypassing the gateway.
    (stolen,) = [k for k in development_keys(system.chain_url) if Account.from_key(k).address == old]
    registry = contract("SupplierRegistry")
    web3 = drilled["web3"]
    tx = registry.functions.registerSupplier(
        "0x000000000000000000000000000000000000bad1", b"\1" * 32, b"\2" * 32, True, 6302
    ).build_transaction({"from": old, "gas": 500_000, "nonce": web3.eth.get_transaction_count(old)})
    with pytest.raises(ContractCustomError) as refused:
        registry.functions.registerSupplier(
            "0x000000000000000000000000000000000000bad1", b"\1" * 32, b"\2" * 32, True, 6302
        ).call({"from": old})
    assert decoder.decode(refused.value.data).error == "AccessManagedUnauthorized"
    sent = web3.eth.send_raw_transaction(Account.sign_transaction(tx, stolen).raw_transaction)
    assert web3.eth.wait_for_transaction_receipt(sent)["status"] == 0


def test_the_new_key_holds_the_ppks_role_and_agency_and_registered_a_supplier(drilled, contracts):
    contract, _ = contracts
    new = drilled["new"]
    assert contract("AccessHub").functions.hasRole(role_id("AGENCY_OFFICER"), new).call()[0]
    assert contract("AgencyDirectory").functions.agencyOf(new).call() == 1001
    registry = contract("SupplierRegistry")
    (registered,) = registry.events.SupplierRegistered().get_logs(from_block=0)
    assert registered["args"]["account"].lower() == "0x000000000000000000000000000000000000a11c"
    assert registered["args"]["officer"] == new


def test_the_rotation_was_one_committee_act_of_two_agencies_after_the_delay(drilled, contracts):
    contract, _ = contracts
    committee = contract("Committee")
    proposal = committee.functions.getProposal(drilled["proposal"]).call()
    approvals = committee.events.Approved().get_logs(
        argument_filters={"proposalId": drilled["proposal"]}, from_block=0
    )
    assert len({a["args"]["agencyId"] for a in approvals}) == 2
    (scheduled,) = committee.events.Scheduled().get_logs(
        argument_filters={"proposalId": drilled["proposal"]}, from_block=0
    )
    (executed,) = committee.events.Executed().get_logs(
        argument_filters={"proposalId": drilled["proposal"]}, from_block=0
    )
    web3 = drilled["web3"]
    waited = (
        web3.eth.get_block(executed["blockNumber"])["timestamp"]
        - web3.eth.get_block(scheduled["blockNumber"])["timestamp"]
    )
    assert waited >= 60  # deploy/local.yaml's COMMITTEE delay
    assert proposal[2] == STATUS.code("Executed")
