"""Evaluation: lowest price by HEA when the preference applies (the worked example of docs/domain.md), tie
rules (higher TKDN, then earlier commit), failure with too few valid bids, unrevealed bids recorded,
and the value system with k-of-n evaluator scores and published weights."""

import brownie

from tests.contracts.tender_fixtures import (
    B_UNREVEALED,
    F_TOO_FEW_VALID_BIDS,
    R_UNREVEALED,
    T_AWARD_PROPOSED,
    T_FAILED,
    VALUE_SYSTEM,
    error,
)


def run(kit, tender_id, offers):
    """Commit every (bidder, price, products) offer, reveal them all, evaluate; returns the tx."""
    sealed = [
        kit.commit(account, supplier_id, tender_id, price, products)
        for (account, supplier_id), price, products in offers
    ]
    kit.to_reveal(tender_id)
    for bid in sealed:
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    return kit.evaluate(tender_id)


def test_worked_example_preference_changes_the_winner(kit, bidders, products):
    # A: HP 1,000,000,000 with TKDN 50% -> KP 12.5% -> HEA 875,000,000. B: 900,000,000, no TKDN.
    offers = [(bidders[0], 1_000_000_000, ["P50"]), (bidders[1], 900_000_000, [])]
    tender_id = kit.announce(hps=2_000_000_000, preferenceBps=2500)
    event = run(kit, tender_id, offers).events["AwardProposed"]
    assert (event["supplierId"], event["price"], event["hea"]) == (bidders[0][1], 1_000_000_000, 875_000_000)
    assert (event["tenderers"], event["validBids"]) == (2, 2)


def test_without_preference_the_lowest_price_wins(kit, bidders, products):
    offers = [(bidders[0], 1_000_000_000, ["P50"]), (bidders[1], 900_000_000, [])]
    tender_id = kit.announce(hps=2_000_000_000, preferenceBps=0)
    assert run(kit, tender_id, offers).events["AwardProposed"]["supplierId"] == bidders[1][1]


def test_preference_needs_the_minimum_tkdn(kit, bidders, products):
    # P20 (TKDN 20% < 25%) gets no preference: HEA = price, so the cheaper bid wins.
    offers = [(bidders[0], 950_000_000, ["P20"]), (bidders[1], 940_000_000, [])]
    tender_id = kit.announce(hps=2_000_000_000, preferenceBps=2500)
    event = run(kit, tender_id, offers).events["AwardProposed"]
    assert (event["supplierId"], event["hea"]) == (bidders[1][1], 940_000_000)


def test_equal_hea_goes_to_the_higher_tkdn(kit, bidders, products):
    offers = [(bidders[0], 1_000_000_000, ["P30"]), (bidders[1], 1_000_000_000, ["P50"])]
    tender_id = kit.announce()
    assert run(kit, tender_id, offers).events["AwardProposed"]["supplierId"] == bidders[1][1]


def test_equal_hea_and_tkdn_goes_to_the_earlier_commit(kit, bidders, products):
    tender_id = kit.announce()
    late = kit.commit(*bidders[0], tender_id, 1_000_000_000, ["P30"])
    early = kit.commit(*bidders[1], tender_id, 1_000_000_000, ["P30"])
    # bidders[0] re-commits the same offer: its commit is now the later one.
    late = kit.commit(*bidders[0], tender_id, 1_000_000_000, ["P30"])
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, late)
    kit.reveal(tender_id, early)
    kit.to_evaluation(tender_id)
    assert kit.evaluate(tender_id).events["AwardProposed"]["supplierId"] == bidders[1][1]


def test_too_few_valid_bids_fail_the_tender(kit, tenders, bidders):
    tender_id = kit.announce(minValidBids=2)
    revealed = kit.commit(*bidders[0], tender_id, 1_000_000_000)
    kit.commit(*bidders[1], tender_id, 1_100_000_000)  # never revealed
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, revealed)
    kit.to_evaluation(tender_id)
    tx = kit.evaluate(tender_id)
    assert tx.events["BidRejected"]["supplierId"] == bidders[1][1]
    assert tx.events["BidRejected"]["reason"] == R_UNREVEALED
    assert tx.events["TenderFailed"]["reason"] == F_TOO_FEW_VALID_BIDS
    assert tx.events["TenderFailed"]["validBids"] == 1
    assert kit.tender(tender_id)["status"] == T_FAILED
    assert tenders.getBid(tender_id, bidders[1][1])["status"] == B_UNREVEALED


def test_no_bids_fail_the_tender(kit):
    tender_id = kit.announce()
    kit.to_evaluation(tender_id)
    assert kit.evaluate(tender_id).events["TenderFailed"]["reason"] == F_TOO_FEW_VALID_BIDS


def test_evaluation_waits_for_the_reveal_deadline(kit, bidders):
    tender_id = kit.announce()
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderRevealNotOver", tender_id, kit.tender(tender_id)["revealDeadline"])):
        kit.evaluate(tender_id)


def test_evaluation_needs_the_complete_ascending_bidder_list(kit, tenders, bidders):
    tender_id = kit.announce()
    for bidder in bidders[:2]:
        kit.commit(*bidder, tender_id, 1_000_000_000)
    kit.to_evaluation(tender_id)
    ids = kit.bidder_ids(tender_id)
    with brownie.reverts(error("TenderBidderListLength", 1, 2)):
        tenders.evaluate(tender_id, ids[:1], {"from": bidders[0][0]})
    with brownie.reverts(error("TenderBidderListNotAscending", 1)):
        tenders.evaluate(tender_id, [ids[1], ids[0]], {"from": bidders[0][0]})
    with brownie.reverts(error("TenderNotABidder", tender_id, bidders[2][1])):
        tenders.evaluate(tender_id, [ids[0], bidders[2][1]], {"from": bidders[0][0]})


def _value_tender(kit, tenders, officer, officer2, quorum=2, weight=7000):
    tender_id = kit.announce(evaluation=VALUE_SYSTEM, technicalWeightBps=weight)
    tenders.appointEvaluators(tender_id, [officer, officer2], quorum, {"from": officer})
    return tender_id


def test_value_system_combines_technical_and_price_scores(kit, tenders, officer, officer2, bidders):
    tender_id = _value_tender(kit, tenders, officer, officer2)
    cheap = kit.commit(*bidders[0], tender_id, 1_000_000_000)  # price score 100
    good = kit.commit(*bidders[1], tender_id, 1_250_000_000)  # price score 80
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, cheap)
    kit.reveal(tender_id, good)
    kit.to_evaluation(tender_id)
    ids = [bidders[0][1], bidders[1][1]]
    # technical means: cheap 60, good 90. 70/30: cheap 0.7*60 + 0.3*100 = 72; good 0.7*90 + 0.3*80 = 87.
    tenders.submitTechnicalScores(tender_id, ids, [5000, 9000], {"from": officer})
    with brownie.reverts(error("TenderScoresIncomplete", tender_id, 1, 2)):
        kit.evaluate(tender_id)
    tenders.submitTechnicalScores(tender_id, ids, [7000, 9000], {"from": officer2})
    assert tenders.technicalScoreSum(tender_id, bidders[1][1]) == 18000
    event = kit.evaluate(tender_id).events["AwardProposed"]
    assert event["supplierId"] == bidders[1][1]
    assert kit.tender(tender_id)["status"] == T_AWARD_PROPOSED


def test_value_system_price_weight_can_decide(kit, tenders, officer, officer2, bidders):
    tender_id = _value_tender(kit, tenders, officer, officer2, quorum=1, weight=2000)
    cheap = kit.commit(*bidders[0], tender_id, 1_000_000_000)
    good = kit.commit(*bidders[1], tender_id, 1_250_000_000)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, cheap)
    kit.reveal(tender_id, good)
    kit.to_evaluation(tender_id)
    # 20/80: cheap 0.2*60 + 0.8*100 = 92; good 0.2*90 + 0.8*80 = 82. One sheet of two suffices (k=1).
    tenders.submitTechnicalScores(tender_id, [bidders[0][1], bidders[1][1]], [6000, 9000], {"from": officer2})
    assert kit.evaluate(tender_id).events["AwardProposed"]["supplierId"] == bidders[0][1]


def test_only_appointed_evaluators_score_once(kit, tenders, officer, officer2, pu_officer, bidders):
    tender_id = _value_tender(kit, tenders, officer, officer2)
    bid = kit.commit(*bidders[0], tender_id, 1_000_000_000)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, bid)
    ids = [bidders[0][1]]
    with brownie.reverts(error("TenderRevealNotOver", tender_id, kit.tender(tender_id)["revealDeadline"])):
        tenders.submitTechnicalScores(tender_id, ids, [8000], {"from": officer})
    kit.to_evaluation(tender_id)
    with brownie.reverts(error("TenderNotEvaluator", tender_id, pu_officer)):
        tenders.submitTechnicalScores(tender_id, ids, [8000], {"from": pu_officer})
    with brownie.reverts(error("TenderScoreTooHigh", 10001)):
        tenders.submitTechnicalScores(tender_id, ids, [10001], {"from": officer})
    with brownie.reverts(error("TenderScoreListInvalid", tender_id)):
        tenders.submitTechnicalScores(tender_id, [], [], {"from": officer})
    tenders.submitTechnicalScores(tender_id, ids, [8000], {"from": officer})
    with brownie.reverts(error("TenderScoresAlreadySubmitted", tender_id, officer)):
        tenders.submitTechnicalScores(tender_id, ids, [8000], {"from": officer})


def test_evaluators_must_be_officers_of_the_agency(kit, tenders, officer, pu_officer):
    tender_id = kit.announce(evaluation=VALUE_SYSTEM, technicalWeightBps=7000)
    with brownie.reverts(error("AgencyOfficerMismatch", pu_officer, 1001, 1002)):
        tenders.appointEvaluators(tender_id, [officer, pu_officer], 1, {"from": officer})
    with brownie.reverts(error("TenderInvalidEvaluators", 1, 2)):
        tenders.appointEvaluators(tender_id, [officer], 2, {"from": officer})
