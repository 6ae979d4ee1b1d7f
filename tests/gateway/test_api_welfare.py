"""A PKH programme through the REST API only: the welfare admin defines it, the enroller enrols a small
synthetic population by NIK (the eligible are enrolled, the others told why), updates and suspends
beneficiaries, files appeals the admin resolves; the programme starts, the admin pays period 0 in one
batch (one payment instruction, read back through /instructions) and the committee changes the
rules from the next period (a proposal two member agencies approve, after the hub's delay). The NIK
never reaches the chain, the gateway's records or its logs. Every endpoint refuses the wrong role
(403), no token (401) and bad input (4xx problem+json, never 500)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from eth_utils import keccak
from sqlalchemy import create_engine, delete, func, select
from sqlalchemy.orm import Session
from web3 import Web3

from app.keyring.keyring import keyring_for
from app.ledger.models import IdempotencyRecord
from app.protocol import welfare as welfarelib
from app.protocol.identity import keyed_hash
from app.welfare import (
    bulk_disburse,
    contacts,
    grievances,
    households,
    name_checks,
    notices,
    registry_exits,
    registry_import,
)
from app.welfare.contacts import WelfareContact
from app.welfare.name_checks import NameCheck
from app.welfare.notice_runner import NoticeThread
from app.welfare.notices import NoticePosition, WelfareNotice
from app.welfare.status_check import StatusLimits
from tests.support.clock import key, now, travel_to
from tests.support.documented import documented
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import rpc
from tests.support.messenger import fake_messenger
from tests.support.registry_extract import signed_extract

PKH_AMOUNTS = welfarelib.pkh_amounts_per_period()
RULES = {
    "deciles": [1, 2, 3, 4],
    "allRegions": False,
    "regions": [6302, 6371],
    "componentCap": welfarelib.PKH_COMPONENT_CAP,
    "budgetPerPeriod": 50_000_000,
    "componentAmounts": PKH_AMOUNTS[:7],
}
# Synthetic families (NIK: region, birth date, serial). Expected outcome of their enrolment, in order.
FAMILIES = {
    "ani": ("6302014107850001", 2, 6302, [0, 1, 2, 0, 0, 0, 1]),  # enrolled: 750,000 + 600,000 + 2 x 225,000
    "budi": ("6371022002800002", 3, 6371, [1, 0, 0, 0, 0, 0, 0]),  # enrolled
    "citra": ("6302035508900003", 4, 6302, [0, 0, 1, 1, 0, 0, 0]),  # enrolled
    "dewi": ("6302044409750004", 7, 6302, [0, 2, 0, 0, 0, 0, 0]),  # decile 7: DecileNotEligible
    "eko": ("1101051203700005", 1, 1101, [0, 1, 0, 0, 0, 0, 0]),  # Aceh, not covered: RegionNotCovered
    "fajar": ("6302060101600006", 2, 6302, [0, 0, 0, 0, 0, 0, 0]),  # no component: NoComponent
}
EXPECTED = {
    "ani": None,
    "budi": None,
    "citra": None,
    "dewi": "DecileNotEligible",
    "eko": "RegionNotCovered",
    "fajar": "NoComponent",
}
ALL_NIKS = [nik for nik, *_ in FAMILIES.values()]
# The full name on each family head's KTP: sent with the enrolment, kept only as a keyed hash with the
# NIK, for the family's own status check.
NAMES = {
    "ani": "Ani Suryani",
    "budi": "Budi Santoso",
    "citra": "Citra Lestari",
    "dewi": "Dewi Anggraini",
    "eko": "Eko Prasetyo",
    "fajar": "Fajar Nugroho",
}


def problem(response, status: int, code: str | None = None) -> dict:
    """The response is a problem document with this status (and code)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    if code:
        assert body["code"] == code, body
    return body


# Each family's mobile number for its notices, and their language; citra and eko gave none.
PHONES = {
    "ani": ("0812-3456-7801", "id"),
    "budi": ("+6281234567802", "en"),
    "dewi": ("6281234567804", "id"),
    "fajar": ("081234567806", "id"),  # a number the provider refuses (test_16)
}


def applicant(name: str) -> dict:
    nik, decile, region, components = FAMILIES[name]
    found = {"nik": nik, "name": NAMES[name], "decile": decile, "region": region, "components": components}
    if name in PHONES:
        found["phone"], found["language"] = PHONES[name]
    return found


@pytest.fixture(scope="module")
def scenario(app, token, chain_url, settings):
    """State shared by the steps of one programme, in order."""
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        client.event_hooks["response"].append(_as_documented)
        yield {"client": client, "token": token, "chain_url": chain_url, "settings": settings}


def _as_documented(response) -> None:
    """Every successful answer of a welfare endpoint has exactly its route's documented shape (a
    write's answer is built by the write path, which FastAPI does not check against the model)."""
    response.read()
    if response.is_success and response.request.url.path.startswith("/welfare/"):
        documented(response)


def programme_path(scenario, suffix: str = "") -> str:
    return f"/welfare/programmes/{scenario['programme']}{suffix}"


LINE = {"ceilingPerPeriod": 100_000_000, "maxBenefit": 3_000_000, "periodLength": 30 * 86400}


def test_0_the_committee_approves_a_budget_line_with_two_agencies_and_the_delay(scenario):
    client, token = scenario["client"], scenario["token"]
    accounts = Web3(Web3.HTTPProvider(scenario["chain_url"])).eth.accounts
    lkpp = token("COMMITTEE", agency=3001, sub="komite-lkpp", officer=accounts[1])
    kemenkeu = token("COMMITTEE", agency=3002, sub="komite-kemenkeu", officer=accounts[2])
    for role in ("WELFARE_ADMIN", "ENROLLER"):  # the welfare admin alone sets no budget
        problem(client.post("/welfare/budget-lines", json=LINE, headers={**token(role), **key()}), 403)
    problem(  # a committee token naming no official: there is no shared committee key
        client.post("/welfare/budget-lines", json=LINE, headers={**token("COMMITTEE"), **key()}),
        403,
        "officer_claim_missing",
    )
    problem(
        client.post("/welfare/budget-lines", json={**LINE, "ceilingPerPeriod": 0}, headers={**lkpp, **key()}),
        422,
        "invalid_request",
    )
    proposed = client.post("/welfare/budget-lines", json=LINE, headers={**lkpp, **key()})
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["calls"][0]["act"] == "welfare_budget_line"
    base = f"/committee/proposals/{proposed.json()['proposalId']}"
    problem(client.post(f"{base}/schedule", headers={**lkpp, **key()}), 409, "CommitteeNotEnoughApprovals")
    assert client.post(f"{base}/approvals", headers={**kemenkeu, **key()}).status_code == 200
    scheduled = client.post(f"{base}/schedule", headers={**kemenkeu, **key()})
    assert scheduled.status_code == 200, scheduled.text
    problem(client.post(f"{base}/execution", headers={**lkpp, **key()}), 409, "CommitteeNotReady")
    travel_to(scenario["chain_url"], scheduled.json()["executableAt"] + 1)
    executed = client.post(f"{base}/execution", headers={**lkpp, **key()})
    assert executed.status_code == 200, executed.text
    (approved,) = [e["args"] for e in executed.json()["events"] if e["event"] == "BudgetLineApproved"]
    scenario["line"] = approved["lineId"]


def test_1_the_welfare_admin_defines_a_programme_and_anyone_reads_it(scenario):
    client, token = scenario["client"], scenario["token"]
    start = now(scenario["chain_url"]) + 3600
    over = {
        "budgetLine": scenario["line"],
        "name": "PKH",
        "firstPeriodStart": start,
        "periodLength": 30 * 86400,
    }
    problem(
        client.post(
            "/welfare/programmes",
            json={**over, "rules": {**RULES, "budgetPerPeriod": 100_000_001}},
            headers={**token("WELFARE_ADMIN"), **key()},
        ),
        409,
        "WelfareOverBudgetLine",
    )
    problem(
        client.post(
            "/welfare/programmes",
            json={**over, "budgetLine": 999, "rules": RULES},
            headers={**token("WELFARE_ADMIN"), **key()},
        ),
        404,
        "WelfareUnknownBudgetLine",
    )
    body = {
        "budgetLine": scenario["line"],
        "name": "PKH Kalimantan Tengah",
        "firstPeriodStart": start,
        "periodLength": 30 * 86400,
        "rules": RULES,
    }
    created = client.post("/welfare/programmes", json=body, headers={**token("WELFARE_ADMIN"), **key()})
    assert created.status_code == 201, created.text
    scenario.update(programme=created.json()["programmeId"], start=start)
    read = client.get(programme_path(scenario)).json()
    assert (read["firstPeriodStart"], read["periodLength"], read["currentPeriod"]) == (
        start,
        30 * 86400,
        None,
    )
    rules = read["rules"]
    assert (rules["version"], rules["deciles"], rules["componentCap"], rules["budgetPerPeriod"]) == (
        1,
        [1, 2, 3, 4],
        4,
        50_000_000,
    )
    assert rules["componentAmounts"] == PKH_AMOUNTS and read["pendingRules"] is None
    # Name and regions live only in the ProgrammeDefined event: the indexer brings them.
    deadline = time.monotonic() + 30
    while read["name"] is None and time.monotonic() < deadline:
        time.sleep(0.5)
        read = client.get(programme_path(scenario)).json()
    assert read["name"] == "PKH Kalimantan Tengah" and read["rules"]["regions"] == [6302, 6371]

    # The welfare admin scopes the gateway's enroller key to the programme's regions (and Aceh, where
    # the programme does not pay: its applicants are refused with RegionNotCovered).
    enroller = rpc(scenario["chain_url"], "eth_accounts")[13]
    scope = programme_path(scenario, f"/enrollers/{enroller}/scope")
    regions = {"regions": [6302, 6371, 1101]}
    problem(client.put(scope, json=regions, headers={**token("ENROLLER"), **key()}), 403, "forbidden_role")
    problem(client.put(scope, json={"regions": []}, headers={**token("WELFARE_ADMIN"), **key()}), 422)
    scoped = client.put(scope, json=regions, headers={**token("WELFARE_ADMIN"), **key()})
    assert scoped.status_code == 200, scoped.text
    assert scoped.json()["regions"] == [6302, 6371, 1101] and scoped.json()["inScope"] is True


def test_2_defining_needs_the_welfare_admin_and_valid_rules(scenario):
    client, token = scenario["client"], scenario["token"]
    body = {
        "budgetLine": scenario["line"],
        "name": "PKH",
        "firstPeriodStart": now(scenario["chain_url"]) + 3600,
        "periodLength": 86400,
        "rules": RULES,
    }
    problem(client.post("/welfare/programmes", json=body, headers=key()), 401, "unauthenticated")
    for role in ("ENROLLER", "COMMITTEE", "TREASURY", "AUDITOR"):
        problem(
            client.post("/welfare/programmes", json=body, headers={**token(role), **key()}),
            403,
            "forbidden_role",
        )
    admin = token("WELFARE_ADMIN")
    for bad_rules in (
        {**RULES, "deciles": [0]},
        {**RULES, "deciles": [11]},
        {**RULES, "componentAmounts": [0, 0]},
        {**RULES, "componentAmounts": [1] * 9},
        {**RULES, "allRegions": True},  # regions listed although every region is covered
        {**RULES, "regions": []},  # no region covered at all
        {**RULES, "componentCap": 0},
        {**RULES, "budgetPerPeriod": 2**96},
    ):
        problem(
            client.post("/welfare/programmes", json={**body, "rules": bad_rules}, headers={**admin, **key()}),
            422,
            "invalid_request",
        )
    problem(
        client.post("/welfare/programmes", json={**body, "periodLength": 0}, headers={**admin, **key()}), 422
    )
    past = {**body, "firstPeriodStart": now(scenario["chain_url"]) - 10}
    problem(
        client.post("/welfare/programmes", json=past, headers={**admin, **key()}),
        422,
        "WelfareInvalidSchedule",
    )


def test_3_an_unknown_or_malformed_programme_id_is_a_problem(scenario):
    client = scenario["client"]
    problem(client.get("/welfare/programmes/999999"), 404, "WelfareUnknownProgramme")
    for bad in ("0", "abc", str(2**32), "-1"):
        problem(client.get(f"/welfare/programmes/{bad}"), 422, "invalid_request")
    problem(client.get("/welfare/programmes/999999/periods/0"), 404, "WelfareUnknownProgramme")
    problem(client.get(f"/welfare/programmes/1/periods/{2**32}"), 422, "invalid_request")


def test_4_the_enroller_enrols_the_families_and_each_refused_one_is_told_why(scenario, caplog):
    client, token = scenario["client"], scenario["token"]
    caplog.set_level(logging.DEBUG)
    names = list(FAMILIES) + ["ani"]  # ani twice: the second is AlreadyEnrolled
    response = client.post(
        programme_path(scenario, "/enrolments"),
        json={"applicants": [applicant(n) for n in names]},
        headers={**token("ENROLLER"), **key()},
    )
    assert response.status_code == 200, response.text
    result = response.json()
    reasons = [a["reason"] for a in result["applicants"]]
    assert reasons == [EXPECTED[n] for n in FAMILIES] + ["AlreadyEnrolled"]
    assert [a["enrolled"] for a in result["applicants"]] == [r is None for r in reasons]
    assert (result["enrolled"], result["refused"]) == (3, 4)
    secret = scenario["settings"].identity_hmac_key.get_secret_value().encode()
    scenario["keys"] = {n: "0x" + welfarelib.beneficiary_key(secret, FAMILIES[n][0]).hex() for n in FAMILIES}
    assert [a["beneficiaryKey"] for a in result["applicants"]] == [scenario["keys"][n] for n in names]
    scenario["enrol_tx"] = result["transactionHash"]
    for secret in (*ALL_NIKS, *NAMES.values()):
        assert secret not in response.text and secret not in caplog.text


def test_5_no_nik_reaches_the_chain_or_the_gateways_records(scenario):
    chain_url = scenario["chain_url"]
    tx = rpc(chain_url, "eth_getTransactionByHash", [scenario["enrol_tx"]])
    receipt = rpc(chain_url, "eth_getTransactionReceipt", [scenario["enrol_tx"]])
    haystack = (
        tx["input"] + "".join(log["data"] + "".join(log["topics"]) for log in receipt["logs"])
    ).lower()
    engine = create_engine(scenario["settings"].database_url)
    with engine.connect() as connection:
        records = repr(connection.execute(select(IdempotencyRecord)).all())
        records += repr(connection.execute(select(NameCheck)).all())
        records += repr(connection.execute(select(WelfareContact)).all())
    engine.dispose()
    for phone, _language in PHONES.values():  # sealed off chain, never in clear
        digits = phone.replace("-", "").replace("+", "")[-9:]
        assert digits not in records and digits.encode().hex() not in haystack
    for name in NAMES.values():
        assert name.upper() not in records.upper() and name.encode().hex() not in haystack
    for nik in ALL_NIKS:
        for form in (
            nik,  # as hex digits
            nik.encode().hex(),  # as ASCII
            f"{int(nik):x}",  # as an integer
            hashlib.sha256(nik.encode()).hexdigest(),  # unkeyed hashes, reversible by enumeration
            hashlib.sha256(f"nik:{nik}".encode()).hexdigest(),
            keccak(text=nik).hex(),
        ):
            assert form not in haystack
        assert nik not in records
    assert scenario["keys"]["ani"][2:] in haystack  # the keyed hash is what the chain sees


def test_6_enrolment_refuses_the_wrong_role_a_missing_token_and_bad_applicants(scenario):
    client, token = scenario["client"], scenario["token"]
    path, enroller = programme_path(scenario, "/enrolments"), token("ENROLLER")
    body = {"applicants": [applicant("ani")]}
    problem(client.post(path, json=body, headers=key()), 401, "unauthenticated")
    for role in ("WELFARE_ADMIN", "AGENCY_OFFICER", "AUDITOR"):
        problem(client.post(path, json=body, headers={**token(role), **key()}), 403, "forbidden_role")
    too_many = {"applicants": [applicant("ani")] * (welfarelib.MAX_BATCH + 1)}
    problem(client.post(path, json=too_many, headers={**enroller, **key()}), 422, "invalid_request")
    problem(client.post(path, json={"applicants": []}, headers={**enroller, **key()}), 422, "invalid_request")
    bad_nik = {"applicants": [applicant("ani"), {**applicant("budi"), "nik": "63710220028000x2"}]}
    refused = problem(
        client.post(path, json=bad_nik, headers={**enroller, **key()}), 422, "invalid_identifier"
    )
    assert "applicants[1]" in refused["detail"] and "63710220028000x2" not in refused["detail"]
    landline = {"applicants": [{**applicant("ani"), "phone": "021-5550-1234"}]}
    refused = problem(client.post(path, json=landline, headers={**enroller, **key()}), 422, "invalid_phone")
    assert "applicants[0].phone" in refused["detail"] and "5550" not in refused["detail"]
    short = problem(
        client.post(
            path, json={"applicants": [{**applicant("ani"), "nik": "123"}]}, headers={**enroller, **key()}
        ),
        422,
        "invalid_request",
    )
    assert "123" not in repr(short["errors"])
    for field, value in (
        ("decile", 0),
        ("decile", 11),
        ("region", 0),
        ("components", [256]),
        ("components", [0] * 9),
    ):
        problem(
            client.post(
                path, json={"applicants": [{**applicant("ani"), field: value}]}, headers={**enroller, **key()}
            ),
            422,
            "invalid_request",
        )
    problem(
        client.post("/welfare/programmes/999999/enrolments", json=body, headers={**enroller, **key()}),
        404,
        "WelfareUnknownProgramme",
    )


def test_7_a_caseworker_finds_a_beneficiary_by_nik_and_anyone_by_its_key(scenario):
    client, token = scenario["client"], scenario["token"]
    lookup = programme_path(scenario, "/beneficiaries/lookup")
    for role in ("ENROLLER", "WELFARE_ADMIN"):
        found = client.post(lookup, json={"nik": FAMILIES["ani"][0]}, headers=token(role))
        assert found.status_code == 200, found.text
        assert found.json()["beneficiaryKey"] == scenario["keys"]["ani"]
    problem(client.post(lookup, json={"nik": FAMILIES["ani"][0]}), 401, "unauthenticated")
    problem(
        client.post(lookup, json={"nik": FAMILIES["ani"][0]}, headers=token("AUDITOR")), 403, "forbidden_role"
    )
    problem(
        client.post(lookup, json={"nik": "6302019999990099"}, headers=token("ENROLLER")), 404, "not_found"
    )
    problem(
        client.post(lookup, json={"nik": "63020199999900x9"}, headers=token("ENROLLER")),
        422,
        "invalid_identifier",
    )

    ani = client.get(programme_path(scenario, f"/beneficiaries/{scenario['keys']['ani']}")).json()
    assert (ani["status"], ani["decile"], ani["region"], ani["components"]) == (
        "active",
        2,
        6302,
        [0, 1, 2, 0, 0, 0, 1, 0],
    )
    assert ani["benefit"] == {"period": 0, "amount": 1_800_000, "reason": None, "paid": False}
    assert ani["lastPaidPeriod"] is None and ani["appeal"] == "none"
    problem(
        client.get(programme_path(scenario, f"/beneficiaries/{scenario['keys']['dewi']}")), 404, "not_found"
    )
    problem(client.get(programme_path(scenario, "/beneficiaries/0x1234")), 422, "invalid_request")
    problem(client.get(f"/welfare/programmes/999999/beneficiaries/{scenario['keys']['ani']}"), 404)


def test_8_an_update_evaluates_eligibility_again(scenario):
    client, token = scenario["client"], scenario["token"]
    path = programme_path(scenario, f"/beneficiaries/{scenario['keys']['citra']}")
    richer = {"decile": 6, "region": 6302, "components": [0, 0, 1, 1]}
    updated = client.put(path, json=richer, headers={**token("ENROLLER"), **key()})
    assert updated.status_code == 200, updated.text
    assert (updated.json()["eligible"], updated.json()["reason"]) == (False, "DecileNotEligible")
    assert client.get(path).json()["benefit"]["reason"] == "DecileNotEligible"
    corrected = client.put(path, json={**richer, "decile": 4}, headers={**token("ENROLLER"), **key()})
    assert (corrected.json()["eligible"], corrected.json()["reason"]) == (True, None)
    assert client.get(path).json()["benefit"]["amount"] == 225_000 + 375_000

    problem(client.put(path, json=richer, headers=key()), 401, "unauthenticated")
    problem(client.put(path, json=richer, headers={**token("WELFARE_ADMIN"), **key()}), 403, "forbidden_role")
    problem(client.put(path, json={**richer, "decile": 12}, headers={**token("ENROLLER"), **key()}), 422)
    stranger = programme_path(scenario, "/beneficiaries/0x" + "77" * 32)
    problem(client.put(stranger, json=richer, headers={**token("ENROLLER"), **key()}), 404, "not_found")


def test_9_the_enroller_suspends_and_only_the_admin_reinstates_or_exits(scenario):
    client, token = scenario["client"], scenario["token"]
    base = programme_path(scenario, f"/beneficiaries/{scenario['keys']['budi']}")
    reason = {"reasonCode": "PKH_CONDITION_UNMET"}
    suspended = client.post(base + "/suspension", json=reason, headers={**token("ENROLLER"), **key()})
    assert suspended.status_code == 200, suspended.text
    assert client.get(base).json()["status"] == "suspended"
    # One enroller's suspension spares the next batch (it starts within the notice) ...
    assert suspended.json()["effectiveFrom"] == 1
    confirm = base + "/suspension/confirmation"
    problem(client.post(confirm, headers={**token("ENROLLER"), **key()}), 403, "forbidden_role")
    # ... until a second official, the welfare admin, confirms it.
    confirmed = client.post(confirm, headers={**token("WELFARE_ADMIN"), **key()})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["effectiveFrom"] == 0
    problem(
        client.post(confirm, headers={**token("WELFARE_ADMIN"), **key()}), 409, "WelfareSuspensionInForce"
    )
    again = client.post(base + "/suspension", json=reason, headers={**token("ENROLLER"), **key()})
    assert problem(again, 409, "WelfareWrongStatus")["chainError"]["name"] == "WelfareWrongStatus"
    for act, allowed in (
        ("/suspension", "ENROLLER"),
        ("/reinstatement", "WELFARE_ADMIN"),
        ("/exit", "WELFARE_ADMIN"),
    ):
        wrong = "WELFARE_ADMIN" if allowed == "ENROLLER" else "ENROLLER"
        problem(client.post(base + act, json=reason, headers=key()), 401, "unauthenticated")
        problem(
            client.post(base + act, json=reason, headers={**token(wrong), **key()}), 403, "forbidden_role"
        )
        problem(
            client.post(base + act, json={"reasonCode": "not a code"}, headers={**token(allowed), **key()}),
            422,
        )
        problem(
            client.post(base + act, json={"reasonCode": "X" * 33}, headers={**token(allowed), **key()}), 422
        )
        stranger = programme_path(scenario, "/beneficiaries/0x" + "77" * 32) + act
        problem(client.post(stranger, json=reason, headers={**token(allowed), **key()}), 404, "not_found")
    # budi stays suspended: period 0's batch skips him with the reason.

    ani_path = programme_path(scenario, f"/beneficiaries/{scenario['keys']['ani']}")
    exited = client.post(
        ani_path + "/exit", json={"reasonCode": "GRADUATED"}, headers={**token("WELFARE_ADMIN"), **key()}
    )
    assert exited.status_code == 200 and exited.json()["status"] == "exited"
    reinstated = client.post(
        ani_path + "/reinstatement", json={"reasonCode": "X"}, headers={**token("WELFARE_ADMIN"), **key()}
    )
    problem(reinstated, 409, "WelfareWrongStatus")  # an exit is not a suspension
    # ani's exit was a data error: her appeal is upheld and she is active again.
    filed = client.post(
        ani_path + "/appeals", json={"groundsHash": "0x" + "a1" * 32}, headers={**token("ENROLLER"), **key()}
    )
    assert filed.status_code == 201, filed.text
    upheld = client.post(
        ani_path + "/appeals/resolution",
        json={"upheld": True, "decisionHash": "0x" + "d3" * 32},
        headers={**token("WELFARE_ADMIN"), **key()},
    )
    assert upheld.status_code == 200 and upheld.json()["status"] == "active", upheld.text
    assert client.get(ani_path).json()["appeal"] == "upheld"


def test_10_a_refused_applicant_appeals_and_the_admin_rejects_it(scenario):
    client, token = scenario["client"], scenario["token"]
    base = programme_path(scenario, f"/beneficiaries/{scenario['keys']['dewi']}")
    grounds, decision = {"groundsHash": "0x" + "a2" * 32}, {"upheld": False, "decisionHash": "0x" + "d4" * 32}
    problem(client.post(base + "/appeals", json=grounds, headers=key()), 401, "unauthenticated")
    problem(client.post(base + "/appeals", json=grounds, headers={**token("WELFARE_ADMIN"), **key()}), 403)
    problem(
        client.post(base + "/appeals", json={"groundsHash": "0x12"}, headers={**token("ENROLLER"), **key()}),
        422,
    )
    assert (
        client.post(base + "/appeals", json=grounds, headers={**token("ENROLLER"), **key()}).status_code
        == 201
    )
    problem(
        client.post(base + "/appeals", json=grounds, headers={**token("ENROLLER"), **key()}),
        409,
        "WelfareAppealOpen",
    )
    assert client.get(base).json()["appeal"] == "open"  # known now: status none, appeal open
    problem(client.post(base + "/appeals/resolution", json=decision, headers=key()), 401)
    problem(
        client.post(base + "/appeals/resolution", json=decision, headers={**token("ENROLLER"), **key()}), 403
    )
    problem(
        client.post(
            base + "/appeals/resolution",
            json={"upheld": "maybe"},
            headers={**token("WELFARE_ADMIN"), **key()},
        ),
        422,
    )
    rejected = client.post(
        base + "/appeals/resolution", json=decision, headers={**token("WELFARE_ADMIN"), **key()}
    )
    assert rejected.status_code == 200 and rejected.json()["appeal"] == "rejected"
    assert client.get(base).json()["status"] == "none"
    again = client.post(
        base + "/appeals/resolution", json=decision, headers={**token("WELFARE_ADMIN"), **key()}
    )
    problem(again, 409, "WelfareNoOpenAppeal")


def check(scenario, family: str | None, name: str, nik: str | None = None):
    body = {"nik": nik or FAMILIES[family][0], "name": name}
    return scenario["client"].post("/welfare/status", json=body)


@pytest.fixture
def clock(app):
    """The status check's limits on a clock the test moves (fresh buckets for the test)."""
    now = [1_000.0]
    app.state.status_limits = StatusLimits(app.state.settings, clock=lambda: now[0])  # the defaults
    yield now
    app.state.status_limits = None


def test_10b_a_family_checks_its_status_by_nik_and_name_and_learns_why(scenario, clock):
    answers = {}
    for family in FAMILIES:
        clock[0] += 60  # past the per-address limit
        response = check(scenario, family, NAMES[family])
        assert response.status_code == 200, response.text
        answers[family] = {p["programmeId"]: p for p in response.json()["programmes"]}
    programme = scenario["programme"]
    standing = {f: (a[programme]["status"], a[programme]["reason"]) for f, a in answers.items()}
    assert standing == {
        "ani": ("active", None),
        "budi": ("suspended", "PKH_CONDITION_UNMET"),
        "citra": ("active", None),
        "dewi": ("refused", "DecileNotEligible"),
        "eko": ("refused", "RegionNotCovered"),
        "fajar": ("refused", "NoComponent"),
    }
    assert (answers["dewi"][programme]["appeal"], answers["ani"][programme]["appeal"]) == (
        "rejected",
        "upheld",
    )
    ani = answers["ani"][programme]
    first = scenario["client"].get(programme_path(scenario)).json()["firstPeriodStart"]
    assert (ani["period"], ani["paidThisPeriod"], ani["nextPeriodStart"]) == (
        None,
        None,
        first,
    )  # not started
    clock[0] += 60
    typed = check(scenario, "ani", "  ani   SURYANI, ")  # as people type it
    assert typed.status_code == 200 and typed.json()["found"]


def test_10c_an_unknown_nik_and_a_wrong_name_get_the_same_answer(scenario, clock):
    answers = []
    for family, name, nik in (
        ("ani", "Ani Suryanti", None),  # one letter off
        ("budi", "Ani Suryani", None),  # another family's name
        (None, "Ani Suryani", "6302014107859999"),  # nobody's NIK
        (None, "Ani Suryani", "6302014107850001".replace("0001", "0002")),
    ):
        clock[0] += 60
        response = check(scenario, family, name, nik)
        assert response.status_code == 200, response.text
        answers.append(response.content)
    assert len(set(answers)) == 1 and json.loads(answers[0]) == {"found": False, "programmes": []}
    clock[0] += 60
    short = check(scenario, None, "Ani", "63020141")
    assert short.status_code == 422 and short.json()["code"] == "invalid_request"
    clock[0] += 60
    lettered = check(scenario, None, "Ani", "6302014107AB0001")
    assert lettered.status_code == 422 and lettered.json()["code"] == "invalid_identifier"
    assert "63020141" not in short.text + lettered.text  # the value typed is never echoed


def test_10d_guessing_is_slow_from_one_address_and_for_one_nik_from_many(scenario, clock):
    for _ in range(5):
        assert check(scenario, "citra", "Citra Lestari").status_code == 200
    limited = check(scenario, "citra", "Citra Lestari")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    # Spread over time (or addresses), one NIK still gets only five tries, then one per ten minutes.
    for attempt in range(5):
        clock[0] += 7
        assert check(scenario, "eko", f"Tebakan {attempt}").status_code == 200
    clock[0] += 7
    guessed = check(scenario, "eko", "Eko Prasetyo")
    assert guessed.status_code == 429 and guessed.json()["code"] == "rate_limited"
    clock[0] += 600
    assert check(scenario, "eko", "Eko Prasetyo").json()["found"]


REGISTRY_ROWS = [  # (household, NIK, name, decile, region, components)
    ("KRT-6302-0101", "6302016503880101", "Rina Marlina", 2, 6302, [1, 0, 1, 0, 0, 0, 0]),
    ("KRT-6302-0102", "6302017007790102", "Joko Widodo Susanto", 3, 6302, [0, 0, 0, 1, 0, 0, 0]),
    ("KRT-6371-0103", "6371021111650103", "Maria Ulfa", 1, 6371, [0, 0, 0, 0, 0, 0, 1]),
    ("KRT-6302-0104", "6302015909900104", "Sari Dewi", 8, 6302, [0, 1, 0, 0, 0, 0, 0]),  # decile 8
    ("KRT-1101-0105", "1101051509800105", "Teuku Rahman", 2, 1101, [0, 1, 0, 0, 0, 0, 0]),  # Aceh
    ("KRT-6302-0106", "6302010202020106", "Yanti Sulastri", 4, 6302, [0, 0, 2, 0, 0, 0, 0]),
    ("KRT-6371-0107", "6371020303030107", "Abdul Karim", 2, 6371, [0, 0, 0, 0, 1, 1, 0]),
]


def registry_extract(tmp_path):
    """The extract of REGISTRY_ROWS, signed: (csv, key pem, private key)."""
    return signed_extract(tmp_path, "dtsen-2026q4.csv", REGISTRY_ROWS)


class DroppedAfter(httpx.Client):
    """A client whose connection drops after `calls` posts (the gateway never hears the rest)."""

    def __init__(self, inner, calls: int) -> None:
        self.inner, self.calls = inner, calls

    def post(self, *args, **kwargs):
        if self.calls == 0:
            raise httpx.ConnectError("connection dropped")
        self.calls -= 1
        return self.inner.post(*args, **kwargs)


def test_10e_a_tampered_or_unsigned_registry_extract_is_refused_in_one_line_and_nothing_is_sent(
    scenario, tmp_path, capsys, monkeypatch
):
    extract, key, _ = registry_extract(tmp_path)
    monkeypatch.setenv("TERANG_TOKEN", "tidak-dipakai")  # never reaches a gateway
    args = [str(extract), "--programme", str(scenario["programme"]), "--registry-key", str(key)]
    extract.write_bytes(extract.read_bytes().replace(b"Rina Marlina,2,", b"Rina Marlina,1,"))  # decile 2 -> 1
    assert registry_import.main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "signature does not match the extract" in err and "Traceback" not in err
    (tmp_path / "dtsen-2026q4.csv.sig").unlink()
    assert registry_import.main(args) == 2
    assert "cannot read" in capsys.readouterr().err
    other, key2, private = registry_extract(tmp_path)  # signed again: now a malformed row inside
    other.write_bytes(other.read_bytes().replace(b"6302016503880101", b"63020165038801"))
    (tmp_path / "dtsen-2026q4.csv.sig").write_bytes(base64.b64encode(private.sign(other.read_bytes())))
    assert registry_import.main(args) == 2
    assert "line 2: nik must be 16 digits" in capsys.readouterr().err
    lookup = scenario["client"].post(
        programme_path(scenario, "/beneficiaries/lookup"),
        json={"nik": REGISTRY_ROWS[1][1]},
        headers=scenario["token"]("ENROLLER"),
    )
    assert lookup.status_code == 404  # nothing was enrolled


def test_10f_a_signed_extract_enrols_in_batches_and_a_rerun_continues_where_it_stopped(scenario, tmp_path):
    extract, key, _ = registry_extract(tmp_path)
    data = extract.read_bytes()
    registry_import.verify(data, (tmp_path / "dtsen-2026q4.csv.sig").read_bytes(), key.read_bytes())
    families = registry_import.read_families(data)
    digest = hashlib.sha256(data).hexdigest()
    token = scenario["token"]("ENROLLER")["Authorization"].removeprefix("Bearer ")
    dropped = DroppedAfter(scenario["client"], calls=1)  # the second of three batches is never sent
    with pytest.raises(httpx.ConnectError):
        registry_import.enrol_all(dropped, scenario["programme"], families, digest, token, batch=3)
    rerun = registry_import.enrol_all(
        scenario["client"], scenario["programme"], families, digest, token, batch=3
    )
    assert (rerun.enrolled, dict(rerun.refused)) == (5, {"DecileNotEligible": 1, "RegionNotCovered": 1})
    assert rerun.replayed_batches == 1  # the first batch was answered from the gateway's record
    assert [(row, household) for row, household, _ in rerun.refusals] == [
        (5, "KRT-6302-0104"),
        (6, "KRT-1101-0105"),
    ]
    again = registry_import.enrol_all(
        scenario["client"], scenario["programme"], families, digest, token, batch=3
    )
    assert again.replayed_batches == 3 and again.enrolled == 5  # nothing sent twice
    refusals = tmp_path / "refusals.csv"
    registry_import.write_refusals(refusals, rerun)
    assert refusals.read_text().splitlines()[1] == "5,KRT-6302-0104,DecileNotEligible"
    assert all(row[1] not in refusals.read_text() for row in REGISTRY_ROWS)  # no NIK in the report
    scenario["extract_digest"], scenario["first_registry_key"] = digest, rerun.keys[2]
    scenario["registry_keys"] = rerun.keys  # row -> key


def test_10f2_each_enrolment_is_marked_registry_or_hand_and_hand_entries_are_listed(scenario):
    client, token = scenario["client"], scenario["token"]
    from_registry = client.get(programme_path(scenario, f"/beneficiaries/{scenario['first_registry_key']}"))
    assert from_registry.json()["entry"]["source"] == "registry"
    assert from_registry.json()["entry"]["reference"] == scenario["extract_digest"]
    by_hand = client.get(programme_path(scenario, f"/beneficiaries/{scenario['keys']['ani']}")).json()
    assert by_hand["entry"]["source"] == "hand"
    # A family the registry missed, entered by hand after its complaint, with the reason.
    late = {"nik": "6302012404910888", "decile": 1, "region": 6302, "components": [0, 0, 1, 0, 0, 0, 0]}
    reason = "sanggahan diterima: belum tercatat di DTSEN"
    entered = client.post(
        programme_path(scenario, "/enrolments"),
        json={"applicants": [late], "reason": reason},
        headers={**token("ENROLLER"), **key()},
    )
    assert entered.status_code == 200, entered.text
    listed = client.get(programme_path(scenario, "/hand-entries")).json()["entries"]
    mine = next(e for e in listed if e["beneficiaryKey"] == entered.json()["applicants"][0]["beneficiaryKey"])
    assert mine["reason"] == reason and mine["transactionHash"] == entered.json()["transactionHash"]
    assert scenario["first_registry_key"] not in {e["beneficiaryKey"] for e in listed}
    assert late["nik"] not in json.dumps(listed)


def test_10f3_a_signed_registry_update_exits_families_who_died_or_moved(scenario, tmp_path):
    client, token = scenario["client"], scenario["token"]
    update = tmp_path / "dtsen-update.csv"
    update.write_bytes(
        b"id_keluarga,keterangan\nKRT-6302-0101,MENINGGAL\nKRT-6371-0103,pindah\nKRT-9999-0000,PINDAH\n"
    )
    registry = Ed25519PrivateKey.generate()
    public = registry.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    signature = base64.b64encode(registry.sign(update.read_bytes()))
    registry_import.verify(update.read_bytes(), signature, public)
    exits = registry_exits.read_exits(update.read_bytes())
    digest = hashlib.sha256(update.read_bytes()).hexdigest()
    admin = token("WELFARE_ADMIN")["Authorization"].removeprefix("Bearer ")
    counts, report = registry_exits.exit_all(client, scenario["programme"], exits, digest, admin)
    assert [outcome for *_, outcome in report] == ["exited DECEASED", "exited MOVED", "not in the programme"]
    first = client.get(programme_path(scenario, f"/beneficiaries/{scenario['first_registry_key']}")).json()
    assert first["status"] == "exited"
    again, _ = registry_exits.exit_all(client, scenario["programme"], exits, digest, admin)
    assert again == counts  # answered from the gateway's record: nothing sent twice
    enroller = token("ENROLLER")["Authorization"].removeprefix("Bearer ")  # exits are the admin's
    with pytest.raises(registry_import.ExtractError, match="403"):
        registry_exits.exit_all(
            client, scenario["programme"], exits, hashlib.sha256(b"x").hexdigest(), enroller
        )
    tampered = update.read_bytes().replace(b"KRT-6371-0103", b"KRT-6371-0107")
    with pytest.raises(registry_import.ExtractError, match="does not match"):
        registry_import.verify(tampered, signature, public)
    with pytest.raises(registry_import.ExtractError, match="line 2: keterangan"):
        registry_exits.read_exits(b"id_keluarga,keterangan\nKRT-1,HILANG\n")


def test_10g_a_household_is_enrolled_once_whichever_member_applies_and_across_family_cards(scenario, clock):
    client, token = scenario["client"], scenario["token"]
    secret = scenario["settings"].identity_hmac_key.get_secret_value().encode()
    household = "KRT-6302-0200"
    mother = {"nik": "6302015206880201", "name": "Lina Marlina", "kk": "6302010101200201"}
    father = {"nik": "6302011004850202", "name": "Hasan Basri", "kk": "6302010909240202"}  # a new card
    attributes = {"household": household, "decile": 2, "region": 6302, "components": [0, 0, 1, 0, 0, 0, 0]}
    path, headers = programme_path(scenario, "/enrolments"), token("ENROLLER")
    first = client.post(path, json={"applicants": [{**attributes, **mother}]}, headers={**headers, **key()})
    second = client.post(path, json={"applicants": [{**attributes, **father}]}, headers={**headers, **key()})
    assert first.status_code == second.status_code == 200, second.text
    outcomes = [first.json()["applicants"][0], second.json()["applicants"][0]]
    household_key = "0x" + welfarelib.household_key(secret, household).hex()
    assert [o["beneficiaryKey"] for o in outcomes] == [household_key, household_key]
    assert [(o["enrolled"], o["reason"]) for o in outcomes] == [(True, None), (False, "AlreadyEnrolled")]
    # Either member's NIK finds the household's record; each checks its status with its own name.
    lookup = client.post(
        programme_path(scenario, "/beneficiaries/lookup"), json={"nik": father["nik"]}, headers=headers
    )
    assert lookup.status_code == 200 and lookup.json()["beneficiaryKey"] == household_key
    clock[0] += 60
    checked = check(scenario, None, father["name"], father["nik"]).json()
    assert checked["found"] and checked["programmes"][0]["status"] == "active"
    clock[0] += 60
    assert not check(scenario, None, mother["name"], father["nik"]).json()["found"]  # her name, his NIK
    # The household's cards are its history, kept keyed: both, oldest first.
    engine = create_engine(scenario["settings"].database_url)
    with Session(engine) as session:
        cards = [kk for kk, _ in households.cards_of(session, bytes.fromhex(household_key[2:]))]
    engine.dispose()
    assert cards == ["0x" + keyed_hash(secret, "kk", c).hex() for c in (mother["kk"], father["kk"])]
    # Nobody re-maps or re-names a family through a refused call: here the gateway refuses at once
    # (her family is in the programme under its household), and the chain would (out of scope).
    stranger = {**attributes, **mother, "household": "KRT-6472-0300", "region": 6472, "name": "Orang Lain"}
    outside = client.post(path, json={"applicants": [stranger]}, headers={**headers, **key()})
    assert outside.status_code == 409 and outside.json()["code"] == "person_already_enrolled", outside.text
    lookup = client.post(
        programme_path(scenario, "/beneficiaries/lookup"), json={"nik": mother["nik"]}, headers=headers
    )
    assert lookup.json()["beneficiaryKey"] == household_key  # still her household
    clock[0] += 60
    assert check(scenario, None, mother["name"], mother["nik"]).json()["found"]  # still her name
    bad = client.post(
        path,
        json={"applicants": [{**attributes, **mother, "household": "rumah tangga?"}]},
        headers={**headers, **key()},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_request"


def test_10h_a_refused_second_enrolment_cannot_re_point_a_familys_number_name_or_household(scenario):
    """Another enroller call sends ani again (already enrolled) with its own number and another name:
    the chain refuses it as AlreadyEnrolled, and what the gateway keeps for her family stays as it
    was. Under a household id typed by hand she would be a second family: refused before the chain.
    She still finds her status with her own name."""
    client, token, keys = scenario["client"], scenario["token"], scenario["keys"]
    path, enroller = programme_path(scenario, "/enrolments"), token("ENROLLER")
    again = {**applicant("ani"), "phone": "081299990000", "name": "Orang Lain"}
    answer = client.post(path, json={"applicants": [again]}, headers={**enroller, **key()})
    assert answer.status_code == 200 and answer.json()["applicants"][0]["reason"] == "AlreadyEnrolled"
    moved = {**again, "household": "KRT-6302-9999"}
    refused = problem(client.post(path, json={"applicants": [moved]}, headers={**enroller, **key()}), 409)
    assert refused["code"] == "person_already_enrolled" and "applicants[0]" in refused["detail"]
    settings = scenario["settings"]
    secret = settings.identity_hmac_key.get_secret_value().encode()
    person = welfarelib.beneficiary_key(secret, FAMILIES["ani"][0])
    with client.app.state.sessions() as session:
        kept = contacts.contact_of(session, keyring_for(settings), keys["ani"])
        assert kept == ("+6281234567801", "id")
        assert households.beneficiary_key_of(session, person) == person  # no household moved her
        assert name_checks.matches(session, secret, person, NAMES["ani"])
        assert not name_checks.matches(session, secret, person, "Orang Lain")


def test_11_nothing_is_paid_before_the_programme_starts(scenario):
    client, token = scenario["client"], scenario["token"]
    early = client.post(
        programme_path(scenario, "/periods/0/disbursements"),
        json={"beneficiaryKeys": [scenario["keys"]["ani"]]},
        headers={**token("WELFARE_ADMIN"), **key()},
    )
    problem(early, 409, "WelfareProgrammeNotStarted")
    assert client.get(programme_path(scenario, "/periods/0")).json()["phase"] == "upcoming"


def test_12_the_admin_pays_period_0_in_one_batch_and_skips_each_other_key_with_its_reason(scenario):
    client, token, keys = scenario["client"], scenario["token"], scenario["keys"]
    travel_to(scenario["chain_url"], scenario["start"] + 1)
    path = programme_path(scenario, "/periods/0/disbursements")
    batch = [keys["ani"], keys["budi"], keys["citra"], keys["dewi"], keys["ani"]]
    paid = client.post(path, json={"beneficiaryKeys": batch}, headers={**token("WELFARE_ADMIN"), **key()})
    assert paid.status_code == 200, paid.text
    result = paid.json()
    amounts = {"ani": 1_800_000, "citra": 600_000}
    assert (result["lineCount"], result["amount"]) == (2, sum(amounts.values()))
    assert result["lines"] == [
        {"index": 0, "beneficiaryKey": keys["ani"], "amount": 1_800_000},
        {"index": 1, "beneficiaryKey": keys["citra"], "amount": 600_000},
    ]
    assert result["skipped"] == [
        {"beneficiaryKey": keys["budi"], "reason": "Suspended"},
        {"beneficiaryKey": keys["dewi"], "reason": "NotEnrolled"},
        {"beneficiaryKey": keys["ani"], "reason": "AlreadyPaid"},
    ]
    assert result["batchId"] == result["paymentInstructionId"]
    assert (
        result["linesRoot"]
        == "0x"
        + welfarelib.lines_root(
            [
                welfarelib.Line(i, bytes.fromhex(line["beneficiaryKey"][2:]), line["amount"])
                for i, line in enumerate(result["lines"])
            ]
        ).hex()
    )
    scenario["batch"] = result["batchId"]

    period = client.get(programme_path(scenario, "/periods/0")).json()
    assert (period["phase"], period["spent"], period["batches"], period["exhausted"]) == (
        "current",
        2_400_000,
        1,
        False,
    )
    assert period["remaining"] == 50_000_000 - 2_400_000
    ani = client.get(programme_path(scenario, f"/beneficiaries/{keys['ani']}")).json()
    assert ani["lastPaidPeriod"] == 0 and ani["benefit"]["paid"] is True

    instruction = client.get(f"/instructions/{result['paymentInstructionId']}").json()
    assert (instruction["purpose"], instruction["status"], instruction["amount"]) == (
        "welfare_batch",
        "authorized",
        2_400_000,
    )
    assert (
        instruction["sourceContract"] == "WelfarePrograms" and instruction["payeeKey"] == result["linesRoot"]
    )
    assert instruction["batch"]["lineCount"] == 2
    assert instruction["batch"]["welfare"] == {"programmeId": scenario["programme"], "period": 0}


def test_13_disbursement_refuses_other_periods_roles_and_oversized_batches(scenario):
    client, token, keys = scenario["client"], scenario["token"], scenario["keys"]
    body, admin = {"beneficiaryKeys": [keys["citra"]]}, token("WELFARE_ADMIN")
    path = programme_path(scenario, "/periods/0/disbursements")
    problem(
        client.post(
            programme_path(scenario, "/periods/1/disbursements"), json=body, headers={**admin, **key()}
        ),
        409,
        "WelfareNotCurrentPeriod",
    )
    problem(client.post(path, json=body, headers=key()), 401, "unauthenticated")
    for role in ("ENROLLER", "TREASURY", "COMMITTEE"):
        problem(client.post(path, json=body, headers={**token(role), **key()}), 403, "forbidden_role")
    too_many = {"beneficiaryKeys": [keys["citra"]] * (welfarelib.MAX_BATCH + 1)}
    problem(client.post(path, json=too_many, headers={**admin, **key()}), 422, "invalid_request")
    problem(
        client.post(path, json={"beneficiaryKeys": ["0x12"]}, headers={**admin, **key()}),
        422,
        "invalid_request",
    )
    problem(
        client.post(path, json={"beneficiaryKeys": []}, headers={**admin, **key()}), 422, "invalid_request"
    )
    problem(
        client.post(
            programme_path(scenario, "/periods/-1/disbursements"), json=body, headers={**admin, **key()}
        ),
        422,
    )
    # Paid already: a resent batch pays nothing and creates no instruction.
    resent = client.post(path, json=body, headers={**admin, **key()}).json()
    assert (resent["batchId"], resent["lineCount"], resent["skipped"][0]["reason"]) == (
        None,
        0,
        "AlreadyPaid",
    )


def test_14_the_committee_changes_the_rules_from_the_next_period_after_two_agencies_and_the_delay(scenario):
    client, token = scenario["client"], scenario["token"]
    accounts = Web3(Web3.HTTPProvider(scenario["chain_url"])).eth.accounts
    lkpp = token("COMMITTEE", agency=3001, sub="komite-lkpp", officer=accounts[1])
    kemenkeu = token("COMMITTEE", agency=3002, sub="komite-kemenkeu", officer=accounts[2])
    path = programme_path(scenario, "/rules")
    raised = {**RULES, "budgetPerPeriod": 80_000_000, "componentCap": 3}
    problem(client.post(path, json=raised, headers=key()), 401, "unauthenticated")
    for role in ("WELFARE_ADMIN", "ENROLLER"):
        problem(client.post(path, json=raised, headers={**token(role), **key()}), 403, "forbidden_role")
    problem(  # a committee token naming no official: there is no shared committee key
        client.post(path, json=raised, headers={**token("COMMITTEE"), **key()}), 403, "officer_claim_missing"
    )
    problem(
        client.post(path, json={**raised, "deciles": []}, headers={**lkpp, **key()}),
        422,
        "invalid_request",
    )
    problem(
        client.post("/welfare/programmes/999999/rules", json=raised, headers={**lkpp, **key()}),
        404,
        "WelfareUnknownProgramme",
    )

    proposed = client.post(path, json=raised, headers={**lkpp, **key()})
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["calls"][0]["act"] == "welfare_rules"
    base = f"/committee/proposals/{proposed.json()['proposalId']}"
    problem(client.post(f"{base}/schedule", headers={**lkpp, **key()}), 409, "CommitteeNotEnoughApprovals")
    assert client.post(f"{base}/approvals", headers={**kemenkeu, **key()}).status_code == 200
    scheduled = client.post(f"{base}/schedule", headers={**kemenkeu, **key()})
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["executableAt"] > now(scenario["chain_url"])
    problem(client.post(f"{base}/execution", headers={**lkpp, **key()}), 409, "CommitteeNotReady")
    travel_to(scenario["chain_url"], scheduled.json()["executableAt"] + 1)
    problem(client.post(f"{base}/execution", headers={**token("WELFARE_ADMIN"), **key()}), 403)
    executed = client.post(f"{base}/execution", headers={**lkpp, **key()})
    assert executed.status_code == 200, executed.text
    (changed,) = [e["args"] for e in executed.json()["events"] if e["event"] == "ProgrammeRulesChanged"]
    assert (changed["version"], changed["effectiveFrom"]) == (2, 1)

    read = client.get(programme_path(scenario)).json()
    assert (read["rules"]["version"], read["rules"]["budgetPerPeriod"]) == (
        1,
        50_000_000,
    )  # period 0 unchanged
    pending = read["pendingRules"]
    assert (
        pending["version"],
        pending["effectiveFrom"],
        pending["budgetPerPeriod"],
        pending["componentCap"],
    ) == (
        2,
        1,
        80_000_000,
        3,
    )
    assert client.get(programme_path(scenario, "/periods/1")).json()["budget"] == 80_000_000


def test_15_a_batch_the_treasury_failed_as_a_whole_is_retried_once(scenario):
    client, token, chain_url = scenario["client"], scenario["token"], scenario["chain_url"]
    batch = scenario["batch"]
    admin = token("WELFARE_ADMIN")
    retry, cancel = f"/welfare/batches/{batch}/retry", f"/welfare/batches/{batch}/cancellation"
    problem(client.post(retry, headers={**admin, **key()}), 409, "WelfareBatchNotFailed")
    # The treasury reports the whole instruction failed (attempt 0).
    treasury = rpc(chain_url, "eth_accounts")[11]
    payments = client.app.state.chain.contract("Payments")
    data = payments.encode_abi("fail", [batch, 0, b"BANK_OFFLINE".ljust(32, b"\0")])
    rpc(chain_url, "eth_sendTransaction", [{"from": treasury, "to": payments.address, "data": data}])

    problem(client.post(retry, headers={**token("ENROLLER"), **key()}), 403, "forbidden_role")
    wrong = {"reasonCode": "BANK_CLOSED", "lines": [{"beneficiaryKey": "0x" + "77" * 32, "amount": 1}]}
    problem(client.post(cancel, json=wrong, headers={**admin, **key()}), 422, "WelfareBatchLinesMismatch")
    retried = client.post(retry, headers={**admin, **key()})
    assert retried.status_code == 200, retried.text
    assert retried.json()["attempt"] == 1
    problem(client.post(retry, headers={**admin, **key()}), 409, "WelfareBatchNotFailed")
    keys = scenario["keys"]
    lines = [
        {"beneficiaryKey": keys["ani"], "amount": 1_800_000},
        {"beneficiaryKey": keys["citra"], "amount": 600_000},
    ]
    cancelled = client.post(
        cancel, json={"reasonCode": "BANK_CLOSED", "lines": lines}, headers={**admin, **key()}
    )
    problem(cancelled, 409, "WelfareBatchNotFailed")  # a retry on its way is not cancelled


def test_15b_families_in_two_programmes_are_reported(scenario):
    client, token, keys = scenario["client"], scenario["token"], scenario["keys"]
    admin = token("WELFARE_ADMIN")
    body = {
        "budgetLine": scenario["line"],
        "name": "Bansos Daerah Kalteng",
        "firstPeriodStart": now(scenario["chain_url"]) + 3600,
        "periodLength": 30 * 86400,
        "rules": {**RULES, "budgetPerPeriod": 10_000_000},
    }
    created = client.post("/welfare/programmes", json=body, headers={**admin, **key()})
    assert created.status_code == 201, created.text
    second = created.json()["programmeId"]
    enroller = rpc(scenario["chain_url"], "eth_accounts")[13]
    scoped = client.put(
        f"/welfare/programmes/{second}/enrollers/{enroller}/scope",
        json={"regions": [6302]},
        headers={**admin, **key()},
    )
    assert scoped.status_code == 200, scoped.text
    enrolled = client.post(
        f"/welfare/programmes/{second}/enrolments",
        json={"applicants": [applicant("ani"), applicant("citra")]},
        headers={**token("ENROLLER"), **key()},
    )
    assert enrolled.status_code == 200 and enrolled.json()["enrolled"] == 2, enrolled.text
    _indexed(scenario)
    first = scenario["programme"]
    report = client.get(f"/welfare/overlaps?programme={first}&programme={second}")
    assert report.status_code == 200, report.text
    found = {f["beneficiaryKey"]: f["programmes"] for f in report.json()["families"]}
    # ani was exited and reinstated on appeal in the first: she counts; budi is in one programme only.
    assert found == {keys["ani"]: [first, second], keys["citra"]: [first, second]}
    problem(client.get(f"/welfare/overlaps?programme={first}"), 422, "invalid_request")


def test_15c_an_operator_pays_a_period_from_a_list_of_keys_in_resumable_batches(scenario, tmp_path):
    client, token, keys = scenario["client"], scenario["token"], scenario["keys"]
    registry = scenario["registry_keys"]
    # Two families from the registry (rows 3 and 7), one the registry update exited (row 2), one
    # suspended, one paid already this period, one key nobody holds.
    listed = [registry[3], registry[7], registry[2], keys["budi"], keys["ani"], "0x" + "77" * 32]
    path = tmp_path / "keys.csv"
    path.write_text("beneficiary_key\n" + "\n".join(listed) + "\n")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    admin = token("WELFARE_ADMIN")["Authorization"].removeprefix("Bearer ")
    programme = scenario["programme"]
    dropped = DroppedAfter(client, calls=1)  # the second batch is never sent
    with pytest.raises(httpx.ConnectError):
        bulk_disburse.pay_all(dropped, programme, 0, bulk_disburse.read_keys(data), digest, admin, batch=2)
    paid = bulk_disburse.pay_all(client, programme, 0, bulk_disburse.read_keys(data), digest, admin, batch=2)
    assert paid.replayed_batches == 1  # the first batch was answered from the gateway's record
    amounts = welfarelib.pkh_amounts_per_period()
    assert (paid.lines, paid.rupiah) == (2, amounts[3] + 2 * amounts[2])  # a junior; two primary pupils
    assert len(paid.batches) == 1 and paid.batches[0] is not None
    assert dict(paid.skipped) == {"Exited": 1, "Suspended": 1, "AlreadyPaid": 1, "NotEnrolled": 1}
    again = bulk_disburse.pay_all(client, programme, 0, bulk_disburse.read_keys(data), digest, admin, batch=2)
    assert again.replayed_batches == 3 and again.lines == 2  # a rerun repeats nothing
    with pytest.raises(bulk_disburse.KeysError, match="line 3: beneficiary_key"):
        bulk_disburse.read_keys(b"beneficiary_key\n0x" + b"ab" * 32 + b"\n6302014107850001\n")


# --- notices to families -----------------------------------------------------------------------------


def _indexed(scenario) -> None:
    client = scenario["client"]
    head = int(rpc(scenario["chain_url"], "eth_blockNumber"), 16)
    wait_until_indexed(lambda: client.get("/health").json(), head, what=" with the welfare events")


def _mined(chain_url: str, tx_hash: str) -> dict:
    """The transaction's receipt, once the node serves it (anvil's receipts may lag a moment)."""
    deadline = time.monotonic() + 10
    while (receipt := rpc(chain_url, "eth_getTransactionReceipt", [tx_hash])) is None:
        assert time.monotonic() < deadline, f"{tx_hash} was not mined"
        time.sleep(0.05)
    return receipt


def _notice_rounds(scenario, url: str, rounds: int = 12) -> None:
    """Rounds of the gateway's notice loop as fresh processes would run them (a restart before each),
    with retries due at once."""
    settings = scenario["settings"].model_copy(
        update={
            "welfare_messenger_url": url,
            "welfare_notice_retry_seconds": 0.001,
            "welfare_notice_contact_grace_seconds": 0,  # every number was kept long before
        }
    )
    for _ in range(rounds):
        NoticeThread(settings, scenario["client"].app.state.sessions).step()


def test_16_each_family_is_told_once_per_event_through_provider_faults_and_restarts(scenario, caplog):
    client, keys, chain_url = scenario["client"], scenario["keys"], scenario["chain_url"]
    caplog.set_level(logging.DEBUG)
    # The treasury settles the retried batch (attempt 1): ani and citra are paid.
    treasury = rpc(chain_url, "eth_accounts")[11]
    payments = client.app.state.chain.contract("Payments")
    data = payments.encode_abi("settle", [scenario["batch"], 1, b"BRI-20261206-0001".ljust(32, b"\0")])
    sent = rpc(chain_url, "eth_sendTransaction", [{"from": treasury, "to": payments.address, "data": data}])
    assert _mined(chain_url, sent)["status"] == "0x1"
    _indexed(scenario)
    token = scenario["settings"].welfare_messenger_token.get_secret_value()
    with fake_messenger(token) as (url, outbox):
        # The provider is down for two sends, then loses its answer to the third (it kept the message).
        outbox.faults.unavailable, outbox.faults.lose_answers = 2, 1
        outbox.faults.refuse = ["+6281234567806"]  # fajar's number
        _notice_rounds(scenario, url)
        sent = {m["reference"]: m for m in outbox.messages.values()}
        repeats = outbox.repeats
    sessions = client.app.state.sessions
    with sessions() as session:
        rows = list(session.execute(select(WelfareNotice).order_by(WelfareNotice.id)).scalars())
    by_family = {name: [n for n in rows if n.family_key == keys[name]] for name in FAMILIES}
    # One message per notice the provider took, under the notice's reference: the lost answer was
    # retried and the provider saw the same reference again.
    delivered = [n for n in rows if n.state == "sent"]
    assert sorted(sent) == sorted(f"wn-{n.id}" for n in delivered)
    assert repeats == 1
    assert all(n.attempts >= 1 for n in delivered) and any(n.attempts > 1 for n in delivered)
    kinds = {name: [n.kind for n in notices] for name, notices in by_family.items()}
    assert kinds["ani"][0] == "enrolled" and "paid" in kinds["ani"] and "appeal_upheld" in kinds["ani"]
    assert kinds["dewi"][:1] == ["refused"] and "appeal_rejected" in kinds["dewi"]
    assert kinds["budi"][:2] == ["enrolled", "suspended"]
    assert {n.state for n in by_family["ani"] + by_family["budi"] + by_family["dewi"]} == {"sent"}
    # No number: recorded as unreachable, for the caseworker. A number the provider refuses: failed.
    assert {n.state for n in by_family["citra"] + by_family["eko"]} == {"unreachable"}
    assert [(n.kind, n.state, n.attempts) for n in by_family["fajar"]] == [("refused", "failed", 1)]
    # What each family reads: its language, the reason in plain words, the amount paid, a link.
    texts = {n.kind: sent[f"wn-{n.id}"] for n in by_family["dewi"] + by_family["ani"] + by_family["budi"]}
    assert texts["refused"]["to"] == "+6281234567804"
    assert (
        "Desil kesejahteraan" in texts["refused"]["text"]
        and "/explorer/welfare/complaint" in texts["refused"]["text"]
    )
    assert "Rp1.800.000" in texts["paid"]["text"] and "WIB" in texts["paid"]["text"]
    assert texts["suspended"]["text"].startswith("Your family's")  # budi asked for English
    everything = json.dumps(list(sent.values()))
    for secret in (*ALL_NIKS, *NAMES.values()):
        assert secret not in everything
    for phone, _ in PHONES.values():
        assert phone[-9:].replace("-", "") not in caplog.text.replace("-", "")

    # Read again from the start (a new database position, a replay): not one notice more.
    with sessions.begin() as session:
        session.execute(delete(NoticePosition))
    before = len(rows)
    with sessions.begin() as session:
        assert notices.collect(session) == 0
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(WelfareNotice)) == before

    # Caseworkers see who was not reached, and never a number.
    listed = client.get("/welfare/notices?state=unreachable", headers=scenario["token"]("ENROLLER"))
    assert listed.status_code == 200, listed.text
    assert {n["familyKey"] for n in listed.json()["notices"]} >= {keys["citra"], keys["eko"]}
    assert "+62" not in listed.text
    problem(client.get("/welfare/notices"), 401, "unauthenticated")
    problem(client.get("/welfare/notices", headers=scenario["token"]("AUDITOR")), 403, "forbidden_role")


# --- grievances ----------------------------------------------------------------------------------------


def _grievance_on_chain(client, ticket_hash: str) -> dict:
    stored = client.app.state.chain.contract("Grievances").functions.getGrievance(ticket_hash).call()
    return {"receivedAt": stored[1], "dueAt": stored[2], "resolvedAt": stored[3], "resolution": stored[5]}


def test_17_a_familys_complaint_becomes_an_appeal_and_its_resolution_is_anchored(scenario, clock):
    client, token, keys = scenario["client"], scenario["token"], scenario["keys"]
    enroller, admin = token("ENROLLER"), token("WELFARE_ADMIN")
    programme = scenario["programme"]
    # fajar, refused for no component, objects on the web form (no login): his child started school.
    filed = client.post(
        "/welfare/grievances",
        json={
            "programmeId": programme,
            "category": "decision",
            "description": "Anak kami sudah masuk SD tahun ini, mohon ditinjau kembali.",
            "nik": FAMILIES["fajar"][0],
        },
    )
    assert filed.status_code == 201, filed.text
    ticket = filed.json()
    reference = ticket["reference"]
    assert (ticket["state"], ticket["anchored"], ticket["appeal"], ticket["overdue"]) == (
        "received",
        False,
        True,
        False,
    )
    received, due = (
        datetime.fromisoformat(ticket[f].replace("Z", "+00:00")) for f in ("receivedAt", "dueAt")
    )
    assert due - received == timedelta(days=scenario["settings"].grievance_days)
    assert FAMILIES["fajar"][0] not in filed.text

    path = f"/welfare/grievances/{reference}"
    # Resolving needs the ticket on chain, and its appeal decided; roles are checked first.
    problem(client.post(path + "/registration", headers={**admin, **key()}), 403, "forbidden_role")
    problem(client.post(path + "/resolution", json={}, headers={**admin, **key()}), 409, "wrong_state")
    registered = client.post(path + "/registration", headers={**enroller, **key()})
    assert registered.status_code == 200, registered.text
    on_chain = _grievance_on_chain(client, ticket["ticketHash"])
    assert (on_chain["receivedAt"], on_chain["dueAt"]) == (int(received.timestamp()), int(due.timestamp()))
    assert client.get(path).json()["anchored"] is True
    # The ticket's hash is recomputed from what the gateway holds: nobody edited the complaint.
    with client.app.state.sessions() as session:
        row = session.get(grievances.Grievance, reference)
        assert grievances.ticket_hash(row) == ticket["ticketHash"]
        assert row.family_key == keys["fajar"]

    problem(client.post(path + "/resolution", json={}, headers={**admin, **key()}), 409, "appeal_undecided")
    appealed = client.post(path + "/appeal", headers={**enroller, **key()})
    assert appealed.status_code == 200, appealed.text
    fajar = client.get(programme_path(scenario, f"/beneficiaries/{keys['fajar']}")).json()
    assert fajar["appeal"] == "open"
    # The appeal's grounds on chain are the ticket's hash: the two are linked.
    welfare = client.app.state.chain.contract("WelfarePrograms")
    filed_event = welfare.events.AppealFiled().get_logs(
        from_block=appealed.json()["blockNumber"], to_block=appealed.json()["blockNumber"]
    )[0]
    assert Web3.to_hex(filed_event["args"]["groundsHash"]) == ticket["ticketHash"]

    decision = {"upheld": True, "resolution": "Komponen anak SD terverifikasi; keluarga diusulkan kembali."}
    problem(
        client.post(path + "/decision", json=decision, headers={**enroller, **key()}), 403, "forbidden_role"
    )
    # An administrator who registered the ticket itself (holding both roles) may not decide it.
    admin_address = Web3.to_checksum_address(rpc(scenario["chain_url"], "eth_accounts")[12])
    with client.app.state.sessions.begin() as session:
        row = session.get(grievances.Grievance, reference)
        registered, row.registered_by = row.registered_by, admin_address
    problem(client.post(path + "/decision", json=decision, headers={**admin, **key()}), 403, "own_ticket")
    with client.app.state.sessions.begin() as session:
        session.get(grievances.Grievance, reference).registered_by = registered
    decided = client.post(path + "/decision", json=decision, headers={**admin, **key()})
    assert decided.status_code == 200, decided.text
    assert (
        client.get(programme_path(scenario, f"/beneficiaries/{keys['fajar']}")).json()["appeal"] == "upheld"
    )
    problem(
        client.post(
            path + "/resolution", json={"resolution": "lain cerita lagi"}, headers={**admin, **key()}
        ),
        422,
        "resolution_given",
    )
    resolved = client.post(path + "/resolution", json={}, headers={**admin, **key()})
    assert resolved.status_code == 200, resolved.text
    answer = client.get(path).json()
    assert (answer["state"], answer["upheld"], answer["resolution"]) == (
        "resolved",
        True,
        decision["resolution"],
    )
    with client.app.state.sessions() as session:
        row = session.get(grievances.Grievance, reference)
        expected = grievances.resolution_hash(row, True, decision["resolution"])
    assert Web3.to_hex(_grievance_on_chain(client, ticket["ticketHash"])["resolution"]) == expected
    problem(client.post(path + "/resolution", json={}, headers={**admin, **key()}), 409, "wrong_state")


def test_18_a_caseworker_files_for_a_family_and_late_tickets_are_reported_publicly(scenario, clock):
    client, token = scenario["client"], scenario["token"]
    enroller, admin = token("ENROLLER"), token("WELFARE_ADMIN")
    body = {
        "programmeId": scenario["programme"],
        "category": "payment",
        "description": "Bantuan belum masuk.",
    }
    problem(client.post("/welfare/grievances/on-behalf", json=body), 401, "unauthenticated")
    filed = client.post("/welfare/grievances/on-behalf", json=body, headers=enroller)
    assert filed.status_code == 201, filed.text
    case = filed.json()
    assert (case["channel"], case["description"], case["familyKey"]) == (
        "caseworker",
        body["description"],
        None,
    )
    path = f"/welfare/grievances/{case['reference']}"
    problem(client.post(path + "/appeal", headers={**enroller, **key()}), 409, "not_an_appeal")
    assert client.post(path + "/registration", headers={**enroller, **key()}).status_code == 200
    problem(client.post(path + "/resolution", json={}, headers={**admin, **key()}), 422, "resolution_missing")
    done = client.post(
        path + "/resolution",
        json={"resolution": "Dibayar ulang pada batch berikutnya."},
        headers={**admin, **key()},
    )
    assert done.status_code == 200, done.text

    # An objection that names no family cannot become an appeal: it is answered like any ticket.
    anonymous = {
        **body,
        "category": "decision",
        "description": "Saya keberatan dengan daftar penerima di desa.",
    }
    objection = client.post("/welfare/grievances/on-behalf", json=anonymous, headers=enroller).json()
    assert objection["appeal"] is False
    objection_path = f"/welfare/grievances/{objection['reference']}"
    assert client.post(objection_path + "/registration", headers={**enroller, **key()}).status_code == 200
    answered = client.post(
        objection_path + "/resolution",
        json={"resolution": "Daftar penerima diperiksa ulang bersama desa."},
        headers={**admin, **key()},
    )
    assert answered.status_code == 200, answered.text

    # A ticket received twenty days ago and never answered, and one received today.
    with client.app.state.sessions.begin() as session:
        late = grievances.file(
            session,
            channel="web",
            category="conduct",
            programme_id=scenario["programme"],
            family_key=None,
            description="Petugas meminta uang untuk pencairan.",
            days=14,
            now=datetime.now(timezone.utc) - timedelta(days=20),
        )
        late_reference = late.reference
    report = client.get("/welfare/grievances/overdue")
    assert report.status_code == 200, report.text
    overdue = {t["reference"]: t for t in report.json()["tickets"]}
    assert late_reference in overdue and overdue[late_reference]["daysOverdue"] == 6
    assert case["reference"] not in overdue
    assert "Petugas" not in report.text  # the complainant's words stay with the caseworkers
    queue = client.get("/welfare/grievances?state=received", headers=admin).json()["tickets"]
    assert late_reference in {t["reference"] for t in queue}
    problem(client.get("/welfare/grievances"), 401, "unauthenticated")
    problem(client.get("/welfare/grievances/ADU-0000-0000"), 422, "invalid_request")
    problem(client.get("/welfare/grievances/ADU-2222-2222"), 404, "not_found")


def test_19_the_complaint_form_is_limited_per_address(scenario, clock):
    client = scenario["client"]
    body = {"programmeId": 0, "category": "other", "description": "Pertanyaan tentang jadwal pencairan."}
    codes = [client.post("/welfare/grievances", json=body).status_code for _ in range(6)]
    assert codes == [201] * 5 + [429]
    clock[0] += 60
    assert client.post("/welfare/grievances", json=body).status_code == 201


def test_20_the_complaint_page_files_a_ticket_and_shows_its_stage(scenario, clock):
    client = scenario["client"]
    form = client.get("/explorer/welfare/complaint?lang=id")
    assert form.status_code == 200 and 'id="complaint"' in form.text and "PKH Kalimantan Tengah" in form.text
    filed = client.post(
        "/explorer/welfare/complaint",
        data={
            "programme": str(scenario["programme"]),
            "category": "payment",
            "description": "Bantuan periode ini belum masuk ke rekening.",
            "nik": FAMILIES["ani"][0],
        },
    )
    assert filed.status_code == 201, filed.text
    reference = filed.text.split('id="complaint-reference">')[1].split("<")[0]
    assert FAMILIES["ani"][0] not in filed.text and "WIB" in filed.text
    shown = client.get(f"/explorer/welfare/complaint?ref={reference}")
    assert shown.status_code == 200 and 'data-state="received"' in shown.text
    with client.app.state.sessions() as session:
        assert session.get(grievances.Grievance, reference).family_key == scenario["keys"]["ani"]
    # Bad input is a sentence on the page, never an error page.
    short = client.post("/explorer/welfare/complaint", data={"category": "payment", "description": "kurang"})
    assert short.status_code == 422 and 'id="complaint-problem"' in short.text
    odd = client.post(
        "/explorer/welfare/complaint", data={"category": "nope", "description": "x" * 20, "programme": "abc"}
    )
    assert odd.status_code == 422 and 'data-code="invalid"' in odd.text
    assert client.get("/explorer/welfare/complaint?ref=ADU-2222-2222").status_code == 404
