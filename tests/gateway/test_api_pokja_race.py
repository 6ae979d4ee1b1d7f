"""A withheld bid against one Pokja member in a hurry, through REST.

The envelope lets the Pokja's quorum open a bid its supplier withholds, so a ladder of colluding
bids no longer pays, provided nobody can close the book before the quorum gathers: a member
colluding with the ladder (or one merely in a hurry) who evaluates at the reveal deadline is refused
(`TenderOpeningsPending`) while a bid is still sealed and the quorum's opening window runs; the
quorum opens the withheld cheaper bid and it is the one proposed."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from web3 import Web3

from app.protocol.manifest import load_manifest
from tests.support.clock import key, now, travel_to
from tests.support.documented import documented
from tests.support.plans import planned
from tests.support.pokja import POKJA, Pokja, managed_supplier

OCID = f"ocds-terang-1001-race-{uuid.uuid4().hex[:8]}"
HPS = 2_000_000_000
WITHHELD, LADDER = 1_500_000_000, 1_900_000_000


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
            "pokja": Pokja(chain_url, issuer_dir),
            "officer": token("AGENCY_OFFICER", agency=1001, sub="ppk-ikn"),
        }


def test_one_member_evaluating_at_the_reveal_deadline_cannot_shut_out_a_withheld_bid(story):
    client, pokja = story["client"], story["pokja"]
    start = now(story["chain_url"])
    body = {
        "ocid": OCID,
        "title": "Pengadaan genset: uji penawaran yang ditahan",
        "documentHash": "0x" + "91" * 32,
        "agencyId": 1001,
        "hps": HPS,
        "category": 0,
        "commitDeadline": start + 3 * 86400,
        "revealDeadline": start + 4 * 86400,
        "objectionWindow": 5 * 86400,
        "minValidBids": 1,
    }
    assert (
        client.post("/tenders", json=planned(client, body), headers={**story["officer"], **key()}).status_code
        == 201
    )
    assert pokja.appoint(client, OCID).status_code == 201
    bidders = {}
    for name, price in (("withheld", WITHHELD), ("ladder", LADDER)):
        bidders[name] = managed_supplier(client, story["token"], story["registry"], f"{name}-{OCID}")
        committed = client.post(
            f"/tenders/{OCID}/bids/managed",
            json={"price": price},
            headers={**bidders[name]["token"], **key()},
        )
        assert committed.status_code == 201, committed.text
    travel_to(story["chain_url"], body["commitDeadline"] + 1)
    opened = client.post(
        f"/tenders/{OCID}/bids/managed/reveal", headers={**bidders["ladder"]["token"], **key()}
    )
    assert opened.status_code == 201, opened.text
    travel_to(story["chain_url"], body["revealDeadline"] + 1)

    # One member evaluates at once, before the quorum has gathered its shares.
    hasty = client.post(f"/tenders/{OCID}/evaluation", json={}, headers={**pokja.token(POKJA[0]), **key()})
    # Then two members open the withheld bid from its envelope.
    withheld = bidders["withheld"]["id"]
    sealed = documented(client.get(f"/tenders/{OCID}/bids/{withheld}/envelope"))
    raw = bytes.fromhex(sealed["envelope"][2:])
    shares = [pokja.share(m, raw, OCID, withheld) for m in POKJA[:2]]
    quorum = client.post(
        f"/tenders/{OCID}/bids/{withheld}/quorum-opening",
        json={"shares": shares},
        headers={**pokja.token(POKJA[1]), **key()},
    )
    assert hasty.status_code == 409 and hasty.json()["code"] == "TenderOpeningsPending", hasty.text
    assert quorum.status_code == 201, quorum.text
    evaluator = {**pokja.token(POKJA[0]), **key()}
    evaluated = client.post(f"/tenders/{OCID}/evaluation", json={}, headers=evaluator)
    assert evaluated.status_code == 200, evaluated.text
    assert documented(client.get(f"/tenders/{OCID}"))["winner"] == withheld
