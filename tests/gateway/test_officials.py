"""Officials sign their own acts through the gateway (docs/decisions/0019).

A person's act is signed with the official's own key, the account its token names (claim
`officer`), and only for an official the AgencyDirectory holds, for the act's agency. Refused before
anything is signed: a token naming no official, an official whose key the gateway does not hold,
one the directory does not hold, one of another agency. Outside local/test the gateway refuses to
start with shared keys for people's acts in its signers file. The read side names the official of
each act: the explorer's timeline (address and agency) and REST GET /agencies/{id}/officials."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from web3 import Web3

from app.config import ConfigurationError
from app.officials.keys import check_signers, shared_human_signers
from tests.support.clock import key, now
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import rpc
from tests.support.plans import planned

OCID = "ocds-terang-1001-officials-1"
WELFARE_BODY_RULES = {
    "deciles": [1, 2],
    "allRegions": True,
    "regions": [],
    "componentCap": 4,
    "budgetPerPeriod": 10_000_000,
    "componentAmounts": [100_000] * 7,
}


def dev(chain_url: str, index: int) -> str:
    return Web3.to_checksum_address(rpc(chain_url, "eth_accounts")[index])


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def announcement(chain_url: str, ocid: str = OCID) -> dict:
    start = now(chain_url)
    return {
        "ocid": ocid,
        "title": "Genset 500 kVA untuk IKN",
        "documentHash": "0x" + "33" * 32,
        "agencyId": 1001,
        "hps": 2_000_000_000,
        "category": 0,
        "preferenceBps": 0,
        "commitDeadline": start + 3 * 86400,
        "revealDeadline": start + 4 * 86400,
        "objectionWindow": 5 * 86400,
        "minValidBids": 1,
    }


def refused(response, code: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code, response.json()


# -- refusals ---------------------------------------------------------------------------------------
def test_a_token_naming_no_official_is_refused_for_every_kind_of_act(client, token, chain_url):
    """Never a shared key instead: no agency:<id> for an officer, no role key for an admin."""
    refused(
        client.post(
            "/tenders",
            json=planned(client, announcement(chain_url, f"{OCID}-x")),
            headers={**token("AGENCY_OFFICER", agency=1001, officer=False), **key()},
        ),
        "officer_claim_missing",
    )
    body = {
        "budgetLine": 1,
        "name": "PKH",
        "firstPeriodStart": now(chain_url) + 3600,
        "periodLength": 86400,
        "rules": {},
    }
    refused(
        client.post(
            "/welfare/programmes",
            json={**body, "rules": WELFARE_BODY_RULES},
            headers={**token("WELFARE_ADMIN", officer=False), **key()},
        ),
        "officer_claim_missing",
    )
    certificate = {
        "productId": "0x" + "7a" * 32,
        "tkdnBps": 5000,
        "bmpBps": 0,
        "validUntil": now(chain_url) + 86400,
        "certificateHash": "0x" + "c1" * 32,
    }
    refused(
        client.post(
            "/tkdn/certificates",
            json=certificate,
            headers={**token("TKDN_CERTIFIER", officer=False), **key()},
        ),
        "officer_claim_missing",
    )


def test_an_official_whose_key_the_gateway_does_not_hold_is_refused(client, token, chain_url):
    stranger = Web3.to_checksum_address("0x" + "5c" * 20)
    refused(
        client.post(
            "/tenders",
            json=planned(client, announcement(chain_url, f"{OCID}-y")),
            headers={**token("AGENCY_OFFICER", agency=1001, officer=stranger), **key()},
        ),
        "officer_key_unavailable",
    )


def test_an_official_of_another_agency_is_refused(client, token, chain_url):
    """A PU officer (dev:6) with a token claiming IKN: the directory says PU, so no IKN act."""
    refused(
        client.post(
            "/tenders",
            json=planned(client, announcement(chain_url, f"{OCID}-z")),
            headers={**token("AGENCY_OFFICER", agency=1001, officer=dev(chain_url, 6)), **key()},
        ),
        "wrong_agency",
    )


def test_an_account_the_directory_does_not_hold_is_refused(client, token, chain_url):
    """The auditor (dev:14) has a key of its own but is no agency's official: it cannot enrol."""
    refused(
        client.post(
            "/welfare/programmes",
            json={
                "budgetLine": 1,
                "name": "PKH",
                "firstPeriodStart": now(chain_url) + 3600,
                "periodLength": 86400,
                "rules": WELFARE_BODY_RULES,
            },
            headers={**token("WELFARE_ADMIN", officer=dev(chain_url, 14)), **key()},
        ),
        "official_not_registered",
    )


# -- configuration ----------------------------------------------------------------------------------
def test_outside_local_or_test_a_shared_key_for_people_keeps_the_gateway_from_starting(settings):
    live = settings.model_copy(update={"host": "10.1.2.3"})
    names = ["relayer", "role:TREASURY", "officer:0x" + "ab" * 20]
    check_signers(live, names)  # the machines' service keys and officials' own keys: fine
    for shared in ("agency:1001", "role:WELFARE_ADMIN", "role:ENROLLER", "role:VERIFIER", "role:COMMITTEE"):
        with pytest.raises(ConfigurationError, match=shared):
            check_signers(live, [*names, shared])
    check_signers(settings, [*names, "agency:1001"])  # local/test on loopback: allowed
    assert shared_human_signers(["agency:1", "role:TREASURY", "relayer"]) == ["agency:1"]


def test_the_development_signers_file_gives_every_official_its_own_key(signers_file, dev_config):
    from app.ledger.signers import SignerRegistry, officer_signer

    names = SignerRegistry(signers_file).names()
    assert all(officer_signer(g.account) in names for g in dev_config.grants)
    # Only machines (the payment bridge); the committee acts through its contract.
    assert shared_human_signers(names) == []


# -- the read side names the official ---------------------------------------------------------------
def indexed(client, chain_url) -> None:
    head = int(rpc(chain_url, "eth_blockNumber"), 16)
    wait_until_indexed(lambda: client.get("/health").json(), head)


def test_the_ppk_announces_and_amends_with_its_own_key_and_the_explorer_names_it(client, token, chain_url):
    ppk = token("AGENCY_OFFICER", agency=1001)
    created = client.post("/tenders", json=planned(client, announcement(chain_url)), headers={**ppk, **key()})
    assert created.status_code == 201, created.text
    amended = client.post(
        f"/tenders/{OCID}/addenda", json={"documentHash": "0x" + "44" * 32}, headers={**ppk, **key()}
    )
    assert amended.status_code == 200, amended.text
    sender = rpc(chain_url, "eth_getTransactionByHash", [amended.json()["transactionHash"]])["from"]
    assert Web3.to_checksum_address(sender) == dev(chain_url, 4)  # the PPK's own key, not the agency's
    indexed(client, chain_url)
    page = client.get(f"/explorer/tenders/{OCID}", headers={"Accept-Language": "id"})
    assert page.status_code == 200
    assert f'data-official="{dev(chain_url, 4)}"' in page.text and "Otorita Ibu Kota Nusantara" in page.text
    assert page.text.count('class="official"') >= 2  # announcement and addendum each name it


def test_the_officials_of_an_agency_are_listed_with_their_roles(client, chain_url):
    indexed(client, chain_url)
    listed = client.get("/agencies/1001/officials")
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["name"] == "Otorita Ibu Kota Nusantara"
    by_address = {o["address"]: o["roles"] for o in body["officials"]}
    assert by_address[dev(chain_url, 4)] == ["AGENCY_OFFICER"]
    assert by_address[dev(chain_url, 8)] == ["VERIFIER"]  # PPHP of IKN, assigned at deployment
    assert dev(chain_url, 6) not in by_address  # PU's
    one = client.get(f"/officials/{dev(chain_url, 13)}").json()
    assert (one["agencyId"], one["agencyName"], one["roles"]) == (2001, "Kementerian Sosial", ["ENROLLER"])
    assert client.get("/agencies/4242/officials").json()["code"] == "not_found"
    assert client.get("/officials/not-an-address").status_code == 422
