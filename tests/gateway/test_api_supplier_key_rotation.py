"""A supplier moves its registry record to a new key through the gateway, both keys signing and the
relayer paying: neither key holds ETH. Attacked as an insider would: another supplier's token
relaying it, a signature by a key that is not the registered one, a relayer swapping in a new key of
its own, a held signature relayed twice, an expired one; and after the move the old key signs nothing
the chain accepts while the new one does."""

from __future__ import annotations

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from web3 import Web3

from app.protocol import supplier_keys
from app.protocol.manifest import load_manifest
from tests.support.clock import key, now
from tests.support.tender_scenario import Scenario


@pytest.fixture(scope="module")
def story(app, token, chain_url, manifest_dir):
    scenario = Scenario(chain_url, load_manifest(manifest_dir / "31337.json"))
    old, other = Account.create(), Account.create()
    ids = {
        "old": scenario.register(old.address, "cv-kunci-lama"),
        "other": scenario.register(other.address, "cv-x"),
    }
    with TestClient(app) as client:
        yield {
            "client": client,
            "chain_url": chain_url,
            "scenario": scenario,
            "registry": scenario.registry,
            "ids": ids,
            "old": old,
            "other": other,
            "supplier": token(supplier=ids["old"], sub="cv-kunci-lama"),
            "other_supplier": token(supplier=ids["other"], sub="cv-x"),
        }


def body_of(signed: supplier_keys.SignedRotation, **changes) -> dict:
    body = {
        "current": signed.current,
        "newAccount": signed.new_account,
        "nonce": signed.nonce,
        "deadline": signed.deadline,
        "currentSignature": Web3.to_hex(signed.current_signature),
        "newSignature": Web3.to_hex(signed.new_signature),
    }
    return {**body, **changes}


def rotation(s, current, new, **changes) -> dict:
    signing = s["client"].get(f"/suppliers/signing/{current.address}").json()
    signed = supplier_keys.sign_rotation(
        current.key,
        new.key,
        chain_id=signing["domain"]["chainId"],
        verifying_contract=signing["domain"]["verifyingContract"],
        nonce=changes.pop("nonce", signing["nonce"]),
        deadline=changes.pop("deadline", now(s["chain_url"]) + 600),
    )
    return body_of(signed, **changes)


def post(s, who: str, body: dict, headers: dict | None = None, supplier: str = "old"):
    path = f"/suppliers/{s['ids'][supplier]}/key-rotation"
    return s["client"].post(path, json=body, headers={**s[who], **key(), **(headers or {})})


def problem(response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code, response.json()


def test_a_client_reads_the_domain_its_nonce_and_whose_key_it_is(story):
    answer = story["client"].get(f"/suppliers/signing/{story['old'].address}").json()
    assert answer["domain"]["name"] == "Terang SupplierRegistry"
    assert answer["domain"]["verifyingContract"] == story["registry"].address
    assert [f["name"] for f in answer["fields"]] == ["current", "newAccount", "nonce", "deadline"]
    assert (answer["nonce"], answer["supplierId"]) == (0, story["ids"]["old"])
    assert story["client"].get(f"/suppliers/signing/{Account.create().address}").json()["supplierId"] is None


def test_a_rotation_is_refused_unless_it_is_the_suppliers_own_and_signed_by_both_keys(story):
    old, new, thief = story["old"], Account.create(), Account.create()
    body = rotation(story, old, new)
    problem(post(story, "other_supplier", body), 403, "relay_not_own_supplier")
    problem(post(story, "supplier", rotation(story, story["other"], new)), 403, "SupplierNotCurrentKey")
    problem(post(story, "supplier", {**body, "newAccount": thief.address}), 422, "SupplierInvalidSigner")
    swapped = {
        **body,
        "newAccount": thief.address,
        "newSignature": rotation(story, old, thief)["newSignature"],
    }
    problem(post(story, "supplier", swapped), 422, "SupplierInvalidSigner")
    problem(
        post(story, "supplier", rotation(story, old, new, deadline=now(story["chain_url"]) - 5)),
        409,
        "SupplierSignatureExpired",
    )
    problem(post(story, "supplier", rotation(story, old, new, nonce=3)), 422, "SupplierInvalidNonce")
    taken = rotation(story, old, story["other"])
    problem(post(story, "supplier", taken), 409, "SupplierAccountTaken")
    malformed = post(story, "supplier", {**body, "newSignature": "0x12"})
    assert malformed.status_code == 422 and malformed.json()["code"] == "invalid_request"
    assert story["registry"].functions.supplierIdOf(old.address).call() == story["ids"]["old"]


def test_the_supplier_moves_to_its_new_key_once_and_neither_key_paid_gas(story):
    old, new = story["old"], Account.create()
    body, attempt = rotation(story, old, new), key()
    moved = post(story, "supplier", body, attempt)
    replayed = post(story, "supplier", body, attempt)
    assert moved.status_code == 201, moved.text
    assert replayed.headers["Idempotent-Replayed"] == "true" and replayed.json() == moved.json()
    answer = moved.json()
    assert (answer["supplierId"], answer["previousAccount"], answer["newAccount"]) == (
        story["ids"]["old"],
        old.address,
        new.address,
    )
    assert story["client"].get(f"/suppliers/{story['ids']['old']}").json()["account"] == new.address
    problem(post(story, "supplier", body), 404, "SupplierUnknownAccount")  # the held signature moves nothing
    w3 = story["scenario"].w3
    assert w3.eth.get_balance(old.address) == w3.eth.get_balance(new.address) == 0
    # The old key can no longer sign for the supplier; the new one can move it again.
    problem(post(story, "supplier", rotation(story, old, Account.create())), 403, "SupplierNotCurrentKey")
    again = post(story, "supplier", rotation(story, new, Account.create()))
    assert again.status_code == 201, again.text
