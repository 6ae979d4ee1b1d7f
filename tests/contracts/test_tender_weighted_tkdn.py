"""The TKDN of a bid is weighted by value (Permenperin 35/2025): TKDN = sum(TKDN_i x share_i), each
product's share of the bid value in basis points, the rest of the value counting 0%.

So a bid cannot borrow the TKDN of one highly local product for its whole value: a 50% product that
is 40% of the offer gives the offer 20%. The product list is checked at opening: shares positive,
at most 100% together, each product once, in ascending id order. The domestic preference (and its
HEA) follows from the weighted figure and the 25% threshold.

Products (tender_fixtures.PRODUCTS): P50 TKDN 50%, P30 30%, P20 20%, P10 10%.
"""

import brownie
import pytest

from app.protocol import bids as bidlib
from tests.contracts.tender_attacks import hea
from tests.contracts.tender_fixtures import PRODUCTS, error, product_id

PRICE = 1_000_000_000
PREFERENCE = 2_500  # 25% preference, the cap


def tkdn_of(label: str) -> int:
    return PRODUCTS[label][0]


@pytest.mark.parametrize(
    "offer, expected_bps",
    [
        ([("P50", 6000), ("P30", 4000)], 4200),  # 50% x 60% + 30% x 40% = 30% + 12%
        ([("P50", 10_000)], 5000),  # one product, the whole value
        ([("P50", 5000)], 2500),  # half the value certified, half imported
        ([("P50", 3000), ("P30", 3000), ("P20", 2000), ("P10", 2000)], 3000),  # 15 + 9 + 4 + 2
        ([("P30", 3333)], 999),  # 999.9 bps, rounded down
        ([], 0),  # no certified product
    ],
    ids=["two-products-42", "whole-50", "half-25", "four-products-30", "rounds-down", "none"],
)
def test_the_bid_tkdn_is_the_value_weighted_sum(kit, tenders, bidders, products, offer, expected_bps):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE, offer)
    kit.to_reveal(tender_id)
    tx = kit.reveal(tender_id, bid)
    assert expected_bps == bidlib.weighted_tkdn([(tkdn_of(label), share) for label, share in offer])
    assert tx.events["BidRevealed"]["tkdnBps"] == expected_bps
    assert tenders.getBid(tender_id, supplier_id)["tkdnBps"] == expected_bps


def ascending(*labels):
    return sorted(labels, key=lambda label: bytes(product_id(label)))


@pytest.mark.parametrize("flaw", ["shares-above-100", "duplicate", "unsorted", "zero-share"])
def test_a_product_list_that_would_inflate_or_blur_the_tkdn_is_refused(kit, tenders, bidders, products, flaw):
    """Each flaw committed as is (the supplier's own commitment; the kit does not normalise it). The
    opening is refused, so the bid cannot be opened with the list it was sealed with."""
    account, supplier_id = bidders[0]
    low, high = ascending("P50", "P30")
    offer = {
        # 60% at 50% + 50% at 30% would claim 45% for a bid worth 110% of its price.
        "shares-above-100": [("P50", 6000), ("P30", 5000)],
        # The same 50% product listed twice, hoping to be counted twice.
        "duplicate": [("P50", 5000), ("P50", 5000)],
        # Distinct products out of order: the list must be canonical, or one offer has many openings.
        "unsorted": [(high, 5000), (low, 5000)],
        # A product listed for nothing.
        "zero-share": sorted([("P50", 10_000), ("P30", 0)], key=lambda p: bytes(product_id(p[0]))),
    }[flaw]
    tender_id = kit.announce(preferenceBps=PREFERENCE)
    bid = kit.commit(account, supplier_id, tender_id, PRICE, offer, normalise=False)
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderInvalidProductShares", tender_id)):
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    with brownie.reverts(error("TenderInvalidProductShares", tender_id)):
        kit.open_by_quorum(tender_id, bid)


def test_shares_up_to_exactly_100_percent_are_accepted(kit, bidders, products):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE, [("P50", 9999), ("P30", 1)])
    kit.to_reveal(tender_id)
    assert kit.reveal(tender_id, bid).events["BidRevealed"]["tkdnBps"] == (5000 * 9999 + 3000) // 10_000


# -- the 25% threshold of the preference, by weighting --------------------------------------------
@pytest.mark.parametrize(
    "offer, tkdn_bps, preferred",
    [
        ([("P30", 5000), ("P20", 5000)], 2500, True),  # 15% + 10%: reaches 25% exactly
        ([("P30", 4000), ("P20", 6000)], 2400, False),  # 12% + 12%: misses
        ([("P50", 4998)], 2499, False),  # a 50% product, but only 49.98% of the value
        ([("P50", 5000)], 2500, True),
    ],
    ids=["mix-reaches", "mix-misses", "high-product-small-share-misses", "half-reaches"],
)
def test_the_preference_follows_the_weighted_tkdn(kit, bidders, products, offer, tkdn_bps, preferred):
    account, supplier_id = bidders[0]
    tender_id = kit.announce(preferenceBps=PREFERENCE)
    assert kit.tender(tender_id)["preferenceMinTkdnBps"] == 2500
    bid = kit.commit(account, supplier_id, tender_id, PRICE, offer)
    kit.to_reveal(tender_id)
    revealed = kit.reveal(tender_id, bid).events["BidRevealed"]
    expected_hea = hea(PRICE, tkdn_bps, PREFERENCE) if preferred else PRICE
    assert (revealed["tkdnBps"], revealed["hea"]) == (tkdn_bps, expected_hea)


def test_weighting_decides_the_award(kit, bidders, products):
    """Bidder A offers Rp1 miliar with a mix that reaches 25% (HEA Rp937.5 juta). Bidder B offers
    Rp950 juta naming a 50% product that is just under half its value (24.99%): no preference, HEA
    Rp950 juta. A wins. Had B's offer been credited with its product's 50%, B's HEA would be
    Rp831.25 juta and B would win."""
    (a, a_id), (b, b_id), _ = bidders
    tender_id = kit.announce(preferenceBps=PREFERENCE)
    bid_a = kit.commit(a, a_id, tender_id, PRICE, [("P30", 5000), ("P20", 5000)])
    bid_b = kit.commit(b, b_id, tender_id, 950_000_000, [("P50", 4998)])
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, bid_a)
    kit.reveal(tender_id, bid_b)
    kit.to_evaluation(tender_id)
    award = kit.evaluate(tender_id).events["AwardProposed"]
    assert hea(950_000_000, 5000, PREFERENCE) == 831_250_000 < hea(PRICE, 2500, PREFERENCE) == 937_500_000
    assert (award["supplierId"], award["price"], award["hea"], award["tkdnBps"]) == (
        a_id,
        PRICE,
        937_500_000,
        2500,
    )
