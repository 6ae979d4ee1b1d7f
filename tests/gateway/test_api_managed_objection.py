"""A supplier without a wallet files a sanggah through its gateway-managed key: it loses a tender to a
cheaper rival who signs for itself, then asks the gateway to object; the gateway signs FileObjection
with the managed key and relays it. Only the supplier itself may, the contract's rules apply as to
anyone (the winner cannot object, once per award), and a retry sends one transaction."""

from __future__ import annotations

import uuid

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from web3 import Web3

from app.protocol import bids
from app.protocol.manifest import load_manifest
from app.tenders.opening_codec import encode_opening
from tests.support.clock import key, now, travel_to
from tests.support.documented import documented
from tests.support.localchain import rpc
from tests.support.plans import planned
from tests.support.pokja import POKJA, Pokja

OCID = f"ocds-terang-1001-sanggah-{uuid.uuid4().hex[:8]}"
HPS = 2_000_000_000
MANAGED_PRICE, RIVAL_PRICE = 1_900_000_000, 1_750_000_000
EVIDENCE = Web3.to_hex(Web3.keccak(text="sanggah CV tanpa dompet: harga pemenang tidak wajar"))


@pytest.fixture(scope="module")
def scenario(app, token, chain_url, manifest_dir, issuer_dir):
    manifest = load_manifest(manifest_dir / "31337.json")
    tenders = Web3(Web3.HTTPProvider(chain_url)).eth.contract(
        address=manifest.address("Tenders"), abi=manifest.contracts["Tenders"].abi
    )
    with TestClient(app) as client:
        yield {
            "client": client,
            "token": token,
            "chain_url": chain_url,
            "tenders": tenders,
            "officer": token("AGENCY_OFFICER", agency=1001),
            "rival": Account.create(),
            "pokja": Pokja(chain_url, issuer_dir),
        }


def register(scenario, account: str, n: int) -> int:
    client, token = scenario["client"], scenario["token"]
    body = {
        "account": account,
        "nib": f"91300{uuid.uuid4().int % 10**8:08d}",
        "npwp": f"0223456789{n}01000",
        "umkm": True,
        "regionCode": 6409,
    }
    created = client.post("/suppliers", json=body, headers={**scenario["officer"], **key()})
    assert created.status_code == 201, created.text
    supplier_id = created.json()["supplierId"]
    verified = client.post(
        f"/suppliers/{supplier_id}/verification", headers={**token("AGENCY_OFFICER", agency=1002), **key()}
    )
    assert verified.status_code == 200, verified.text
    return supplier_id


def rival_signs(scenario, sign, **fields):
    rival = scenario["rival"]
    return sign(
        rival.key,
        chain_id=31337,
        verifying_contract=scenario["tenders"].address,
        tender=bids.tender_id(OCID),
        nonce=scenario["tenders"].functions.nonces(rival.address).call(),
        deadline=now(scenario["chain_url"]) + 3600,
        **fields,
    )


def test_1_a_managed_supplier_and_a_self_signing_rival_bid_and_the_rival_is_proposed(scenario):
    client, token, chain_url = scenario["client"], scenario["token"], scenario["chain_url"]
    rival_id = register(scenario, scenario["rival"].address, 1)
    # The managed supplier has no wallet: its key first, then registered with that address (the
    # registry's next id: nothing else registers meanwhile in this process).
    managed_id = rival_id + 1
    supplier = token(supplier=managed_id, sub="cv-tanpa-dompet")
    made = client.post(f"/suppliers/{managed_id}/managed-key", headers=supplier)
    assert made.status_code == 201, made.text
    managed_address = Web3.to_checksum_address(made.json()["address"])
    assert register(scenario, managed_address, 2) == managed_id
    scenario.update(managed_id=managed_id, rival_id=rival_id, supplier=supplier, address=managed_address)

    start = now(chain_url)
    announcement = {
        "ocid": OCID,
        "title": "Genset kantor kecamatan Sepaku",
        "documentHash": "0x" + "66" * 32,
        "agencyId": 1001,
        "hps": HPS,
        "category": 0,
        "commitDeadline": start + 3 * 86400,
        "revealDeadline": start + 4 * 86400,
        "objectionWindow": 5 * 86400,
        "minValidBids": 2,
    }
    announced = client.post(
        "/tenders", json=planned(client, announcement), headers={**scenario["officer"], **key()}
    )
    assert announced.status_code == 201, announced.text
    appointed = scenario["pokja"].appoint(client, OCID)
    assert appointed.status_code == 201, appointed.text

    managed_bid = client.post(
        f"/tenders/{OCID}/bids/managed", json={"price": MANAGED_PRICE}, headers={**supplier, **key()}
    )
    assert managed_bid.status_code == 201, managed_bid.text
    salt = bids.new_salt()
    commitment = bids.commitment(bids.tender_id(OCID), rival_id, RIVAL_PRICE, [], salt)
    sealed = scenario["pokja"].seal(OCID, rival_id, encode_opening(RIVAL_PRICE, [], salt, bytes(32)))
    signed = rival_signs(
        scenario, bids.sign_commit, bid_commitment=commitment, envelope_digest=bids.envelope_hash(sealed)
    )
    rival_token = token(supplier=rival_id, sub="pt-rival")
    committed = client.post(
        f"/tenders/{OCID}/bids/commitments",
        json={
            "supplier": signed.supplier,
            "commitment": Web3.to_hex(commitment),
            "envelope": Web3.to_hex(sealed),
            "nonce": signed.nonce,
            "deadline": signed.deadline,
            "signature": Web3.to_hex(signed.signature),
        },
        headers={**rival_token, **key()},
    )
    assert committed.status_code == 201, committed.text

    travel_to(chain_url, announcement["commitDeadline"] + 1)
    revealed = client.post(f"/tenders/{OCID}/bids/managed/reveal", headers={**supplier, **key()})
    assert revealed.status_code == 201, revealed.text
    signed = rival_signs(scenario, bids.sign_reveal, bid_commitment=commitment)
    opened = client.post(
        f"/tenders/{OCID}/bids/reveals",
        json={
            "supplier": signed.supplier,
            "nonce": signed.nonce,
            "deadline": signed.deadline,
            "signature": Web3.to_hex(signed.signature),
            "opening": {
                "price": RIVAL_PRICE,
                "salt": Web3.to_hex(salt),
                "commitSeq": committed.json()["commitSeq"],
                "envelopeHash": Web3.to_hex(bids.envelope_hash(sealed)),
            },
        },
        headers={**rival_token, **key()},
    )
    assert opened.status_code == 201, opened.text

    travel_to(chain_url, announcement["revealDeadline"] + 1)
    evaluated = client.post(
        f"/tenders/{OCID}/evaluation",
        json={"bidders": sorted((rival_id, managed_id))},
        headers={**scenario["pokja"].token(POKJA[0]), **key()},
    )
    assert evaluated.status_code == 200, evaluated.text
    assert evaluated.json()["awardProposed"]["supplierId"] == rival_id
    scenario["rival_token"] = rival_token


def test_2_only_the_supplier_itself_with_a_managed_key_may_object_through_it(scenario):
    client = scenario["client"]
    path, body = f"/tenders/{OCID}/objections/managed", {"evidenceHash": EVIDENCE}
    officer = client.post(path, json=body, headers={**scenario["officer"], **key()})
    assert officer.status_code == 403 and officer.json()["code"] == "wrong_supplier", officer.text
    rival = client.post(path, json=body, headers={**scenario["rival_token"], **key()})
    assert rival.status_code == 409 and rival.json()["code"] == "managed_key_missing", rival.text
    malformed = client.post(path, json={"evidenceHash": "0x12"}, headers={**scenario["supplier"], **key()})
    assert malformed.status_code == 422 and malformed.json()["code"] == "invalid_request"
    unknown = client.post(
        "/tenders/ocds-terang-none/objections/managed", json=body, headers={**scenario["supplier"], **key()}
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_3_the_gateway_signs_and_relays_the_sanggah_once_for_a_retried_request(scenario):
    client, tenders = scenario["client"], scenario["tenders"]
    nonce = tenders.functions.nonces(scenario["address"]).call()
    headers = {**scenario["supplier"], **key()}
    path, body = f"/tenders/{OCID}/objections/managed", {"evidenceHash": EVIDENCE}
    filed = client.post(path, json=body, headers=headers)
    retried = client.post(path, json=body, headers=headers)
    assert filed.status_code == retried.status_code == 201, filed.text
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json()["transactionHash"] == filed.json()["transactionHash"]
    answer = documented(filed)
    assert (answer["objectionId"], answer["supplierId"], answer["evidenceHash"]) == (
        1,
        scenario["managed_id"],
        EVIDENCE,
    )
    assert tenders.functions.nonces(scenario["address"]).call() == nonce + 1  # one signature, not two
    objection = client.get(f"/tenders/{OCID}/objections/1").json()
    assert (objection["status"], objection["supplierId"]) == ("open", scenario["managed_id"])
    balance = int(rpc(scenario["chain_url"], "eth_getBalance", [scenario["address"], "latest"]), 16)
    assert balance == 0


def test_4_a_second_sanggah_in_the_same_award_round_is_refused_by_the_contract(scenario):
    again = scenario["client"].post(
        f"/tenders/{OCID}/objections/managed",
        json={"evidenceHash": "0x" + "77" * 32},
        headers={**scenario["supplier"], **key()},
    )
    assert again.status_code == 409 and again.json()["code"] == "TenderAlreadyObjected", again.text
    assert again.json()["title"]  # the id/en title of the contract's error
