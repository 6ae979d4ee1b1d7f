"""The winning supplier's contract in the portal: its page, the countersignature of its terms and the
dispute of a rejected milestone, signed in its browser and relayed by the portal as the API relays
them. Attacked as an insider would: another supplier reading it or relaying the winner's signature
under its own session, a signature by another key, a cross-site post, a second countersignature, a
dispute of a milestone nobody rejected, a dispute sent twice. The browser's signing itself is checked
against app/protocol/escrow.py in test_portal_signatures.py; here the signatures are made in Python."""

from __future__ import annotations

import re

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from web3 import Web3

from app.payments.models import PaymentOutbox
from app.portal.importmap import CSP_SOURCE
from app.protocol import escrow as escrowlib
from app.protocol.manifest import load_manifest
from tests.gateway.test_portal_sanggah import SAME_ORIGIN, session
from tests.support.clock import key, now
from tests.support.pilot_scenario import create_escrow, deliver_and_pay, deliver_and_reject
from tests.support.tender_scenario import ANYONE, Scenario

OCID = "ocds-terang-1001-portal-contract"
PRICE = 1_500_000_000


@pytest.fixture(scope="module")
def story(app, token, chain_url, manifest_dir):
    scenario = Scenario(chain_url, load_manifest(manifest_dir / "31337.json"))
    winner, other = Account.create(), Account.create()
    ids = {
        "winner": scenario.register(winner.address, "cv-kontrak-portal"),
        "other": scenario.register(other.address, "cv-identitas-lain"),
    }
    tender_id = scenario.tender_signed_by(OCID, winner.key, ids["winner"], PRICE)
    scenario.sleep_until(scenario.tender_data(tender_id)["objectionDeadline"] + 1)
    scenario.send(scenario.tenders.functions.finalizeAward(tender_id), ANYONE)
    create_escrow(scenario, tender_id, PRICE)
    escrow = scenario.contract("MilestoneEscrow")
    with TestClient(app) as client:
        yield {
            "client": client,
            "token": token,
            "chain_url": chain_url,
            "ids": ids,
            "winner": winner,
            "other": other,
            "escrow": escrow,
            "escrow_id": tender_id,
            "scenario": scenario,
        }


def countersigned(s, account) -> dict:
    signed = escrowlib.sign_countersign(
        account.key,
        chain_id=31337,
        verifying_contract=s["escrow"].address,
        escrow_id=s["escrow_id"],
        terms_hash=s["escrow"].functions.getEscrow(s["escrow_id"]).call()[escrow_field(s, "termsHash")],
        nonce=s["escrow"].functions.nonces(account.address).call(),
        deadline=now(s["chain_url"]) + 600,
    )
    return {
        "supplier": signed.supplier,
        "nonce": signed.nonce,
        "deadline": signed.deadline,
        "signature": Web3.to_hex(signed.signature),
    }


def escrow_field(s, name: str) -> int:
    outputs = s["escrow"].get_function_by_name("getEscrow").abi["outputs"][0]["components"]
    return [c["name"] for c in outputs].index(name)


def as_(s, who: str | None):
    s["client"].cookies.clear()
    if who is not None:
        s["client"].cookies.update(session(s, who))
    return s["client"]


def post(s, who: str, body: dict, headers: dict | None = None):
    answer = as_(s, who).post(
        f"/portal/tenders/{OCID}/contract/countersignature",
        json=body,
        headers={**SAME_ORIGIN, **key(), **(headers or {})},
    )
    s["client"].cookies.clear()
    return answer


def test_the_winner_reads_its_contract_with_what_its_browser_signs(story):
    page = as_(story, "winner").get(f"/portal/tenders/{OCID}/contract")
    assert page.status_code == 200, page.text
    form = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', page.text.split('id="countersign"')[1].split(">")[0]))
    terms = story["escrow"].functions.getEscrow(story["escrow_id"]).call()[escrow_field(story, "termsHash")]
    assert form["escrow-id"] == "0x" + story["escrow_id"].hex() and form["terms-hash"] == Web3.to_hex(terms)
    assert form["verifying-contract"] == story["escrow"].address
    assert form["account"] == story["winner"].address
    assert int(form["nonce"]) == story["escrow"].functions.nonces(story["winner"].address).call()
    assert CSP_SOURCE in page.headers["content-security-policy"]
    assert 'data-status="awaiting_countersign"' in page.text


def test_another_supplier_or_a_reader_without_a_session_does_not_get_it(story):
    assert as_(story, "other").get(f"/portal/tenders/{OCID}/contract").status_code == 404
    anonymous = as_(story, None).get(f"/portal/tenders/{OCID}/contract", follow_redirects=False)
    assert anonymous.status_code == 303


def test_a_countersignature_from_another_site_is_refused(story):
    body = countersigned(story, story["winner"])
    answer = post(story, "winner", body, {"Sec-Fetch-Site": "cross-site"})
    assert answer.status_code == 403 and answer.json()["code"] == "portal_cross_site"


def test_another_key_or_another_suppliers_session_cannot_countersign(story):
    by_other_key = post(story, "winner", countersigned(story, story["other"]))
    assert by_other_key.status_code == 403 and by_other_key.json()["code"] == "EscrowNotSupplier"
    relayed_by_other = post(story, "other", countersigned(story, story["winner"]))
    assert relayed_by_other.status_code == 403, relayed_by_other.text
    assert relayed_by_other.json()["code"] == "relay_not_own_supplier"


def test_the_winner_countersigns_once(story):
    body, attempt = countersigned(story, story["winner"]), key()
    signed = post(story, "winner", body, attempt)
    retried = post(story, "winner", body, attempt)
    assert signed.status_code == retried.status_code == 201, signed.text
    assert signed.json()["status"] == "active" and retried.headers["Idempotent-Replayed"] == "true"
    again = post(story, "winner", countersigned(story, story["winner"]))
    assert again.status_code == 409 and again.json()["code"][:6] == "Escrow", again.text
    page = as_(story, "winner").get(f"/portal/tenders/{OCID}/contract")
    assert 'data-status="active"' in page.text and 'id="countersign"' not in page.text


DISPUTE = f"/portal/tenders/{OCID}/contract/milestones/1/dispute"


def dispute_signed(s, account, index: int = 1) -> dict:
    signed = escrowlib.sign_open_dispute(
        account.key,
        chain_id=31337,
        verifying_contract=s["escrow"].address,
        escrow_id=s["escrow_id"],
        index=index,
        evidence_hash=Web3.keccak(text="berita acara uji ulang"),
        nonce=s["escrow"].functions.nonces(account.address).call(),
        deadline=now(s["chain_url"]) + 600,
    )
    return {
        "supplier": signed.supplier,
        "evidenceHash": Web3.to_hex(signed.evidence_hash),
        "nonce": signed.nonce,
        "deadline": signed.deadline,
        "signature": Web3.to_hex(signed.signature),
    }


def post_dispute(s, who: str, body: dict, headers: dict | None = None, path: str = DISPUTE):
    answer = as_(s, who).post(path, json=body, headers={**SAME_ORIGIN, **key(), **(headers or {})})
    s["client"].cookies.clear()
    return answer


def test_a_milestone_nobody_rejected_offers_no_dispute(story):
    page = as_(story, "winner").get(DISPUTE)
    assert page.status_code == 200 and 'id="dispute-closed"' in page.text and 'id="dispute"' not in page.text
    refused = post_dispute(story, "winner", dispute_signed(story, story["winner"]))
    assert refused.status_code == 409 and refused.json()["code"] == "EscrowNothingToDispute", refused.text


def test_the_winner_disputes_a_rejected_milestone_once_and_no_one_else_can(story):
    deliver_and_reject(story["scenario"], story["escrow_id"], "uji fungsi gagal")
    contract = as_(story, "winner").get(f"/portal/tenders/{OCID}/contract")
    assert contract.text.count('class="dispute-link"') == 1 and DISPUTE in contract.text
    page = as_(story, "winner").get(DISPUTE)
    form = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', page.text.split('id="dispute"')[1].split(">")[0]))
    assert (form["escrow-id"], form["index"]) == ("0x" + story["escrow_id"].hex(), "1")
    assert int(form["nonce"]) == story["escrow"].functions.nonces(story["winner"].address).call()
    assert as_(story, "other").get(DISPUTE).status_code == 404

    body = dispute_signed(story, story["winner"])
    cross = post_dispute(story, "winner", body, {"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403 and cross.json()["code"] == "portal_cross_site"
    relayed_by_other = post_dispute(story, "other", body)
    assert relayed_by_other.status_code == 403 and relayed_by_other.json()["code"] == "relay_not_own_supplier"
    by_other_key = post_dispute(story, "winner", dispute_signed(story, story["other"]))
    assert by_other_key.status_code == 403 and by_other_key.json()["code"] == "EscrowNotSupplier"
    other_milestone = post_dispute(story, "winner", body, path=DISPUTE.replace("/1/", "/0/"))
    assert other_milestone.status_code == 422 and other_milestone.json()["code"] == "EscrowInvalidSigner"

    attempt = key()
    opened = post_dispute(story, "winner", body, attempt)
    retried = post_dispute(story, "winner", body, attempt)
    assert opened.status_code == retried.status_code == 201, opened.text
    assert opened.json()["kind"] == "rejection" and retried.headers["Idempotent-Replayed"] == "true"
    again = post_dispute(story, "winner", dispute_signed(story, story["winner"]))
    assert again.status_code == 409 and again.json()["code"] == "EscrowNothingToDispute", again.text
    assert 'id="dispute-closed"' in as_(story, "winner").get(DISPUTE).text


def test_a_paid_milestone_shows_the_banks_reference_the_bridge_recorded(story, settings):
    """The payout id a supplier finds on its bank statement, from the payment bridge's record of
    the payment (written here as the bridge writes it when the provider accepts the payout)."""
    contract = f"/portal/tenders/{OCID}/contract"
    settled = deliver_and_pay(story["scenario"], story["escrow_id"], OCID)
    assert "data-reference" not in as_(story, "winner").get(contract).text  # the bridge never sent it
    payment = escrowlib.payment_id(story["escrow"].address, story["escrow_id"], escrowlib.MILESTONE, 0)
    engine = create_engine(settings.database_url)
    with Session(engine) as session, session.begin():
        for attempt, reference in ((0, "disb-portal-0001"), (1, "disb-portal-0002")):  # a retried payout
            session.add(
                PaymentOutbox(
                    instruction_id="0x" + payment.hex(),
                    attempt=attempt,
                    source=story["escrow"].address,
                    payee_key="0x" + escrowlib.payee_key(story["ids"]["winner"]).hex(),
                    purpose=0,
                    amount=settled,
                    block_number=1,
                    authorized_tx="0x" + "00" * 32,
                    state="settled",
                    provider="xendit",
                    provider_ref=reference,
                )
            )
    engine.dispose()
    page = as_(story, "winner").get(contract)
    assert "<code data-reference>disb-portal-0002</code>" in page.text and "disb-portal-0001" not in page.text
