"""Sealed technical scores (sistem nilai): scores are fixed before any price is known.

Each Pokja member seals a hash of its score sheet between the commit deadline and the scoring
deadline (no price can be opened yet), and opens it after the reveal deadline. An opened sheet must
match the sealed one, so a member who sees the prices cannot re-score to favour a bidder; the
evaluation needs at least the quorum's sheets, and every sheet sealed must be opened, so a member
cannot drop its sheet either. Only Pokja members seal, open and evaluate.

The ranking compares exact fractions: two bids whose scores round to the same basis point are still
told apart, and the better one wins.
"""

from fractions import Fraction

import brownie
import pytest

from tests.contracts.tender_attacks import value_score
from tests.contracts.tender_fixtures import CONSULTANCY, SELEKSI, T_AWARD_PROPOSED, VALUE_SYSTEM, error

TECHNICAL_WEIGHT = 7_000  # 70% technical, 30% price
PRICES = (1_000_000_000, 1_150_000_000)


def value_tender(kit):
    return kit.announce(
        title="Jasa konsultansi pengawasan",
        category=CONSULTANCY,
        method=SELEKSI,
        evaluation=VALUE_SYSTEM,
        technicalWeightBps=TECHNICAL_WEIGHT,
    )


def two_bids(kit, bidders, prices=PRICES):
    tender_id = value_tender(kit)
    bids = [kit.commit(*bidder, tender_id, price) for bidder, price in zip(bidders, prices, strict=False)]
    return tender_id, bids


def members(kit, tender_id):
    return kit.pokja[bytes(tender_id)]


def scoring_window(kit, tender_id):
    tender = kit.tender(tender_id)
    return tender_id, tender["commitDeadline"], tender["scoringDeadline"]


# -- when --------------------------------------------------------------------------------------------
def test_no_sheet_is_sealed_before_the_commit_deadline(kit, bidders):
    """Before the deadline the bidder list is not final and the sheet could be tailored to it."""
    tender_id, _ = two_bids(kit, bidders)
    with brownie.reverts(error("TenderNotInScoringPeriod", *scoring_window(kit, tender_id))):
        kit.seal_scores(tender_id, kit.member(tender_id), [8000, 7000])


def test_no_sheet_is_sealed_after_the_scoring_deadline(kit, bidders):
    """From the scoring deadline bidders open their prices: a sheet sealed then could follow them."""
    tender_id, bids = two_bids(kit, bidders)
    kit.to_reveal(tender_id)
    kit.reveal(tender_id, bids[0])
    with brownie.reverts(error("TenderNotInScoringPeriod", *scoring_window(kit, tender_id))):
        kit.seal_scores(tender_id, kit.member(tender_id), [8000, 7000])


def test_no_sheet_is_opened_before_the_reveal_deadline(kit, bidders):
    tender_id, _ = two_bids(kit, bidders)
    kit.to_scoring(tender_id)
    sheet = kit.seal_scores(tender_id, kit.member(tender_id), [8000, 7000])
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderRevealNotOver", tender_id, kit.tender(tender_id)["revealDeadline"])):
        kit.open_scores(tender_id, sheet)


# -- what ----------------------------------------------------------------------------------------
def test_a_member_cannot_change_its_scores_once_the_prices_are_public(kit, tenders, bidders):
    """Member 1 scored the cheaper bid higher. Once the prices are open it tries to open a sheet that
    swaps the scores: refused; only the sheet it sealed opens."""
    tender_id, bids = two_bids(kit, bidders)
    member = kit.member(tender_id)
    kit.to_scoring(tender_id)
    sheet = kit.seal_scores(tender_id, member, [8000, 7000])
    kit.to_reveal(tender_id)
    for bid in bids:
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    with brownie.reverts(error("TenderScoreSheetMismatch", tender_id, member)):
        tenders.openScoreSheet(tender_id, sheet.supplier_ids, [7000, 8000], sheet.salt, {"from": member})
    kit.open_scores(tender_id, sheet)
    assert [tenders.technicalScoreSum(tender_id, s) for s in sheet.supplier_ids] == [8000, 7000]


def test_a_member_cannot_seal_twice_nor_open_twice(kit, bidders):
    tender_id, _ = two_bids(kit, bidders)
    member = kit.member(tender_id)
    kit.to_scoring(tender_id)
    sheet = kit.seal_scores(tender_id, member, [8000, 7000])
    with brownie.reverts(error("TenderScoreSheetAlreadySealed", tender_id, member)):
        kit.seal_scores(tender_id, member, [7000, 8000])
    kit.to_evaluation(tender_id)
    kit.open_scores(tender_id, sheet)
    with brownie.reverts(error("TenderScoreSheetAlreadyOpened", tender_id, member)):
        kit.open_scores(tender_id, sheet)


def test_a_member_that_sealed_nothing_opens_nothing(kit, tenders, bidders):
    tender_id, bids = two_bids(kit, bidders)
    late = members(kit, tender_id)[2]
    kit.to_evaluation(tender_id)
    with brownie.reverts(error("TenderScoreSheetNotSealed", tender_id, late)):
        tenders.openScoreSheet(
            tender_id, kit.bidder_ids(tender_id), [9000, 9000], b"\x00" * 32, {"from": late}
        )


def test_a_sheet_must_score_every_bidder_that_committed(kit, bidders):
    """A sheet that leaves a bidder out (to sink it) is refused when opened."""
    tender_id, bids = two_bids(kit, bidders)
    member = kit.member(tender_id)
    kit.to_scoring(tender_id)
    sheet = kit.seal_scores(tender_id, member, {bids[0].supplier_id: 9000})
    kit.to_evaluation(tender_id)
    with brownie.reverts(error("TenderScoreListInvalid", tender_id)):
        kit.open_scores(tender_id, sheet)


# -- completeness --------------------------------------------------------------------------------
def opened_tender(kit, bidders):
    """A value-system tender past its reveal deadline with both bids open."""
    tender_id, bids = two_bids(kit, bidders)
    kit.to_reveal(tender_id)
    for bid in bids:
        kit.reveal(tender_id, bid)
    return tender_id


def test_evaluation_waits_for_every_sealed_sheet(kit, bidders):
    """Member 2 sealed a sheet favouring the dearer bid; seeing the prices it keeps the sheet shut
    so only member 1's sheet counts. The evaluation refuses until it is opened."""
    tender_id, bids = two_bids(kit, bidders)
    first, second = members(kit, tender_id)[:2]
    kit.to_scoring(tender_id)
    sheet_1 = kit.seal_scores(tender_id, first, [9000, 6000])
    sheet_2 = kit.seal_scores(tender_id, second, [6000, 9500])
    kit.to_reveal(tender_id)
    for bid in bids:
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    kit.open_scores(tender_id, sheet_1)
    with brownie.reverts(error("TenderScoresIncomplete", tender_id, 2, 1, 2)):
        kit.evaluate(tender_id)
    kit.open_scores(tender_id, sheet_2)
    assert kit.evaluate(tender_id).events["AwardProposed"]["tenderers"] == 2


def test_evaluation_needs_the_quorum_of_sheets(kit, bidders):
    """A single member (of a Pokja with quorum 2) cannot decide the technical scores alone."""
    tender_id, bids = two_bids(kit, bidders)
    assert kit.quorum[bytes(tender_id)] == 2
    kit.to_scoring(tender_id)
    sheet = kit.seal_scores(tender_id, kit.member(tender_id), [9000, 6000])
    kit.to_reveal(tender_id)
    for bid in bids:
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    kit.open_scores(tender_id, sheet)
    with brownie.reverts(error("TenderScoresIncomplete", tender_id, 1, 1, 2)):
        kit.evaluate(tender_id)


# -- who -----------------------------------------------------------------------------------------
def test_only_pokja_members_seal_open_and_evaluate(kit, tenders, bidders, officer, pu_officer, outsider):
    tender_id, bids = two_bids(kit, bidders)
    supplier_ids = kit.bidder_ids(tender_id)
    kit.to_scoring(tender_id)
    for caller in (officer, pu_officer):  # the PPK (not on the Pokja), another agency's officer
        with brownie.reverts(error("TenderNotPokjaMember", tender_id, caller)):
            tenders.sealScoreSheet(tender_id, b"\x01" * 32, {"from": caller})
    with brownie.reverts(error("AccessManagedUnauthorized", outsider)):
        tenders.sealScoreSheet(tender_id, b"\x01" * 32, {"from": outsider})
    kit.to_reveal(tender_id)
    for bid in bids:
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    for caller in (officer, pu_officer):
        with brownie.reverts(error("TenderNotPokjaMember", tender_id, caller)):
            tenders.openScoreSheet(tender_id, supplier_ids, [9000, 9000], b"\x00" * 32, {"from": caller})
        with brownie.reverts(error("TenderNotPokjaMember", tender_id, caller)):
            tenders.evaluate(tender_id, supplier_ids, {"from": caller})
    for caller in (outsider, bids[0].account):
        with brownie.reverts(error("AccessManagedUnauthorized", caller)):
            tenders.openScoreSheet(tender_id, supplier_ids, [9000, 9000], b"\x00" * 32, {"from": caller})
        with brownie.reverts(error("AccessManagedUnauthorized", caller)):
            tenders.evaluate(tender_id, supplier_ids, {"from": caller})


def test_sheets_belong_to_a_value_system_tender(kit, bidders):
    tender_id = kit.announce()
    kit.commit(*bidders[0], tender_id, PRICES[0])
    kit.to_reveal(tender_id)
    with brownie.reverts(error("TenderNotValueSystem", tender_id)):
        kit.seal_scores(tender_id, kit.member(tender_id), [8000])


# -- exact ranking -------------------------------------------------------------------------------
# The cheaper bid: price score 100%, technical mean 70%: 0.7 x 7,000 + 0.3 x 10,000 = 7,900 bps
# exactly. The dearer bid: technical mean 75% (+350 bps) and a price that costs it almost exactly
# 350 bps of price score: its score is 7,900 bps plus or minus a few millionths of a basis point.
# Rounded to a basis point the two tie, and a tie goes to the earlier commit; so the exact loser
# commits first, and only an exact comparison finds the winner.
CHEAPER_PRICE = 1_000_000_000
SHEETS = ({"cheaper": 6900, "dearer": 7400}, {"cheaper": 7100, "dearer": 7600})


@pytest.mark.parametrize(
    "dearer_price, exact_winner",
    [(1_132_075_471, "dearer"), (1_132_075_472, "cheaper")],
    ids=["dearer-wins-by-a-hair", "cheaper-wins-by-a-hair"],
)
def test_the_ranking_compares_exact_scores(kit, tenders, bidders, dearer_price, exact_winner):
    prices = {"cheaper": CHEAPER_PRICE, "dearer": dearer_price}
    scores = {
        name: value_score([sheet[name] for sheet in SHEETS], prices[name], CHEAPER_PRICE, TECHNICAL_WEIGHT)
        for name in prices
    }
    assert scores["cheaper"] == 7900
    assert abs(scores["dearer"] - scores["cheaper"]) < Fraction(1, 10**5)  # apart by < 0.00001 bp
    assert round(scores["dearer"]) == round(scores["cheaper"])  # rounded, they tie
    assert max(scores, key=scores.get) == exact_winner

    exact_loser = "cheaper" if exact_winner == "dearer" else "dearer"
    order = [exact_loser, exact_winner]  # the loser commits first: it would win a tie
    tender_id = value_tender(kit)
    bids = {
        name: kit.commit(*bidder, tender_id, prices[name])
        for name, bidder in zip(order, bidders, strict=False)
    }
    ids = {name: bid.supplier_id for name, bid in bids.items()}
    kit.to_scoring(tender_id)
    sheets = [
        kit.seal_scores(tender_id, member, {ids[name]: sheet[name] for name in sheet})
        for member, sheet in zip(members(kit, tender_id), SHEETS, strict=False)
    ]
    kit.to_reveal(tender_id)
    for bid in bids.values():
        kit.reveal(tender_id, bid)
    kit.to_evaluation(tender_id)
    for sheet in sheets:
        kit.open_scores(tender_id, sheet)

    tx = kit.evaluate(tender_id)

    assert tx.events["AwardProposed"]["supplierId"] == ids[exact_winner]
    assert kit.tender(tender_id)["status"] == T_AWARD_PROPOSED
    assert tenders.technicalScoreSum(tender_id, ids["dearer"]) == 7400 + 7600
