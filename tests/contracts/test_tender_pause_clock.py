"""A pause never eats a deadline.

Tenders keeps its deadlines in active time (wall clock minus the time it has been paused), so every
window of a tender in flight is extended by the length of a pause: the guardian (or whoever talks
the guardian into it) cannot pause across a reveal deadline to void the bids not yet opened, nor
across the sanggah window to leave a losing bidder no time to object, and finalizeAward right after
the unpause finds the window still running. getTender gives the deadlines as they now stand.

The eligibility freeze is a point in time too: a pause after the commit deadline must not move it.
"""

import brownie
from brownie import chain

from tests.contracts.tender_attacks import blacklist_from_now, certify, pause, unpause
from tests.contracts.tender_fixtures import B_VALID, DAY, T_AWARDED, error, product_id

PRICE = 1_500_000_000
HOUR = 3600
ENFORCED_PAUSE = error("EnforcedPause")


def proposed(kit, bidders):
    """Three opened bids, evaluated: bidders[0] proposed, the others may object."""
    tender_id = kit.announce()
    bids = [kit.commit(*bidder, tender_id, PRICE + i * 10_000_000) for i, bidder in enumerate(bidders)]
    kit.to_reveal(tender_id)
    for bid in bids:
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    kit.evaluate(tender_id)
    return tender_id


def test_a_pause_across_the_reveal_deadline_does_not_void_unopened_bids(
    kit, tenders, bidders, guardian, committee, delayed
):
    """Paused an hour before the reveal deadline, for two days: after the unpause the supplier that
    had not opened yet still has its hour, and the evaluation waits for it."""
    (early, early_id), (late, late_id), _ = bidders
    tender_id = kit.announce()
    early_bid = kit.commit(early, early_id, tender_id, PRICE)
    late_bid = kit.commit(late, late_id, tender_id, PRICE - 1)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, early_bid)
    before = kit.tender(tender_id)
    kit.sleep_until(before["revealDeadline"] - HOUR)
    paused_at = pause(tenders, guardian).timestamp
    remaining = before["revealDeadline"] - paused_at
    kit.sleep_until(before["revealDeadline"] + 2 * DAY)
    with brownie.reverts(ENFORCED_PAUSE):
        kit.reveal(tender_id, late_bid)

    paused_for = unpause(tenders, committee, delayed)

    after = kit.tender(tender_id)
    assert after["revealDeadline"] == before["revealDeadline"] + paused_for
    assert after["revealDeadline"] - chain[-1].timestamp == remaining
    with brownie.reverts(error("TenderRevealNotOver", tender_id, after["revealDeadline"])):
        kit.evaluate(tender_id)
    tx = kit.reveal(tender_id, late_bid)
    assert tx.events["BidRevealed"]["supplierId"] == late_id
    kit.to_evaluation(tender_id)
    assert kit.evaluate(tender_id).events["AwardProposed"]["supplierId"] == late_id


def test_a_pause_in_the_commit_period_extends_it(kit, tenders, bidders, guardian, committee, delayed):
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    before = kit.tender(tender_id)
    kit.sleep_until(before["commitDeadline"] - HOUR)
    pause(tenders, guardian)
    kit.sleep_until(before["commitDeadline"] + DAY)
    paused_for = unpause(tenders, committee, delayed)
    after = kit.tender(tender_id)
    assert [after[k] - before[k] for k in ("commitDeadline", "revealDeadline")] == [paused_for] * 2
    kit.commit(account, supplier_id, tender_id, PRICE)  # after the announced deadline
    assert chain[-1].timestamp > before["commitDeadline"]


def test_a_pause_across_the_sanggah_window_leaves_the_full_remaining_time(
    kit, tenders, bidders, guardian, committee, delayed
):
    """Paused with a day of the objection window left, for three days: after the unpause a losing
    bidder still has exactly that day to object."""
    tender_id = proposed(kit, bidders)
    deadline = kit.tender(tender_id)["objectionDeadline"]
    kit.sleep_until(deadline - DAY)
    paused_at = pause(tenders, guardian).timestamp
    remaining = deadline - paused_at
    kit.sleep_until(deadline + 2 * DAY)

    paused_for = unpause(tenders, committee, delayed)

    extended = kit.tender(tender_id)["objectionDeadline"]
    assert extended == deadline + paused_for
    assert extended - chain[-1].timestamp == remaining
    loser, loser_id = bidders[1]
    tx = tenders.fileObjection(tender_id, b"\x05" * 32, {"from": loser})
    assert tx.events["ObjectionFiled"]["supplierId"] == loser_id


def test_finalize_right_after_the_unpause_is_refused_while_the_extended_window_runs(
    kit, tenders, bidders, guardian, committee, delayed, outsider
):
    """Paused inside the sanggah window until long after its original end: whoever calls
    finalizeAward the moment the contract resumes finds the window still open."""
    tender_id = proposed(kit, bidders)
    deadline = kit.tender(tender_id)["objectionDeadline"]
    kit.sleep_until(deadline - DAY)
    pause(tenders, guardian)
    kit.sleep_until(deadline + 5 * DAY)
    with brownie.reverts(ENFORCED_PAUSE):
        tenders.finalizeAward(tender_id, {"from": outsider})

    paused_for = unpause(tenders, committee, delayed)

    with brownie.reverts(error("TenderObjectionWindowOpen", tender_id, deadline + paused_for)):
        tenders.finalizeAward(tender_id, {"from": outsider})
    kit.to_award(tender_id)
    assert (
        tenders.finalizeAward(tender_id, {"from": outsider}).events["TenderAwarded"]["supplierId"]
        == bidders[0][1]
    )
    assert kit.tender(tender_id)["status"] == T_AWARDED


def pause_for_a_day(kit, tenders, guardian, committee, delayed):
    pause(tenders, guardian)
    kit.sleep_until(chain.time() + DAY)
    unpause(tenders, committee, delayed)


def test_a_pause_after_the_commit_deadline_does_not_bring_a_later_blacklist_forward(
    kit, tenders, registry, blacklist, bidders, guardian, committee, delayed
):
    """The commit deadline passed at wall-clock time T. In the reveal window the supplier is
    blacklisted from now (after T); then Tenders is paused for a day. The blacklist did not cover T,
    so the supplier's opening after the unpause must stand."""
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    commit_deadline = kit.tender(tender_id)["commitDeadline"]
    bid = kit.commit(account, supplier_id, tender_id, PRICE)
    kit.sleep_until(commit_deadline + 2 * HOUR)
    blacklist_from_now(blacklist, supplier_id)
    assert not registry.isBlacklistedAt(supplier_id, commit_deadline)
    pause_for_a_day(kit, tenders, guardian, committee, delayed)

    tx = kit.reveal(tender_id, bid)

    assert tx.events["BidRevealed"]["supplierId"] == supplier_id
    assert tenders.getBid(tender_id, supplier_id)["status"] == B_VALID


def test_a_pause_after_the_commit_deadline_does_not_read_certificates_later(
    kit, tenders, tkdn, certifier, bidders, guardian, committee, delayed
):
    """Same clock, a certificate valid at T that expires an hour later, in the reveal window: after a
    day's pause the bid still carries the product's TKDN as it stood at T."""
    account, supplier_id = bidders[0]
    tender_id = kit.announce()
    commit_deadline = kit.tender(tender_id)["commitDeadline"]
    product = product_id("panel-surya-kedaluwarsa")
    certify(tkdn, certifier, product, 4000, valid_until=commit_deadline + HOUR)
    bid = kit.commit(account, supplier_id, tender_id, PRICE, [product])
    kit.sleep_until(commit_deadline + 2 * HOUR)
    assert tkdn.certificateAt(product, commit_deadline)[0]
    pause_for_a_day(kit, tenders, guardian, committee, delayed)

    tx = kit.reveal(tender_id, bid)

    assert tx.events["BidRevealed"]["tkdnBps"] == 4000
