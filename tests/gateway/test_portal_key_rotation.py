"""Changing the registered key from the portal's key page: the page carries what both keys sign, and
the portal relays the two signatures as the API does, for the signed-in supplier only. Attacked as
an insider would: a cross-site post, another supplier's session relaying the change, a signed-out
browser. The browser's signing is checked against app/protocol/supplier_keys.py in
test_portal_signatures.py and end to end in tests/e2e/test_portal_signed_acts.py."""

from __future__ import annotations

import re

import pytest
from eth_account import Account
from fastapi.testclient import TestClient

from app.protocol.manifest import load_manifest
from tests.gateway.test_api_supplier_key_rotation import rotation
from tests.gateway.test_portal_sanggah import SAME_ORIGIN, session
from tests.support.clock import key
from tests.support.tender_scenario import Scenario


@pytest.fixture(scope="module")
def story(app, token, chain_url, manifest_dir):
    scenario = Scenario(chain_url, load_manifest(manifest_dir / "31337.json"))
    own, other = Account.create(), Account.create()
    ids = {
        "own": scenario.register(own.address, "cv-ganti-kunci"),
        "other": scenario.register(other.address, "cv-y"),
    }
    with TestClient(app) as client:
        yield {
            "client": client,
            "token": token,
            "chain_url": chain_url,
            "registry": scenario.registry,
            "ids": ids,
            "own": own,
        }


def as_(s, who: str | None):
    s["client"].cookies.clear()
    if who is not None:
        s["client"].cookies.update(session(s, who))
    return s["client"]


def post(s, who: str | None, body: dict, headers: dict | None = None):
    answer = as_(s, who).post(
        "/portal/key/rotation", json=body, headers={**SAME_ORIGIN, **key(), **(headers or {})}
    )
    s["client"].cookies.clear()
    return answer


def test_the_key_page_carries_what_both_keys_sign(story):
    page = as_(story, "own").get("/portal/key")
    form = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', page.text.split('id="rotate-key"')[1].split(">")[0]))
    assert form["verifying-contract"] == story["registry"].address and form["post"] == "/portal/key/rotation"
    assert int(form["nonce"]) == story["registry"].functions.nonces(story["own"].address).call()


def test_only_the_signed_in_suppliers_own_page_changes_its_key(story):
    body = rotation(story, story["own"], Account.create())
    cross = post(story, "own", body, {"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403 and cross.json()["code"] == "portal_cross_site"
    assert post(story, None, body).json()["code"] == "portal_signed_out"
    by_other = post(story, "other", body)
    assert by_other.status_code == 403 and by_other.json()["code"] == "SupplierNotCurrentKey"
    assert story["registry"].functions.supplierIdOf(story["own"].address).call() == story["ids"]["own"]
    moved = post(story, "own", body)
    assert moved.status_code == 201 and moved.json()["newAccount"] == body["newAccount"], moved.text
