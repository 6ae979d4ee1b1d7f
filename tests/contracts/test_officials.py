"""Officials act with their own keys, every event names the official, and removing an official
takes away every seat it held in one committee act.

The removal batch is built by app.protocol.officials (the gateway and the committee's tooling use
the same code) and run through the committee's delay (`delayed`). Seats follow from the hub roles
and the directory: a Pokja seat is held as an officer of the tender's agency, so a member the
committee removed, or moved to another agency, no longer opens bids, scores, evaluates or answers
objections, even where it kept its hub role; a removed verifier no longer attests.
"""

from __future__ import annotations

import brownie
import pytest
from brownie import accounts, chain, web3

from app.protocol.officials import removal_batch, roles_held
from app.protocol.roles import role_id
from tests.contracts.conftest import IKN, PU
from tests.contracts.escrow_fixtures import h
from tests.contracts.tender_fixtures import error


def remove(delayed, committee, hub, directory, official):
    """Removes `official` the way the committee does: the batch of app.protocol.officials, each call
    through the hub's delay."""
    held = roles_held(lambda role, account: hub.hasRole(role, account)[0], str(official))
    targets = {"AccessHub": hub, "AgencyDirectory": directory}
    for call in removal_batch(str(official), held):
        delayed(committee, targets[call.contract], call.function, *call.args)
    return held


def past_reveal_with_a_withheld_bid(kit, bidders):
    """A tender whose only bid its supplier withheld, past the reveal deadline: the Pokja opens it."""
    tender_id = kit.announce()
    account, supplier_id = bidders[0]
    bid = kit.commit(account, supplier_id, tender_id, 1_000_000_000)
    return tender_id, bid


# -- the batch ------------------------------------------------------------------------------------
def test_the_removal_batch_revokes_each_role_then_takes_the_official_out_of_the_directory():
    official = "0x" + "ab" * 20
    calls = removal_batch(official, ["VERIFIER", "AGENCY_OFFICER", "VERIFIER"])
    assert [(c.contract, c.function, c.args) for c in calls] == [
        ("AccessHub", "revokeRole", (role_id("AGENCY_OFFICER"), official)),
        ("AccessHub", "revokeRole", (role_id("VERIFIER"), official)),
        ("AgencyDirectory", "removeOfficer", (official,)),
    ]
    with pytest.raises(ValueError):
        removal_batch("0x" + "00" * 20, [])


def test_removing_an_official_leaves_it_no_role_and_no_agency(delayed, committee, hub, directory, officer2):
    held = remove(delayed, committee, hub, directory, officer2)
    assert held == ["AGENCY_OFFICER"]
    assert roles_held(lambda role, account: hub.hasRole(role, account)[0], str(officer2)) == []
    with brownie.reverts(error("AgencyOfficerUnassigned", officer2)):
        directory.agencyOf(officer2)


def test_a_single_committee_member_cannot_remove_an_official_without_the_delay(
    committee, hub, directory, officer2
):
    """The committee's acts wait the delay, in which the guardians may cancel: never at once."""
    with brownie.reverts():
        directory.removeOfficer(officer2, {"from": committee})
    with brownie.reverts():
        hub.revokeRole(role_id("AGENCY_OFFICER"), officer2, {"from": committee})


# -- seats ----------------------------------------------------------------------------------------
def test_a_removed_pokja_member_can_no_longer_open_bids(kit, bidders, delayed, committee, hub, directory):
    tender_id, bid = past_reveal_with_a_withheld_bid(kit, bidders)
    member = kit.member(tender_id)
    remove(delayed, committee, hub, directory, member)
    kit.to_evaluation(tender_id)
    with brownie.reverts():
        kit.open_by_quorum(tender_id, bid, member=member)
    kit.open_by_quorum(tender_id, bid, member=kit.member(tender_id, 1))  # the others go on


def test_a_pokja_member_moved_to_another_agency_no_longer_sits_on_its_old_pokja(
    kit, bidders, delayed, committee, directory
):
    """It keeps AGENCY_OFFICER (it is an officer of PU now), so only the directory check stops it."""
    tender_id, bid = past_reveal_with_a_withheld_bid(kit, bidders)
    member = kit.member(tender_id)
    delayed(committee, directory, "assignOfficer", member, PU)
    kit.to_evaluation(tender_id)
    with brownie.reverts(error("AgencyOfficerMismatch", member, IKN, PU)):
        kit.open_by_quorum(tender_id, bid, member=member)
    with brownie.reverts(error("AgencyOfficerMismatch", member, IKN, PU)):
        kit.evaluate(tender_id, by=member)


def test_a_pokja_member_out_of_the_directory_can_no_longer_open_bids_or_evaluate(
    kit, bidders, delayed, committee, directory
):
    tender_id, bid = past_reveal_with_a_withheld_bid(kit, bidders)
    member = kit.member(tender_id)
    delayed(committee, directory, "removeOfficer", member)
    kit.to_evaluation(tender_id)
    with brownie.reverts(error("AgencyOfficerUnassigned", member)):
        kit.open_by_quorum(tender_id, bid, member=member)
    with brownie.reverts(error("AgencyOfficerUnassigned", member)):
        kit.evaluate(tender_id, by=member)


def test_a_removed_verifier_can_no_longer_attest(ekit, escrow, verifiers, delayed, committee, hub, directory):
    escrow_id = ekit.signed()
    held = remove(delayed, committee, hub, directory, verifiers[0])
    assert "VERIFIER" in held
    with brownie.reverts():
        escrow.attest(escrow_id, 0, h("BAST 0"), chain.time(), {"from": verifiers[0]})
    escrow.attest(escrow_id, 0, h("BAST 0"), chain.time(), {"from": verifiers[1]})


def test_a_removed_ppk_can_no_longer_approve_a_milestone(
    ekit, escrow, officer, delayed, committee, hub, directory
):
    escrow_id = ekit.signed()
    ekit.attest(escrow_id, 0)
    remove(delayed, committee, hub, directory, officer)
    with brownie.reverts():
        escrow.approveMilestone(escrow_id, 0, {"from": officer})


def test_a_removed_enroller_and_certifier_can_no_longer_act(
    wkit, welfare, enroller, tkdn, certifier, delayed, committee, hub, directory
):
    programme = wkit.define()
    for official in (enroller, certifier):
        remove(delayed, committee, hub, directory, official)
    with brownie.reverts():
        wkit.enrol(programme, [wkit.applicant(1)])
    with brownie.reverts():
        tkdn.certifyProduct(h("panel"), 5000, 0, 2**39, h("sertifikat"), {"from": certifier})


# -- events name the official ------------------------------------------------------------------------
def test_registering_a_supplier_names_the_officer(registry, officer):
    tx = registry.registerSupplier(
        accounts.add("0x" + "5b" * 32),
        web3.keccak(text="nib-x"),
        web3.keccak(text="npwp-x"),
        False,
        6302,
        {"from": officer},
    )
    assert tx.events["SupplierRegistered"]["officer"] == officer


def test_an_addendum_names_the_officer(kit, tenders, officer):
    tender_id = kit.announce()
    tx = tenders.amendTender(tender_id, web3.keccak(text="adendum 1"), {"from": officer})
    assert tx.events["TenderAmended"]["officer"] == officer


def test_approval_and_retention_release_name_the_ppk(ekit, escrow, officer):
    escrow_id = ekit.signed()
    ekit.attest(escrow_id, 0)
    tx = ekit.approve(escrow_id, 0)
    assert tx.events["MilestoneApproved"]["officer"] == officer


def test_welfare_acts_name_the_official(wkit, welfare, welfare_admin, enroller):
    programme = wkit.define()
    tx = wkit.enrol(programme, [wkit.applicant(1)])
    assert tx.events["BeneficiaryEnrolled"]["official"] == enroller
    key = wkit.key(1)
    tx = welfare.suspend(programme, key, b"MOVED".ljust(32, b"\0"), {"from": enroller})
    assert tx.events["BeneficiarySuspended"]["official"] == enroller
    tx = welfare.reinstate(programme, key, b"BACK".ljust(32, b"\0"), {"from": welfare_admin})
    assert tx.events["BeneficiaryReinstated"]["official"] == welfare_admin
    wkit.start(programme)
    tx = wkit.disburse(programme, [key])
    assert tx.events["BatchDisbursed"]["official"] == welfare_admin
