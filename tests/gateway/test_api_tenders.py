"""A tender through the REST API only: a certified product, two verified suppliers who sign their
sealed bids themselves (EIP-712), each with its envelope sealed for the tender's Pokja, and never
pay gas, the gateway relaying; a relayed signature that went stale when its supplier re-bid;
evaluation with the TKDN preference by a Pokja member signing with its own key, the losing bidder's
signed objection (sanggah) answered by another member, the objection window and the final award."""

from __future__ import annotations

import uuid

import pytest
from eth_account import Account
from web3 import Web3

from app.protocol import bids
from app.protocol.manifest import load_manifest
from app.tenders.opening_codec import encode_opening
from tests.support.clock import key, now, travel_to
from tests.support.documented import documented
from tests.support.localchain import rpc
from tests.support.plans import planned
from tests.support.pokja import POKJA, Pokja

OCID = f"ocds-terang-1001-{uuid.uuid4().hex[:8]}"
HPS = 2_000_000_000
PRODUCT = Web3.keccak(text=f"ecatalogue:{OCID}:transformer")


@pytest.fixture(scope="module")
def scenario(app, token, chain_url, manifest_dir, issuer_dir):
    """State shared by the steps of one tender, in order."""
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        yield {
            "client": client,
            "token": token,
            "chain_url": chain_url,
            "manifest": load_manifest(manifest_dir / "31337.json"),
            "suppliers": {name: Account.create() for name in ("local", "import")},
            "pokja": Pokja(chain_url, issuer_dir),
        }


def test_1_certifier_records_the_domestic_products_tkdn(scenario):
    client, token = scenario["client"], scenario["token"]
    body = {
        "productId": Web3.to_hex(PRODUCT),
        "tkdnBps": 6000,
        "bmpBps": 1000,
        "validUntil": now(scenario["chain_url"]) + 365 * 86400,
        "certificateHash": "0x" + "11" * 32,
    }
    created = client.post("/tkdn/certificates", json=body, headers={**token("TKDN_CERTIFIER"), **key()})
    assert created.status_code == 201, created.text
    assert documented(created) == {
        **body,
        **{k: created.json()[k] for k in ("transactionHash", "blockNumber")},
    }
    path = f"/tkdn/certificates/{Web3.to_hex(PRODUCT)}"
    certificate = documented(client.get(path))
    assert (certificate["version"], certificate["tkdnBps"], certificate["revokedAt"]) == (1, 6000, None)
    assert documented(client.get(f"{path}/versions/1")) == certificate
    assert client.get(f"{path}/versions/2").status_code == 404
    # Valid from its issue on (TKDN 60% + BMP 10%), not before: what a tender asks of its deadline.
    issued = certificate["issuedAt"]
    valid = documented(client.get(f"{path}/validity", params={"at": issued}))
    assert (valid["valid"], valid["tkdnBps"], valid["tkdnPlusBmpBps"]) == (True, 6000, 7000)
    before = documented(client.get(f"{path}/validity", params={"at": issued - 1}))
    assert (before["valid"], before["tkdnBps"], before["tkdnPlusBmpBps"]) == (False, None, None)


def test_2_agencies_register_and_verify_both_suppliers(scenario):
    client, token = scenario["client"], scenario["token"]
    ids = {}
    for n, (name, account) in enumerate(scenario["suppliers"].items()):
        body = {
            "account": account.address,
            "nib": f"91200{uuid.uuid4().int % 10**8:08d}",
            "npwp": f"0112345678{n}01000",
            "umkm": name == "local",
            "regionCode": 6409,
        }
        created = client.post(
            "/suppliers", json=body, headers={**token("AGENCY_OFFICER", agency=1001), **key()}
        )
        assert created.status_code == 201, created.text
        ids[name] = created.json()["supplierId"]
        verified = client.post(
            f"/suppliers/{ids[name]}/verification", headers={**token("AGENCY_OFFICER", agency=1002), **key()}
        )
        assert verified.status_code == 200, verified.text
    scenario["ids"] = ids


def test_3_an_officer_of_another_agency_cannot_announce_for_ikn(scenario):
    body = announcement(scenario)
    refused = scenario["client"].post(
        "/tenders",
        json=planned(scenario["client"], body),
        headers={**scenario["token"]("AGENCY_OFFICER", agency=1002), **key()},
    )
    assert refused.status_code == 403 and refused.json()["code"] == "wrong_agency"


@pytest.mark.parametrize("ocid", ["ocds-abc123-1001-2026-0001", "ocds-terangx-1001-2026-0001", "terang-1"])
def test_3_an_ocid_outside_the_publishers_ocds_prefix_is_refused_before_the_chain(scenario, ocid):
    """Every ocid is published as OCDS under the registered prefix (TERANG_OCID_PREFIX, ocds-terang):
    an officer of the tender's own agency cannot announce under another publisher's prefix."""
    client = scenario["client"]
    refused = client.post(
        "/tenders",
        json=planned(client, {**announcement(scenario), "ocid": ocid}),
        headers={**scenario["token"]("AGENCY_OFFICER", agency=1001), **key()},
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "ocid_prefix_mismatch" and "ocds-terang-" in refused.json()["detail"]
    assert client.get(f"/tenders/{ocid}").status_code == 404


def announcement(scenario) -> dict:
    start = now(scenario["chain_url"])
    return {
        "ocid": OCID,
        "title": "Trafo distribusi 20 kV untuk IKN",
        "documentHash": "0x" + "22" * 32,
        "agencyId": 1001,
        "hps": HPS,
        "category": 0,
        "preferenceBps": 2500,
        "commitDeadline": start + 3 * 86400,
        "revealDeadline": start + 4 * 86400,
        "objectionWindow": 5 * 86400,
        "minValidBids": 2,
    }


def test_4_the_ikn_officer_announces_the_tender(scenario):
    body = announcement(scenario)
    created = scenario["client"].post(
        "/tenders",
        json=planned(scenario["client"], body),
        headers={**scenario["token"]("AGENCY_OFFICER", agency=1001), **key()},
    )
    assert created.status_code == 201, created.text
    assert documented(created)["tenderId"] == Web3.to_hex(bids.tender_id(OCID))
    tender = documented(scenario["client"].get(f"/tenders/{OCID}"))
    assert (tender["status"], tender["hps"], tender["preferenceBps"]) == ("open", HPS, 2500)
    assert (tender["category"], tender["method"], tender["evaluation"]) == ("goods", "tender", "lowest_price")
    assert (tender["winner"], tender["objectionDeadline"]) == (None, None)
    assert (tender["scoringDeadline"], tender["bidBond"], tender["pokjaQuorum"]) == (None, 0, 0)
    scenario["deadlines"] = (body["commitDeadline"], body["revealDeadline"], body["objectionWindow"])


def test_4b_the_ppk_appoints_the_pokja_with_the_members_envelope_keys(scenario):
    client, pokja = scenario["client"], scenario["pokja"]
    # A low-order point (here the all-zero key's neighbour, 1) is a key no envelope can be sealed to.
    unusable = {
        **pokja.appointment(),
        "encryptionKeys": [*pokja.appointment()["encryptionKeys"][:2], "0x" + "01" + "00" * 31],
    }
    refused = client.post(f"/tenders/{OCID}/pokja", json=unusable, headers={**pokja.ppk(), **key()})
    assert refused.status_code == 422 and refused.json()["code"] == "encryption_key_unusable", refused.text
    appointed = pokja.appoint(client, OCID)
    assert appointed.status_code == 201, appointed.text
    assert {
        k: documented(appointed)[k] for k in ("members", "encryptionKeys", "quorum")
    } == pokja.appointment()
    read = documented(client.get(f"/tenders/{OCID}/pokja"))
    assert read["quorum"] == 2 and [m["index"] for m in read["members"]] == [1, 2, 3]
    again = pokja.appoint(client, OCID)
    assert again.status_code == 409 and again.json()["code"] == "TenderPokjaAlreadyAppointed", again.text
    tender = documented(client.get(f"/tenders/{OCID}"))
    assert (tender["pokjaQuorum"], tender["pokjaSize"]) == (2, 3)


def next_nonce(scenario, name: str) -> int:
    manifest = scenario["manifest"]
    tenders = Web3(Web3.HTTPProvider(scenario["chain_url"])).eth.contract(
        address=manifest.address("Tenders"), abi=manifest.contracts["Tenders"].abi
    )
    return tenders.functions.nonces(scenario["suppliers"][name].address).call()


def signed_by(scenario, name: str, sign, **message):
    """`sign` (bids.sign_commit, sign_reveal or sign_objection) with supplier `name`'s own key, its
    next nonce and an hour's deadline, as the supplier's client does."""
    return sign(
        scenario["suppliers"][name].key,
        chain_id=31337,
        verifying_contract=scenario["manifest"].address("Tenders"),
        tender=bids.tender_id(OCID),
        nonce=next_nonce(scenario, name),
        deadline=now(scenario["chain_url"]) + 3600,
        **message,
    )


def signed(scenario, kind: str, name: str, commitment: bytes, **commit) -> bids.SignedBidMessage:
    if kind == "commit":
        return signed_by(scenario, name, bids.sign_commit, bid_commitment=commitment, **commit)
    return signed_by(scenario, name, bids.sign_reveal, bid_commitment=commitment)


def sealed_offer(scenario, name: str, price: int, products: list) -> dict:
    """What the supplier's client builds: salt, commitment and the envelope for the tender's Pokja."""
    salt, supplier_id = bids.new_salt(), scenario["ids"][name]
    commitment = bids.commitment(bids.tender_id(OCID), supplier_id, price, products, salt)
    plain = encode_opening(price, bids.normalise_products(products), salt, bytes(32))
    sealed = scenario["pokja"].seal(OCID, supplier_id, plain)
    return {"price": price, "products": products, "salt": salt, "commitment": commitment, "envelope": sealed}


def commit_body(message: bids.SignedBidMessage, offer: dict) -> dict:
    return {
        "supplier": message.supplier,
        "commitment": Web3.to_hex(offer["commitment"]),
        "envelope": Web3.to_hex(offer["envelope"]),
        "replaces": Web3.to_hex(message.replaces),
        "nonce": message.nonce,
        "deadline": message.deadline,
        "signature": Web3.to_hex(message.signature),
    }


def test_5_suppliers_sign_sealed_bids_and_the_gateway_relays_them(scenario):
    # The importer is cheaper; the local manufacturer offers a certified product with TKDN 60%
    # making up its whole value.
    offers = {"import": (1_700_000_000, []), "local": (1_800_000_000, [(PRODUCT, 10_000)])}
    scenario["openings"] = {}
    for name, (price, products) in offers.items():
        offer = sealed_offer(scenario, name, price, products)
        message = signed(
            scenario,
            "commit",
            name,
            offer["commitment"],
            envelope_digest=bids.envelope_hash(offer["envelope"]),
        )
        relayed = scenario["client"].post(
            f"/tenders/{OCID}/bids/commitments",
            json=commit_body(message, offer),
            headers={**scenario["token"](supplier=scenario["ids"][name], sub=name), **key()},
        )
        assert relayed.status_code == 201, relayed.text
        answer = documented(relayed)
        assert (answer["replaced"], answer["envelopeHash"]) == (
            False,
            Web3.to_hex(bids.envelope_hash(offer["envelope"])),
        )
        scenario["openings"][name] = {**offer, "commitSeq": answer["commitSeq"]}
    bid = documented(scenario["client"].get(f"/tenders/{OCID}/bids/{scenario['ids']['import']}"))
    assert bid["status"] == "sealed" and bid["price"] is None  # nothing readable before the reveal
    for account in scenario["suppliers"].values():  # the suppliers never paid gas
        assert int(rpc(scenario["chain_url"], "eth_getBalance", [account.address, "latest"]), 16) == 0


def test_5a_a_signed_commit_handed_to_an_agent_dies_when_the_supplier_re_bids(scenario):
    """The importer signs a fallback bid ahead (the next nonce but one) and hands it to an agent (an
    SPSE operator relaying for suppliers), then re-bids itself. The fallback names the sealed bid it
    was to replace, which is gone: the agent can no longer substitute it for the supplier's bid."""
    client, name = scenario["client"], "import"
    supplier, tenders = scenario["suppliers"][name], scenario["manifest"].address("Tenders")
    agent = {**scenario["token"]("AGENCY_OFFICER", agency=1001, sub="spse-operator"), **key()}
    current = client.get(f"/tenders/{OCID}/bids/{scenario['ids'][name]}").json()["sealedBid"]
    nonce = next_nonce(scenario, name)
    deadline = now(scenario["chain_url"]) + 3600

    def sign(offer: dict, at: int) -> bids.SignedBidMessage:
        return bids.sign_commit(
            supplier.key,
            chain_id=31337,
            verifying_contract=tenders,
            tender=bids.tender_id(OCID),
            bid_commitment=offer["commitment"],
            envelope_digest=bids.envelope_hash(offer["envelope"]),
            replaces=current,
            nonce=at,
            deadline=deadline,
        )

    fallback = sealed_offer(scenario, name, 1_650_000_000, [])
    handed = sign(fallback, nonce + 1)
    rebid = sealed_offer(scenario, name, 1_700_000_000, [])
    replaced = client.post(
        f"/tenders/{OCID}/bids/commitments", json=commit_body(sign(rebid, nonce), rebid), headers=agent
    )
    assert replaced.status_code == 201 and documented(replaced)["replaced"] is True, replaced.text
    scenario["openings"][name] = {**rebid, "commitSeq": replaced.json()["commitSeq"]}
    substituted = client.post(
        f"/tenders/{OCID}/bids/commitments", json=commit_body(handed, fallback), headers={**agent, **key()}
    )
    assert substituted.status_code == 409 and substituted.json()["code"] == "TenderStaleCommit", (
        substituted.text
    )
    sealed = documented(client.get(f"/tenders/{OCID}/bids/{scenario['ids'][name]}"))
    seq = scenario["openings"][name]["commitSeq"]
    assert sealed["sealedBid"] == Web3.to_hex(  # the re-bid stands
        bids.sealed_bid(rebid["commitment"], seq, bids.envelope_hash(rebid["envelope"]))
    )


def opening_of(offer: dict) -> dict:
    return {
        "price": offer["price"],
        "products": [{"productId": Web3.to_hex(p), "shareBps": share} for p, share in offer["products"]],
        "salt": Web3.to_hex(offer["salt"]),
        "bidBondRef": "0x" + "00" * 32,
        "commitSeq": offer["commitSeq"],
        "envelopeHash": Web3.to_hex(bids.envelope_hash(offer["envelope"])),
    }


def reveal_body(scenario, name: str) -> dict:
    offer = scenario["openings"][name]
    message = signed(scenario, "reveal", name, offer["commitment"])
    return {
        "supplier": message.supplier,
        "nonce": message.nonce,
        "deadline": message.deadline,
        "signature": Web3.to_hex(message.signature),
        "opening": opening_of(offer),
    }


def test_5b_an_opening_relayed_before_the_commit_deadline_never_reaches_the_node(scenario, app):
    """The public relay checks the reveal period like the managed reveal: even a simulated reveal
    would hand the node the price and salt while bids are still sealed."""
    from tests.gateway.test_api_managed_bids import node_requests

    body = reveal_body(scenario, "import")
    headers = {**scenario["token"](supplier=scenario["ids"]["import"], sub="import"), **key()}
    with node_requests(app) as requests:
        early = scenario["client"].post(f"/tenders/{OCID}/bids/reveals", json=body, headers=headers)
    assert early.status_code == 409 and early.json()["code"] == "TenderNotInRevealPeriod", early.text
    salt = body["opening"]["salt"].removeprefix("0x")
    assert requests and not [r for r in requests if salt in r], "the opening reached the node"
    sealed = documented(scenario["client"].get(f"/tenders/{OCID}/bids/{scenario['ids']['import']}"))
    assert sealed["status"] == "sealed"


def test_5c_only_the_supplier_itself_or_an_agency_system_relays(scenario):
    body = reveal_body(scenario, "import")
    path = f"/tenders/{OCID}/bids/reveals"
    for token, code in (
        (scenario["token"]("VERIFIER", sub="pphp"), "forbidden_role"),
        (scenario["token"]("COMMITTEE", sub="komite"), "forbidden_role"),
        (scenario["token"](sub="anyone"), "forbidden_role"),  # a token with no role and no supplier
        # the other bidder's token may not relay the importer's signed opening
        (scenario["token"](supplier=scenario["ids"]["local"], sub="local"), "relay_not_own_supplier"),
    ):
        refused = scenario["client"].post(path, json=body, headers={**token, **key()})
        assert refused.status_code == 403 and refused.json()["code"] == code, refused.text


def test_6_a_forged_signature_is_refused_with_the_contracts_error(scenario):
    name = "import"
    offer = scenario["openings"][name]
    forged = bids.sign_commit(
        Account.create().key,
        chain_id=31337,
        verifying_contract=scenario["manifest"].address("Tenders"),
        tender=bids.tender_id(OCID),
        bid_commitment=offer["commitment"],
        envelope_digest=bids.envelope_hash(offer["envelope"]),
        nonce=0,
        deadline=now(scenario["chain_url"]) + 3600,
    )
    refused = scenario["client"].post(
        f"/tenders/{OCID}/bids/commitments",
        json={
            **commit_body(forged, offer),
            "supplier": scenario["suppliers"][name].address,
            "nonce": 3,
        },
        headers={**scenario["token"]("AGENCY_OFFICER", agency=1001, sub="forger"), **key()},
    )
    assert refused.status_code in (403, 409, 422), refused.text
    assert refused.json()["code"].startswith("Tender")


def test_7_after_the_commit_deadline_the_suppliers_openings_are_relayed(scenario):
    travel_to(scenario["chain_url"], scenario["deadlines"][0] + 1)
    for name, offer in scenario["openings"].items():
        relayed = scenario["client"].post(
            f"/tenders/{OCID}/bids/reveals",
            json=reveal_body(scenario, name),
            headers={**scenario["token"](supplier=scenario["ids"][name], sub=name), **key()},
        )
        assert relayed.status_code == 201, relayed.text
        assert documented(relayed)["price"] == offer["price"]
    local = documented(scenario["client"].get(f"/tenders/{OCID}/bids/{scenario['ids']['local']}"))
    # HEA = (1 - 60% x 25%) x 1.8 miliar = 1.53 miliar < the importer's 1.7 miliar
    assert (local["status"], local["price"], local["tkdnBps"], local["hea"]) == (
        "valid",
        1_800_000_000,
        6000,
        1_530_000_000,
    )


def test_8_only_a_pokja_member_signing_with_its_own_key_evaluates(scenario):
    travel_to(scenario["chain_url"], scenario["deadlines"][1] + 1)
    client, path = scenario["client"], f"/tenders/{OCID}/evaluation"
    # A token naming no official is refused: no shared key ever signs a Pokja act.
    nobody = scenario["token"]("AGENCY_OFFICER", agency=1001, sub="ppk-ikn", officer=False)
    refused = client.post(path, json={}, headers={**nobody, **key()})
    assert refused.status_code == 403 and refused.json()["code"] == "officer_claim_missing", refused.text
    # The PPK signs with its own key, but sits outside the Pokja.
    ppk = scenario["token"]("AGENCY_OFFICER", agency=1001, sub="ppk-ikn")
    refused = client.post(path, json={}, headers={**ppk, **key()})
    assert refused.status_code == 403 and refused.json()["code"] == "TenderNotPokjaMember", refused.text
    evaluated = client.post(path, json={}, headers={**scenario["pokja"].token(POKJA[0]), **key()})
    assert evaluated.status_code == 200, evaluated.text
    answer = documented(evaluated)
    assert answer["awardProposed"]["supplierId"] == scenario["ids"]["local"]
    assert (answer["failed"], answer["notOpened"]) == (None, [])
    assert answer["officer"] == scenario["pokja"].appointment()["members"][0]
    assert scenario["client"].get(f"/tenders/{OCID}").json()["status"] == "award_proposed"


def signed_objection(scenario, name: str, evidence: bytes) -> bids.SignedObjection:
    return signed_by(scenario, name, bids.sign_objection, evidence_hash=evidence)


def objection_body(message: bids.SignedObjection) -> dict:
    return {
        "supplier": message.supplier,
        "evidenceHash": Web3.to_hex(message.evidence_hash),
        "nonce": message.nonce,
        "deadline": message.deadline,
        "signature": Web3.to_hex(message.signature),
    }


def test_9_the_losing_importer_files_a_signed_sanggah_and_the_pokja_answers_it(scenario):
    client, ids = scenario["client"], scenario["ids"]
    evidence = Web3.keccak(text="surat sanggah PT importir: preferensi TKDN diterapkan keliru")
    winner = client.post(
        f"/tenders/{OCID}/objections",
        json=objection_body(signed_objection(scenario, "local", evidence)),
        headers={**scenario["token"](supplier=ids["local"], sub="local"), **key()},
    )
    assert winner.status_code == 409 and winner.json()["code"] == "TenderNotAnObjector", winner.text
    assert winner.headers["content-type"].startswith("application/problem+json")

    filed = client.post(
        f"/tenders/{OCID}/objections",
        json=objection_body(signed_objection(scenario, "import", evidence)),
        headers={**scenario["token"](supplier=ids["import"], sub="import"), **key()},
    )
    assert filed.status_code == 201, filed.text
    answer = documented(filed)
    assert (answer["ocid"], answer["objectionId"], answer["supplierId"], answer["evidenceHash"]) == (
        OCID,
        1,
        ids["import"],
        Web3.to_hex(evidence),
    )
    assert answer["transactionHash"].startswith("0x")
    objection = documented(client.get(f"/tenders/{OCID}/objections/1"))
    assert (objection["status"], objection["supplierId"], objection["evidenceHash"]) == (
        "open",
        ids["import"],
        Web3.to_hex(evidence),
    )
    assert objection["responseHash"] is None
    assert client.get(f"/tenders/{OCID}").json()["openObjections"] == 1
    assert client.get(f"/tenders/{OCID}/objections/2").status_code == 404

    answer = Web3.keccak(text="jawaban Pokja: preferensi sesuai Perpres 16/2018 pasal 66")
    answered = client.post(
        f"/tenders/{OCID}/objections/1/answer",
        json={"outcome": "rejected", "responseHash": Web3.to_hex(answer)},
        headers={**scenario["pokja"].token(POKJA[2]), **key()},
    )
    assert answered.status_code == 200, answered.text
    assert documented(answered)["outcome"] == "rejected"
    assert answered.json()["officer"] == scenario["pokja"].appointment()["members"][2]
    objection = documented(client.get(f"/tenders/{OCID}/objections/1"))
    assert (objection["status"], objection["responseHash"]) == ("rejected", Web3.to_hex(answer))
    assert objection["answeredAt"] and (objection["appealed"], objection["appealOutcome"]) == (False, None)
    tender = client.get(f"/tenders/{OCID}").json()
    assert (tender["objections"], tender["openObjections"]) == (1, 0)
    for account in scenario["suppliers"].values():  # objecting cost the importer no gas either
        assert int(rpc(scenario["chain_url"], "eth_getBalance", [account.address, "latest"]), 16) == 0


def test_10_the_award_is_final_only_after_the_objection_window(scenario):
    officer = scenario["token"]("AGENCY_OFFICER", agency=1001)
    early = scenario["client"].post(f"/tenders/{OCID}/award", headers={**officer, **key()})
    assert early.status_code == 409 and early.json()["code"].startswith("Tender")
    tender = scenario["client"].get(f"/tenders/{OCID}").json()
    travel_to(scenario["chain_url"], tender["objectionDeadline"] + 1)
    final = scenario["client"].post(f"/tenders/{OCID}/award", headers={**officer, **key()})
    assert final.status_code == 200, final.text
    assert documented(final)["ocid"] == OCID
    assert final.json()["supplierId"] == scenario["ids"]["local"] and final.json()["value"] == 1_800_000_000
    assert scenario["client"].get(f"/tenders/{OCID}").json()["status"] == "awarded"


def test_11_a_tender_is_amended_cancelled_or_failed_and_each_answer_is_the_documented_one(scenario):
    client, officer = scenario["client"], scenario["token"]("AGENCY_OFFICER", agency=1001)
    start = now(scenario["chain_url"])
    schedule = {"commitDeadline": start + 30 * 86400, "revealDeadline": start + 31 * 86400}
    ocids = [f"{OCID}-{suffix}" for suffix in ("cancelled", "failed")]
    for ocid in ocids:
        body = {**announcement(scenario), "ocid": ocid, "preferenceBps": 0, **schedule}
        announced = client.post("/tenders", json=planned(client, body), headers={**officer, **key()})
        assert announced.status_code == 201, announced.text
    cancelled, failed = ocids
    appointed = scenario["pokja"].appoint(client, failed)
    assert appointed.status_code == 201, appointed.text
    amended = client.post(
        f"/tenders/{cancelled}/addenda", json={"documentHash": "0x" + "ad" * 32}, headers={**officer, **key()}
    )
    assert amended.status_code == 200, amended.text
    assert {k: documented(amended)[k] for k in ("ocid", *schedule)} == {"ocid": cancelled, **schedule}
    assert documented(client.get(f"/tenders/{cancelled}"))["addenda"] == 1
    dropped = client.post(
        f"/tenders/{cancelled}/cancellation",
        json={"reasonHash": "0x" + "ca" * 32},
        headers={**officer, **key()},
    )
    assert dropped.status_code == 200 and documented(dropped)["status"] == "cancelled", dropped.text
    assert documented(client.get(f"/tenders/{cancelled}"))["status"] == "cancelled"

    travel_to(scenario["chain_url"], schedule["revealDeadline"] + 1)
    evaluated = client.post(
        f"/tenders/{failed}/evaluation",
        json={"bidders": []},
        headers={**scenario["pokja"].token(POKJA[1]), **key()},
    )
    assert evaluated.status_code == 200, evaluated.text
    answer = documented(evaluated)
    assert answer["awardProposed"] is None
    assert (answer["failed"]["reason"], answer["failed"]["validBids"]) == (1, 0)  # FailReason.TooFewValidBids
    assert documented(client.get(f"/tenders/{failed}"))["status"] == "failed"


def test_unknown_tender_is_404(client):
    assert client.get("/tenders/ocds-terang-none").status_code == 404


def test_a_suppliers_client_reads_the_signing_domain_and_its_next_nonce(scenario):
    supplier = scenario["suppliers"]["local"].address
    answer = documented(scenario["client"].get(f"/tenders/signing/{supplier}"))
    assert answer["domain"] == {
        "name": "Terang Tenders",
        "version": "1",
        "chainId": 31337,
        "verifyingContract": scenario["manifest"].address("Tenders"),
    }
    assert answer["nonce"] == 2  # its commitment and its opening were relayed: the next message is the third
    assert answer["primaryTypes"] == ["CommitBid", "RevealBid", "FileObjection", "FileAppeal"]
    assert [f["name"] for f in answer["types"]["CommitBid"]] == [
        "supplier",
        "tenderId",
        "commitment",
        "envelopeHash",
        "replaces",
        "nonce",
        "deadline",
    ]
    assert [f["name"] for f in answer["types"]["FileObjection"]] == [
        "supplier",
        "tenderId",
        "evidenceHash",
        "nonce",
        "deadline",
    ]


def test_a_malformed_supplier_address_for_signing_is_a_422_problem(client):
    answer = client.get("/tenders/signing/0x1234")
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_request"


@pytest.mark.parametrize("bidder", [0, 2**64, -1])
def test_a_bidder_id_the_contract_cannot_hold_is_a_422_problem(client, token, bidder):
    """Before: 2**64 passed validation, failed ABI encoding, and was answered 500."""
    answer = client.post(
        f"/tenders/{OCID}/evaluation",
        json={"bidders": [1, bidder]},
        headers={**token("AGENCY_OFFICER", agency=1001), **key()},
    )
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_request", answer.text
