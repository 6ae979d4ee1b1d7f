"""Replacing MilestoneEscrow's logic through the committee, on a chain with history
(docs/decisions/0024-upgrades.md): contracts signed, delivered and paid on version 1; a guardian
pauses it; the committee's act (app/protocol/upgrades.py) freezes it, wires version 2 in the hub and
Payments through the hub's delay; new contracts then run on version 2 while version 1's history
stays readable and its payment in flight still settles. The frozen version refuses every write, its
public functions included, and no one can ever resume it."""

from __future__ import annotations

import brownie
import pytest
from brownie import MilestoneEscrow, accounts, chain

from app.protocol import escrow as escrowlib
from app.protocol.roles import PERMISSIONS, role_id
from app.protocol.upgrades import UpgradeError, upgrade_plan
from scripts.deploy import constructor_args
from tests.contracts.escrow_fixtures import VALUE, Award, EscrowKit, h
from tests.contracts.revert_messages import custom_error

SETTLED, AUTHORIZED = 2, 1  # IPayments.PaymentStatus


def _award(kit, active_supplier, key: str, label: str, ocid: str) -> Award:
    supplier = accounts.add("0x" + key * 32)
    accounts[0].transfer(supplier, "1 ether")
    supplier_id = active_supplier(supplier, label)
    tender_id = kit.announce(ocid=ocid)
    bid = kit.commit(supplier, supplier_id, tender_id, VALUE)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    kit.evaluate(tender_id)
    kit.to_award(tender_id)
    kit.tenders.finalizeAward(tender_id, {"from": accounts[19]})
    return Award(tender_id=tender_id, supplier=supplier, supplier_id=supplier_id, value=VALUE)


@pytest.fixture(scope="module")
def v2(suite, deployer):
    """Version 2, deployed like the first and naming it as its predecessor; not yet wired in the hub."""
    old = suite.contracts["MilestoneEscrow"]
    return MilestoneEscrow.deploy(
        *constructor_args("MilestoneEscrow", suite.hub, suite.contracts, predecessor=old), {"from": deployer}
    )


@pytest.fixture(scope="module")
def awards(kit, active_supplier):
    """Three awarded tenders: two contracted on version 1, one left for version 2."""
    return [
        _award(kit, active_supplier, key, f"pt-versi-{i}", f"ocds-terang-1001-upgrade-{i}")
        for i, key in enumerate(("a1", "b2", "c3"))
    ]


@pytest.fixture(scope="module")
def history(escrow, payments, awards, officer, verifiers, treasury):
    """On version 1: contract A signed, milestone 1 paid and settled, milestone 2 approved (its payment
    in flight); contract B created and awaiting the supplier's countersignature."""
    a = EscrowKit(escrow, payments, awards[0], officer, verifiers, treasury)
    escrow_a = a.signed()
    a.deliver(escrow_a, 0)
    a.settle(a.payment_id(escrow_a, escrowlib.MILESTONE, 0))
    a.deliver(escrow_a, 1)
    b = EscrowKit(escrow, payments, awards[1], officer, verifiers, treasury)
    escrow_b = b.create().events["EscrowCreated"]["escrowId"]
    return {"a": a, "escrow_a": escrow_a, "b": b, "escrow_b": escrow_b}


def _plan(suite, escrow, v2):
    return upgrade_plan(
        "MilestoneEscrow",
        hub=suite.hub.address,
        payments=suite.contracts["Payments"].address,
        old=escrow.address,
        new=v2.address,
        new_abi=v2.abi,
    )


@pytest.fixture(scope="module")
def upgraded(suite, escrow, v2, history, guardian, committee, delayed):
    """The guardian pauses version 1; the committee's act runs call by call through the hub's delay."""
    escrow.pause({"from": guardian})
    targets = {"AccessHub": suite.hub, "Payments": suite.contracts["Payments"]}
    for call in _plan(suite, escrow, v2).calls:
        delayed(committee, targets[call.contract], call.function, *call.args)
    return v2


# --- the act -------------------------------------------------------------------------------------


def test_the_act_freezes_the_old_version_and_wires_the_new_one(suite, escrow, v2):
    plan = _plan(suite, escrow, v2)
    steps = [(c.contract, c.function) for c in plan.calls]

    assert steps[0] == ("AccessHub", "setTargetClosed")
    assert plan.calls[0].args == (escrow.address, True)
    assert ("Payments", "revokeSource") in steps and steps[-1] == ("Payments", "registerSource")
    wired = {c.args[2] for c in plan.calls if c.function == "setTargetFunctionRole"}
    assert wired == {role_id(r) for r in PERMISSIONS["MilestoneEscrow"].values()}
    assert plan.requires_pause  # countersign and openDispute are open to any caller


def test_a_contract_others_hold_by_address_cannot_be_replaced(suite, escrow):
    with pytest.raises(UpgradeError, match="other contracts hold its address"):
        upgrade_plan(
            "Tenders",
            hub=suite.hub.address,
            payments=suite.contracts["Payments"].address,
            old=escrow.address,
            new=suite.hub.address,
            new_abi=[],
        )


def test_a_new_version_missing_a_listed_function_is_refused(suite, escrow, v2):
    abi = [e for e in v2.abi if e.get("name") != "terminate"]
    with pytest.raises(UpgradeError, match="terminate"):
        upgrade_plan(
            "MilestoneEscrow",
            hub=suite.hub.address,
            payments=suite.contracts["Payments"].address,
            old=escrow.address,
            new=v2.address,
            new_abi=abi,
        )


def test_a_committee_member_cannot_freeze_without_the_hubs_delay(suite, escrow, committee):
    with brownie.reverts():
        suite.hub.setTargetClosed(escrow, True, {"from": committee})
    assert not suite.hub.isTargetClosed(escrow)


def test_an_officer_cannot_wire_a_new_version(suite, v2, officer):
    selector = v2.signatures["createEscrow"]
    with brownie.reverts(custom_error("AccessManagerUnauthorizedAccount", officer, 0)):
        suite.hub.setTargetFunctionRole(v2, [selector], role_id("AGENCY_OFFICER"), {"from": officer})


def test_before_the_act_the_new_version_refuses_every_officer(v2, awards, officer, ekit):
    with brownie.reverts(custom_error("AccessManagedUnauthorized", officer)):
        v2.createEscrow(awards[2].tender_id, ekit.terms(), ekit.milestones(), {"from": officer})


# --- the frozen version ----------------------------------------------------------------------------


def test_the_frozen_version_refuses_new_contracts(upgraded, escrow, awards, officer, ekit):
    with brownie.reverts(custom_error("AccessManagedUnauthorized", officer)):
        escrow.createEscrow(awards[2].tender_id, ekit.terms(), ekit.milestones(), {"from": officer})


def test_the_frozen_version_refuses_attestation_and_approval(upgraded, escrow, history, verifiers, officer):
    escrow_a = history["escrow_a"]
    with brownie.reverts(custom_error("AccessManagedUnauthorized", verifiers[0])):
        escrow.attest(escrow_a, 2, h("BAST 2"), chain.time(), {"from": verifiers[0]})
    with brownie.reverts(custom_error("AccessManagedUnauthorized", officer)):
        escrow.approveMilestone(escrow_a, 2, {"from": officer})


def test_the_frozen_version_refuses_its_public_functions(upgraded, escrow, history):
    b = history["b"]
    with brownie.reverts(custom_error("EnforcedPause")):
        escrow.countersign(history["escrow_b"], {"from": b.award.supplier})
    with brownie.reverts(custom_error("EnforcedPause")):
        escrow.openDispute(history["escrow_a"], 2, h("bukti"), {"from": history["a"].award.supplier})


def test_no_one_resumes_the_frozen_version(upgraded, suite, escrow, committee, deployer, delayed):
    # The deployer keeps ADMIN without delay on a local chain: not even the hub admin passes.
    with brownie.reverts(custom_error("AccessManagedUnauthorized", deployer)):
        escrow.unpause({"from": deployer})
    with brownie.reverts():
        delayed(committee, escrow, "unpause")
    assert escrow.paused() and suite.hub.isTargetClosed(escrow)


def test_the_frozen_version_no_longer_authorises_payments(upgraded, payments, escrow):
    assert not payments.isSource(escrow)


# --- history read across, in-flight payments -------------------------------------------------------


def test_the_frozen_versions_history_stays_readable(upgraded, escrow, payments, history):
    a, escrow_a = history["a"], history["escrow_a"]
    assert escrow.getEscrow(escrow_a)["supplierId"] == a.award.supplier_id
    assert escrow.getMilestone(escrow_a, 0)["status"] != 0
    assert payments.statusOf(a.payment_id(escrow_a, escrowlib.MILESTONE, 0)) == SETTLED
    assert payments.totalsOf(escrow)["settled"] > 0


def test_a_payment_in_flight_from_the_frozen_version_still_settles(upgraded, history, payments, treasury):
    a, escrow_a = history["a"], history["escrow_a"]
    payment = a.payment_id(escrow_a, escrowlib.MILESTONE, 1)
    assert payments.statusOf(payment) == AUTHORIZED

    a.settle(payment, ref="payout-after-upgrade")

    assert payments.statusOf(payment) == SETTLED


# --- the successor ----------------------------------------------------------------------------------


def test_the_successor_runs_a_new_contract_to_payment(
    upgraded, payments, awards, officer, verifiers, treasury
):
    kit = EscrowKit(upgraded, payments, awards[2], officer, verifiers, treasury)
    escrow_c = kit.signed()
    kit.deliver(escrow_c, 0)
    payment = kit.payment_id(escrow_c, escrowlib.MILESTONE, 0)
    assert payments.getInstruction(payment)["source"] == upgraded.address

    kit.settle(payment)

    assert payments.statusOf(payment) == SETTLED


def test_the_successor_keeps_the_permission_table(upgraded, suite, awards, outsider, ekit):
    with brownie.reverts(custom_error("AccessManagedUnauthorized", outsider)):
        upgraded.createEscrow(awards[2].tender_id, ekit.terms(), ekit.milestones(), {"from": outsider})
    for function, role in PERMISSIONS["MilestoneEscrow"].items():
        selector = upgraded.signatures[function]
        assert suite.hub.getTargetFunctionRole(upgraded, selector) == role_id(role), function


def test_a_tender_contracted_on_the_frozen_version_is_never_contracted_again(
    upgraded, payments, awards, officer, verifiers, treasury
):
    """An officer recreating version 1's contract on version 2 would pay it twice: version 2 reads
    its predecessor's contracted tenders across and refuses."""
    kit = EscrowKit(upgraded, payments, awards[0], officer, verifiers, treasury)
    with brownie.reverts(custom_error("EscrowAlreadyExists", awards[0].tender_id)):
        kit.create()
    assert upgraded.hasEscrow(awards[0].tender_id) and upgraded.hasEscrow(awards[1].tender_id)
    assert not upgraded.hasEscrow(awards[2].tender_id)


def test_the_successor_names_its_predecessor(upgraded, escrow):
    assert upgraded.predecessor() == escrow.address
    assert escrow.predecessor() == "0x" + "00" * 20
