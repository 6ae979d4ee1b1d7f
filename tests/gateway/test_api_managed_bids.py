"""A supplier without a wallet bids through a key the gateway holds for it: it asks for a
managed key, an officer registers it with that address, and the gateway draws the salt, seals the
bid and its envelope for the tender's Pokja, signs CommitBid and RevealBid with the managed key and
relays both. The supplier never holds a key or ETH; the opening is never readable in the database
before the reveal; the envelope opens with any two of the three members' keys to the bid committed;
only the supplier itself may make or use its key; no bid is sealed before the Pokja has keys; a
reveal before the commit deadline is refused with the contract's error before the opening leaves
the gateway; a retried request sends one transaction."""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import contextmanager

import pytest
from eth_utils import function_abi_to_4byte_selector
from fastapi.testclient import TestClient
from web3 import Web3
from web3.middleware import Web3Middleware

from app.db.session import make_engine
from app.keyring import rotation
from app.keyring.keyring import keyring_for
from app.ledger import idempotency
from app.protocol import bids
from app.protocol.manifest import load_manifest
from app.suppliers import managed_keys
from app.suppliers.models import ManagedSupplierKey
from app.tenders import envelope
from app.tenders.opening_codec import decode_opening
from tests.support.clock import key, now, travel_to
from tests.support.documented import documented
from tests.support.localchain import rpc
from tests.support.plans import planned
from tests.support.pokja import POKJA, Pokja

OCID = f"ocds-terang-1001-managed-{uuid.uuid4().hex[:8]}"
HPS = 2_000_000_000
PRODUCT = Web3.keccak(text=f"ecatalogue:{OCID}:panel")
FIRST_PRICE, PRICE = 1_900_000_000, 1_800_000_000


def balance(chain_url, address: str) -> int:
    return int(rpc(chain_url, "eth_getBalance", [address, "latest"]), 16)


@pytest.fixture(scope="module")
def scenario(app, token, chain_url, manifest_dir, settings, issuer_dir):
    """State shared by the steps of one managed supplier's bid, in order."""
    manifest = load_manifest(manifest_dir / "31337.json")
    web3 = Web3(Web3.HTTPProvider(chain_url))
    contract = lambda name: web3.eth.contract(  # noqa: E731
        address=manifest.address(name), abi=manifest.contracts[name].abi
    )
    with TestClient(app) as client:
        # The id the registry will give the next supplier: this module registers it next.
        supplier_id = contract("SupplierRegistry").functions.supplierCount().call() + 1
        yield {
            "client": client,
            "chain_url": chain_url,
            "settings": settings,
            "tenders": contract("Tenders"),
            "id": supplier_id,
            "supplier": token(supplier=supplier_id, sub="cv-surya-panel"),
            "officer": token("AGENCY_OFFICER", agency=1001),
            "pokja": Pokja(chain_url, issuer_dir),
        }


@contextmanager
def node_requests(app):
    """The JSON-RPC requests the gateway sends its node meanwhile (the node still answers them)."""
    seen: list[str] = []

    class Recorder(Web3Middleware):
        def wrap_make_request(self, make_request):
            def record(method, params):
                seen.append(f"{method} {json.dumps(params, default=str)}")
                return make_request(method, params)

            return record

    onion = app.state.chain.web3.middleware_onion
    onion.add(Recorder, name="test-recorder")
    try:
        yield seen
    finally:
        onion.remove("test-recorder")


def database(scenario) -> sqlite3.Connection:
    return sqlite3.connect(scenario["settings"].database_url.removeprefix("sqlite:///"))


def test_1_the_supplier_asks_the_gateway_for_a_managed_key_and_gets_one_address(scenario):
    client, supplier_id = scenario["client"], scenario["id"]
    created = client.post(f"/suppliers/{supplier_id}/managed-key", headers=scenario["supplier"])
    assert created.status_code == 201, created.text
    assert documented(created)["supplierId"] == supplier_id and created.json()["registered"] is False
    again = client.post(f"/suppliers/{supplier_id}/managed-key", headers=scenario["supplier"])
    assert again.status_code == 200 and documented(again)["address"] == created.json()["address"]
    read = client.get(f"/suppliers/{supplier_id}/managed-key", headers=scenario["supplier"])
    assert documented(read) == created.json()
    scenario["address"] = Web3.to_checksum_address(created.json()["address"])


def test_2_an_officer_or_another_supplier_may_neither_make_nor_read_the_key(scenario, token):
    client, supplier_id = scenario["client"], scenario["id"]
    for headers in (scenario["officer"], token(supplier=supplier_id + 1, sub="another-supplier")):
        for method in ("POST", "GET"):
            refused = client.request(method, f"/suppliers/{supplier_id}/managed-key", headers=headers)
            assert refused.status_code == 403 and refused.json()["code"] == "wrong_supplier", refused.text


def test_3_the_tender_is_announced_with_a_certified_domestic_product(scenario, token):
    client, chain_url = scenario["client"], scenario["chain_url"]
    certificate = {
        "productId": Web3.to_hex(PRODUCT),
        "tkdnBps": 6000,
        "bmpBps": 1000,
        "validUntil": now(chain_url) + 365 * 86400,
        "certificateHash": "0x" + "33" * 32,
    }
    certified = client.post(
        "/tkdn/certificates", json=certificate, headers={**token("TKDN_CERTIFIER"), **key()}
    )
    assert certified.status_code == 201, certified.text
    start = now(chain_url)
    announcement = {
        "ocid": OCID,
        "title": "Panel surya atap untuk kantor pemerintahan IKN",
        "documentHash": "0x" + "44" * 32,
        "agencyId": 1001,
        "hps": HPS,
        "category": 0,
        "preferenceBps": 2500,
        "commitDeadline": start + 3 * 86400,
        "revealDeadline": start + 4 * 86400,
        "objectionWindow": 5 * 86400,
        "minValidBids": 1,
    }
    announced = client.post(
        "/tenders", json=planned(client, announcement), headers={**scenario["officer"], **key()}
    )
    assert announced.status_code == 201, announced.text
    scenario["commitDeadline"] = announcement["commitDeadline"]


def test_4_a_key_the_registry_does_not_hold_for_the_supplier_cannot_bid(scenario):
    answer = scenario["client"].post(
        f"/tenders/{OCID}/bids/managed", json={"price": PRICE}, headers={**scenario["supplier"], **key()}
    )
    assert answer.status_code == 409 and answer.json()["code"] == "managed_key_not_registered", answer.text


def test_5_an_officer_registers_the_supplier_with_its_managed_address(scenario, token):
    client = scenario["client"]
    body = {
        "account": scenario["address"],
        "nib": f"91200{uuid.uuid4().int % 10**8:08d}",
        "npwp": "011234567890100",
        "umkm": True,
        "regionCode": 6409,
    }
    registered = client.post("/suppliers", json=body, headers={**scenario["officer"], **key()})
    assert registered.status_code == 201, registered.text
    assert registered.json()["supplierId"] == scenario["id"]
    verified = client.post(
        f"/suppliers/{scenario['id']}/verification", headers={**token("AGENCY_OFFICER", agency=1002), **key()}
    )
    assert verified.status_code == 200, verified.text
    read = client.get(f"/suppliers/{scenario['id']}/managed-key", headers=scenario["supplier"])
    assert read.json()["registered"] is True


def test_6_officers_and_suppliers_without_a_managed_key_cannot_bid(scenario, token):
    client = scenario["client"]
    as_officer = client.post(
        f"/tenders/{OCID}/bids/managed", json={"price": PRICE}, headers={**scenario["officer"], **key()}
    )
    assert as_officer.status_code == 403 and as_officer.json()["code"] == "wrong_supplier"
    keyless = token(supplier=scenario["id"] + 1, sub="another-supplier")
    no_key = client.post(f"/tenders/{OCID}/bids/managed", json={"price": PRICE}, headers={**keyless, **key()})
    assert no_key.status_code == 409 and no_key.json()["code"] == "managed_key_missing"


def test_7_malformed_bids_and_prices_above_the_hps_are_refused_before_anything_is_signed(scenario):
    client, tenders = scenario["client"], scenario["tenders"]
    headers = {**scenario["supplier"], **key()}
    product = Web3.to_hex(PRODUCT)
    for body in (
        {"price": 0},
        {"price": PRICE, "products": [{"productId": "0x12", "shareBps": 100}]},
        {"price": PRICE, "products": [{"productId": product, "shareBps": 0}]},
        {"price": PRICE, "products": [{"productId": product, "shareBps": 10_001}]},
        {"price": PRICE, "products": [{"productId": product, "shareBps": 6000}] * 2},
        {"price": PRICE, "productIds": [product]},  # the protocol before value shares
        {"price": PRICE, "salt": "0x" + "00" * 32},
    ):
        answer = client.post(f"/tenders/{OCID}/bids/managed", json=body, headers=headers)
        assert answer.status_code == 422 and answer.json()["code"] == "invalid_request", body
    above = client.post(f"/tenders/{OCID}/bids/managed", json={"price": HPS + 1}, headers=headers)
    assert above.status_code == 422 and above.json()["code"] == "TenderPriceAboveHps"
    assert tenders.functions.nonces(scenario["address"]).call() == 0


def test_7b_no_bid_is_sealed_before_the_pokja_holds_keys_to_open_it(scenario):
    client, tenders = scenario["client"], scenario["tenders"]
    early = client.post(
        f"/tenders/{OCID}/bids/managed", json={"price": PRICE}, headers={**scenario["supplier"], **key()}
    )
    assert early.status_code == 409 and early.json()["code"] == "TenderPokjaNotAppointed", early.text
    assert tenders.functions.nonces(scenario["address"]).call() == 0
    appointed = scenario["pokja"].appoint(client, OCID)
    assert appointed.status_code == 201, appointed.text


def test_8_the_gateway_commits_a_sealed_bid_signed_with_the_managed_key(scenario):
    client, tenders = scenario["client"], scenario["tenders"]
    first = client.post(
        f"/tenders/{OCID}/bids/managed",
        json={"price": FIRST_PRICE},
        headers={**scenario["supplier"], **key()},
    )
    assert first.status_code == 201, first.text
    answer = documented(first)
    assert (answer["supplierId"], answer["supplier"], answer["replaced"]) == (
        scenario["id"],
        scenario["address"],
        False,
    )
    assert str(FIRST_PRICE) not in first.text and "salt" not in first.text
    assert tenders.functions.nonces(scenario["address"]).call() == 1
    bid = client.get(f"/tenders/{OCID}/bids/{scenario['id']}").json()
    assert bid["status"] == "sealed" and bid["price"] is None


def test_8b_any_two_members_open_the_managed_bids_envelope_to_the_bid_committed(scenario):
    sealed = documented(scenario["client"].get(f"/tenders/{OCID}/bids/{scenario['id']}/envelope"))
    assert (sealed["quorum"], sealed["members"]) == (2, 3)
    raw, pokja, tender = bytes.fromhex(sealed["envelope"][2:]), scenario["pokja"], bids.tender_id(OCID)
    shares = [pokja.share(m, raw, OCID, scenario["id"]) for m in POKJA]
    for pair in ((0, 1), (1, 2), (0, 2)):
        chosen = [envelope.Share(shares[i]["index"], bytes.fromhex(shares[i]["value"][2:])) for i in pair]
        opening = decode_opening(envelope.open_envelope(raw, tender, scenario["id"], chosen))
        commitment = bids.commitment(tender, scenario["id"], opening.price, opening.products, opening.salt)
        assert opening.price == FIRST_PRICE
        assert (
            Web3.to_hex(bids.sealed_bid(commitment, sealed["commitSeq"], bids.envelope_hash(raw)))
            == (sealed["sealedBid"])
        )
    one = [envelope.Share(shares[0]["index"], bytes.fromhex(shares[0]["value"][2:]))]
    with pytest.raises(envelope.EnvelopeError):
        envelope.open_envelope(raw, tender, scenario["id"], one)


def test_9_a_rebid_retried_with_the_same_idempotency_key_sends_one_transaction(scenario):
    client, tenders = scenario["client"], scenario["tenders"]
    headers = {**scenario["supplier"], **key()}
    body = {"price": PRICE, "products": [{"productId": Web3.to_hex(PRODUCT), "shareBps": 10_000}]}
    with database(scenario) as db:
        openings_before = db.execute("SELECT count(*) FROM managed_bid_openings").fetchone()[0]
    rebid = client.post(f"/tenders/{OCID}/bids/managed", json=body, headers=headers)
    retried = client.post(f"/tenders/{OCID}/bids/managed", json=body, headers=headers)
    assert rebid.status_code == retried.status_code == 201, retried.text
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json()["transactionHash"] == rebid.json()["transactionHash"]
    assert rebid.json()["replaced"] is True and rebid.json()["commitSeq"] > 1
    assert tenders.functions.nonces(scenario["address"]).call() == 2  # one signed message, not two
    with database(scenario) as db:
        openings = db.execute("SELECT count(*) FROM managed_bid_openings").fetchone()[0]
        sent = db.execute(
            "SELECT count(*) FROM sent_transactions WHERE tx_hash = ?", (rebid.json()["transactionHash"],)
        ).fetchone()[0]
    assert (openings - openings_before, sent) == (1, 1)
    scenario["rebid"] = {"path": f"/tenders/{OCID}/bids/managed", "body": body, "answer": rebid.json()}


def test_9b_rotation_re_seals_the_managed_key_and_the_openings_before_the_reveal(scenario):
    """`python -m app.keyring rotate` for managed keys and openings (app/keyring/rotation.py): every
    value under the new keys, none under the old; the reveal below opens them (test_11)."""
    settings, engine = scenario["settings"], make_engine(scenario["settings"].database_url)
    keyring = keyring_for(settings)
    with database(scenario) as db:
        before = db.execute(
            "SELECT sealed_key FROM managed_supplier_keys WHERE supplier_id = ?", (scenario["id"],)
        ).fetchone()[0]
    for purpose in ("managed-keys", "openings"):
        old = keyring.provider.current(purpose)
        report = rotation.rotate(engine, keyring, purpose, batch_size=2)
        state = rotation.status(engine, keyring, purpose)
        assert report.resealed >= 1 and not report.failed
        assert state.counts[old] == state.counts["legacy"] == state.unknown == 0
        assert state.counts[report.key_id] == state.total
    engine.dispose()
    with database(scenario) as db:
        after = db.execute(
            "SELECT sealed_key FROM managed_supplier_keys WHERE supplier_id = ?", (scenario["id"],)
        ).fetchone()[0]
        openings = db.execute(
            "SELECT sealed_opening FROM managed_bid_openings WHERE supplier_id = ?", (scenario["id"],)
        ).fetchall()
    current = {purpose: keyring.provider.current(purpose) for purpose in ("managed-keys", "openings")}
    assert after != before and after.startswith(f"v2:managed-keys:{current['managed-keys']}:")
    assert all(o.startswith(f"v2:openings:{current['openings']}:") for (o,) in openings)


def test_10_a_reveal_before_the_commit_deadline_is_refused_with_the_contracts_error(scenario, app):
    """...without the opening reaching the node: even a simulated reveal would hand it the salt."""
    client, tenders = scenario["client"], scenario["tenders"]
    scenario["reveal_key"] = key()
    reveal_selector = function_abi_to_4byte_selector(tenders.get_function_by_name("revealBidBySig").abi).hex()
    with node_requests(app) as requests:
        early = client.post(
            f"/tenders/{OCID}/bids/managed/reveal", headers={**scenario["supplier"], **scenario["reveal_key"]}
        )
    assert early.status_code == 409 and early.json()["code"] == "TenderNotInRevealPeriod", early.text
    assert requests and not [r for r in requests if reveal_selector in r]
    assert tenders.functions.nonces(scenario["address"]).call() == 2  # nothing signed was sent
    assert tenders.functions.getBid(bids.tender_id(OCID), scenario["id"]).call()[5] == 1  # still sealed


def test_11_after_the_commit_deadline_the_gateway_reveals_the_latest_bid_with_its_hea(scenario):
    client, chain_url = scenario["client"], scenario["chain_url"]
    travel_to(chain_url, scenario["commitDeadline"] + 1)
    # The key refused before the deadline was released: the same key now reveals.
    revealed = client.post(
        f"/tenders/{OCID}/bids/managed/reveal", headers={**scenario["supplier"], **scenario["reveal_key"]}
    )
    assert revealed.status_code == 201, revealed.text
    documented(revealed)
    # HEA = (1 - 60% x 25%) x 1.8 miliar = 1.53 miliar: the re-bid's price and product, not the first bid
    expected = {"price": PRICE, "tkdnBps": 6000, "hea": 1_530_000_000}
    assert {k: revealed.json()[k] for k in expected} == expected
    bid = documented(client.get(f"/tenders/{OCID}/bids/{scenario['id']}"))
    assert (bid["status"], bid["price"], bid["tkdnBps"], bid["hea"]) == ("valid", PRICE, 6000, 1_530_000_000)
    assert bid["commitSeq"] == scenario["rebid"]["answer"]["commitSeq"]
    assert balance(chain_url, scenario["address"]) == 0  # the supplier never held ETH
    reveal_tx = rpc(chain_url, "eth_getTransactionByHash", [revealed.json()["transactionHash"]])
    _, args = scenario["tenders"].decode_function_input(reveal_tx["input"])
    scenario["salt"] = bytes(args["opening"]["salt"])


def test_12_the_database_never_held_the_opening_or_the_key_in_clear(scenario):
    """Read after the reveal, when the salt is known from the reveal transaction: neither the sealed
    opening nor the commit's idempotency record shows the salt, the price or the product, and the
    record's fingerprint is not a plain hash of the body (which would test price guesses)."""
    salt, rebid = scenario["salt"].hex(), scenario["rebid"]
    secrets = [salt, str(PRICE), hex(PRICE)[2:], PRODUCT.hex().removeprefix("0x")]
    with database(scenario) as db:
        openings = db.execute(
            "SELECT * FROM managed_bid_openings WHERE supplier_id = ?", (scenario["id"],)
        ).fetchall()
        record = db.execute(
            "SELECT * FROM idempotency_records WHERE tx_hash = ?", (rebid["answer"]["transactionHash"],)
        ).fetchone()
        key_row = db.execute(
            "SELECT * FROM managed_supplier_keys WHERE supplier_id = ?", (scenario["id"],)
        ).fetchone()
    assert len(openings) == 2 and record is not None
    for row in [*openings, record]:
        text = " ".join(str(value) for value in row).lower()
        assert not [s for s in secrets if s.lower() in text], row
    plain = idempotency.fingerprint("POST", rebid["path"], rebid["body"])
    assert plain not in " ".join(str(value) for value in record)
    columns = ("supplier_id", "address", "sealed_key", "created_by", "created_at")
    row = ManagedSupplierKey(**dict(zip(columns[:4], key_row[:4], strict=True)))
    private_key = managed_keys.signer(scenario["settings"], row).key.hex().removeprefix("0x")
    assert private_key not in " ".join(str(value) for value in key_row).lower()


def test_13_a_second_reveal_is_refused_by_the_contract(scenario):
    again = scenario["client"].post(
        f"/tenders/{OCID}/bids/managed/reveal", headers={**scenario["supplier"], **key()}
    )
    assert again.status_code == 409 and again.json()["code"] == "TenderBidAlreadyRevealed", again.text
