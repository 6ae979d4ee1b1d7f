"""Evaluation by the Pokja: lowest price by HEA when the preference applies (the worked example of
docs/domain.md), tie rules (higher TKDN, then earlier commit), failure with too few valid bids, bids
nobody opened recorded (with their bond claimed) once the quorum's opening window has closed, bids
withheld by their supplier opened by the Pokja quorum, and the value system with score sheets sealed
before any price is opened, opened after the reveal deadline by at least the quorum, and published
weights."""

import brownie

from tests.contracts.tender_fixtures import (
    B_UNREVEALED,
    B_VALID,
    F_TOO_FEW_VALID_BIDS,
    R_UNREVEALED,
    T_AWARD_PROPOSED,
    T_FAILED,
    VALUE_SYSTEM,
    encryption_key,
    error,
)

ZERO_ADDRESS = "0x" + "00" * 20


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
    kit.commit(*bidders[1], tender_id, 1_100_000_000)  # opened by nobody
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, revealed)
    kit.to_evaluation(tender_id)
    # While a bid is sealed, the quorum's opening window holds the evaluation.
    with brownie.reverts(error("TenderOpeningsPending", tender_id, kit.openings_close_at(tender_id))):
        kit.evaluate(tender_id)
    kit.to_openings_closed(tender_id)
    tx = kit.evaluate(tender_id)
    assert tx.events["BidRejected"]["supplierId"] == bidders[1][1]
    assert tx.events["BidRejected"]["reason"] == R_UNREVEALED
    unopened = tx.events["BidNotOpenedBySupplier"]
    assert (unopened["supplierId"], unopened["openedBy"], unopened["bidBondClaimed"]) == (
        bidders[1][1],
        ZERO_ADDRESS,
        0,
    )
    assert tx.events["TenderFailed"]["reason"] == F_TOO_FEW_VALID_BIDS
    assert tx.events["TenderFailed"]["validBids"] == 1
    assert kit.tender(tender_id)["status"] == T_FAILED
    assert tenders.getBid(tender_id, bidders[1][1])["status"] == B_UNREVEALED


def test_a_withheld_bid_is_opened_by_the_pokja_and_competes(kit, tenders, bidders):
    """A supplier that withholds its opening (to void a tender it is losing, or to let a partner win)
    does not take its bid out: a Pokja member opens it from the envelope after the reveal deadline."""
    tender_id = kit.announce()
    opened = kit.commit(*bidders[0], tender_id, 1_100_000_000)
    withheld = kit.commit(*bidders[1], tender_id, 1_000_000_000)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, opened)
    with brownie.reverts(error("TenderRevealNotOver", tender_id, kit.tender(tender_id)["revealDeadline"])):
        kit.open_by_quorum(tender_id, withheld)
    kit.to_evaluation(tender_id)
    member = kit.member(tender_id, 1)
    tx = kit.open_by_quorum(tender_id, withheld, member=member)
    assert tx.events["BidRevealed"]["price"] == 1_000_000_000
    event = tx.events["BidNotOpenedBySupplier"]
    assert (event["supplierId"], event["openedBy"], event["bidBondClaimed"]) == (bidders[1][1], member, 0)
    assert tenders.getBid(tender_id, bidders[1][1])["status"] == B_VALID
    assert kit.evaluate(tender_id).events["AwardProposed"]["supplierId"] == bidders[1][1]


def test_no_bids_fail_the_tender(kit):
    tender_id = kit.announce()
    kit.to_evaluation(tender_id)
    assert kit.evaluate(tender_id).events["TenderFailed"]["reason"] == F_TOO_FEW_VALID_BIDS


def test_evaluation_waits_for_the_reveal_deadline(kit, bidders):
    tender_id = kit.announce()
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderRevealNotOver", tender_id, kit.tender(tender_id)["revealDeadline"])):
        kit.evaluate(tender_id)


def test_only_a_member_of_the_pokja_evaluates(kit, tenders, officer, bidders):
    """Evaluation is the Pokja's act: a bidder holds no role, the PPK is outside the Pokja."""
    tender_id = kit.announce()
    kit.commit(*bidders[0], tender_id, 1_000_000_000)
    kit.to_openings_closed(tender_id)
    ids = kit.bidder_ids(tender_id)
    with brownie.reverts(error("AccessManagedUnauthorized", bidders[0][0])):
        tenders.evaluate(tender_id, ids, {"from": bidders[0][0]})
    with brownie.reverts(error("TenderNotPokjaMember", tender_id, officer)):
        tenders.evaluate(tender_id, ids, {"from": officer})
    assert "TenderFailed" in kit.evaluate(tender_id, by=kit.member(tender_id, 2)).events


def test_evaluation_needs_the_complete_ascending_bidder_list(kit, tenders, bidders):
    tender_id = kit.announce()
    for bidder in bidders[:2]:
        kit.commit(*bidder, tender_id, 1_000_000_000)
    kit.to_evaluation(tender_id)
    ids = kit.bidder_ids(tender_id)
    member = {"from": kit.member(tender_id)}
    with brownie.reverts(error("TenderBidderListLength", 1, 2)):
        tenders.evaluate(tender_id, ids[:1], member)
    with brownie.reverts(error("TenderBidderListNotAscending", 1)):
        tenders.evaluate(tender_id, [ids[1], ids[0]], member)
    with brownie.reverts(error("TenderNotABidder", tender_id, bidders[2][1])):
        tenders.evaluate(tender_id, [ids[0], bidders[2][1]], member)


# --- value system --------------------------------------------------------------------------------


def _value_tender(kit, quorum=2, weight=7000):
    return kit.announce(evaluation=VALUE_SYSTEM, technicalWeightBps=weight, quorum=quorum)


def _cheap_and_good(kit, tender_id, bidders):
    cheap = kit.commit(*bidders[0], tender_id, 1_000_000_000)  # price score 100
    good = kit.commit(*bidders[1], tender_id, 1_250_000_000)  # price score 80
    return cheap, good


def _open_prices(kit, tender_id, bids):
    kit.to_reveal(tender_id)
    for bid in bids:
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)


def test_value_system_combines_technical_and_price_scores(kit, tenders, bidders):
    tender_id = _value_tender(kit)
    bids = _cheap_and_good(kit, tender_id, bidders)
    kit.to_scoring(tender_id)
    # technical means: cheap 60, good 90. 70/30: cheap 0.7*60 + 0.3*100 = 72; good 0.7*90 + 0.3*80 = 87.
    first = kit.seal_scores(tender_id, kit.member(tender_id, 0), [5000, 9000])
    second = kit.seal_scores(tender_id, kit.member(tender_id, 1), [7000, 9000])
    _open_prices(kit, tender_id, bids)
    kit.open_scores(tender_id, first)
    # Both sealed sheets must be opened: a member cannot drop its sheet once it has seen the prices.
    with brownie.reverts(error("TenderScoresIncomplete", tender_id, 2, 1, 2)):
        kit.evaluate(tender_id)
    kit.open_scores(tender_id, second)
    assert tenders.technicalScoreSum(tender_id, bidders[1][1]) == 18000
    event = kit.evaluate(tender_id).events["AwardProposed"]
    assert event["supplierId"] == bidders[1][1]
    assert kit.tender(tender_id)["status"] == T_AWARD_PROPOSED


def test_value_system_needs_the_quorum_of_sealed_sheets(kit, bidders):
    tender_id = _value_tender(kit, quorum=2)
    bids = _cheap_and_good(kit, tender_id, bidders)
    kit.to_scoring(tender_id)
    sheet = kit.seal_scores(tender_id, kit.member(tender_id, 0), [6000, 9000])
    _open_prices(kit, tender_id, bids)
    kit.open_scores(tender_id, sheet)
    with brownie.reverts(error("TenderScoresIncomplete", tender_id, 1, 1, 2)):
        kit.evaluate(tender_id)


def test_value_system_price_weight_can_decide(kit, bidders):
    tender_id = _value_tender(kit, quorum=1, weight=2000)
    bids = _cheap_and_good(kit, tender_id, bidders)
    kit.to_scoring(tender_id)
    # 20/80: cheap 0.2*60 + 0.8*100 = 92; good 0.2*90 + 0.8*80 = 82. One sheet of three suffices (k=1).
    sheet = kit.seal_scores(tender_id, kit.member(tender_id, 1), [6000, 9000])
    _open_prices(kit, tender_id, bids)
    kit.open_scores(tender_id, sheet)
    assert kit.evaluate(tender_id).events["AwardProposed"]["supplierId"] == bidders[0][1]


def test_only_pokja_members_seal_in_the_scoring_period(kit, tenders, officer, pu_officer, bidders):
    tender_id = _value_tender(kit)
    kit.commit(*bidders[0], tender_id, 1_000_000_000)
    tender = kit.tender(tender_id)
    period = (tender_id, tender["commitDeadline"], tender["scoringDeadline"])
    member = kit.member(tender_id)
    # Not while bids may still come in: a sheet scores every bidder.
    with brownie.reverts(error("TenderNotInScoringPeriod", *period)):
        kit.seal_scores(tender_id, member, [8000])
    kit.to_scoring(tender_id)
    for outsider in (officer, pu_officer):
        with brownie.reverts(error("TenderNotPokjaMember", tender_id, outsider)):
            tenders.sealScoreSheet(tender_id, b"\x01" * 32, {"from": outsider})
    kit.seal_scores(tender_id, member, [8000])
    with brownie.reverts(error("TenderScoreSheetAlreadySealed", tender_id, member)):
        kit.seal_scores(tender_id, member, [9000])
    # Not once prices can be opened.
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderNotInScoringPeriod", *period)):
        kit.seal_scores(tender_id, kit.member(tender_id, 1), [8000])


def test_a_sheet_opens_once_after_the_reveal_deadline_as_sealed(kit, tenders, bidders):
    tender_id = _value_tender(kit)
    bid = kit.commit(*bidders[0], tender_id, 1_000_000_000)
    kit.to_scoring(tender_id)
    first, second, third = (kit.member(tender_id, i) for i in range(3))
    sheet = kit.seal_scores(tender_id, first, [8000])
    too_high = kit.seal_scores(tender_id, second, [10001])
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, bid)
    with brownie.reverts(error("TenderRevealNotOver", tender_id, kit.tender(tender_id)["revealDeadline"])):
        kit.open_scores(tender_id, sheet)
    kit.to_evaluation(tender_id)
    with brownie.reverts(error("TenderScoreSheetNotSealed", tender_id, third)):
        tenders.openScoreSheet(tender_id, sheet.supplier_ids, [8000], sheet.salt, {"from": third})
    # Other scores than the sealed ones are refused.
    with brownie.reverts(error("TenderScoreSheetMismatch", tender_id, first)):
        tenders.openScoreSheet(tender_id, sheet.supplier_ids, [9000], sheet.salt, {"from": first})
    with brownie.reverts(error("TenderScoreTooHigh", 10001)):
        kit.open_scores(tender_id, too_high)
    kit.open_scores(tender_id, sheet)
    with brownie.reverts(error("TenderScoreSheetAlreadyOpened", tender_id, first)):
        kit.open_scores(tender_id, sheet)
    assert tenders.technicalScoreSum(tender_id, bidders[0][1]) == 8000


def test_a_sheet_must_score_every_bidder_that_committed(kit, bidders):
    """Sealed before any price was known, a sheet cannot leave out a bidder (to sink it later)."""
    tender_id = _value_tender(kit)
    bids = _cheap_and_good(kit, tender_id, bidders)
    kit.to_scoring(tender_id)
    partial = kit.seal_scores(tender_id, kit.member(tender_id), {bidders[1][1]: 9000})
    _open_prices(kit, tender_id, bids)
    with brownie.reverts(error("TenderScoreListInvalid", tender_id)):
        kit.open_scores(tender_id, partial)


def test_the_pokja_must_be_officers_of_the_agency_appointed_once(kit, tenders, officer, officer2, pu_officer):
    tender_id = kit.announce(evaluation=VALUE_SYSTEM, technicalWeightBps=7000, pokja=False)
    members = kit.pokja_by_agency[1001]
    with brownie.reverts(error("AgencyOfficerMismatch", pu_officer, 1001, 1002)):
        kit.appoint_pokja(tender_id, [officer2, pu_officer], 1)
    with brownie.reverts(error("AgencyOfficerMismatch", pu_officer, 1001, 1002)):
        kit.appoint_pokja(tender_id, members, 2, by=pu_officer)
    with brownie.reverts(error("TenderInvalidPokja", 1, 1, 2)):
        kit.appoint_pokja(tender_id, [officer2], 2)
    with brownie.reverts(error("TenderInvalidPokja", 3, 3, 0)):
        kit.appoint_pokja(tender_id, members, 0)
    with brownie.reverts(error("TenderInvalidPokja", 2, 1, 1)):
        kit.appoint_pokja(tender_id, members[:2], 1, keys=[encryption_key(officer2)])
    with brownie.reverts(error("TenderInvalidPokja", 2, 2, 1)):
        kit.appoint_pokja(tender_id, [officer2, officer2], 1)
    with brownie.reverts(error("TenderInvalidPokja", 2, 2, 1)):
        kit.appoint_pokja(tender_id, members[:2], 1, keys=[encryption_key(officer2), b"\x00" * 32])
    tx = kit.appoint_pokja(tender_id, members, 2)
    event = tx.events["PokjaAppointed"]
    assert (event["members"], event["quorum"], event["officer"]) == (members, 2, officer)
    assert list(tenders.pokjaOf(tender_id)[0]) == members
    assert (kit.tender(tender_id)["pokjaQuorum"], kit.tender(tender_id)["pokjaSize"]) == (2, 3)
    with brownie.reverts(error("TenderPokjaAlreadyAppointed", tender_id)):
        kit.appoint_pokja(tender_id, members, 2)


def test_no_pokja_is_appointed_after_the_commit_deadline(kit):
    tender_id = kit.announce(pokja=False)
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderCommitClosed", tender_id, kit.tender(tender_id)["commitDeadline"])):
        kit.appoint_pokja(tender_id, kit.pokja_by_agency[1001], 2)
