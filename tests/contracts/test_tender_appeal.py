"""Jaminan penawaran and sanggah banding (construction, Perpres 16/2018 Ps 30-32).

A construction tender above Rp10 miliar requires every bid to carry a bid bond of 1-3% of HPS; other
tenders carry none. A bid opened without its bond reference is refused.

In construction, an objector whose sanggah the Pokja rejected may appeal (sanggah banding) within the
appeal window after the answer, with an appeal bond of 1% of HPS. The award waits for the window and
for the answer, which is the KPA's: an officer of the agency outside the Pokja whose answer is
appealed. An upheld appeal re-evaluates the tender (or fails it); a rejected one claims the bond.
"""

import brownie
import pytest
from brownie import web3

from tests.contracts.tender_fixtures import (
    B_DISQUALIFIED,
    CONSTRUCTION,
    F_OBJECTION_UPHELD,
    GOODS,
    O_REJECTED,
    O_UPHELD_FAIL,
    O_UPHELD_REEVALUATE,
    R_OBJECTION_UPHELD,
    T_AWARDED,
    T_FAILED,
    T_OPEN,
    ZERO32,
    error,
    hx,
)

HPS = 20_000_000_000  # Rp20 miliar
APPEAL_BOND = HPS // 100  # jaminan sanggah banding: 1% of HPS
PRICES = (16_000_000_000, 17_000_000_000, 18_000_000_000)
EVIDENCE = web3.keccak(text="bukti sanggah")
BOND_REF = web3.keccak(text="jaminan sanggah banding no. 7")
ANSWER = web3.keccak(text="jawaban sanggah banding KPA")


# -- the bid bond ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bond", [0, HPS // 100 - 1, HPS * 3 // 100 + 1], ids=["missing", "below-1-percent", "above-3-percent"]
)
def test_a_large_construction_tender_needs_a_bid_bond_of_one_to_three_percent(kit, bond):
    with brownie.reverts(error("TenderInvalidBidBond", bond, HPS // 100, HPS * 3 // 100)):
        kit.announce(category=CONSTRUCTION, hps=HPS, bidBond=bond)


@pytest.mark.parametrize("bond", [HPS // 100, HPS * 3 // 100], ids=["1-percent", "3-percent"])
def test_a_bid_bond_within_the_range_is_accepted(kit, bond):
    tender_id = kit.announce(category=CONSTRUCTION, hps=HPS, bidBond=bond)
    assert kit.tender(tender_id)["bidBond"] == bond


@pytest.mark.parametrize(
    "category, hps",
    [(GOODS, HPS), (CONSTRUCTION, 10_000_000_000)],
    ids=["goods", "construction-at-threshold"],
)
def test_no_bid_bond_where_the_rules_need_none(kit, category, hps):
    """A bond asked where the rules need none is a barrier to entry: refused."""
    bond = hps // 100
    with brownie.reverts(error("TenderInvalidBidBond", bond, 0, 0)):
        kit.announce(category=category, hps=hps, bidBond=bond)


def test_an_opening_without_its_bond_reference_is_refused(kit, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce(category=CONSTRUCTION, hps=HPS)
    bid = kit.commit(account, supplier_id, tender_id, PRICES[0], bid_bond_ref=ZERO32)
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderBidBondMissing", tender_id)):
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    with brownie.reverts(error("TenderBidBondMissing", tender_id)):
        kit.open_by_quorum(tender_id, bid)


# -- sanggah banding -------------------------------------------------------------------------------
def proposed(kit, bidders, category=CONSTRUCTION, hps=HPS):
    """Three opened bids, evaluated: bidders[0] proposed at Rp16 miliar."""
    tender_id = kit.announce(category=category, hps=hps, title="Jalan kawasan inti pusat pemerintahan")
    bids = [kit.commit(*bidder, tender_id, price) for bidder, price in zip(bidders, PRICES, strict=True)]
    kit.to_reveal(tender_id)
    for bid in bids:
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    kit.evaluate(tender_id)
    return tender_id


def object_to(tenders, tender_id, account):
    """`account` files a sanggah; returns its objection id."""
    return tenders.fileObjection(tender_id, EVIDENCE, {"from": account}).events["ObjectionFiled"][
        "objectionId"
    ]


def objected(kit, tenders, bidders, **params):
    """bidders[1] objects; returns (tender id, objection id)."""
    tender_id = proposed(kit, bidders, **params)
    return tender_id, object_to(tenders, tender_id, bidders[1][0])


def rejected(kit, tenders, bidders, **params):
    """bidders[1] objects and the Pokja rejects it; returns (tender id, objection id, answer time)."""
    tender_id, objection_id = objected(kit, tenders, bidders, **params)
    answer = kit.answer(tender_id, objection_id, O_REJECTED)
    return tender_id, objection_id, answer.timestamp


def kpa_answers(tenders, tender_id, objection_id, outcome, kpa):
    return tenders.resolveAppeal(tender_id, objection_id, outcome, ANSWER, {"from": kpa})


def test_a_rejected_objection_may_be_appealed_and_the_award_waits_for_the_kpa(
    kit, tenders, bidders, officer, outsider
):
    objector, objector_id = bidders[1]
    tender_id, objection_id, answered_at = rejected(kit, tenders, bidders)
    window = kit.tender(tender_id)["appealWindow"]
    tender = kit.tender(tender_id)
    assert tender["appealDeadline"] == answered_at + window > tender["objectionDeadline"]
    assert tenders.getObjection(tender_id, objection_id)["answeredAt"] == answered_at

    tx = tenders.fileAppeal(tender_id, objection_id, BOND_REF, {"from": objector})

    filed = tx.events["AppealFiled"]
    assert (filed["objectionId"], filed["supplierId"], filed["bond"]) == (
        objection_id,
        objector_id,
        APPEAL_BOND,
    )
    assert hx(filed["bondRef"]) == hx(BOND_REF)
    assert tenders.getObjection(tender_id, objection_id)["appealed"] is True
    assert kit.tender(tender_id)["openObjections"] == 1
    # The award waits: first for the appeal window, then for the KPA's answer.
    kit.sleep_until(tender["objectionDeadline"] + 1)
    with brownie.reverts(error("TenderObjectionWindowOpen", tender_id, tender["appealDeadline"])):
        tenders.finalizeAward(tender_id, {"from": outsider})
    kit.sleep_until(tender["appealDeadline"] + 1)
    with brownie.reverts(error("TenderObjectionsPending", tender_id, 1)):
        tenders.finalizeAward(tender_id, {"from": outsider})

    # The KPA (the PPK's agency, outside the Pokja) rejects the appeal: the bond is claimed.
    resolved = kpa_answers(tenders, tender_id, objection_id, O_REJECTED, officer).events["AppealResolved"]
    assert (resolved["outcome"], resolved["officer"], resolved["bondClaimed"]) == (
        O_REJECTED,
        officer.address,
        APPEAL_BOND,
    )
    assert tenders.getObjection(tender_id, objection_id)["appealOutcome"] == O_REJECTED
    awarded = tenders.finalizeAward(tender_id, {"from": outsider}).events["TenderAwarded"]
    assert (awarded["supplierId"], awarded["value"]) == (bidders[0][1], PRICES[0])


def test_the_award_waits_for_the_appeal_window_even_without_an_appeal(kit, tenders, bidders, outsider):
    tender_id, _, _ = rejected(kit, tenders, bidders)
    tender = kit.tender(tender_id)
    kit.sleep_until(tender["objectionDeadline"] + 1)
    with brownie.reverts(error("TenderObjectionWindowOpen", tender_id, tender["appealDeadline"])):
        tenders.finalizeAward(tender_id, {"from": outsider})
    kit.to_award(tender_id)
    assert kit.tender(tender_id)["status"] != T_AWARDED
    tenders.finalizeAward(tender_id, {"from": outsider})
    assert kit.tender(tender_id)["status"] == T_AWARDED


def test_the_pokja_cannot_answer_the_appeal_against_its_own_answer(
    kit, tenders, bidders, pu_officer, outsider
):
    objector, _ = bidders[1]
    tender_id, objection_id, _ = rejected(kit, tenders, bidders)
    tenders.fileAppeal(tender_id, objection_id, BOND_REF, {"from": objector})
    for member in kit.pokja[bytes(tender_id)]:
        with brownie.reverts(error("TenderAppealByPokja", tender_id, member)):
            kpa_answers(tenders, tender_id, objection_id, O_UPHELD_REEVALUATE, member)
    with brownie.reverts(error("AgencyOfficerMismatch", pu_officer, kit.agency_id, 1002)):
        kpa_answers(tenders, tender_id, objection_id, O_UPHELD_REEVALUATE, pu_officer)
    for caller in (objector, outsider):
        with brownie.reverts(error("AccessManagedUnauthorized", caller)):
            kpa_answers(tenders, tender_id, objection_id, O_UPHELD_REEVALUATE, caller)
    assert kit.tender(tender_id)["openObjections"] == 1


def test_no_appeal_after_the_window(kit, tenders, bidders):
    objector, _ = bidders[1]
    tender_id, objection_id, _ = rejected(kit, tenders, bidders)
    deadline = kit.tender(tender_id)["appealDeadline"]
    kit.sleep_until(deadline)
    with brownie.reverts(error("TenderAppealWindowClosed", tender_id, deadline)):
        tenders.fileAppeal(tender_id, objection_id, BOND_REF, {"from": objector})


def test_the_appeal_window_runs_from_the_answer_to_that_objection(kit, tenders, bidders):
    """Two objections, answered two days apart. The first objector's window closes five days after
    ITS answer; the later answer to someone else's objection does not reopen it."""
    first, _ = bidders[1]
    second, _ = bidders[2]
    tender_id = proposed(kit, bidders)
    first_id, second_id = (object_to(tenders, tender_id, account) for account in (first, second))
    first_answered = kit.answer(tender_id, first_id, O_REJECTED).timestamp
    kit.sleep_until(first_answered + 2 * 24 * 3600)
    kit.answer(tender_id, second_id, O_REJECTED)
    window = kit.tender(tender_id)["appealWindow"]
    kit.sleep_until(first_answered + window + 3600)
    with brownie.reverts(error("TenderAppealWindowClosed", tender_id, first_answered + window)):
        tenders.fileAppeal(tender_id, first_id, BOND_REF, {"from": first})


@pytest.mark.parametrize("flaw", ["goods-tender", "not-the-objector", "no-bond", "twice", "upheld-objection"])
def test_an_appeal_outside_the_rules_is_refused(kit, tenders, bidders, flaw):
    objector, _ = bidders[1]
    appellant, bond_ref = objector, BOND_REF
    if flaw == "goods-tender":
        tender_id, objection_id = objected(kit, tenders, bidders, category=GOODS)
        kit.answer(tender_id, objection_id, O_REJECTED)
    elif flaw == "upheld-objection":
        # The Pokja upheld and re-evaluated; nothing left to appeal (the new award gets its own sanggah).
        tender_id, objection_id = objected(kit, tenders, bidders)
        kit.answer(tender_id, objection_id, O_UPHELD_REEVALUATE)
    else:
        tender_id, objection_id, _ = rejected(kit, tenders, bidders)
        if flaw == "not-the-objector":
            appellant = bidders[2][0]
        elif flaw == "no-bond":
            bond_ref = ZERO32
        else:
            tenders.fileAppeal(tender_id, objection_id, BOND_REF, {"from": objector})
    with brownie.reverts(error("TenderAppealNotAllowed", tender_id, objection_id)):
        tenders.fileAppeal(tender_id, objection_id, bond_ref, {"from": appellant})


def test_an_upheld_appeal_reevaluates_the_tender(kit, tenders, bidders, officer):
    objector, objector_id = bidders[1]
    _, winner_id = bidders[0]
    tender_id, objection_id, _ = rejected(kit, tenders, bidders)
    tenders.fileAppeal(tender_id, objection_id, BOND_REF, {"from": objector})

    tx = kpa_answers(tenders, tender_id, objection_id, O_UPHELD_REEVALUATE, officer)

    assert (tx.events["AppealResolved"]["outcome"], tx.events["AppealResolved"]["bondClaimed"]) == (
        O_UPHELD_REEVALUATE,
        0,
    )
    assert (tx.events["BidRejected"]["supplierId"], tx.events["BidRejected"]["reason"]) == (
        winner_id,
        R_OBJECTION_UPHELD,
    )
    assert tenders.getBid(tender_id, winner_id)["status"] == B_DISQUALIFIED
    tender = kit.tender(tender_id)
    assert (tender["status"], tender["appealDeadline"], tender["openObjections"]) == (T_OPEN, 0, 0)
    award = kit.evaluate(tender_id).events["AwardProposed"]
    assert (award["supplierId"], award["price"]) == (objector_id, PRICES[1])
    assert kit.tender(tender_id)["awardRound"] == 2


def test_an_appeal_upheld_to_fail_fails_the_tender(kit, tenders, bidders, officer):
    objector, _ = bidders[1]
    tender_id, objection_id, _ = rejected(kit, tenders, bidders)
    tenders.fileAppeal(tender_id, objection_id, BOND_REF, {"from": objector})
    tx = kpa_answers(tenders, tender_id, objection_id, O_UPHELD_FAIL, officer)
    assert tx.events["TenderFailed"]["reason"] == F_OBJECTION_UPHELD
    assert kit.tender(tender_id)["status"] == T_FAILED


def test_an_appeal_is_answered_once(kit, tenders, bidders, officer):
    objector, _ = bidders[1]
    tender_id, objection_id, _ = rejected(kit, tenders, bidders)
    with brownie.reverts(error("TenderNoOpenAppeal", tender_id, objection_id)):
        kpa_answers(tenders, tender_id, objection_id, O_REJECTED, officer)
    tenders.fileAppeal(tender_id, objection_id, BOND_REF, {"from": objector})
    kpa_answers(tenders, tender_id, objection_id, O_REJECTED, officer)
    with brownie.reverts(error("TenderNoOpenAppeal", tender_id, objection_id)):
        kpa_answers(tenders, tender_id, objection_id, O_UPHELD_REEVALUATE, officer)
