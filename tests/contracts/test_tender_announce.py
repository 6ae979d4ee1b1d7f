"""Announcement, addenda and cancellation: only an officer of the tender's agency, published rules
validated (a scoring period for the value system, a bid bond for large construction), addenda only
before the commit deadline (moving every deadline when late), cancellation with reason."""

import brownie
from brownie import chain, web3

from tests.contracts.tender_fixtures import (
    CONSTRUCTION,
    DAY,
    PARAM_FIELDS,
    T_CANCELLED,
    T_OPEN,
    TENDER_CEPAT,
    VALUE_SYSTEM,
    error,
    hx,
)


def test_officer_announces_a_tender_identified_by_its_ocid(kit, tenders, officer):
    params = kit.params()
    tx = tenders.announceTender(params, {"from": officer})
    tender_id = tx.return_value
    assert hx(tender_id) == hx(web3.keccak(text=params[0])) == hx(tenders.tenderIdOf(params[0]))
    event = tx.events["TenderAnnounced"]
    assert event["tenderId"] == tender_id and event["agencyId"] == 1001 and event["officer"] == officer
    published = list(event["params"])
    assert hx(published.pop(2)) == hx(params[2])  # the document hash
    assert published == [value for i, value in enumerate(params) if i != 2]
    stored = kit.tender(tender_id)
    assert stored["status"] == T_OPEN and stored["hps"] == params[PARAM_FIELDS.index("hps")]
    assert stored["ocid"] == params[0]


def test_an_ocid_is_announced_once(kit, tenders, officer):
    params = kit.params()
    tenders.announceTender(params, {"from": officer})
    with brownie.reverts(error("TenderAlreadyExists", web3.keccak(text=params[0]))):
        tenders.announceTender(params, {"from": officer})


def test_officer_of_another_agency_cannot_announce(kit, pu_officer):
    with brownie.reverts(error("AgencyOfficerMismatch", pu_officer, 1001, 1002)):
        kit.announce(by=pu_officer)


def test_a_supplier_cannot_announce(kit, supplier_keys):
    with brownie.reverts(error("AccessManagedUnauthorized", supplier_keys[0])):
        kit.announce(by=supplier_keys[0])


def test_preference_only_for_goods_above_the_threshold(kit):
    with brownie.reverts(error("TenderPreferenceNotApplicable", 0, 1_000_000_000)):
        kit.announce(preferenceBps=2500, hps=1_000_000_000)
    with brownie.reverts(error("TenderPreferenceNotApplicable", CONSTRUCTION, 5_000_000_000)):
        kit.announce(preferenceBps=2500, hps=5_000_000_000, category=CONSTRUCTION)
    with brownie.reverts(error("TenderPreferenceTooHigh", 2501, 2500)):
        kit.announce(preferenceBps=2501)


def test_rules_are_validated(kit):
    now = chain.time()
    with brownie.reverts(error("TenderInvalidHps", 0)):
        kit.announce(hps=0)
    with brownie.reverts(error("TenderInvalidSchedule", now + DAY, now + DAY, 3 * DAY)):
        kit.announce(commitDeadline=now + DAY, revealDeadline=now + DAY)
    with brownie.reverts(error("TenderInvalidMinValidBids", 0)):
        kit.announce(minValidBids=0)
    with brownie.reverts(error("TenderReservationNotAllowed", 20_000_000_000, 15_000_000_000)):
        kit.announce(umkmReserved=True, hps=20_000_000_000)
    with brownie.reverts(error("TenderInvalidMethod", TENDER_CEPAT, VALUE_SYSTEM)):
        kit.announce(method=TENDER_CEPAT, evaluation=VALUE_SYSTEM, technicalWeightBps=7000)
    with brownie.reverts(error("TenderInvalidWeights", VALUE_SYSTEM, 0)):
        kit.announce(evaluation=VALUE_SYSTEM)


def test_the_value_system_needs_a_scoring_period_between_commit_and_reveal(kit):
    commit, reveal = chain.time() + 7 * DAY, chain.time() + 9 * DAY
    schedule = {"commitDeadline": commit, "revealDeadline": reveal}
    for scoring in (0, commit, reveal):
        with brownie.reverts(error("TenderInvalidScoringDeadline", scoring)):
            kit.announce(
                evaluation=VALUE_SYSTEM, technicalWeightBps=7000, scoringDeadline=scoring, **schedule
            )
    # Lowest price has no scoring period: reveals start at the commit deadline.
    with brownie.reverts(error("TenderInvalidScoringDeadline", commit + 1)):
        kit.announce(scoringDeadline=commit + 1, **schedule)
    tender_id = kit.announce(
        evaluation=VALUE_SYSTEM, technicalWeightBps=7000, scoringDeadline=commit + 1, **schedule
    )
    assert kit.tender(tender_id)["scoringDeadline"] == commit + 1


def test_large_construction_needs_a_bid_bond_of_one_to_three_percent(kit):
    hps = 20_000_000_000  # above the policy's Rp10 miliar
    with brownie.reverts(error("TenderInvalidBidBond", 0, hps // 100, hps * 3 // 100)):
        kit.announce(category=CONSTRUCTION, hps=hps, bidBond=0)
    with brownie.reverts(error("TenderInvalidBidBond", hps * 3 // 100 + 1, hps // 100, hps * 3 // 100)):
        kit.announce(category=CONSTRUCTION, hps=hps, bidBond=hps * 3 // 100 + 1)
    # Goods, or construction up to the threshold, carry none.
    with brownie.reverts(error("TenderInvalidBidBond", 1, 0, 0)):
        kit.announce(bidBond=1)
    with brownie.reverts(error("TenderInvalidBidBond", 1, 0, 0)):
        kit.announce(category=CONSTRUCTION, hps=10_000_000_000, bidBond=1)
    tender_id = kit.announce(category=CONSTRUCTION, hps=hps, bidBond=hps * 2 // 100)
    assert kit.tender(tender_id)["bidBond"] == hps * 2 // 100


def test_early_addendum_keeps_the_deadlines(kit, tenders, officer2):
    tender_id = kit.announce(commit_in=10 * DAY)
    before = kit.tender(tender_id)
    tx = tenders.amendTender(tender_id, web3.keccak(text="v2"), {"from": officer2})
    event = tx.events["TenderAmended"]
    assert event["addendumNumber"] == 1 and hx(event["documentHash"]) == hx(web3.keccak(text="v2"))
    after = kit.tender(tender_id)
    assert after["commitDeadline"] == before["commitDeadline"]
    assert hx(after["documentHash"]) == hx(web3.keccak(text="v2")) and after["addendumCount"] == 1


def test_late_addendum_extends_every_deadline(kit, tenders, officer):
    tender_id = kit.announce(commit_in=1 * DAY, evaluation=VALUE_SYSTEM, technicalWeightBps=7000)
    before = kit.tender(tender_id)
    tx = tenders.amendTender(tender_id, web3.keccak(text="v2"), {"from": officer})
    now = tx.timestamp
    after = kit.tender(tender_id)
    assert after["commitDeadline"] == now + 3 * DAY  # the policy's addendum notice
    shift = after["commitDeadline"] - before["commitDeadline"]
    assert after["scoringDeadline"] == before["scoringDeadline"] + shift
    assert after["revealDeadline"] == before["revealDeadline"] + shift
    event = tx.events["TenderAmended"]
    assert (event["commitDeadline"], event["revealDeadline"]) == (
        after["commitDeadline"],
        after["revealDeadline"],
    )


def test_no_addendum_after_the_commit_deadline(kit, tenders, officer):
    tender_id = kit.announce()
    kit.to_reveal(tender_id)
    deadline = kit.tender(tender_id)["commitDeadline"]
    with brownie.reverts(error("TenderCommitClosed", tender_id, deadline)):
        tenders.amendTender(tender_id, web3.keccak(text="v2"), {"from": officer})


def test_another_agency_cannot_amend_or_cancel(kit, tenders, pu_officer):
    tender_id = kit.announce()
    with brownie.reverts(error("AgencyOfficerMismatch", pu_officer, 1001, 1002)):
        tenders.amendTender(tender_id, web3.keccak(text="v2"), {"from": pu_officer})
    with brownie.reverts(error("AgencyOfficerMismatch", pu_officer, 1001, 1002)):
        tenders.cancelTender(tender_id, web3.keccak(text="x"), {"from": pu_officer})


def test_cancellation_with_reason_stops_bidding(kit, tenders, officer, bidders):
    tender_id = kit.announce()
    tx = tenders.cancelTender(tender_id, web3.keccak(text="anggaran dicabut"), {"from": officer})
    assert hx(tx.events["TenderCancelled"]["reasonHash"]) == hx(web3.keccak(text="anggaran dicabut"))
    assert kit.tender(tender_id)["status"] == T_CANCELLED
    account, supplier_id = bidders[0]
    with brownie.reverts(error("TenderWrongStatus", tender_id, T_CANCELLED)):
        kit.commit(account, supplier_id, tender_id, 1_000_000_000)
    with brownie.reverts(error("TenderWrongStatus", tender_id, T_CANCELLED)):
        tenders.cancelTender(tender_id, b"\x00" * 32, {"from": officer})
