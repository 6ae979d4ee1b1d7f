"""Onboarding plans: each mistake a secretariat can make is refused in one line naming the place,
offline (app/onboarding/plan.py) and at the gateway (422 `plan_invalid`), before anything reaches
the chain; an unknown plan is a 404 problem; the public list of agencies shows the deployment's
agencies without a phase. The whole rollout, on one running system, is tests/ops/test_rollout_drill.py."""

from __future__ import annotations

import hashlib
import uuid

import pytest
import yaml
from fastapi.testclient import TestClient

from app.onboarding.plan import PlanError, parse, region_number
from tests.support.localchain import rpc

OFFICER = "0x976EA74026E726554dB657fA54763abd0C3a0aa9"
OTHER = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"


def plan(*agencies: dict, phase: str = "3-jawa-timur") -> str:
    return yaml.safe_dump({"phase": phase, "agencies": list(agencies)}, sort_keys=False)


def province(**changes) -> dict:
    return {
        "id": 3500,
        "name": "Pemerintah Provinsi Jawa Timur",
        "kind": "province",
        "region": "35",
        "officials": [{"address": OFFICER, "roles": ["AGENCY_OFFICER"]}],
        **changes,
    }


def regency(**changes) -> dict:
    return {
        "id": 3507,
        "name": "Pemerintah Kabupaten Malang",
        "kind": "regency",
        "region": "35.07",
        "parent": 3500,
        "officials": [{"address": OTHER, "roles": ["AGENCY_OFFICER"]}],
        **changes,
    }


def enroller(*regions: str) -> list[dict]:
    return [{"address": OTHER, "roles": ["ENROLLER"], "scopes": [{"programme": 1, "regions": list(regions)}]}]


MISTAKES = {
    "unknown role": (plan(province(officials=[{"address": OFFICER, "roles": ["BUPATI"]}])), "unknown role"),
    "committee role": (
        plan(province(officials=[{"address": OFFICER, "roles": ["COMMITTEE"]}])),
        "unknown role",
    ),
    "regency outside its province": (
        plan(province(), regency(region="36.01")),
        "region 36.01 is outside the parent province 35",
    ),
    "parent not a province": (plan(regency(id=3508, parent=3507), regency()), "is not a province"),
    "enroller outside the province": (
        plan(province(officials=enroller("36.01"))),
        "outside the agency's province",
    ),
    "enroller outside the regency": (
        plan(province(), regency(officials=enroller("35.73"))),
        "outside the agency's regency 35.07",
    ),
    "official twice": (
        plan(province(), regency(officials=[{"address": OFFICER, "roles": ["VERIFIER"]}])),
        f"official {OFFICER} is listed twice",
    ),
    "agency twice": (plan(province(), province()), "agency 3500 is listed twice"),
    "scopes without the role": (
        plan(province(officials=[{**enroller("35.07")[0], "roles": ["AGENCY_OFFICER"]}])),
        "not the ENROLLER role",
    ),
    "province without region": (plan(province(region=None)), "a province needs"),
    "a person's name": (
        plan(province(officials=[{"address": OFFICER, "roles": ["AGENCY_OFFICER"], "name": "Budi"}])),
        "Extra inputs are not permitted",
    ),
    "zero address": (
        plan(province(officials=[{"address": "0x" + "0" * 40, "roles": ["AGENCY_OFFICER"]}])),
        "not an account address",
    ),
    "not yaml": ("phase: [", "not valid YAML"),
    "bad region code": (plan(province(region="3500")), "2-digit province code"),
    "aliases": (
        "phase: p\nagencies:\n  - &a {id: 3500, name: X, kind: province, region: '35', officials: []}\n"
        "  - *a\n",
        "YAML aliases",
    ),
    "nested too deeply": ("[" * 20000 + "]" * 20000, "nested too deeply"),
    "a name made to look like another": (
        plan(province(name="Kementerian Keuangan\u202e\u200b")),
        "invisible or control character",
    ),
    "a NIK in a comment": (plan(province()) + "# Budi NIK 3507012345678901\n", "no personal data"),
    "an e-mail in a comment": (plan(province()) + "# kontak: budi@example.id\n", "no personal data"),
    "welfare admin who also enrols": (
        plan(province(officials=[{**enroller("35.07")[0], "roles": ["WELFARE_ADMIN", "ENROLLER"]}])),
        "may not hold both WELFARE_ADMIN and ENROLLER",
    ),
    "auditor with another role": (
        plan(province(officials=[{"address": OFFICER, "roles": ["AUDITOR", "AGENCY_OFFICER"]}])),
        "AUDITOR is held with no other role",
    ),
    "a region twice": (plan(province(officials=enroller("35.07", "35.07"))), "a region is listed twice"),
}


@pytest.mark.parametrize("text,fragment", MISTAKES.values(), ids=MISTAKES.keys())
def test_each_mistake_is_refused_offline_in_one_line(text, fragment):
    with pytest.raises(PlanError) as refused:
        parse(text)
    message = str(refused.value)
    assert fragment in message and "\n" not in message, message


def test_a_good_plan_parses_with_its_sha256_as_the_description_hash():
    text = plan(province(), regency())
    parsed = parse(text)
    assert [a.id for a in parsed.agencies] == [3500, 3507]
    assert parsed.description_hash == "0x" + hashlib.sha256(text.encode()).hexdigest()
    assert region_number("35.07") == 3507


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def test_the_gateway_refuses_a_bad_plan_before_proposing(client, token, chain_url):
    lkpp = token("COMMITTEE", agency=3001, sub="komite-lkpp", officer=rpc(chain_url, "eth_accounts")[1])
    text, fragment = MISTAKES["regency outside its province"]
    before = client.get("/committee").json()["proposals"]
    answer = client.post(
        "/onboarding/plans", json={"plan": text}, headers={**lkpp, "Idempotency-Key": str(uuid.uuid4())}
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "plan_invalid" and fragment in answer.json()["detail"]
    assert client.get("/committee").json()["proposals"] == before  # nothing was proposed


@pytest.mark.parametrize("who", ["a seated committee official", "the Committee contract"])
def test_a_plan_cannot_give_an_agencys_roles_to_a_key_that_already_holds_power(client, token, chain_url, who):
    """An official joins with a fresh key: not a committee member's (one person would then sit on the
    committee and act for an agency), not a contract's."""
    accounts = rpc(chain_url, "eth_accounts")
    lkpp = token("COMMITTEE", agency=3001, sub="komite-lkpp", officer=accounts[1])
    committee = client.get("/committee").json()["address"]
    # Kemenkeu's committee official: LKPP's (accounts[1]) is also an LKPP official locally, so a plan
    # naming it is refused sooner, as acting for another agency.
    account = accounts[2] if who == "a seated committee official" else committee
    text = plan(province(officials=[{"address": account, "roles": ["AGENCY_OFFICER"]}]))
    answer = client.post(
        "/onboarding/plans", json={"plan": text}, headers={**lkpp, "Idempotency-Key": str(uuid.uuid4())}
    )
    expected = (
        (409, "official_holds_role")
        if who == "a seated committee official"
        else (422, "account_not_official")
    )
    assert (answer.status_code, answer.json()["code"]) == expected, answer.text


def test_an_unknown_plan_is_a_404_problem_and_the_deployments_agencies_have_no_phase(client):
    answer = client.get("/onboarding/plans/99")
    assert answer.status_code == 404 and answer.json()["code"] == "plan_unknown"
    listed = {a["agencyId"]: a for a in client.get("/agencies").json()["agencies"]}
    assert listed[1001]["name"] == "Otorita Ibu Kota Nusantara"
    assert (listed[1001]["phase"], listed[1001]["kind"], listed[1001]["onboardedAt"]) == (None, None, None)
