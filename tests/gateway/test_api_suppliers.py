"""Agencies register, verify, update and blacklist suppliers through the REST API: roles enforced,
identifiers hashed, every write idempotent, every refusal a problem document. A blacklisting takes two
officers of one agency: the tokens `pejabat-1` and `pejabat-2` of agency 1001 name those officers'
own accounts (dev:4 and dev:5 of deploy/local.yaml) and sign with their own keys
(toolchain/dev_signers.py); a token naming no officer signs with the agency's shared key."""

from __future__ import annotations

import uuid

import pytest
from eth_account import Account

from app.protocol.manifest import load_manifest
from tests.support.documented import documented
from tests.support.localchain import rpc

NPWP = "01.234.567.8-901.000"
DAY = 86400
REASON = "0x" + "5a" * 32


# Officers of agency 1001 in deploy/local.yaml, by token subject: their development account index.
OFFICERS = {"pejabat-1": 4, "pejabat-2": 5}


@pytest.fixture()
def token(token, chain_url):
    """The gateway's token maker, with the `officer` claim for the officers who sign as themselves."""

    def make(*roles: str, sub: str | None = None, **claims) -> dict:
        if sub in OFFICERS:
            claims["officer"] = rpc(chain_url, "eth_accounts")[OFFICERS[sub]]
        return token(*roles, sub=sub, **claims)

    return make


def key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def chain_now(chain_url) -> int:
    return int(rpc(chain_url, "eth_getBlockByNumber", ["latest", False])["timestamp"], 16)


def travel(chain_url, seconds: int) -> None:
    rpc(chain_url, "evm_increaseTime", [seconds])
    rpc(chain_url, "evm_mine")


def registration(**overrides) -> dict:
    body = {
        "account": Account.create().address,
        "nib": f"91200{uuid.uuid4().int % 10**8:08d}",
        "npwp": NPWP,
        "umkm": True,
        "regionCode": 6302,
    }
    return {**body, **overrides}


def test_an_officer_registers_a_supplier_and_anyone_reads_it(client, token):
    body = registration()
    created = client.post("/suppliers", json=body, headers={**token("AGENCY_OFFICER", agency=1001), **key()})
    assert created.status_code == 201, created.text
    supplier_id = created.json()["supplierId"]
    assert created.json()["agencyId"] == 1001 and created.json()["transactionHash"].startswith("0x")
    record = client.get(f"/suppliers/{supplier_id}").json()
    assert (record["account"], record["umkm"], record["regionCode"], record["verifiedBy"]) == (
        body["account"],
        True,
        6302,
        None,
    )


def test_a_retry_with_the_same_key_replays_the_outcome_and_sends_nothing(
    client, token, manifest_dir, chain_url
):
    headers = {**token("AGENCY_OFFICER", agency=1001), **key()}
    body = registration()
    first = client.post("/suppliers", json=body, headers=headers)
    block = int(rpc(chain_url, "eth_blockNumber"), 16)
    again = client.post("/suppliers", json=body, headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert int(rpc(chain_url, "eth_blockNumber"), 16) == block  # no new transaction


def test_the_same_key_with_another_body_is_refused(client, token):
    headers = {**token("AGENCY_OFFICER", agency=1001), **key()}
    assert client.post("/suppliers", json=registration(), headers=headers).status_code == 201
    reused = client.post("/suppliers", json=registration(), headers=headers)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"


def test_a_write_without_an_idempotency_key_is_refused(client, token):
    response = client.post("/suppliers", json=registration(), headers=token("AGENCY_OFFICER", agency=1001))
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency_key_required"


def test_no_token_is_401_and_a_wrong_role_is_403(client, token):
    assert client.post("/suppliers", json=registration(), headers=key()).json()["code"] == "unauthenticated"
    forbidden = client.post("/suppliers", json=registration(), headers={**token("AUDITOR"), **key()})
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "forbidden_role"


def test_a_token_from_another_issuer_is_refused(client, tmp_path):
    from app.auth import devissuer

    foreign = devissuer.issue("intruder", ["AGENCY_OFFICER"], 1001, folder=tmp_path)  # another key pair
    response = client.post(
        "/suppliers", json=registration(), headers={"Authorization": f"Bearer {foreign}", **key()}
    )
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"


def test_malformed_identifiers_and_fields_are_422_problems(client, token):
    headers = {**token("AGENCY_OFFICER", agency=1001), **key()}
    bad_nib = client.post("/suppliers", json=registration(nib="12345678901x3"), headers=headers)
    assert bad_nib.status_code == 422 and bad_nib.json()["code"] == "invalid_identifier"
    bad_account = client.post("/suppliers", json=registration(account="0x123"), headers={**headers, **key()})
    assert bad_account.status_code == 422 and bad_account.json()["code"] == "invalid_request"
    bad_region = client.post("/suppliers", json=registration(regionCode=0), headers={**headers, **key()})
    assert bad_region.status_code == 422


def test_a_duplicate_nib_is_refused_with_the_contracts_error(client, token):
    officer = token("AGENCY_OFFICER", agency=1001)
    body = registration()
    assert client.post("/suppliers", json=body, headers={**officer, **key()}).status_code == 201
    again = client.post("/suppliers", json=registration(nib=body["nib"]), headers={**officer, **key()})
    assert again.status_code == 409
    problem = again.json()
    assert problem["code"] == "SupplierNibTaken" and problem["chainError"]["name"] == "SupplierNibTaken"


def test_a_refused_write_releases_its_key_for_a_corrected_retry(client, token):
    officer = token("AGENCY_OFFICER", agency=1001)
    taken = registration()
    client.post("/suppliers", json=taken, headers={**officer, **key()})
    retry_key = key()
    assert (
        client.post(
            "/suppliers", json=registration(nib=taken["nib"]), headers={**officer, **retry_key}
        ).status_code
        == 409
    )
    corrected = client.post("/suppliers", json=registration(), headers={**officer, **retry_key})
    assert corrected.status_code == 201, corrected.text


def test_verification_needs_an_officer_other_than_the_registrar(client, token):
    body = registration()
    supplier_id = client.post(
        "/suppliers", json=body, headers={**token("AGENCY_OFFICER", agency=1001), **key()}
    ).json()["supplierId"]
    own = client.post(
        f"/suppliers/{supplier_id}/verification", headers={**token("AGENCY_OFFICER", agency=1001), **key()}
    )
    assert own.status_code == 409 and own.json()["code"] == "SupplierSelfVerification"
    other = client.post(
        f"/suppliers/{supplier_id}/verification", headers={**token("AGENCY_OFFICER", agency=1002), **key()}
    )
    assert other.status_code == 200, other.text
    assert client.get(f"/suppliers/{supplier_id}").json()["verifiedBy"] == 1002


def test_an_officer_with_a_key_of_its_own_acts_as_itself(client, token):
    """With keys of their own (`officer:<address>`), two officers of one agency are two signers: the
    second verifies what the first registered; a token without one signs with the agency's key."""
    first = token("AGENCY_OFFICER", agency=1001, sub="pejabat-1")
    second = token("AGENCY_OFFICER", agency=1001, sub="pejabat-2")
    supplier_id = client.post("/suppliers", json=registration(), headers={**first, **key()}).json()[
        "supplierId"
    ]
    shared = client.post(
        f"/suppliers/{supplier_id}/verification", headers={**token("AGENCY_OFFICER", agency=1001), **key()}
    )
    assert shared.status_code == 409 and shared.json()["code"] == "SupplierSelfVerification"

    verified = client.post(f"/suppliers/{supplier_id}/verification", headers={**second, **key()})

    assert verified.status_code == 200, verified.text
    assert client.get(f"/suppliers/{supplier_id}").json()["verifiedBy"] == 1001


def test_an_unknown_supplier_is_a_404_problem(client):
    response = client.get("/suppliers/999999", headers={"Accept-Language": "id"})
    assert response.status_code == 404 and response.json()["title"] == "Sumber daya tidak ditemukan."


def test_no_identifier_in_clear_reaches_the_chain(client, token, chain_url, manifest_dir):
    body = registration(nib="9120007777777", npwp="01.777.777.7-777.000")
    created = client.post("/suppliers", json=body, headers={**token("AGENCY_OFFICER", agency=1001), **key()})
    tx = rpc(chain_url, "eth_getTransactionByHash", [created.json()["transactionHash"]])
    receipt = rpc(chain_url, "eth_getTransactionReceipt", [created.json()["transactionHash"]])
    haystack = (
        tx["input"] + "".join(log["data"] + "".join(log["topics"]) for log in receipt["logs"])
    ).lower()
    for digits in ("9120007777777", "017777777777000"):
        assert digits not in haystack  # not as hex digits
        assert digits.encode().hex() not in haystack  # not as ASCII
    assert (
        load_manifest(manifest_dir / "31337.json").address("SupplierRegistry").lower()[2:] in tx["to"].lower()
    )


def test_every_answer_is_the_documented_one(client, token, chain_url):
    """Each endpoint's answer has exactly the fields and types of its response model (a write's answer
    is not checked by FastAPI at run time)."""
    officer, other = token("AGENCY_OFFICER", agency=1001), token("AGENCY_OFFICER", agency=1002)
    second = token("AGENCY_OFFICER", agency=1001, sub="pejabat-2")
    body = registration()
    created = documented(client.post("/suppliers", json=body, headers={**officer, **key()}))
    supplier_id = created["supplierId"]
    assert (created["account"], created["agencyId"]) == (body["account"], 1001)
    unverified = documented(client.get(f"/suppliers/{supplier_id}"))
    assert (unverified["verifiedBy"], unverified["verifiedAt"], unverified["blacklist"]) == (None, None, None)
    verified = documented(client.post(f"/suppliers/{supplier_id}/verification", headers={**other, **key()}))
    assert verified["verified"] is True
    record = documented(client.get(f"/suppliers/{supplier_id}"))
    assert record["verifiedBy"] == 1002 and record["verifiedAt"] >= record["registeredAt"] > 0
    change = {"umkm": False, "regionCode": 6402, "reasonHash": "0x" + "5b" * 32}
    updated = documented(
        client.put(f"/suppliers/{supplier_id}/profile", json=change, headers={**second, **key()})
    )
    assert (updated["umkm"], updated["regionCode"], updated["verified"]) == (False, 6402, False)
    start = chain_now(chain_url) + DAY
    end = start + 365 * DAY
    sanction = {"start": start, "end": end, "reasonHash": REASON}
    proposed = documented(
        client.post(
            f"/suppliers/{supplier_id}/blacklist-proposals", json=sanction, headers={**officer, **key()}
        )
    )
    assert (proposed["supplierId"], proposed["agencyId"], proposed["start"], proposed["end"]) == (
        supplier_id,
        1001,
        start,
        end,
    )
    path = f"/suppliers/{supplier_id}/blacklist-proposals/{proposed['proposalId']}"
    pending = documented(client.get(path))
    assert pending["confirmedAt"] is None and pending["confirmableUntil"] == pending["proposedAt"] + 7 * DAY
    confirmed = documented(client.post(f"{path}/confirmation", headers={**second, **key()}))
    assert (confirmed["start"], confirmed["end"], confirmed["blacklist"]) == (start, end, sanction)
    assert documented(client.get(path))["confirmedAt"] >= pending["proposedAt"]
    record = documented(client.get(f"/suppliers/{supplier_id}"))
    assert record["blacklist"] == sanction and record["verifiedBy"] is None and record["umkm"] is False


# --- profile updates: only the registering agency, with a reason, and a real change -------------


def _verified_supplier(client, token, **fields) -> int:
    """A supplier registered by agency 1001 and verified by agency 1002."""
    created = client.post(
        "/suppliers", json=registration(**fields), headers={**token("AGENCY_OFFICER", agency=1001), **key()}
    )
    supplier_id = created.json()["supplierId"]
    verified = client.post(
        f"/suppliers/{supplier_id}/verification", headers={**token("AGENCY_OFFICER", agency=1002), **key()}
    )
    assert verified.status_code == 200, verified.text
    return supplier_id


def test_an_officer_of_another_agency_cannot_change_a_profile(client, token):
    supplier_id = _verified_supplier(client, token, umkm=True, regionCode=6302)

    refused = client.put(
        f"/suppliers/{supplier_id}/profile",
        json={"umkm": False, "regionCode": 6302, "reasonHash": REASON},
        headers={**token("AGENCY_OFFICER", agency=1002), **key()},
    )

    assert refused.status_code == 403 and refused.json()["code"] == "AgencyOfficerMismatch"
    record = client.get(f"/suppliers/{supplier_id}").json()
    assert (record["umkm"], record["verifiedBy"]) == (True, 1002)


def test_an_unchanged_profile_is_refused_and_the_supplier_stays_verified(client, token):
    supplier_id = _verified_supplier(client, token, umkm=True, regionCode=6302)

    refused = client.put(
        f"/suppliers/{supplier_id}/profile",
        json={"umkm": True, "regionCode": 6302, "reasonHash": REASON},
        headers={**token("AGENCY_OFFICER", agency=1001), **key()},
    )

    assert refused.status_code == 409 and refused.json()["code"] == "SupplierProfileUnchanged"
    assert refused.json()["chainError"]["params"] == {"supplierId": supplier_id}
    assert client.get(f"/suppliers/{supplier_id}").json()["verifiedBy"] == 1002


def test_a_profile_update_needs_a_reason(client, token):
    supplier_id = _verified_supplier(client, token, umkm=True)
    officer = token("AGENCY_OFFICER", agency=1001)
    path = f"/suppliers/{supplier_id}/profile"

    missing = client.put(path, json={"umkm": False, "regionCode": 6302}, headers={**officer, **key()})
    assert missing.status_code == 422 and missing.json()["code"] == "invalid_request"
    zero = {"umkm": False, "regionCode": 6302, "reasonHash": "0x" + "00" * 32}
    empty = client.put(path, json=zero, headers={**officer, **key()})
    assert empty.status_code == 422 and empty.json()["code"] == "SupplierEmptyReason"


# --- blacklisting: two officers of one agency ---------------------------------------------------


def _propose(client, token, chain_url, supplier_id, start=None, end=None, sub="pejabat-1", agency=1001):
    start = chain_now(chain_url) + 600 if start is None else start
    body = {"start": start, "end": start + 365 * DAY if end is None else end, "reasonHash": REASON}
    return client.post(
        f"/suppliers/{supplier_id}/blacklist-proposals",
        json=body,
        headers={**token("AGENCY_OFFICER", agency=agency, sub=sub), **key()},
    )


def _confirm(client, token, supplier_id, proposal_id, sub="pejabat-2", agency=1001):
    return client.post(
        f"/suppliers/{supplier_id}/blacklist-proposals/{proposal_id}/confirmation",
        headers={**token("AGENCY_OFFICER", agency=agency, sub=sub), **key()},
    )


def test_one_officer_alone_cannot_blacklist_a_supplier(client, token, chain_url):
    supplier_id = _verified_supplier(client, token)
    proposed = _propose(client, token, chain_url, supplier_id, sub="pejabat-1")
    assert proposed.status_code == 201, proposed.text
    proposal_id = proposed.json()["proposalId"]
    assert client.get(f"/suppliers/{supplier_id}").json()["blacklist"] is None

    own = _confirm(client, token, supplier_id, proposal_id, sub="pejabat-1")
    assert own.status_code == 409 and own.json()["code"] == "SupplierBlacklistSameOfficer"
    # a token without a personal key signs with the agency's shared key: the proposer's, here
    shared = _confirm(client, token, supplier_id, proposal_id, sub="ppk-ikn")
    assert shared.status_code == 409 and shared.json()["code"] == "SupplierBlacklistSameOfficer"
    foreign = _confirm(client, token, supplier_id, proposal_id, agency=1002, sub="ppk-pu")
    assert foreign.status_code == 403 and foreign.json()["code"] == "AgencyOfficerMismatch"
    assert client.get(f"/suppliers/{supplier_id}").json()["blacklist"] is None

    confirmed = _confirm(client, token, supplier_id, proposal_id, sub="pejabat-2")
    assert confirmed.status_code == 200, confirmed.text
    assert client.get(f"/suppliers/{supplier_id}").json()["blacklist"]["end"] == proposed.json()["end"]
    again = _confirm(client, token, supplier_id, proposal_id, sub="pejabat-2")
    assert again.status_code == 409 and again.json()["code"] == "SupplierBlacklistAlreadyConfirmed"


def test_a_blacklist_starts_at_its_confirmation_at_the_earliest(client, token, chain_url):
    supplier_id = _verified_supplier(client, token)
    proposed = _propose(client, token, chain_url, supplier_id).json()
    travel(chain_url, 2 * DAY)

    confirmed = _confirm(client, token, supplier_id, proposed["proposalId"]).json()

    block = rpc(chain_url, "eth_getBlockByNumber", [hex(confirmed["blockNumber"]), False])
    assert confirmed["start"] == int(block["timestamp"], 16) > proposed["start"]
    assert confirmed["blacklist"]["start"] == confirmed["start"]
    assert confirmed["end"] == proposed["end"]


@pytest.mark.parametrize(
    "period",
    ["from_zero", "backdated", "open_ended", "over_two_years"],
)
def test_a_backdated_open_ended_or_too_long_blacklist_is_refused(client, token, chain_url, period):
    supplier_id = _verified_supplier(client, token)
    now = chain_now(chain_url)
    start, end = {
        "from_zero": (0, now + 365 * DAY),
        "backdated": (now - DAY, now + 365 * DAY),
        "open_ended": (now + 600, 2**64 - 1),
        "over_two_years": (now + 600, now + 600 + 731 * DAY + 1),
    }[period]

    refused = _propose(client, token, chain_url, supplier_id, start=start, end=end)

    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "SupplierInvalidBlacklistPeriod"
    assert refused.json()["chainError"]["params"] == {"start": start, "end": end}


def test_an_expired_proposal_cannot_be_confirmed(client, token, chain_url):
    supplier_id = _verified_supplier(client, token)
    proposed = _propose(client, token, chain_url, supplier_id).json()
    travel(chain_url, 7 * DAY)

    expired = _confirm(client, token, supplier_id, proposed["proposalId"])

    assert expired.status_code == 409 and expired.json()["code"] == "SupplierBlacklistProposalExpired"
    assert expired.json()["chainError"]["params"]["expiredAt"] == proposed["confirmableUntil"]
    assert client.get(f"/suppliers/{supplier_id}").json()["blacklist"] is None


def test_a_proposal_is_confirmed_and_read_only_under_its_own_supplier(client, token, chain_url):
    supplier_id = _verified_supplier(client, token)
    other_id = _verified_supplier(client, token)
    proposal_id = _propose(client, token, chain_url, supplier_id).json()["proposalId"]

    for path in (
        f"/suppliers/{other_id}/blacklist-proposals/{proposal_id}",
        f"/suppliers/{supplier_id}/blacklist-proposals/{2**63}",
    ):
        assert client.get(path).status_code == 404
        confirmation = client.post(
            f"{path}/confirmation", headers={**token("AGENCY_OFFICER", agency=1001, sub="pejabat-2"), **key()}
        )
        assert confirmation.status_code == 404 and confirmation.json()["code"] == "not_found"
    assert client.get(f"/suppliers/{other_id}").json()["blacklist"] is None
