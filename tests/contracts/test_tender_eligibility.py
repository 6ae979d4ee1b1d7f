"""Eligibility is frozen at the commit deadline.

A commit needs an active supplier (verified, not blacklisted; UMKM where the tender is reserved for
UMKM). After the commit deadline nothing an insider does to the registries can change whether a bid
counts or what TKDN it carries: an opening checks only that no blacklist covered the commit deadline,
and reads each product's certificate as it stood then. Officers who blacklist a bidder, or a
certifier who revokes or reissues a certificate, once the prices are known, change nothing.

A product without a valid certificate counts as 0% TKDN and never voids a bid, except in a
domestic-only tender, where every listed product must reach the minimum TKDN + BMP.
"""

import brownie
import pytest
from brownie import accounts, chain

from tests.contracts.tender_attacks import blacklist_from_now, certify, revoke, to_openings_closed
from tests.contracts.tender_fixtures import (
    B_UNREVEALED,
    B_VALID,
    T_AWARD_PROPOSED,
    error,
    product_id,
)

PRICE = 1_500_000_000


# -- at commit: who may bid ------------------------------------------------------------------------
def test_an_unverified_supplier_cannot_commit(kit, tenders, register_supplier, deployer):
    newcomer = accounts.add("0x" + "c1" * 32)
    deployer.transfer(newcomer, "1 ether")
    supplier_id = register_supplier(newcomer, "pt-belum-diverifikasi")
    tender_id = kit.announce()
    with brownie.reverts(error("SupplierNotVerified", supplier_id)):
        kit.commit(newcomer, supplier_id, tender_id, PRICE)
    assert kit.tender(tender_id)["bidderCount"] == 0


def test_a_blacklisted_supplier_cannot_commit(kit, blacklist, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    tx = blacklist_from_now(blacklist, supplier_id)
    end = tx.events["SupplierBlacklisted"]["end"]
    with brownie.reverts(error("SupplierBlacklistedUntil", supplier_id, end)):
        kit.commit(account, supplier_id, tender_id, PRICE)


def test_a_umkm_reservation_is_enforced_at_commit(kit, tenders, bidders):
    (large, large_id), _, (umkm, umkm_id) = bidders
    tender_id = kit.announce(umkmReserved=True)
    with brownie.reverts(error("TenderReservedForUmkm", tender_id, large_id)):
        kit.commit(large, large_id, tender_id, PRICE)
    kit.commit(umkm, umkm_id, tender_id, PRICE)
    assert kit.tender(tender_id)["bidderCount"] == 1


# -- after the commit deadline: the blacklist ------------------------------------------------------
def test_a_blacklist_imposed_in_the_reveal_window_does_not_void_the_bid(
    kit, tenders, registry, blacklist, bidders
):
    """Two officers see the prices as they are revealed and blacklist the cheapest bidder, effective
    now: the supplier was eligible at the commit deadline, so its bid is opened and wins."""
    (cheap, cheap_id), (dear, dear_id), _ = bidders
    tender_id = kit.announce()
    cheap_bid = kit.commit(cheap, cheap_id, tender_id, PRICE)
    dear_bid = kit.commit(dear, dear_id, tender_id, PRICE + 100_000_000)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, dear_bid)
    blacklist_from_now(blacklist, cheap_id)
    assert registry.isBlacklistedAt(cheap_id, chain.time())

    tx = kit.reveal(tender_id, cheap_bid)
    assert tx.events["BidRevealed"]["price"] == PRICE
    kit.to_evaluation(tender_id)
    tx = kit.evaluate(tender_id)
    assert tx.events["AwardProposed"]["supplierId"] == cheap_id
    assert kit.tender(tender_id)["status"] == T_AWARD_PROPOSED


def test_a_blacklist_imposed_in_the_reveal_window_does_not_stop_the_quorum_opening(
    kit, tenders, registry, blacklist, bidders
):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE)
    kit.to_reveal(tender_id)
    blacklist_from_now(blacklist, supplier_id)
    kit.to_evaluation(tender_id)
    tx = kit.open_by_quorum(tender_id, bid)
    assert tx.events["BidRevealed"]["supplierId"] == supplier_id
    assert tenders.getBid(tender_id, supplier_id)["status"] == B_VALID


def test_a_blacklist_covering_the_commit_deadline_voids_the_bid(kit, tenders, registry, blacklist, bidders):
    """Blacklisted after committing but before the deadline: the supplier was not eligible when bids
    closed, so neither its own reveal nor the quorum can open the bid, and it ends unrevealed."""
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE)
    blacklist_from_now(blacklist, supplier_id)
    kit.to_reveal(tender_id)
    refused = error("TenderSupplierBlacklisted", tender_id, supplier_id)
    with brownie.reverts(refused):
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    with brownie.reverts(refused):
        kit.open_by_quorum(tender_id, bid)
    to_openings_closed(kit, tender_id)
    kit.evaluate(tender_id)
    assert tenders.getBid(tender_id, supplier_id)["status"] == B_UNREVEALED


# -- after the commit deadline: certificates -------------------------------------------------------
def test_a_certificate_expiring_in_the_reveal_window_still_counts(kit, tkdn, certifier, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    commit_deadline = kit.tender(tender_id)["commitDeadline"]
    product = product_id("panel-surya-kedaluwarsa")
    certify(tkdn, certifier, product, 4000, valid_until=commit_deadline + 3600)
    bid = kit.commit(account, supplier_id, tender_id, PRICE, [product])
    kit.to_reveal(tender_id)
    kit.sleep_until(commit_deadline + 2 * 3600)
    assert not tkdn.certificateAt(product, chain.time())[0]

    tx = kit.reveal(tender_id, bid)
    assert tx.events["BidRevealed"]["tkdnBps"] == 4000


def test_a_certificate_revoked_in_the_reveal_window_keeps_its_tkdn(kit, tkdn, certifier, bidders, products):
    """The certifier revokes the product certificate of the bid that would win on preference, after
    the prices are open: the bid keeps the TKDN it had at the commit deadline. (A certificate revoked
    for fraud is the Pokja's matter: withdrawPreference, which can be objected to.)"""
    account, supplier_id = bidders[0]
    tender_id = kit.announce(preferenceBps=2500)
    bid = kit.commit(account, supplier_id, tender_id, PRICE, ["P50"])
    kit.to_reveal(tender_id)
    revoke(tkdn, certifier, products["P50"])
    tx = kit.reveal(tender_id, bid)
    assert tx.events["BidRevealed"]["tkdnBps"] == 5000


def test_a_certificate_reissued_after_the_commit_deadline_does_not_raise_the_tkdn(
    kit, tkdn, certifier, bidders, products
):
    account, supplier_id = bidders[0]
    tender_id = kit.announce(preferenceBps=2500)
    bid = kit.commit(account, supplier_id, tender_id, PRICE, ["P20"])
    kit.to_reveal(tender_id)
    certify(tkdn, certifier, products["P20"], 9000)
    tx = kit.reveal(tender_id, bid)
    assert tx.events["BidRevealed"]["tkdnBps"] == 2000


def test_a_certificate_first_issued_after_the_commit_deadline_counts_zero(kit, tkdn, certifier, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce(preferenceBps=2500)
    product = product_id("panel-surya-sertifikat-susulan")
    bid = kit.commit(account, supplier_id, tender_id, PRICE, [product])
    kit.to_reveal(tender_id)
    certify(tkdn, certifier, product, 8000)
    tx = kit.reveal(tender_id, bid)
    assert tx.events["BidRevealed"]["tkdnBps"] == 0
    assert tx.events["BidRevealed"]["hea"] == PRICE


# -- products without a valid certificate ----------------------------------------------------------
def test_an_uncertified_product_counts_zero_and_does_not_void_the_bid(kit, bidders, products):
    account, supplier_id = bidders[0]
    tender_id = kit.announce(preferenceBps=2500)
    uncertified = product_id("genset-impor")
    bid = kit.commit(account, supplier_id, tender_id, PRICE, [("P50", 5000), (uncertified, 5000)])
    kit.to_reveal(tender_id)
    tx = kit.reveal(tender_id, bid)
    # 50% x 50% + 0% x 50%: exactly the 25% that earns the preference.
    assert tx.events["BidRevealed"]["tkdnBps"] == 2500
    assert tx.events["BidRevealed"]["hea"] < PRICE


def test_a_certificate_revoked_before_the_commit_deadline_counts_zero_and_does_not_void_the_bid(
    kit, tkdn, certifier, bidders, products
):
    account, supplier_id = bidders[0]
    tender_id = kit.announce(preferenceBps=2500)
    bid = kit.commit(account, supplier_id, tender_id, PRICE, ["P50"])
    revoke(tkdn, certifier, products["P50"])
    kit.to_reveal(tender_id)
    tx = kit.reveal(tender_id, bid)
    assert tx.events["BidRevealed"]["tkdnBps"] == 0
    assert tx.events["BidRevealed"]["hea"] == PRICE  # no preference below 25%


@pytest.mark.parametrize("case", ["uncertified", "revoked", "below-minimum"])
def test_a_domestic_only_tender_still_refuses_a_product_without_enough_domestic_content(
    kit, tkdn, certifier, bidders, products, case
):
    account, supplier_id = bidders[0]
    tender_id = kit.announce(domesticOnly=True)
    minimum = kit.tender(tender_id)["domesticOnlyMinBps"]
    if case == "uncertified":
        product, content = product_id("genset-impor"), 0
    elif case == "revoked":
        product, content = products["P50"], 0
        revoke(tkdn, certifier, product)
    else:  # P20: TKDN 20% + BMP 5% = 25%, below the 40% minimum
        product, content = products["P20"], 2500
    bid = kit.commit(account, supplier_id, tender_id, PRICE, [("P30", 5000), (product, 5000)])
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderDomesticContentTooLow", product, content, minimum)):
        kit.reveal(tender_id, bid)


def test_a_domestic_only_tender_accepts_products_that_reach_the_minimum(kit, bidders, products):
    account, supplier_id = bidders[0]
    tender_id = kit.announce(domesticOnly=True)
    bid = kit.commit(account, supplier_id, tender_id, PRICE, [("P50", 6000), ("P30", 4000)])
    kit.to_reveal(tender_id)
    assert kit.reveal(tender_id, bid).events["BidRevealed"]["tkdnBps"] == 4200


def test_a_domestic_only_tender_refuses_a_bid_without_products(kit, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce(domesticOnly=True)
    bid = kit.commit(account, supplier_id, tender_id, PRICE)
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderDomesticProductRequired", tender_id)):
        kit.reveal(tender_id, bid)
