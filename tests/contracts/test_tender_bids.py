"""Sealed bids: only a hash of the bid and its envelope is on chain before the opening; a re-commit
replaces; eligibility is checked at commit (active supplier, UMKM reservation, Pokja appointed) and
frozen at the commit deadline; no commit after the deadline; no reveal outside its window; a bid's
TKDN is the value-weighted TKDN of its products as certified at the commit deadline; each refused
reveal names its own error."""

import brownie
from brownie import accounts, chain, web3

from app.protocol import bids as bidlib
from tests.contracts.tender_fixtures import (
    B_SEALED,
    B_VALID,
    DAY,
    error,
    fake_envelope,
    hx,
    product_id,
)

PRICE = 1_500_000_000


def test_only_a_hash_of_the_bid_is_on_chain_before_reveal(kit, tenders, bidders, products):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE, ["P50"])
    stored = tenders.getBid(tender_id, supplier_id).dict()
    assert stored["status"] == B_SEALED
    expected = bidlib.sealed_bid(bid.commitment, bid.commit_seq, bidlib.envelope_hash(bid.envelope))
    assert hx(stored["sealedBid"]) == hx(expected) == hx(bid.sealed_bid)
    assert stored["price"] == 0 and stored["hea"] == 0 and stored["tkdnBps"] == 0
    # Neither the price nor the product appears anywhere in the commit transaction's input or logs
    # (the envelope is ciphertext only the Pokja quorum can open).
    tx = chain.get_transaction(chain[-1].transactions[-1])
    needle = PRICE.to_bytes(32, "big").hex()
    assert needle not in tx.input and bytes(products["P50"]).hex() not in tx.input
    assert all(needle not in str(log["data"]) for log in web3.eth.get_transaction_receipt(tx.txid)["logs"])


def test_the_envelope_is_published_with_the_commit(kit, tenders, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE)
    event = chain.get_transaction(chain[-1].transactions[-1]).events["BidCommitted"]
    assert hx(event["envelope"]) == hx(bid.envelope)
    assert (event["supplierId"], event["commitSeq"], event["replaced"]) == (supplier_id, 1, False)


def test_recommit_replaces_the_earlier_bid(kit, tenders, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    first = kit.commit(account, supplier_id, tender_id, PRICE)
    second = kit.commit(account, supplier_id, tender_id, PRICE - 1)
    assert second.commit_seq == first.commit_seq + 1
    assert kit.tender(tender_id)["bidderCount"] == 1
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderCommitmentMismatch", tender_id, supplier_id, first.commitment)):
        kit.reveal(tender_id, first)
    tx = kit.reveal(tender_id, second)
    assert tx.events["BidRevealed"]["price"] == PRICE - 1


def test_recommit_is_recorded_as_replacement(kit, tenders, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    kit.commit(account, supplier_id, tender_id, PRICE)
    tx = tenders.commitBid(tender_id, b"\x01" * 32, b"\x01" * 33, {"from": account})
    assert tx.events["BidCommitted"]["replaced"] is True


def test_the_opening_must_name_the_envelope_committed(kit, bidders):
    """The sealed bid binds the envelope's hash: an opening naming another envelope does not match."""
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE)
    kit.to_reveal(tender_id)
    bid.envelope = fake_envelope(tender_id, supplier_id, b"\x02" * 32)
    with brownie.reverts(error("TenderCommitmentMismatch", tender_id, supplier_id, bid.commitment)):
        kit.reveal(tender_id, bid)


def test_a_commit_needs_an_envelope_of_at_most_4096_bytes(kit, tenders, bidders):
    account, _ = bidders[0]
    tender_id = kit.announce()
    with brownie.reverts(error("TenderInvalidEnvelope", 0)):
        tenders.commitBid(tender_id, b"\x01" * 32, b"", {"from": account})
    with brownie.reverts(error("TenderInvalidEnvelope", 4097)):
        tenders.commitBid(tender_id, b"\x01" * 32, b"\x01" * 4097, {"from": account})
    tenders.commitBid(tender_id, b"\x01" * 32, b"\x01" * 4096, {"from": account})


def test_no_commit_before_the_pokja_is_appointed(kit, bidders):
    """Without the Pokja's keys there is no envelope to seal the bid for."""
    tender_id = kit.announce(pokja=False)
    with brownie.reverts(error("TenderPokjaNotAppointed", tender_id)):
        kit.commit(*bidders[0], tender_id, PRICE)


def test_no_commit_after_the_deadline(kit, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderCommitClosed", tender_id, kit.tender(tender_id)["commitDeadline"])):
        kit.commit(account, supplier_id, tender_id, PRICE)


def test_only_registered_suppliers_commit(kit, tenders, outsider):
    tender_id = kit.announce()
    with brownie.reverts(error("SupplierUnknownAccount", outsider)):
        tenders.commitBid(tender_id, b"\x01" * 32, b"\x01" * 33, {"from": outsider})


def test_no_reveal_before_the_commit_deadline_or_after_the_reveal_deadline(kit, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE)
    tender = kit.tender(tender_id)
    window = (tender_id, tender["commitDeadline"], tender["revealDeadline"])
    with brownie.reverts(error("TenderNotInRevealPeriod", *window)):
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    with brownie.reverts(error("TenderNotInRevealPeriod", *window)):
        kit.reveal(tender_id, bid)


def test_reveal_records_price_value_weighted_tkdn_and_hea(kit, bidders, products):
    account, supplier_id = bidders[0]
    tender_id = kit.announce(preferenceBps=2500)
    bid = kit.commit(account, supplier_id, tender_id, 1_000_000_000, [("P50", 6000), ("P30", 4000)])
    kit.to_reveal(tender_id)
    event = kit.reveal(tender_id, bid).events["BidRevealed"]
    # TKDN = 50% x 60% + 30% x 40% = 42%; HEA = (1 - 0.42 x 0.25) x HP = 895,000,000.
    assert (event["price"], event["tkdnBps"], event["hea"]) == (1_000_000_000, 4200, 895_000_000)
    assert [(hx(p), s) for p, s in event["products"]] == [(hx(p), s) for p, s in bid.products]
    assert kit.tenders.getBid(tender_id, supplier_id)["status"] == B_VALID


def test_uncertified_content_counts_as_zero_tkdn(kit, bidders, products):
    """Shares below 10,000 leave the rest of the value uncertified (TKDN 0)."""
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE, [("P50", 5000)])
    kit.to_reveal(tender_id)
    assert kit.reveal(tender_id, bid).events["BidRevealed"]["tkdnBps"] == 2500


def test_product_shares_must_be_distinct_ascending_positive_and_at_most_the_whole(kit, bidders, products):
    tender_id = kit.announce()
    low, high = sorted([bytes(products["P50"]), bytes(products["P30"])])
    offers = {
        bidders[0]: [(high, 5000), (low, 5000)],  # descending ids
        bidders[1]: [(low, 6000), (high, 6000)],  # more than the whole bid
        bidders[2]: [(low, 0)],  # a zero share
    }
    sealed = [
        kit.commit(*bidder, tender_id, PRICE, shares, normalise=False) for bidder, shares in offers.items()
    ]
    kit.to_reveal(tender_id)
    for bid in sealed:
        with brownie.reverts(error("TenderInvalidProductShares", tender_id)):
            kit.reveal(tender_id, bid)


def test_reveal_with_wrong_salt_is_refused(kit, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE)
    kit.to_reveal(tender_id)
    bid.salt = b"\x02" * 32
    wrong = bidlib.commitment(tender_id, supplier_id, PRICE, [], bid.salt)
    with brownie.reverts(error("TenderCommitmentMismatch", tender_id, supplier_id, wrong)):
        kit.reveal(tender_id, bid)


def test_reveal_cannot_happen_twice(kit, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, bid)
    with brownie.reverts(error("TenderBidAlreadyRevealed", tender_id, supplier_id)):
        kit.reveal(tender_id, bid)


def test_reveal_without_commit_is_refused(kit, bidders):
    account, supplier_id = bidders[1]
    tender_id = kit.announce()
    kit.commit(*bidders[0], tender_id, PRICE)
    kit.to_reveal(tender_id)
    opening = bidlib.opening(PRICE, [], b"\x01" * 32, 1, b"\x02" * 32)
    with brownie.reverts(error("TenderNoBid", tender_id, supplier_id)):
        kit.tenders.revealBid(tender_id, opening, {"from": account})


def test_price_above_hps_is_refused(kit, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce(hps=2_000_000_000)
    bid = kit.commit(account, supplier_id, tender_id, 2_000_000_001)
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderPriceAboveHps", tender_id, 2_000_000_001, 2_000_000_000)):
        kit.reveal(tender_id, bid)


def test_a_certificate_valid_at_the_commit_deadline_counts_though_it_expires_later(
    kit, tkdn, certifier, bidders
):
    account, supplier_id = bidders[0]
    until = chain.time() + 8 * DAY  # expires during the reveal period
    tkdn.certifyProduct(product_id("SHORT"), 6000, 0, until, b"\x01" * 32, {"from": certifier})
    tender_id = kit.announce(commit_in=7 * DAY)
    bid = kit.commit(account, supplier_id, tender_id, PRICE, ["SHORT"])
    kit.sleep_until(until + 1)
    assert kit.reveal(tender_id, bid).events["BidRevealed"]["tkdnBps"] == 6000


def test_a_certificate_expired_by_the_commit_deadline_counts_zero_without_voiding_the_bid(
    kit, tkdn, certifier, bidders
):
    account, supplier_id = bidders[0]
    until = chain.time() + 6 * DAY  # expires before the commit deadline
    tkdn.certifyProduct(product_id("SHORT"), 6000, 0, until, b"\x01" * 32, {"from": certifier})
    tender_id = kit.announce(commit_in=7 * DAY)
    bid = kit.commit(account, supplier_id, tender_id, PRICE, ["SHORT"])
    kit.to_reveal(tender_id)
    event = kit.reveal(tender_id, bid).events["BidRevealed"]
    assert (event["tkdnBps"], event["hea"]) == (0, PRICE)
    assert kit.tenders.getBid(tender_id, supplier_id)["status"] == B_VALID


def test_an_uncertified_product_counts_zero_without_voiding_the_bid(kit, bidders, products):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE, ["P50", "UNCERTIFIED"])
    kit.to_reveal(tender_id)
    assert kit.reveal(tender_id, bid).events["BidRevealed"]["tkdnBps"] == 2500  # 50% x half
    assert kit.tenders.getBid(tender_id, supplier_id)["status"] == B_VALID


def test_a_certificate_revoked_before_the_commit_deadline_counts_zero(
    kit, tkdn, certifier, bidders, products
):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE, ["P50"])
    tkdn.revokeCertificate(products["P50"], b"\x03" * 32, {"from": certifier})
    kit.to_reveal(tender_id)
    assert kit.reveal(tender_id, bid).events["BidRevealed"]["tkdnBps"] == 0


def test_a_supplier_blacklisted_at_the_commit_deadline_cannot_reveal(kit, blacklist, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE)
    now = chain.time()
    blacklist(supplier_id, now + 60, now + 365 * DAY)
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderSupplierBlacklisted", tender_id, supplier_id)):
        kit.reveal(tender_id, bid)


def test_a_blacklisted_supplier_cannot_commit(kit, blacklist, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    now = chain.time()
    blacklist(supplier_id, now + 60, now + 365 * DAY)
    kit.sleep_until(now + 61)
    with brownie.reverts(error("SupplierBlacklistedUntil", supplier_id, now + 365 * DAY)):
        kit.commit(account, supplier_id, tender_id, PRICE)


def test_an_unverified_supplier_cannot_commit(kit, register_supplier):
    account = accounts.add("0x" + "6b" * 32)
    accounts[0].transfer(account, "1 ether")
    supplier_id = register_supplier(account, "pt-belum-diverifikasi")
    tender_id = kit.announce()
    with brownie.reverts(error("SupplierNotVerified", supplier_id)):
        kit.commit(account, supplier_id, tender_id, PRICE)


def test_umkm_reservation_refuses_a_large_business_at_commit(kit, bidders):
    tender_id = kit.announce(umkmReserved=True)
    with brownie.reverts(error("TenderReservedForUmkm", tender_id, bidders[0][1])):
        kit.commit(*bidders[0], tender_id, PRICE)
    small = kit.commit(*bidders[2], tender_id, PRICE)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, small)


def test_domestic_only_requires_products_meeting_the_threshold(kit, bidders, products):
    tender_id = kit.announce(domesticOnly=True)
    none = kit.commit(*bidders[0], tender_id, PRICE)
    low = kit.commit(*bidders[1], tender_id, PRICE, ["P20"])  # TKDN + BMP 25% < 40%
    ok = kit.commit(*bidders[2], tender_id, PRICE, ["P30"])  # 30% + 15% = 45%
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderDomesticProductRequired", tender_id)):
        kit.reveal(tender_id, none)
    with brownie.reverts(error("TenderDomesticContentTooLow", products["P20"], 2500, 4000)):
        kit.reveal(tender_id, low)
    kit.reveal(tender_id, ok)


def test_domestic_only_refuses_an_uncertified_product(kit, bidders, products):
    tender_id = kit.announce(domesticOnly=True)
    bid = kit.commit(*bidders[0], tender_id, PRICE, ["P30", "UNCERTIFIED"])
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderDomesticContentTooLow", product_id("UNCERTIFIED"), 0, 4000)):
        kit.reveal(tender_id, bid)


def test_a_bid_survives_key_rotation(kit, registry, bidders):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    bid = kit.commit(account, supplier_id, tender_id, PRICE)
    new_key = accounts.add("0x" + "7c" * 32)
    accounts[0].transfer(new_key, "1 ether")
    registry.rotateKey(new_key, {"from": account})
    kit.to_reveal(tender_id)
    assert kit.reveal(tender_id, bid, sender=new_key).events["BidRevealed"]["supplierId"] == supplier_id


def test_pause_stops_bidding(kit, tenders, guardian, bidders):
    tender_id = kit.announce()
    tenders.pause({"from": guardian})
    with brownie.reverts(error("EnforcedPause")):
        kit.commit(*bidders[0], tender_id, PRICE)
