"""Sanggah: losing bidders object within the window; rejected -> the award stands and becomes final
after the window; upheld -> the winner is disqualified and the tender re-evaluated, or it fails.
TenderAwarded carries what the escrow needs."""

import brownie
from brownie import web3

from tests.contracts.tender_fixtures import (
    B_DISQUALIFIED,
    F_OBJECTION_UPHELD,
    O_REJECTED,
    O_UPHELD_FAIL,
    O_UPHELD_REEVALUATE,
    R_OBJECTION_UPHELD,
    T_AWARDED,
    T_FAILED,
    T_OPEN,
    error,
)

EVIDENCE = web3.keccak(text="bukti sanggah")
ANSWER = web3.keccak(text="jawaban sanggah")


def proposed(kit, bidders):
    """A tender with three valid bids, evaluated: bidders[0] proposed (cheapest), then [1], then [2]."""
    tender_id = kit.announce()
    sealed = [
        kit.commit(*bidder, tender_id, price)
        for bidder, price in zip(bidders, (1_000_000_000, 1_100_000_000, 1_200_000_000), strict=False)
    ]
    kit.to_reveal(tender_id)
    for bid in sealed:
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    kit.evaluate(tender_id)
    return tender_id


def test_without_objection_the_award_becomes_final_after_the_window(kit, tenders, bidders):
    tender_id = proposed(kit, bidders)
    deadline = kit.tender(tender_id)["objectionDeadline"]
    with brownie.reverts(error("TenderObjectionWindowOpen", tender_id, deadline)):
        tenders.finalizeAward(tender_id, {"from": bidders[1][0]})
    kit.to_award(tender_id)
    tx = tenders.finalizeAward(tender_id, {"from": bidders[1][0]})
    event = tx.events["TenderAwarded"]
    assert (event["supplierId"], event["supplier"], event["value"]) == (
        bidders[0][1],
        bidders[0][0],
        1_000_000_000,
    )
    assert event["agencyId"] == 1001 and event["ocid"] == kit.tender(tender_id)["ocid"]
    assert kit.tender(tender_id)["status"] == T_AWARDED


def test_rejected_objection_lets_the_award_stand(kit, tenders, officer, bidders):
    tender_id = proposed(kit, bidders)
    tx = tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[1][0]})
    assert tx.events["ObjectionFiled"]["supplierId"] == bidders[1][1]
    kit.to_award(tender_id)
    with brownie.reverts(error("TenderObjectionsPending", tender_id, 1)):
        tenders.finalizeAward(tender_id, {"from": officer})
    tx = tenders.resolveObjection(tender_id, 1, O_REJECTED, ANSWER, {"from": officer})
    assert tx.events["ObjectionResolved"]["outcome"] == O_REJECTED
    assert (
        tenders.finalizeAward(tender_id, {"from": officer}).events["TenderAwarded"]["supplierId"]
        == bidders[0][1]
    )


def test_upheld_objection_disqualifies_the_winner_and_reevaluation_picks_the_next(
    kit, tenders, officer, bidders
):
    tender_id = proposed(kit, bidders)
    tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[1][0]})
    tx = tenders.resolveObjection(tender_id, 1, O_UPHELD_REEVALUATE, ANSWER, {"from": officer})
    assert tx.events["BidRejected"]["supplierId"] == bidders[0][1]
    assert tx.events["BidRejected"]["reason"] == R_OBJECTION_UPHELD
    assert tenders.getBid(tender_id, bidders[0][1])["status"] == B_DISQUALIFIED
    assert kit.tender(tender_id)["status"] == T_OPEN
    event = kit.evaluate(tender_id).events["AwardProposed"]
    assert (event["supplierId"], event["validBids"]) == (bidders[1][1], 2)
    # A new window: the third bidder may object to the new proposal, the old winner too.
    tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[0][0]})
    tenders.resolveObjection(tender_id, 2, O_REJECTED, ANSWER, {"from": officer})
    kit.to_award(tender_id)
    assert (
        tenders.finalizeAward(tender_id, {"from": officer}).events["TenderAwarded"]["supplierId"]
        == bidders[1][1]
    )


def test_upheld_objection_can_fail_the_tender(kit, tenders, officer, bidders):
    tender_id = proposed(kit, bidders)
    tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[2][0]})
    tx = tenders.resolveObjection(tender_id, 1, O_UPHELD_FAIL, ANSWER, {"from": officer})
    assert tx.events["TenderFailed"]["reason"] == F_OBJECTION_UPHELD
    assert kit.tender(tender_id)["status"] == T_FAILED
    with brownie.reverts(error("TenderWrongStatus", tender_id, T_FAILED)):
        tenders.finalizeAward(tender_id, {"from": officer})


def test_only_losing_bidders_object_once_within_the_window(kit, tenders, bidders, outsider, signer_supplier):
    tender_id = proposed(kit, bidders)
    with brownie.reverts(error("TenderNotAnObjector", tender_id, bidders[0][1])):
        tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[0][0]})  # the winner
    with brownie.reverts(error("TenderNotASupplier", outsider)):
        tenders.fileObjection(tender_id, EVIDENCE, {"from": outsider})
    tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[1][0]})
    with brownie.reverts(error("TenderAlreadyObjected", tender_id, bidders[1][1])):
        tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[1][0]})
    kit.to_award(tender_id)
    deadline = kit.tender(tender_id)["objectionDeadline"]
    with brownie.reverts(error("TenderObjectionWindowClosed", tender_id, deadline)):
        tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[2][0]})


def test_only_an_officer_of_the_agency_answers_once(kit, tenders, officer, pu_officer, bidders):
    tender_id = proposed(kit, bidders)
    tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[1][0]})
    with brownie.reverts(error("AgencyOfficerMismatch", pu_officer, 1001, 1002)):
        tenders.resolveObjection(tender_id, 1, O_REJECTED, ANSWER, {"from": pu_officer})
    with brownie.reverts(error("TenderInvalidResolution", 1)):
        tenders.resolveObjection(tender_id, 1, 1, ANSWER, {"from": officer})
    with brownie.reverts(error("TenderUnknownObjection", tender_id, 2)):
        tenders.resolveObjection(tender_id, 2, O_REJECTED, ANSWER, {"from": officer})
    tenders.resolveObjection(tender_id, 1, O_REJECTED, ANSWER, {"from": officer})
    with brownie.reverts(error("TenderObjectionAlreadyResolved", tender_id, 1)):
        tenders.resolveObjection(tender_id, 1, O_REJECTED, ANSWER, {"from": officer})


def test_nothing_changes_after_the_final_award(kit, tenders, officer, bidders):
    tender_id = proposed(kit, bidders)
    kit.to_award(tender_id)
    tenders.finalizeAward(tender_id, {"from": officer})
    with brownie.reverts(error("TenderWrongStatus", tender_id, T_AWARDED)):
        tenders.cancelTender(tender_id, ANSWER, {"from": officer})
    with brownie.reverts(error("TenderWrongStatus", tender_id, T_AWARDED)):
        kit.evaluate(tender_id)
    with brownie.reverts(error("TenderWrongStatus", tender_id, T_AWARDED)):
        tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[1][0]})
    with brownie.reverts(error("TenderWrongStatus", tender_id, T_AWARDED)):
        tenders.finalizeAward(tender_id, {"from": officer})
