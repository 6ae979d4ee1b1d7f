"""Sanggah banding on a construction tender, through REST: a construction tender above Rp10 miliar
takes a bid bond (jaminan penawaran) with every bid; the losing bidder, a supplier bidding through
its gateway-managed key, objects, a Pokja member rejects the objection, and the bidder appeals
(signed as `FileAppeal` with the managed key and relayed, so it pays no gas). The award waits for
the appeal; a Pokja member may not answer it; the agency's KPA, an officer outside the Pokja
signing with its own key, rejects it and the appeal bond is claimed; the award is final after the
appeal window."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from web3 import Web3

from app.protocol.manifest import load_manifest
from tests.support.clock import key, now, travel_to
from tests.support.documented import documented
from tests.support.localchain import rpc
from tests.support.plans import planned
from tests.support.pokja import KPA, POKJA, Pokja, managed_supplier, officer_token

OCID = f"ocds-terang-1001-banding-{uuid.uuid4().hex[:8]}"
HPS = 12_000_000_000  # above the Rp10 miliar threshold: a bid bond of 1-3% of HPS
BID_BOND = HPS // 100
PRICES = {"pemenang": 11_200_000_000, "penyanggah": 11_500_000_000}
BOND_REF = {name: Web3.to_hex(Web3.keccak(text=f"jaminan penawaran {name} {OCID}")) for name in PRICES}
APPEAL_BOND_REF = Web3.to_hex(Web3.keccak(text=f"jaminan sanggah banding {OCID}"))


@pytest.fixture(scope="module")
def story(app, token, chain_url, manifest_dir, issuer_dir):
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
            "issuer_dir": issuer_dir,
            "pokja": Pokja(chain_url, issuer_dir),
            "officer": token("AGENCY_OFFICER", agency=1001, sub="ppk-ikn"),
            "kpa": officer_token(issuer_dir, chain_url, KPA, sub="kpa-ikn"),
        }


def announcement(story, **changes) -> dict:
    start = now(story["chain_url"])
    return {
        "ocid": OCID,
        "title": "Pembangunan jembatan akses kawasan inti pusat pemerintahan",
        "documentHash": "0x" + "81" * 32,
        "agencyId": 1001,
        "hps": HPS,
        "category": 1,  # construction
        "bidBond": BID_BOND,
        "commitDeadline": start + 3 * 86400,
        "revealDeadline": start + 4 * 86400,
        "objectionWindow": 5 * 86400,
        "minValidBids": 2,
        **changes,
    }


def test_1_a_construction_tender_above_the_threshold_is_announced_with_its_bid_bond(story):
    client = story["client"]
    for bond in (0, HPS // 200, HPS // 25):  # none, 0.5%, 4%: outside 1-3% of HPS
        refused = client.post(
            "/tenders",
            json=planned(client, announcement(story, bidBond=bond)),
            headers={**story["officer"], **key()},
        )
        assert refused.status_code == 422 and refused.json()["code"] == "TenderInvalidBidBond", refused.text
    body = announcement(story)
    announced = client.post("/tenders", json=planned(client, body), headers={**story["officer"], **key()})
    assert announced.status_code == 201, announced.text
    assert documented(client.get(f"/tenders/{OCID}"))["bidBond"] == BID_BOND
    story["deadlines"] = (body["commitDeadline"], body["revealDeadline"])
    assert story["pokja"].appoint(client, OCID).status_code == 201


def test_2_every_bid_carries_its_bond_and_the_cheaper_bid_is_proposed(story):
    client = story["client"]
    story["suppliers"] = {}
    for name, price in PRICES.items():
        supplier = managed_supplier(client, story["token"], story["registry"], f"{name}-{OCID}")
        unbonded = client.post(
            f"/tenders/{OCID}/bids/managed", json={"price": price}, headers={**supplier["token"], **key()}
        )
        assert unbonded.status_code == 422 and unbonded.json()["code"] == "TenderBidBondMissing", (
            unbonded.text
        )
        committed = client.post(
            f"/tenders/{OCID}/bids/managed",
            json={"price": price, "bidBondRef": BOND_REF[name]},
            headers={**supplier["token"], **key()},
        )
        assert committed.status_code == 201, committed.text
        story["suppliers"][name] = supplier
    travel_to(story["chain_url"], story["deadlines"][0] + 1)
    for supplier in story["suppliers"].values():
        opened = client.post(f"/tenders/{OCID}/bids/managed/reveal", headers={**supplier["token"], **key()})
        assert opened.status_code == 201, opened.text
    travel_to(story["chain_url"], story["deadlines"][1] + 1)
    evaluated = client.post(
        f"/tenders/{OCID}/evaluation", json={}, headers={**story["pokja"].token(POKJA[0]), **key()}
    )
    assert evaluated.status_code == 200, evaluated.text
    assert documented(evaluated)["awardProposed"]["supplierId"] == story["suppliers"]["pemenang"]["id"]


def test_3_the_loser_objects_and_a_pokja_member_rejects_the_objection(story):
    client, objector = story["client"], story["suppliers"]["penyanggah"]
    evidence = Web3.to_hex(Web3.keccak(text="sanggah: metode kerja pemenang tidak memenuhi syarat"))
    filed = client.post(
        f"/tenders/{OCID}/objections/managed",
        json={"evidenceHash": evidence},
        headers={**objector["token"], **key()},
    )
    assert filed.status_code == 201 and documented(filed)["objectionId"] == 1, filed.text
    answered = client.post(
        f"/tenders/{OCID}/objections/1/answer",
        json={"outcome": "rejected", "responseHash": "0x" + "82" * 32},
        headers={**story["pokja"].token(POKJA[1]), **key()},
    )
    assert answered.status_code == 200, answered.text
    tender = documented(client.get(f"/tenders/{OCID}"))
    assert tender["appealDeadline"] and tender["appealDeadline"] > tender["objectionDeadline"] - 5 * 86400


def appeal(story, body: dict, headers: dict):
    return story["client"].post(f"/tenders/{OCID}/objections/1/appeal/managed", json=body, headers=headers)


def test_4_the_objector_appeals_once_with_its_bond_without_paying_gas(story):
    """The managed key signs FileAppeal and the gateway's relayer sends it: the objector's account
    holds no ether and sends no transaction of its own."""
    objector = story["suppliers"]["penyanggah"]
    assert int(rpc(story["chain_url"], "eth_getBalance", [objector["address"], "latest"]), 16) == 0
    unbonded = appeal(story, {"bondRef": "0x" + "00" * 32}, {**objector["token"], **key()})
    assert unbonded.status_code == 409 and unbonded.json()["code"] == "TenderAppealNotAllowed", unbonded.text
    headers = {**objector["token"], **key()}
    filed = appeal(story, {"bondRef": APPEAL_BOND_REF}, headers)
    assert filed.status_code == 201, filed.text
    answer = documented(filed)
    assert (answer["objectionId"], answer["supplierId"], answer["bondRef"], answer["bond"]) == (
        1,
        objector["id"],
        APPEAL_BOND_REF,
        HPS // 100,
    )
    retried = appeal(story, {"bondRef": APPEAL_BOND_REF}, headers)
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json()["transactionHash"] == answer["transactionHash"]
    twice = appeal(story, {"bondRef": APPEAL_BOND_REF}, {**objector["token"], **key()})
    assert twice.status_code == 409 and twice.json()["code"] == "TenderAppealNotAllowed", twice.text
    assert int(rpc(story["chain_url"], "eth_getTransactionCount", [objector["address"], "latest"]), 16) == 0
    objection = documented(story["client"].get(f"/tenders/{OCID}/objections/1"))
    assert (objection["status"], objection["appealed"], objection["appealOutcome"]) == (
        "rejected",
        True,
        None,
    )
    assert documented(story["client"].get(f"/tenders/{OCID}"))["openObjections"] == 1


def test_5_the_award_waits_and_no_pokja_member_may_answer_the_appeal(story):
    client = story["client"]
    early = client.post(f"/tenders/{OCID}/award", headers={**story["officer"], **key()})
    assert early.status_code == 409 and early.json()["code"].startswith("TenderObjection"), early.text
    body = {"outcome": "upheld_reevaluate", "responseHash": "0x" + "83" * 32}
    for headers, code in (
        (story["pokja"].token(POKJA[1]), "TenderAppealByPokja"),  # the Pokja the appeal is against
        # a token naming no official: no shared key of the agency ever answers it
        (
            story["token"]("AGENCY_OFFICER", agency=1001, sub="ppk-ikn", officer=False),
            "officer_claim_missing",
        ),
    ):
        refused = client.post(
            f"/tenders/{OCID}/objections/1/appeal/answer", json=body, headers={**headers, **key()}
        )
        assert refused.status_code == 403 and refused.json()["code"] == code, refused.text
    assert documented(client.get(f"/tenders/{OCID}/objections/1"))["appealOutcome"] is None


def test_6_the_kpa_rejects_the_appeal_the_bond_is_claimed_and_the_award_is_final_after_the_window(story):
    client = story["client"]
    answered = client.post(
        f"/tenders/{OCID}/objections/1/appeal/answer",
        json={"outcome": "rejected", "responseHash": "0x" + "84" * 32},
        headers={**story["kpa"], **key()},
    )
    assert answered.status_code == 200, answered.text
    answer = documented(answered)
    assert (answer["outcome"], answer["bondClaimed"]) == ("rejected", HPS // 100)
    assert answer["officer"] == Web3.to_checksum_address(rpc(story["chain_url"], "eth_accounts")[KPA])
    again = client.post(
        f"/tenders/{OCID}/objections/1/appeal/answer",
        json={"outcome": "rejected", "responseHash": "0x" + "84" * 32},
        headers={**story["kpa"], **key()},
    )
    assert again.status_code == 409 and again.json()["code"] == "TenderNoOpenAppeal", again.text
    assert documented(client.get(f"/tenders/{OCID}/objections/1"))["appealOutcome"] == "rejected"
    tender = documented(client.get(f"/tenders/{OCID}"))
    travel_to(story["chain_url"], max(tender["objectionDeadline"], tender["appealDeadline"]) + 1)
    final = client.post(f"/tenders/{OCID}/award", headers={**story["officer"], **key()})
    assert final.status_code == 200, final.text
    assert documented(final)["supplierId"] == story["suppliers"]["pemenang"]["id"]
