"""Sanggah: losing bidders object within the window and a member of the tender's Pokja answers;
rejected -> the award stands and becomes final after the window; upheld -> the winner is
disqualified and the tender re-evaluated, or it fails. Construction: the objector may appeal a
rejection (sanggah banding) within the appeal window, with a bond; the KPA, an officer of the agency
outside the Pokja, answers it, and the award waits for the window. TenderAwarded carries what the
escrow needs."""

import brownie
from brownie import web3

from tests.contracts.tender_fixtures import (
    B_DISQUALIFIED,
    CONSTRUCTION,
    DAY,
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


def proposed(kit, bidders, **params):
    """A tender with three valid bids, evaluated: bidders[0] proposed (cheapest), then [1], then [2]."""
    tender_id = kit.announce(**params)
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
    member = kit.member(tender_id, 1)
    tx = kit.answer(tender_id, 1, O_REJECTED, ANSWER, by=member)
    event = tx.events["ObjectionResolved"]
    assert (event["outcome"], event["officer"]) == (O_REJECTED, member)
    objection = tenders.getObjection(tender_id, 1).dict()
    assert (objection["status"], objection["answeredAt"], objection["appealed"]) == (
        O_REJECTED,
        tx.timestamp,
        False,
    )
    # Not construction: no appeal window holds the award.
    assert kit.tender(tender_id)["appealDeadline"] == 0
    assert (
        tenders.finalizeAward(tender_id, {"from": officer}).events["TenderAwarded"]["supplierId"]
        == bidders[0][1]
    )


def test_upheld_objection_disqualifies_the_winner_and_reevaluation_picks_the_next(
    kit, tenders, officer, bidders
):
    tender_id = proposed(kit, bidders)
    tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[1][0]})
    tx = kit.answer(tender_id, 1, O_UPHELD_REEVALUATE, ANSWER)
    assert tx.events["BidRejected"]["supplierId"] == bidders[0][1]
    assert tx.events["BidRejected"]["reason"] == R_OBJECTION_UPHELD
    assert tenders.getBid(tender_id, bidders[0][1])["status"] == B_DISQUALIFIED
    assert kit.tender(tender_id)["status"] == T_OPEN
    event = kit.evaluate(tender_id).events["AwardProposed"]
    assert (event["supplierId"], event["validBids"]) == (bidders[1][1], 2)
    # A new window: the third bidder may object to the new proposal, the old winner too.
    tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[0][0]})
    kit.answer(tender_id, 2, O_REJECTED, ANSWER)
    kit.to_award(tender_id)
    assert (
        tenders.finalizeAward(tender_id, {"from": officer}).events["TenderAwarded"]["supplierId"]
        == bidders[1][1]
    )


def test_upheld_objection_can_fail_the_tender(kit, tenders, officer, bidders):
    tender_id = proposed(kit, bidders)
    tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[2][0]})
    tx = kit.answer(tender_id, 1, O_UPHELD_FAIL, ANSWER)
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


def test_only_a_member_of_the_pokja_answers_once(kit, tenders, officer, pu_officer, bidders):
    """Officers outside the tender's Pokja (another agency's, or the PPK) cannot answer."""
    tender_id = proposed(kit, bidders)
    tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[1][0]})
    for outsider in (pu_officer, officer):
        with brownie.reverts(error("TenderNotPokjaMember", tender_id, outsider)):
            tenders.resolveObjection(tender_id, 1, O_REJECTED, ANSWER, {"from": outsider})
    with brownie.reverts(error("TenderInvalidResolution", 1)):
        kit.answer(tender_id, 1, 1, ANSWER)
    with brownie.reverts(error("TenderUnknownObjection", tender_id, 2)):
        kit.answer(tender_id, 2, O_REJECTED, ANSWER)
    kit.answer(tender_id, 1, O_REJECTED, ANSWER)
    with brownie.reverts(error("TenderObjectionAlreadyResolved", tender_id, 1)):
        kit.answer(tender_id, 1, O_REJECTED, ANSWER, by=kit.member(tender_id, 2))


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


# --- sanggah banding (construction) --------------------------------------------------------------

BOND_REF = web3.keccak(text="jaminan sanggah banding")


def rejected_construction_objection(kit, tenders, bidders):
    """A construction tender, bidders[0] proposed, bidders[1]'s objection rejected by the Pokja;
    returns (tender id, tx of the answer)."""
    tender_id = proposed(kit, bidders, category=CONSTRUCTION)
    tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[1][0]})
    return tender_id, kit.answer(tender_id, 1, O_REJECTED, ANSWER)


def test_a_rejected_construction_objection_opens_an_appeal_window_that_holds_the_award(
    kit, tenders, officer, bidders
):
    tender_id, answer = rejected_construction_objection(kit, tenders, bidders)
    tender = kit.tender(tender_id)
    assert tender["appealDeadline"] == answer.timestamp + 5 * DAY  # the policy's appeal window
    kit.sleep_until(tender["objectionDeadline"] + 1)
    with brownie.reverts(error("TenderObjectionWindowOpen", tender_id, tender["appealDeadline"])):
        tenders.finalizeAward(tender_id, {"from": officer})
    kit.to_award(tender_id)
    assert (
        tenders.finalizeAward(tender_id, {"from": officer}).events["TenderAwarded"]["supplierId"]
        == bidders[0][1]
    )


def test_the_kpa_outside_the_pokja_answers_an_appeal_and_a_rejected_appeal_forfeits_its_bond(
    kit, tenders, officer, bidders
):
    tender_id, _ = rejected_construction_objection(kit, tenders, bidders)
    hps = kit.tender(tender_id)["hps"]
    filed = tenders.fileAppeal(tender_id, 1, BOND_REF, {"from": bidders[1][0]}).events["AppealFiled"]
    assert (filed["supplierId"], filed["bond"]) == (bidders[1][1], hps // 100)
    assert kit.tender(tender_id)["openObjections"] == 1
    # The Pokja whose answer is appealed cannot decide the appeal.
    member = kit.member(tender_id)
    with brownie.reverts(error("TenderAppealByPokja", tender_id, member)):
        tenders.resolveAppeal(tender_id, 1, O_REJECTED, ANSWER, {"from": member})
    kit.to_award(tender_id)
    with brownie.reverts(error("TenderObjectionsPending", tender_id, 1)):
        tenders.finalizeAward(tender_id, {"from": officer})
    resolved = tenders.resolveAppeal(tender_id, 1, O_REJECTED, ANSWER, {"from": officer}).events[
        "AppealResolved"
    ]
    assert (resolved["outcome"], resolved["officer"], resolved["bondClaimed"]) == (
        O_REJECTED,
        officer,
        hps // 100,
    )
    objection = tenders.getObjection(tender_id, 1).dict()
    assert (objection["appealed"], objection["appealOutcome"]) == (True, O_REJECTED)
    with brownie.reverts(error("TenderNoOpenAppeal", tender_id, 1)):
        tenders.resolveAppeal(tender_id, 1, O_REJECTED, ANSWER, {"from": officer})
    assert (
        tenders.finalizeAward(tender_id, {"from": officer}).events["TenderAwarded"]["supplierId"]
        == bidders[0][1]
    )


def test_an_upheld_appeal_disqualifies_the_winner(kit, tenders, officer, bidders):
    tender_id, _ = rejected_construction_objection(kit, tenders, bidders)
    tenders.fileAppeal(tender_id, 1, BOND_REF, {"from": bidders[1][0]})
    tx = tenders.resolveAppeal(tender_id, 1, O_UPHELD_REEVALUATE, ANSWER, {"from": officer})
    assert tx.events["AppealResolved"]["bondClaimed"] == 0
    assert tx.events["BidRejected"]["supplierId"] == bidders[0][1]
    assert kit.tender(tender_id)["status"] == T_OPEN
    assert kit.evaluate(tender_id).events["AwardProposed"]["supplierId"] == bidders[1][1]


def test_only_the_objector_appeals_a_rejected_construction_objection_once_in_the_window(
    kit, tenders, bidders
):
    tender_id, _ = rejected_construction_objection(kit, tenders, bidders)
    not_allowed = error("TenderAppealNotAllowed", tender_id, 1)
    with brownie.reverts(not_allowed):
        tenders.fileAppeal(tender_id, 1, BOND_REF, {"from": bidders[2][0]})  # not the objector
    with brownie.reverts(not_allowed):
        tenders.fileAppeal(tender_id, 1, b"\x00" * 32, {"from": bidders[1][0]})  # no bond
    tenders.fileAppeal(tender_id, 1, BOND_REF, {"from": bidders[1][0]})
    with brownie.reverts(not_allowed):
        tenders.fileAppeal(tender_id, 1, BOND_REF, {"from": bidders[1][0]})


def test_no_appeal_after_the_window(kit, tenders, bidders):
    tender_id, _ = rejected_construction_objection(kit, tenders, bidders)
    deadline = kit.tender(tender_id)["appealDeadline"]
    kit.sleep_until(deadline + 1)
    with brownie.reverts(error("TenderAppealWindowClosed", tender_id, deadline)):
        tenders.fileAppeal(tender_id, 1, BOND_REF, {"from": bidders[1][0]})


def test_goods_tenders_have_no_appeal(kit, tenders, bidders):
    tender_id = proposed(kit, bidders)
    tenders.fileObjection(tender_id, EVIDENCE, {"from": bidders[1][0]})
    kit.answer(tender_id, 1, O_REJECTED, ANSWER)
    with brownie.reverts(error("TenderAppealNotAllowed", tender_id, 1)):
        tenders.fileAppeal(tender_id, 1, BOND_REF, {"from": bidders[1][0]})
