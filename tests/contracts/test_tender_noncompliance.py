"""Non-compliance (gugur): a Pokja member declares an opened bid non-compliant, with a reason and the
hash of its evidence, before the evaluation. The bid is out, on the record (BidDeclaredNonCompliant,
BidRejected NonCompliant), and the next bid wins. A declaration needs a reason; only a member of the
tender's Pokja makes it; after the evaluation the route is the sanggah, not a quiet gugur.

The same holds for withdrawing a bid's domestic preference (e.g. its certificate was revoked for
fraud after the commit deadline): a Pokja act on the record, which losing bidders can object to.
"""

import brownie
import pytest
from brownie import web3

from tests.contracts.tender_fixtures import (
    B_DISQUALIFIED,
    B_VALID,
    F_TOO_FEW_VALID_BIDS,
    NC_ADMINISTRATIVE,
    NC_COLLUSION,
    NC_FALSE_DOCUMENTS,
    NC_NONE,
    NC_QUALIFICATION,
    NC_TECHNICAL,
    R_NON_COMPLIANT,
    T_AWARD_PROPOSED,
    T_FAILED,
    error,
    hx,
)

PRICES = (1_000_000_000, 1_100_000_000, 1_200_000_000)
EVIDENCE = web3.keccak(text="berita acara evaluasi: surat dukungan pabrikan palsu")


def opened(kit, bidders, prices=PRICES, **params):
    """A tender past its reveal deadline with every bid opened; bidders[0] is the cheapest."""
    tender_id = kit.announce(**params)
    bids = [kit.commit(*bidder, tender_id, price) for bidder, price in zip(bidders, prices, strict=False)]
    kit.to_reveal(tender_id)
    for bid in bids:
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    return tender_id


@pytest.mark.parametrize(
    "reason", [NC_ADMINISTRATIVE, NC_TECHNICAL, NC_QUALIFICATION, NC_FALSE_DOCUMENTS, NC_COLLUSION]
)
def test_a_pokja_member_declares_a_bid_non_compliant_and_the_next_bid_wins(kit, tenders, bidders, reason):
    (_, cheapest_id), (_, next_id), _ = bidders
    tender_id = opened(kit, bidders)
    member = kit.member(tender_id)

    tx = tenders.declareNonCompliant(tender_id, cheapest_id, reason, EVIDENCE, {"from": member})

    declared = tx.events["BidDeclaredNonCompliant"]
    assert (declared["supplierId"], declared["reason"], declared["officer"]) == (
        cheapest_id,
        reason,
        member.address,
    )
    assert hx(declared["evidenceHash"]) == hx(EVIDENCE)
    assert (tx.events["BidRejected"]["supplierId"], tx.events["BidRejected"]["reason"]) == (
        cheapest_id,
        R_NON_COMPLIANT,
    )
    assert tenders.getBid(tender_id, cheapest_id)["status"] == B_DISQUALIFIED
    assert kit.tender(tender_id)["validBids"] == 2
    award = kit.evaluate(tender_id).events["AwardProposed"]
    assert (award["supplierId"], award["validBids"], award["tenderers"]) == (next_id, 2, 3)


def test_a_declaration_needs_a_reason(kit, tenders, bidders):
    _, cheapest_id = bidders[0]
    tender_id = opened(kit, bidders)
    with brownie.reverts(error("TenderInvalidNonCompliance")):
        tenders.declareNonCompliant(
            tender_id, cheapest_id, NC_NONE, EVIDENCE, {"from": kit.member(tender_id)}
        )
    assert tenders.getBid(tender_id, cheapest_id)["status"] == B_VALID


def test_only_a_pokja_member_declares_a_bid_non_compliant(
    kit, tenders, bidders, officer, pu_officer, outsider
):
    """The PPK (outside the Pokja) and an officer of another agency are refused by the contract; a
    rival bidder and anyone else by the hub."""
    _, cheapest_id = bidders[0]
    rival, _ = bidders[1]
    tender_id = opened(kit, bidders)
    for caller in (officer, pu_officer):
        with brownie.reverts(error("TenderNotPokjaMember", tender_id, caller)):
            tenders.declareNonCompliant(tender_id, cheapest_id, NC_TECHNICAL, EVIDENCE, {"from": caller})
    for caller in (rival, outsider):
        with brownie.reverts(error("AccessManagedUnauthorized", caller)):
            tenders.declareNonCompliant(tender_id, cheapest_id, NC_TECHNICAL, EVIDENCE, {"from": caller})
    assert kit.tender(tender_id)["validBids"] == 3


def test_only_an_opened_valid_bid_is_declared_non_compliant_once(kit, tenders, bidders):
    (account, supplier_id), (other, other_id), _ = bidders
    tender_id = kit.announce()
    sealed = kit.commit(account, supplier_id, tender_id, PRICES[0])
    other_bid = kit.commit(other, other_id, tender_id, PRICES[1])
    kit.to_reveal(tender_id)
    member = kit.member(tender_id)
    # Still sealed: nothing to judge yet.
    with brownie.reverts(error("TenderBidNotValid", tender_id, supplier_id)):
        tenders.declareNonCompliant(tender_id, supplier_id, NC_TECHNICAL, EVIDENCE, {"from": member})
    kit.reveal(tender_id, sealed)
    kit.reveal(tender_id, other_bid)
    tenders.declareNonCompliant(tender_id, supplier_id, NC_TECHNICAL, EVIDENCE, {"from": member})
    # Once out, it cannot be counted out twice (validBids would drop again).
    with brownie.reverts(error("TenderBidNotValid", tender_id, supplier_id)):
        tenders.declareNonCompliant(tender_id, supplier_id, NC_ADMINISTRATIVE, EVIDENCE, {"from": member})
    assert kit.tender(tender_id)["validBids"] == 1


def test_no_declaration_after_the_evaluation(kit, tenders, bidders):
    """After the award is proposed the winner cannot be quietly declared non-compliant: that is what
    the sanggah is for, with its window and answer on the record."""
    (_, winner_id), _, _ = bidders
    tender_id = opened(kit, bidders)
    kit.evaluate(tender_id)
    with brownie.reverts(error("TenderWrongStatus", tender_id, T_AWARD_PROPOSED)):
        tenders.declareNonCompliant(
            tender_id, winner_id, NC_TECHNICAL, EVIDENCE, {"from": kit.member(tender_id)}
        )


def test_declarations_below_the_minimum_fail_the_tender(kit, tenders, bidders):
    tender_id = opened(kit, bidders[:2], minValidBids=2)
    member = kit.member(tender_id)
    tenders.declareNonCompliant(tender_id, bidders[0][1], NC_QUALIFICATION, EVIDENCE, {"from": member})
    tx = kit.evaluate(tender_id)
    failed = tx.events["TenderFailed"]
    assert (failed["reason"], failed["validBids"]) == (F_TOO_FEW_VALID_BIDS, 1)
    assert kit.tender(tender_id)["status"] == T_FAILED


# -- withdrawing the preference ------------------------------------------------------------------
def test_a_pokja_member_withdraws_a_preference_on_the_record(kit, tenders, bidders, products, officer):
    """Bidder A wins on preference (TKDN 50%: HEA Rp962.5 juta for Rp1.1 miliar). Its certificate
    turns out forged: a Pokja member withdraws the preference (HEA = price) and B, at Rp1 miliar,
    wins. The PPK, outside the Pokja, cannot do it."""
    (a, a_id), (b, b_id), _ = bidders
    tender_id = kit.announce(preferenceBps=2500)
    bid_a = kit.commit(a, a_id, tender_id, 1_100_000_000, ["P50"])
    bid_b = kit.commit(b, b_id, tender_id, 1_000_000_000)
    kit.to_reveal(tender_id)
    assert kit.reveal(tender_id, bid_a).events["BidRevealed"]["hea"] == 962_500_000
    kit.reveal(tender_id, bid_b)
    kit.to_evaluation(tender_id)
    with brownie.reverts(error("TenderNotPokjaMember", tender_id, officer)):
        tenders.withdrawPreference(tender_id, a_id, EVIDENCE, {"from": officer})

    tx = tenders.withdrawPreference(tender_id, a_id, EVIDENCE, {"from": kit.member(tender_id)})

    assert tx.events["PreferenceWithdrawn"]["supplierId"] == a_id
    assert tenders.getBid(tender_id, a_id)["hea"] == 1_100_000_000
    assert kit.evaluate(tender_id).events["AwardProposed"]["supplierId"] == b_id
