"""A supplier's own bid from the portal: the page gives the browser what it seals and signs with (the
Pokja's envelope keys and quorum, the bid it replaces, the nonce), and the commit and the opening it
signs are relayed as the API relays them. Attacked as an insider would: a cross-site commit, a
commit signed by another supplier's key under this session, an opening sent before the opening
window (refused before the opening leaves the gateway: an eth_call would hand the salt to the node).
The browser's sealing and signing are checked against the Python in test_portal_envelope.py and
test_portal_signatures.py; here they are made in Python."""

from __future__ import annotations

import json
import re

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from web3 import Web3

from app.protocol import bids
from app.protocol.manifest import load_manifest
from app.tenders import envelope
from app.tenders.opening_codec import encode_opening
from tests.gateway.test_portal_sanggah import SAME_ORIGIN, session
from tests.support.clock import key, now
from tests.support.indexed import wait_until_indexed
from tests.support.tender_scenario import POKJA, QUORUM, Scenario

OCID = "ocds-terang-1001-portal-bid"
PRICE = 1_750_000_000


@pytest.fixture(scope="module")
def story(app, token, chain_url, manifest_dir):
    scenario = Scenario(chain_url, load_manifest(manifest_dir / "31337.json"))
    bidder, other = Account.create(), Account.create()
    ids = {
        "bidder": scenario.register(bidder.address, "cv-tawar-portal"),
        "other": scenario.register(other.address, "cv-tawar-lain"),
    }
    tender_id = scenario.announce(OCID, "Genset puskesmas Sepaku", commit_days=2)
    scenario.appoint_pokja(tender_id)
    with TestClient(app) as client:
        head = scenario.w3.eth.block_number
        wait_until_indexed(lambda: client.get("/health").json(), head)  # the page reads the tender's row
        yield {
            "client": client,
            "token": token,
            "scenario": scenario,
            "chain_url": chain_url,
            "ids": ids,
            "bidder": bidder,
            "other": other,
            "tender_id": tender_id,
        }


def page_form(s, who: str) -> dict:
    s["client"].cookies.clear()
    s["client"].cookies.update(session(s, who))
    page = s["client"].get(f"/portal/tenders/{OCID}/bid")
    s["client"].cookies.clear()
    assert page.status_code == 200, page.text
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', page.text.split('id="bid"')[1].split(">")[0]))


def sealed(s, account, supplier_id: int, form: dict) -> tuple[dict, tuple]:
    """What the browser sends for a commit, made here: (the body, the opening it keeps)."""
    tender_id, salt = s["tender_id"], bids.new_salt()
    keys = [bytes.fromhex(k[2:]) for k in json.loads(form["pokja-keys"].replace("&#34;", '"'))]
    commitment = bids.commitment(tender_id, supplier_id, PRICE, [], salt)
    sealed_envelope = envelope.seal(
        encode_opening(PRICE, [], salt, bytes(32)), tender_id, supplier_id, keys, int(form["quorum"])
    )
    signed = bids.sign_commit(
        account.key,
        chain_id=int(form["chain-id"]),
        verifying_contract=form["verifying-contract"],
        tender=tender_id,
        bid_commitment=commitment,
        envelope_digest=bids.envelope_hash(sealed_envelope),
        replaces=form["replaces"],
        nonce=s["scenario"].tenders.functions.nonces(account.address).call(),
        deadline=int(form["deadline"]),
    )
    body = {
        "supplier": signed.supplier,
        "commitment": Web3.to_hex(commitment),
        "envelope": Web3.to_hex(sealed_envelope),
        "replaces": form["replaces"],
        "nonce": signed.nonce,
        "deadline": signed.deadline,
        "signature": Web3.to_hex(signed.signature),
    }
    return body, (commitment, salt, bids.envelope_hash(sealed_envelope))


def post(s, who: str, path: str, body: dict, headers: dict | None = None):
    client = s["client"]
    client.cookies.clear()
    client.cookies.update(session(s, who))
    answer = client.post(
        f"/portal/tenders/{OCID}/{path}", json=body, headers={**SAME_ORIGIN, **key(), **(headers or {})}
    )
    client.cookies.clear()
    return answer


def test_the_page_gives_the_browser_the_pokjas_keys_and_what_it_replaces(story):
    form = page_form(story, "bidder")
    members = story["scenario"].member_keys
    expected = ["0x" + members[i][1].hex() for i in POKJA]
    assert json.loads(form["pokja-keys"].replace("&#34;", '"')) == expected
    assert (form["stage"], int(form["quorum"]), form["replaces"]) == ("commit", QUORUM, "0x" + "00" * 32)
    assert form["account"] == story["bidder"].address and form["tender-id"] == "0x" + story["tender_id"].hex()
    assert (
        0 < int(form["deadline"]) - now(story["chain_url"]) <= 610
    )  # from the later of chain and wall clock


def test_a_cross_site_commit_or_one_signed_by_another_key_is_refused(story):
    form = page_form(story, "bidder")
    body, _ = sealed(story, story["bidder"], story["ids"]["bidder"], form)
    cross = post(story, "bidder", "bid", body, {"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403 and cross.json()["code"] == "portal_cross_site"
    foreign, _ = sealed(story, story["other"], story["ids"]["other"], form)
    refused = post(story, "bidder", "bid", foreign)
    assert refused.status_code == 403 and refused.json()["code"] == "relay_not_own_supplier", refused.text


def test_the_commit_is_relayed_and_its_opening_refused_before_the_window(story):
    form = page_form(story, "bidder")
    body, (commitment, salt, envelope_hash) = sealed(story, story["bidder"], story["ids"]["bidder"], form)
    committed = post(story, "bidder", "bid", body)
    assert committed.status_code == 201, committed.text
    assert committed.json()["supplierId"] == story["ids"]["bidder"]
    reveal = bids.sign_reveal(
        story["bidder"].key,
        chain_id=31337,
        verifying_contract=form["verifying-contract"],
        tender=story["tender_id"],
        bid_commitment=commitment,
        nonce=story["scenario"].tenders.functions.nonces(story["bidder"].address).call(),
        deadline=now(story["chain_url"]) + 600,
    )
    early = post(
        story,
        "bidder",
        "opening",
        {
            "supplier": reveal.supplier,
            "opening": {
                "price": PRICE,
                "products": [],
                "salt": Web3.to_hex(salt),
                "bidBondRef": "0x" + "00" * 32,
                "commitSeq": committed.json()["commitSeq"],
                "envelopeHash": Web3.to_hex(envelope_hash),
            },
            "nonce": reveal.nonce,
            "deadline": reveal.deadline,
            "signature": Web3.to_hex(reveal.signature),
        },
    )
    assert early.status_code == 409 and early.json()["code"] == "TenderNotInRevealPeriod", early.text
    again = page_form(story, "bidder")
    assert again["replaces"] != "0x" + "00" * 32  # a new bid now replaces the one on chain
