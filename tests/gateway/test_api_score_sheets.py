"""A value-system tender (sistem nilai) to its award, through REST: the Pokja members seal their
technical score sheets after the bids are in and before any price is opened (the gateway draws each
sheet's salt and keeps sheet and salt sealed at rest), the suppliers open their prices only after
the scoring deadline, each member opens its own sheet after the reveal deadline, and the evaluation
weighs the scores against the prices: the better offer wins over the cheaper one.

Refused on the way: a sheet before the commit deadline, a sheet that leaves out a bidder, a sheet by
an officer outside the Pokja, a price opening during the scoring period, a sheet opened before the
prices are final, and the evaluation while a sealed sheet is still closed."""

from __future__ import annotations

import sqlite3
import uuid
from fractions import Fraction

import pytest
from fastapi.testclient import TestClient
from web3 import Web3

from app.protocol.manifest import load_manifest
from tests.support.clock import key, now, travel_to
from tests.support.documented import documented
from tests.support.plans import planned
from tests.support.pokja import KPA, POKJA, Pokja, managed_supplier, officer_token

OCID = f"ocds-terang-1001-nilai-{uuid.uuid4().hex[:8]}"
HPS = 2_000_000_000
TECHNICAL_WEIGHT = 3_000  # 30% technical, 70% price
PRICES = {"andal": 1_900_000_000, "murah": 1_600_000_000}
SCORES = {  # each member's technical score of each bidder (basis points), in Pokja order
    "andal": (9_000, 8_800, 9_200),
    "murah": (5_000, 5_200, 4_800),
}


@pytest.fixture(scope="module")
def story(app, token, chain_url, manifest_dir, issuer_dir, settings):
    manifest = load_manifest(manifest_dir / "31337.json")
    registry = Web3(Web3.HTTPProvider(chain_url)).eth.contract(
        address=manifest.address("SupplierRegistry"), abi=manifest.contracts["SupplierRegistry"].abi
    )
    with TestClient(app) as client:
        yield {
            "client": client,
            "token": token,
            "chain_url": chain_url,
            "registry": registry,
            "settings": settings,
            "issuer_dir": issuer_dir,
            "pokja": Pokja(chain_url, issuer_dir),
            "officer": token("AGENCY_OFFICER", agency=1001, sub="ppk-ikn"),
        }


def sheet_of(story, member: int) -> dict:
    position = POKJA.index(member)
    return {
        "scores": [
            {"supplierId": story["suppliers"][name]["id"], "scoreBps": scores[position]}
            for name, scores in SCORES.items()
        ]
    }


def seal(story, member: int, body: dict):
    return story["client"].post(
        f"/tenders/{OCID}/score-sheets", json=body, headers={**story["pokja"].token(member), **key()}
    )


def test_1_a_value_system_tender_is_announced_its_pokja_appointed_and_two_bids_sealed(story):
    client = story["client"]
    start = now(story["chain_url"])
    body = {
        "ocid": OCID,
        "title": "Jasa lainnya: sistem pemantauan banjir Sungai Sepaku",
        "documentHash": "0x" + "71" * 32,
        "agencyId": 1001,
        "hps": HPS,
        "category": 3,  # other services
        "evaluation": 1,  # value system
        "technicalWeightBps": TECHNICAL_WEIGHT,
        "commitDeadline": start + 3 * 86400,
        "scoringDeadline": start + 4 * 86400,
        "revealDeadline": start + 5 * 86400,
        "objectionWindow": 5 * 86400,
        "minValidBids": 2,
    }
    for wrong in ({"scoringDeadline": 0}, {"scoringDeadline": body["revealDeadline"]}):
        refused = client.post(
            "/tenders", json=planned(client, {**body, **wrong}), headers={**story["officer"], **key()}
        )
        assert refused.status_code == 422, refused.text
    announced = client.post("/tenders", json=planned(client, body), headers={**story["officer"], **key()})
    assert announced.status_code == 201, announced.text
    tender = documented(client.get(f"/tenders/{OCID}"))
    assert (tender["evaluation"], tender["scoringDeadline"]) == ("value_system", body["scoringDeadline"])
    story["deadlines"] = {k: body[k] for k in ("commitDeadline", "scoringDeadline", "revealDeadline")}
    assert story["pokja"].appoint(client, OCID).status_code == 201
    story["suppliers"] = {}
    for name, price in PRICES.items():
        supplier = managed_supplier(client, story["token"], story["registry"], f"{name}-{OCID}")
        committed = client.post(
            f"/tenders/{OCID}/bids/managed", json={"price": price}, headers={**supplier["token"], **key()}
        )
        assert committed.status_code == 201, committed.text
        story["suppliers"][name] = supplier


def test_2_no_sheet_is_sealed_before_the_bids_are_in(story):
    early = seal(story, POKJA[0], sheet_of(story, POKJA[0]))
    assert early.status_code == 409 and early.json()["code"] == "TenderNotInScoringPeriod", early.text


def test_3_each_member_seals_a_sheet_scoring_every_bidder(story):
    travel_to(story["chain_url"], story["deadlines"]["commitDeadline"] + 1)
    first = POKJA[0]
    partial = {"scores": sheet_of(story, first)["scores"][:1]}
    incomplete = seal(story, first, partial)
    assert incomplete.status_code == 422 and incomplete.json()["code"] == "score_sheet_incomplete", (
        incomplete.text
    )
    stranger = {**sheet_of(story, first)}
    stranger["scores"] = [*stranger["scores"], {"supplierId": 10**9, "scoreBps": 100}]
    assert seal(story, first, stranger).json()["code"] == "score_sheet_incomplete"
    outsider = story["client"].post(
        f"/tenders/{OCID}/score-sheets",
        json=sheet_of(story, first),
        headers={**officer_token(story["issuer_dir"], story["chain_url"], KPA, sub="kpa-ikn"), **key()},
    )
    assert outsider.status_code == 403 and outsider.json()["code"] == "TenderNotPokjaMember", outsider.text
    story["sealed"] = {}
    for member in POKJA:
        sealed = seal(story, member, sheet_of(story, member))
        assert sealed.status_code == 201, sealed.text
        answer = documented(sealed)
        assert answer["member"] == story["pokja"].appointment()["members"][POKJA.index(member)]
        story["sealed"][member] = answer["sealedSheet"]
    again = seal(story, first, sheet_of(story, first))
    assert again.status_code == 409 and again.json()["code"] == "TenderScoreSheetAlreadySealed", again.text
    assert documented(story["client"].get(f"/tenders/{OCID}"))["sealedSheets"] == 3


def test_4_no_price_opens_while_the_pokja_are_scoring(story):
    murah = story["suppliers"]["murah"]
    early = story["client"].post(f"/tenders/{OCID}/bids/managed/reveal", headers={**murah["token"], **key()})
    assert early.status_code == 409 and early.json()["code"] == "TenderNotInRevealPeriod", early.text


def test_5_after_the_scoring_deadline_the_prices_open_and_no_sheet_opens_before_they_are_final(story):
    client = story["client"]
    travel_to(story["chain_url"], story["deadlines"]["scoringDeadline"] + 1)
    for supplier in story["suppliers"].values():
        opened = client.post(f"/tenders/{OCID}/bids/managed/reveal", headers={**supplier["token"], **key()})
        assert opened.status_code == 201, opened.text
    early = client.post(
        f"/tenders/{OCID}/score-sheets/open", headers={**story["pokja"].token(POKJA[0]), **key()}
    )
    assert early.status_code == 409 and early.json()["code"] == "TenderRevealNotOver", early.text


def test_6_the_evaluation_waits_for_every_sealed_sheet_to_be_opened(story):
    client = story["client"]
    travel_to(story["chain_url"], story["deadlines"]["revealDeadline"] + 1)
    evaluate = {**story["pokja"].token(POKJA[0]), **key()}
    for member in POKJA[:2]:
        opened = client.post(
            f"/tenders/{OCID}/score-sheets/open", headers={**story["pokja"].token(member), **key()}
        )
        assert opened.status_code == 200, opened.text
        answer = documented(opened)
        ids = sorted(s["id"] for s in story["suppliers"].values())
        by_id = {
            story["suppliers"][name]["id"]: scores[POKJA.index(member)] for name, scores in SCORES.items()
        }
        assert (answer["supplierIds"], answer["scoresBps"]) == (ids, [by_id[i] for i in ids])
    waiting = client.post(f"/tenders/{OCID}/evaluation", json={}, headers=evaluate)
    assert waiting.status_code == 409 and waiting.json()["code"] == "TenderScoresIncomplete", waiting.text
    last = client.post(
        f"/tenders/{OCID}/score-sheets/open", headers={**story["pokja"].token(POKJA[2]), **key()}
    )
    assert last.status_code == 200, last.text
    twice = client.post(
        f"/tenders/{OCID}/score-sheets/open", headers={**story["pokja"].token(POKJA[2]), **key()}
    )
    assert twice.status_code == 409 and twice.json()["code"] == "TenderScoreSheetAlreadyOpened", twice.text
    assert documented(client.get(f"/tenders/{OCID}"))["scoreSheets"] == 3


def expected_winner() -> str:
    """Score = wT x mean technical score + wP x lowest price / price (no preference: HEA = price),
    exactly, as TenderRanking compares them."""
    lowest = min(PRICES.values())

    def score(name: str) -> Fraction:
        technical = Fraction(sum(SCORES[name]), len(SCORES[name]))
        return TECHNICAL_WEIGHT * technical + (10_000 - TECHNICAL_WEIGHT) * 10_000 * Fraction(
            lowest, PRICES[name]
        )

    return max(PRICES, key=score)


def test_7_the_better_offer_wins_over_the_cheaper_one_and_the_award_is_final(story):
    client = story["client"]
    assert expected_winner() == "andal"  # the story's premise: 30% technical outweighs a 19% dearer price
    evaluated = client.post(
        f"/tenders/{OCID}/evaluation", json={}, headers={**story["pokja"].token(POKJA[1]), **key()}
    )
    assert evaluated.status_code == 200, evaluated.text
    proposal = documented(evaluated)["awardProposed"]
    assert (proposal["supplierId"], proposal["price"]) == (story["suppliers"]["andal"]["id"], PRICES["andal"])
    tender = documented(client.get(f"/tenders/{OCID}"))
    travel_to(story["chain_url"], tender["objectionDeadline"] + 1)
    final = client.post(f"/tenders/{OCID}/award", headers={**story["officer"], **key()})
    assert final.status_code == 200 and documented(final)["value"] == PRICES["andal"], final.text


def test_8_the_database_never_held_a_sheet_or_its_salt_in_clear(story):
    """Read after the sheets are public: the rows hold the sealed hashes sent on chain and sealed
    values that show neither the scores nor the salts."""
    chain = story["client"].app.state.chain
    tenders = chain.contract("Tenders")
    logs = tenders.events.ScoreSheetOpened().get_logs(
        argument_filters={"tenderId": Web3.keccak(text=OCID)}, from_block=0
    )
    salts = []
    for log in logs:
        tx = chain.web3.eth.get_transaction(log["transactionHash"])
        _, args = tenders.decode_function_input(tx["input"])
        salts.append(bytes(args["salt"]).hex())
    assert len(salts) == 3
    with sqlite3.connect(story["settings"].database_url.removeprefix("sqlite:///")) as db:
        rows = db.execute(
            "SELECT member, sealed_sheet, sealed_value FROM pokja_score_sheets WHERE tender_id = ?",
            (Web3.to_hex(Web3.keccak(text=OCID)),),
        ).fetchall()
    assert sorted(row[1] for row in rows) == sorted(story["sealed"].values())
    text = " ".join(" ".join(map(str, row)) for row in rows).lower()
    # The salts, and the sheet's own fields (a 4-digit score alone could occur in any ciphertext).
    assert not [s for s in salts if s in text]
    assert "scoresbps" not in text and "supplierids" not in text and str(list(SCORES["andal"])) not in text
