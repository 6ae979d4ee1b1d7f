"""A losing bidder files its sanggah from the portal, signed by the key in its own browser: the portal
relays the signature as the API does, with the session's supplier as the caller. Attacked as an
insider would: a forged cross-site post, a post without a session, a signature by another supplier's
key or by no supplier's, the winner objecting, a relayer replaying an old signature, an expired one.
The browser's signing itself is checked against app/protocol/bids.py in test_portal_signatures.py;
here the signatures are made in Python."""

from __future__ import annotations

import re
import uuid

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from web3 import Web3

from app.portal.importmap import CSP_SOURCE, IMPORT_MAP_TAG
from app.portal.signin import SESSION_COOKIE
from app.protocol import bids
from app.protocol.manifest import load_manifest
from app.tenders.opening_codec import encode_opening
from tests.gateway.test_api_managed_objection import register
from tests.support.clock import key, now, travel_to
from tests.support.indexed import wait_until_indexed
from tests.support.plans import planned
from tests.support.pokja import POKJA, Pokja

OCID = f"ocds-terang-1001-portal-sanggah-{uuid.uuid4().hex[:8]}"
HPS = 2_000_000_000
WINNER_PRICE, LOSER_PRICE = 1_700_000_000, 1_900_000_000
EVIDENCE = Web3.to_hex(Web3.keccak(text="surat sanggah: harga pemenang di bawah 80% HPS tanpa klarifikasi"))
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture(scope="module")
def story(app, token, chain_url, manifest_dir, issuer_dir):
    manifest = load_manifest(manifest_dir / "31337.json")
    tenders = Web3(Web3.HTTPProvider(chain_url)).eth.contract(
        address=manifest.address("Tenders"), abi=manifest.contracts["Tenders"].abi
    )
    with TestClient(app) as client:
        s = {
            "client": client,
            "token": token,
            "chain_url": chain_url,
            "tenders": tenders,
            "officer": token("AGENCY_OFFICER", agency=1001),
            "pokja": Pokja(chain_url, issuer_dir),
            "winner": Account.create(),
            "loser": Account.create(),
            "other": Account.create(),  # a third identity of the same owner, say: registered, no bid
        }
        s["ids"] = {who: register(s, s[who].address, n) for n, who in enumerate(("winner", "loser", "other"))}
        run_the_tender(s)
        yield s


def signed(s, who: str, sign, account=None, **fields):
    account = account or s[who]
    return sign(
        account.key,
        chain_id=31337,
        verifying_contract=s["tenders"].address,
        tender=bids.tender_id(OCID),
        nonce=s["tenders"].functions.nonces(account.address).call(),
        deadline=fields.pop("deadline", now(s["chain_url"]) + 600),
        **fields,
    )


def run_the_tender(s) -> None:
    """Announced, two bids sealed and opened, the cheaper one proposed: the objection window opens."""
    client, chain_url = s["client"], s["chain_url"]
    start = now(chain_url)
    announcement = {
        "ocid": OCID,
        "title": "Perahu motor puskesmas keliling Sepaku",
        "documentHash": "0x" + "67" * 32,
        "agencyId": 1001,
        "hps": HPS,
        "category": 0,
        "commitDeadline": start + 3 * 86400,
        "revealDeadline": start + 4 * 86400,
        "objectionWindow": 5 * 86400,
        "minValidBids": 2,
    }
    assert (
        client.post(
            "/tenders", json=planned(client, announcement), headers={**s["officer"], **key()}
        ).status_code
        == 201
    )
    assert s["pokja"].appoint(client, OCID).status_code == 201
    openings = {}
    for who, price in (("winner", WINNER_PRICE), ("loser", LOSER_PRICE)):
        supplier_id, salt = s["ids"][who], bids.new_salt()
        commitment = bids.commitment(bids.tender_id(OCID), supplier_id, price, [], salt)
        sealed = s["pokja"].seal(OCID, supplier_id, encode_opening(price, [], salt, bytes(32)))
        commit = signed(
            s, who, bids.sign_commit, bid_commitment=commitment, envelope_digest=bids.envelope_hash(sealed)
        )
        body = {
            "supplier": commit.supplier,
            "commitment": Web3.to_hex(commitment),
            "envelope": Web3.to_hex(sealed),
            "nonce": commit.nonce,
            "deadline": commit.deadline,
            "signature": Web3.to_hex(commit.signature),
        }
        path = f"/tenders/{OCID}/bids/commitments"
        answer = client.post(path, json=body, headers={**s["officer"], **key()})
        assert answer.status_code == 201, answer.text
        openings[who] = (commitment, price, salt, answer.json()["commitSeq"], sealed)
    travel_to(chain_url, announcement["commitDeadline"] + 1)
    for who, (commitment, price, salt, seq, sealed) in openings.items():
        reveal = signed(s, who, bids.sign_reveal, bid_commitment=commitment)
        body = {
            "supplier": reveal.supplier,
            "nonce": reveal.nonce,
            "deadline": reveal.deadline,
            "signature": Web3.to_hex(reveal.signature),
            "opening": {
                "price": price,
                "salt": Web3.to_hex(salt),
                "commitSeq": seq,
                "envelopeHash": Web3.to_hex(bids.envelope_hash(sealed)),
            },
        }
        answer = client.post(f"/tenders/{OCID}/bids/reveals", json=body, headers={**s["officer"], **key()})
        assert answer.status_code == 201, answer.text
    travel_to(chain_url, announcement["revealDeadline"] + 1)
    evaluated = client.post(
        f"/tenders/{OCID}/evaluation",
        json={"bidders": sorted((s["ids"]["winner"], s["ids"]["loser"]))},
        headers={**s["pokja"].token(POKJA[0]), **key()},
    )
    assert evaluated.json()["awardProposed"]["supplierId"] == s["ids"]["winner"], evaluated.text
    head = Web3(Web3.HTTPProvider(chain_url)).eth.block_number
    wait_until_indexed(lambda: client.get("/health").json(), head)


def session(s, who: str) -> dict:
    """The portal's session cookie for `who`, as sign-in leaves it (the supplier's own token)."""
    bearer = s["token"](supplier=s["ids"][who], sub=f"portal-{who}")["Authorization"]
    return {SESSION_COOKIE: bearer.removeprefix("Bearer ")}


def post(s, who: str | None, body: dict, headers: dict | None = None):
    client = s["client"]
    client.cookies.clear()
    if who is not None:
        client.cookies.update(session(s, who))
    answer = client.post(
        f"/portal/tenders/{OCID}/sanggah", json=body, headers={**SAME_ORIGIN, **key(), **(headers or {})}
    )
    client.cookies.clear()
    return answer


def body_of(objection) -> dict:
    return {
        "supplier": objection.supplier,
        "evidenceHash": Web3.to_hex(objection.evidence_hash),
        "nonce": objection.nonce,
        "deadline": objection.deadline,
        "signature": Web3.to_hex(objection.signature),
    }


def test_the_losing_bidder_gets_the_form_with_what_its_browser_signs(story):
    client = story["client"]
    client.cookies.update(session(story, "loser"))
    page = client.get(f"/portal/tenders/{OCID}/sanggah")
    client.cookies.clear()
    assert page.status_code == 200, page.text
    form = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', page.text.split('id="sanggah"')[1].split(">")[0]))
    loser = story["loser"].address
    assert form["chain-id"] == "31337" and form["verifying-contract"] == story["tenders"].address
    assert form["tender-id"] == "0x" + bids.tender_id(OCID).hex() and form["account"] == loser
    assert int(form["nonce"]) == story["tenders"].functions.nonces(loser).call()
    assert 0 < int(form["deadline"]) - now(story["chain_url"]) <= 600
    assert IMPORT_MAP_TAG in page.text and CSP_SOURCE in page.headers["content-security-policy"]
    assert "'unsafe-inline'" not in page.headers["content-security-policy"]


def test_the_winner_and_a_reader_without_a_session_get_no_form(story):
    client = story["client"]
    client.cookies.update(session(story, "winner"))
    page = client.get(f"/portal/tenders/{OCID}/sanggah")
    client.cookies.clear()
    assert page.status_code == 200 and 'id="sanggah-closed"' in page.text and 'id="sanggah"' not in page.text
    anonymous = client.get(f"/portal/tenders/{OCID}/sanggah", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/portal/sign-in")


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "https://pengadaan-palsu.example"},
        {"Sec-Fetch-Site": None, "Origin": "https://pengadaan-palsu.example"},
        {"Sec-Fetch-Site": None},  # neither header: not a browser's fetch from the page
    ],
)
def test_a_post_from_another_site_is_refused_before_anything_is_sent(story, headers):
    nonce = story["tenders"].functions.nonces(story["loser"].address).call()
    objection = signed(story, "loser", bids.sign_objection, evidence_hash=EVIDENCE)
    client = story["client"]
    client.cookies.update(session(story, "loser"))
    sent = {**key(), **{name: value for name, value in headers.items() if value is not None}}
    answer = client.post(f"/portal/tenders/{OCID}/sanggah", json=body_of(objection), headers=sent)
    client.cookies.clear()
    assert answer.status_code == 403 and answer.json()["code"] == "portal_cross_site", answer.text
    assert story["tenders"].functions.nonces(story["loser"].address).call() == nonce


def test_a_post_without_a_session_or_an_idempotency_key_is_refused(story):
    objection = body_of(signed(story, "loser", bids.sign_objection, evidence_hash=EVIDENCE))
    signed_out = post(story, None, objection)
    assert signed_out.status_code == 401 and signed_out.json()["code"] == "portal_signed_out"
    no_key = post(story, "loser", objection, {"Idempotency-Key": ""})
    assert no_key.status_code == 400 and no_key.json()["code"] == "idempotency_key_required"


@pytest.mark.parametrize("signer", ["other", "stranger"])
def test_a_signature_by_another_suppliers_key_or_by_none_is_refused(story, signer):
    account = story["other"] if signer == "other" else Account.create()
    objection = signed(story, "loser", bids.sign_objection, account=account, evidence_hash=EVIDENCE)
    answer = post(story, "loser", body_of(objection))
    assert answer.status_code == 403 and answer.json()["code"] == "relay_not_own_supplier", answer.text


def test_the_winner_cannot_object_to_its_own_award(story):
    objection = signed(story, "winner", bids.sign_objection, evidence_hash=EVIDENCE)
    answer = post(story, "winner", body_of(objection))
    assert (answer.status_code, answer.json()["code"]) == (409, "TenderNotAnObjector"), answer.text


def test_an_expired_signature_is_refused_by_the_contract(story):
    past = now(story["chain_url"]) - 1
    objection = signed(story, "loser", bids.sign_objection, evidence_hash=EVIDENCE, deadline=past)
    answer = post(story, "loser", body_of(objection))
    assert (answer.status_code, answer.json()["code"]) == (409, "TenderSignatureExpired"), answer.text


def test_the_sanggah_is_relayed_once_and_an_old_signature_cannot_be_replayed(story):
    objection = body_of(signed(story, "loser", bids.sign_objection, evidence_hash=EVIDENCE))
    attempt = key()
    filed = post(story, "loser", objection, attempt)
    retried = post(story, "loser", objection, attempt)
    assert filed.status_code == retried.status_code == 201, filed.text
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert (filed.json()["objectionId"], filed.json()["supplierId"]) == (1, story["ids"]["loser"])
    replayed = post(story, "loser", objection)  # the same signature under a new key: a relayer's replay
    assert replayed.status_code == 422 and replayed.json()["code"] == "InvalidAccountNonce", replayed.text
    record = story["client"].get(f"/tenders/{OCID}/objections/1").json()
    assert (record["status"], record["supplierId"]) == ("open", story["ids"]["loser"])


def test_the_key_page_shows_the_registered_account_under_the_strict_policy(story):
    client = story["client"]
    client.cookies.update(session(story, "loser"))
    page = client.get("/portal/key")
    client.cookies.clear()
    assert page.status_code == 200 and story["loser"].address in page.text
    assert f'data-account="{story["loser"].address}"' in page.text
    assert CSP_SOURCE in page.headers["content-security-policy"]
    assert client.get("/portal/key", follow_redirects=False).status_code == 303
    served = client.get("/portal/static/js/key-page.js")
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/javascript")
    assert client.get("/portal/static/js/../../signed_acts.py").status_code == 404


LETTER = b"%PDF-1.4\n% surat sanggah dan buktinya\n"


def upload(story, who: str | None, body: bytes, expected: str, headers: dict | None = None):
    client = story["client"]
    client.cookies.clear()
    if who is not None:
        client.cookies.update(session(story, who))
    answer = client.post(
        "/portal/evidence",
        params={"filename": "sanggah.pdf", "expected": expected},
        content=body,
        headers={"Content-Type": "application/pdf", **SAME_ORIGIN, **key(), **(headers or {})},
    )
    client.cookies.clear()
    return answer


def test_the_evidence_goes_to_the_document_store_under_the_hash_the_objection_signs(story):
    digest = Web3.to_hex(Web3.keccak(LETTER))
    cross = upload(story, "loser", LETTER, digest, {"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403 and cross.json()["code"] == "portal_cross_site"
    assert upload(story, None, LETTER, digest).json()["code"] == "portal_signed_out"
    other = upload(story, "loser", LETTER + b"diubah", digest)
    assert other.status_code == 422 and other.json()["code"] == "document_hash_mismatch"
    assert story["client"].get(f"/documents/{digest}").status_code == 404  # nothing kept
    stored = upload(story, "loser", LETTER, digest)
    assert stored.status_code == 201 and stored.json()["hash"] == digest
    assert story["client"].get(f"/documents/{digest}").content == LETTER
