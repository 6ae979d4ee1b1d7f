"""Fixtures for contract tests: the whole suite deployed once per session by the same code the
deploy script runs (scripts/deploy.py), with the roles of deploy/local.yaml. Every module starts
from that deployed state (brownie's module isolation reverts to it instead of to genesis) and
every test is isolated by a chain snapshot.

Ids a transaction creates are read from its events (`tx.events[...]`), not from `tx.return_value`,
except where the return value is what a test checks: brownie finds a return value by tracing the
whole call (debug_traceTransaction), about two seconds for an escrow's creation on ganache."""

from __future__ import annotations

import functools
import gc
from pathlib import Path

import pytest
from brownie import accounts, chain, web3

from app.protocol.roles import role_id
from scripts.deploy import deploy_suite
from toolchain import brownie_chain_id, brownie_receipts, brownie_reverts
from toolchain.deploy_config import load_deploy_config

ROOT = Path(__file__).resolve().parents[2]
# A receipt that lags the node's state is not a dropped transaction (toolchain/brownie_receipts.py).
brownie_receipts.install()
# A reverted transaction's error is read by replaying it as a call (toolchain/brownie_reverts.py).
brownie_reverts.install()
# The node's chain id is asked once per connection, not before every call (toolchain/brownie_chain_id.py).
brownie_chain_id.install()
IKN = 1001  # Otorita Ibu Kota Nusantara
PU = 1002  # Kementerian Pekerjaan Umum


def _sleep_from_the_latest_block(sleep):
    """anvil stamps each block at least a second after its parent, so a run that mines faster than
    a block a second pushes block time ahead of the clock anvil adds `evm_increaseTime` to. brownie
    reads its own clock from the latest block, so a test sleeping until a deadline fell short of it
    by that drift and the next block came before the deadline. After each sleep the next block is
    stamped at brownie's clock (never before the latest block plus the sleep)."""

    @functools.wraps(sleep)
    def sleep_then_stamp(self, seconds):
        latest = web3.eth.get_block("latest")["timestamp"]
        sleep(self, seconds)
        if seconds and web3.client_version.lower().startswith("anvil"):
            web3.provider.make_request("evm_setNextBlockTimestamp", [max(latest + seconds, self.time())])

    sleep_then_stamp.original = sleep
    return sleep_then_stamp


# The class, not imported by name: brownie hashes this file's imports' sources, and its state module
# is compiled.
if not hasattr(type(chain).sleep, "original"):
    type(chain).sleep = _sleep_from_the_latest_block(type(chain).sleep)


@pytest.fixture(scope="session")
def deploy_config():
    return load_deploy_config(ROOT / "deploy" / "local.yaml", [str(a) for a in accounts])


@pytest.fixture(scope="session")
def suite(deploy_config):
    """Deployed once: a module sees exactly what a fresh deployment leaves, as before, without paying
    for one (a deployment is about a hundred transactions). Brownie's `module_isolation` calls
    `chain.reset()` around each module; pointing the reset snapshot at the deployed state makes
    that reset return here rather than to genesis, which would also drop the suite's contract
    objects from brownie's registry."""
    chain.reset()
    deployed = deploy_suite(accounts[0], deploy_config)
    chain._reset_id = chain._current_id = chain._take_snapshot()
    gc.freeze()  # the suite lives for the session: out of the collector's sight (tests/conftest.py)
    return deployed


@pytest.fixture(autouse=True)
def isolation(fn_isolation):
    pass


@pytest.fixture(scope="module")
def hub(suite):
    return suite.hub


@pytest.fixture(scope="module")
def directory(suite):
    return suite.contracts["AgencyDirectory"]


@pytest.fixture(scope="module")
def registry(suite):
    return suite.contracts["SupplierRegistry"]


@pytest.fixture(scope="module")
def policies(suite):
    return suite.contracts["PolicyRegistry"]


@pytest.fixture(scope="session")
def deployer():
    return accounts[0]


@pytest.fixture(scope="module")
def council(suite):
    """The Committee contract: the only holder of the hub's COMMITTEE and ADMIN roles."""
    return suite.contracts["Committee"]


@pytest.fixture(scope="session")
def committee():
    """The LKPP official on the committee (agency 3001)."""
    return accounts[1]


@pytest.fixture(scope="session")
def committee2():
    """The Kemenkeu official on the committee (agency 3002)."""
    return accounts[2]


@pytest.fixture(scope="session")
def guardian():
    """The BPK official: on the committee for a guardian agency (3003), and holds the hub's GUARDIAN."""
    return accounts[3]


@pytest.fixture(scope="session")
def guardian2():
    """The KPK official: on the committee for the second guardian agency (3004), holds GUARDIAN."""
    return accounts[23]


@pytest.fixture(scope="session")
def officer():
    """PPK of the IKN authority (agency 1001)."""
    return accounts[4]


@pytest.fixture(scope="session")
def officer2():
    """A second IKN officer (Pokja member)."""
    return accounts[5]


@pytest.fixture(scope="session")
def pu_officer():
    """An officer of Kementerian PU (agency 1002)."""
    return accounts[6]


@pytest.fixture(scope="session")
def outsider():
    return accounts[19]


@pytest.fixture(scope="session")
def supplier_keys():
    return accounts[16:19]


@pytest.fixture(scope="module")
def committee_act(council, committee, committee2):
    """Runs a batch of calls [(target, data), ...] as a committee act, the one way there is: an
    official proposes (its agency approves), an official of a second agency approves, an official
    schedules it in the hub, the delay passes, an official executes it. Returns the execution."""

    def run(calls, proposer=None, approver=None, description="tindakan komite"):
        proposer = proposer or committee
        if approver is None:
            approver = committee2 if council.agencyOf(proposer) != council.agencyOf(committee2) else committee
        proposal = council.propose(
            [(str(t), d) for t, d in calls], web3.keccak(text=description), {"from": proposer}
        )
        proposal_id = proposal.events["Proposed"]["proposalId"]  # the return value, without a trace
        council.approve(proposal_id, {"from": approver})
        council.schedule(proposal_id, {"from": proposer})
        wait = council.getProposal(proposal_id)["readyAt"] - chain.time()
        chain.sleep(max(int(wait), 0) + 1)
        chain.mine()
        return council.execute(proposal_id, {"from": proposer})

    return run


@pytest.fixture(scope="module")
def delayed(committee_act, council, committee):
    """Runs one committee act (a call that needs the hub's delay) through the Committee. `caller` is
    the proposing official when it sits on the committee (else the LKPP official proposes)."""

    def run(caller, contract, function_name, *args):
        data = getattr(contract, function_name).encode_input(*args)
        proposer = caller if council.agencyOf(caller) != 0 else committee
        return committee_act([(contract, data)], proposer=proposer)

    return run


def hmac_id(label: str) -> bytes:
    """A stand-in for an HMAC'd business identifier (the tests need distinct non-zero bytes32)."""
    return web3.keccak(text=label)


@pytest.fixture(scope="module")
def register_supplier(registry, officer):
    def register(account, label="supplier", umkm=False, region=6302, by=None):
        tx = registry.registerSupplier(
            account, hmac_id(f"nib:{label}"), hmac_id(f"npwp:{label}"), umkm, region, {"from": by or officer}
        )
        return tx.events["SupplierRegistered"]["supplierId"]

    return register


@pytest.fixture(scope="module")
def active_supplier(register_supplier, registry, officer2):
    """Registers and verifies (by a second officer) a supplier; returns its id."""

    def make(account, label="supplier", umkm=False, region=6302):
        supplier_id = register_supplier(account, label, umkm, region)
        registry.verifySupplier(supplier_id, {"from": officer2})
        return supplier_id

    return make


@pytest.fixture(scope="module")
def blacklist(registry, officer, officer2):
    """Blacklists a supplier the one way there is: an IKN officer proposes [start, end) (start not in
    the past), a second IKN officer confirms. Returns the confirmation; the period in force starts at
    max(start, the confirmation's block time)."""

    def run(supplier_id, start, end, reason=None, proposer=None, confirmer=None):
        proposal = registry.proposeBlacklist(
            supplier_id, start, end, reason or hmac_id("sk"), {"from": proposer or officer}
        ).events["SupplierBlacklistProposed"]["proposalId"]
        return registry.confirmBlacklist(proposal, {"from": confirmer or officer2})

    return run


__all__ = ["IKN", "PU", "hmac_id", "role_id"]


# Tender and TKDN fixtures (tenders, tkdn, certifier, products, kit, bidders, signer_supplier).
from tests.contracts.tender_fixtures import *  # noqa: E402,F401,F403

# Payments and escrow fixtures (payments, escrow, verifiers, treasury, award, ekit).
from tests.contracts.escrow_fixtures import *  # noqa: E402,F401,F403

# Welfare fixtures (welfare, welfare_admin, enroller, wkit).
from tests.contracts.welfare_fixtures import *  # noqa: E402,F401,F403
