"""No withheld bids: a bid its supplier does not open is opened by the Pokja quorum.

Each sealed bid carries an envelope that k Pokja members together decrypt (the k-of-n cryptography
is tested in tests/gateway/test_envelope.py); here the contract's side. After the reveal deadline a
Pokja member submits the opening; it is checked against the commitment like a reveal, and the bid
takes part in the evaluation, its bond claimed for not being opened by its supplier. Nobody opens a
bid early, only a Pokja member opens one, and a forged opening is refused. A bid nobody opens is out,
its bond claimed. Withholding is no longer an option worth money: the ladder of prices fails.

The tenders here are construction above Rp10 miliar, so every bid carries a bid bond (1% of HPS).
"""

import brownie
import pytest
from brownie import web3

from tests.contracts.tender_attacks import (
    ZERO_ADDRESS,
    as_pairs,
    event_products,
    openings_close_at,
    to_openings_closed,
)
from tests.contracts.tender_fixtures import (
    B_SEALED,
    B_UNREVEALED,
    B_VALID,
    CONSTRUCTION,
    R_UNREVEALED,
    T_AWARD_PROPOSED,
    error,
    hx,
    raw_commitment,
)

HPS = 20_000_000_000  # Rp20 miliar
BOND = HPS // 100


def construction(kit):
    return kit.announce(category=CONSTRUCTION, hps=HPS, bidBond=BOND, title="Jembatan Sepaku")


def test_a_pokja_member_opens_a_withheld_bid_after_the_reveal_deadline(kit, tenders, bidders, products):
    (opener, opener_id), (holder, holder_id), _ = bidders
    tender_id = construction(kit)
    opened = kit.commit(opener, opener_id, tender_id, 17_000_000_000)
    withheld = kit.commit(holder, holder_id, tender_id, 16_000_000_000, [("P50", 7000), ("P30", 3000)])
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, opened)
    kit.to_evaluation(tender_id)
    member = kit.member(tender_id)

    tx = kit.open_by_quorum(tender_id, withheld, member=member)

    revealed = tx.events["BidRevealed"]
    assert revealed["supplierId"] == holder_id and revealed["price"] == 16_000_000_000
    assert revealed["tkdnBps"] == 3500 + 900
    assert event_products(revealed) == as_pairs(withheld.products)
    assert hx(revealed["bidBondRef"]) == hx(withheld.bid_bond_ref)
    not_opened = tx.events["BidNotOpenedBySupplier"]
    assert (not_opened["supplierId"], not_opened["openedBy"], not_opened["bidBondClaimed"]) == (
        holder_id,
        member.address,
        BOND,
    )
    assert tenders.getBid(tender_id, holder_id)["status"] == B_VALID
    assert kit.tender(tender_id)["validBids"] == 2
    # The withheld bid is the cheaper one: it wins.
    assert kit.evaluate(tender_id).events["AwardProposed"]["supplierId"] == holder_id


@pytest.mark.parametrize("forged", ["price", "salt", "envelopeHash", "commitSeq", "products", "bidBondRef"])
def test_a_forged_opening_is_refused_by_the_commitment(kit, tenders, bidders, products, forged):
    """An insider on the Pokja submits an opening other than the one the envelope holds (a higher
    price, another salt, another envelope's hash, another commit's number, other products, another
    bond reference): the contract recomputes the sealed bid and refuses it. The genuine opening still
    goes through."""
    account, supplier_id = bidders[0]
    tender_id = construction(kit)
    bid = kit.commit(account, supplier_id, tender_id, 15_000_000_000, [("P50", 10_000)])
    kit.to_evaluation(tender_id)
    forgeries = {
        "price": 16_000_000_000,
        "products": [(bytes(products["P30"]), 10_000)],
        "salt": bytes(web3.keccak(text="garam lain")),
        "bidBondRef": bytes(web3.keccak(text="jaminan lain")),
        "commitSeq": bid.commit_seq + 1,
        "envelopeHash": bytes(web3.keccak(text="amplop lain")),
    }
    opening = dict(zip(forgeries, bid.opening(), strict=True))  # BidOpening's fields, in order
    opening[forged] = forgeries[forged]
    price, shares, salt, bond = (opening[name] for name in ("price", "products", "salt", "bidBondRef"))
    commitment = raw_commitment(tender_id, supplier_id, price, shares, salt, bond)
    with brownie.reverts(error("TenderCommitmentMismatch", tender_id, supplier_id, commitment)):
        tenders.openSealedBid(
            tender_id, supplier_id, tuple(opening.values()), {"from": kit.member(tender_id)}
        )
    kit.open_by_quorum(tender_id, bid)
    assert tenders.getBid(tender_id, supplier_id)["price"] == 15_000_000_000


def test_nobody_opens_a_withheld_bid_before_the_reveal_deadline(kit, bidders):
    """k members can decrypt early off chain; on chain they cannot act before the deadline: not in
    the commit period, not in the reveal window, while the supplier may still open its own bid."""
    account, supplier_id = bidders[0]
    tender_id = construction(kit)
    bid = kit.commit(account, supplier_id, tender_id, 15_000_000_000)
    refused = error("TenderRevealNotOver", tender_id, kit.tender(tender_id)["revealDeadline"])
    with brownie.reverts(refused):
        kit.open_by_quorum(tender_id, bid)
    kit.to_reveal(tender_id)
    with brownie.reverts(refused):
        kit.open_by_quorum(tender_id, bid)


def test_only_a_pokja_member_opens_a_withheld_bid(kit, tenders, bidders, officer, pu_officer, outsider):
    account, supplier_id = bidders[0]
    tender_id = construction(kit)
    bid = kit.commit(account, supplier_id, tender_id, 15_000_000_000)
    kit.to_evaluation(tender_id)
    assert officer not in kit.pokja[bytes(tender_id)]
    # The PPK (an officer of the agency, outside the Pokja) and an officer of another agency.
    for officer_ in (officer, pu_officer):
        with brownie.reverts(error("TenderNotPokjaMember", tender_id, officer_)):
            kit.open_by_quorum(tender_id, bid, member=officer_)
    # The supplier itself (its reveal window is over) and anyone else: not even past the hub.
    for caller in (account, outsider):
        with brownie.reverts(error("AccessManagedUnauthorized", caller)):
            kit.open_by_quorum(tender_id, bid, member=caller)
    assert tenders.getBid(tender_id, supplier_id)["price"] == 0


def test_one_member_cannot_evaluate_early_to_shut_the_quorum_out(kit, tenders, bidders):
    """A member colluding with the withholder runs the evaluation the moment the reveal deadline
    passes, before the quorum has decrypted the envelope, so the cheaper bid would be recorded
    unopened. While a bid is still sealed the evaluation waits for the quorum's opening window; once
    the quorum has opened it, nothing is left sealed and the evaluation goes ahead at once."""
    (opener, opener_id), (holder, holder_id), _ = bidders
    tender_id = construction(kit)
    opened = kit.commit(opener, opener_id, tender_id, 17_000_000_000)
    withheld = kit.commit(holder, holder_id, tender_id, 16_000_000_000)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, opened)
    kit.to_evaluation(tender_id)
    colluding, honest = kit.pokja[bytes(tender_id)][:2]
    with brownie.reverts(error("TenderOpeningsPending", tender_id, openings_close_at(kit, tender_id))):
        kit.evaluate(tender_id, by=colluding)
    assert tenders.getBid(tender_id, holder_id)["status"] == B_SEALED

    kit.open_by_quorum(tender_id, withheld, member=honest)

    assert kit.evaluate(tender_id, by=colluding).events["AwardProposed"]["supplierId"] == holder_id


def test_a_bid_opened_by_its_supplier_is_not_opened_again(kit, bidders):
    account, supplier_id = bidders[0]
    tender_id = construction(kit)
    bid = kit.commit(account, supplier_id, tender_id, 15_000_000_000)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    with brownie.reverts(error("TenderBidAlreadyRevealed", tender_id, supplier_id)):
        kit.open_by_quorum(tender_id, bid)


def test_a_bid_nobody_opens_is_out_with_its_bond_claimed(kit, tenders, bidders):
    (opener, opener_id), (holder, holder_id), _ = bidders
    tender_id = construction(kit)
    opened = kit.commit(opener, opener_id, tender_id, 17_000_000_000)
    withheld = kit.commit(holder, holder_id, tender_id, 16_000_000_000)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, opened)
    to_openings_closed(kit, tender_id)

    tx = kit.evaluate(tender_id)

    not_opened = tx.events["BidNotOpenedBySupplier"]
    assert len(not_opened) == 1
    assert (not_opened["supplierId"], not_opened["openedBy"], not_opened["bidBondClaimed"]) == (
        holder_id,
        ZERO_ADDRESS,
        BOND,
    )
    rejected = tx.events["BidRejected"]
    assert (rejected["supplierId"], rejected["reason"]) == (holder_id, R_UNREVEALED)
    assert tenders.getBid(tender_id, holder_id)["status"] == B_UNREVEALED
    assert tx.events["AwardProposed"]["supplierId"] == opener_id
    # Once evaluated, the bid is closed for good.
    with brownie.reverts(error("TenderWrongStatus", tender_id, T_AWARD_PROPOSED)):
        kit.open_by_quorum(tender_id, withheld)


def test_the_ladder_of_prices_fails(kit, tenders, bidders):
    """Two linked companies commit a ladder: Rp16 and Rp18 miliar. The honest bidder opens Rp19
    miliar, so the cartel opens only its Rp18 miliar rung and withholds the Rp16 miliar one, hoping to
    win Rp2 miliar dearer. The quorum opens the withheld rung: the cartel wins, if at all, at its
    lowest price, and the withheld bid's bond is claimed."""
    (low, low_id), (high, high_id), (honest, honest_id) = bidders
    tender_id = construction(kit)
    low_rung = kit.commit(low, low_id, tender_id, 16_000_000_000)
    high_rung = kit.commit(high, high_id, tender_id, 18_000_000_000)
    honest_bid = kit.commit(honest, honest_id, tender_id, 19_000_000_000)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, honest_bid)
    kit.reveal(tender_id, high_rung)
    kit.to_evaluation(tender_id)

    opened = kit.open_by_quorum(tender_id, low_rung)
    assert opened.events["BidNotOpenedBySupplier"]["bidBondClaimed"] == BOND
    tx = kit.evaluate(tender_id)

    award = tx.events["AwardProposed"]
    assert (award["supplierId"], award["price"], award["validBids"]) == (low_id, 16_000_000_000, 3)
    assert "BidNotOpenedBySupplier" not in tx.events
