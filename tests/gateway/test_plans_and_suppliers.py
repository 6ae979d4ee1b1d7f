"""Procurement plans (RUP) and supplier data (SIKaP) checked by the gateway, as specifications and
as an insider would try them: a PPK announcing a tender outside its agency's announced plan, above
the pagu, by another method, on another agency's package or on a package another live tender cites;
the announcing officer importing the plan himself, a pagu raised after the announcement, a plan row
written straight into the database; a supplier unknown to SIKaP or on the national
blacklist registered; a bidder without the tender's qualification (or with an expired SBU) relayed;
one official alone turning a national blacklist entry into an on-chain blacklist."""

from __future__ import annotations

import json
import uuid

import pytest
from eth_account import Account
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import text
from web3 import Web3

from app.config import Settings, development_values
from app.plans import anchoring, importing
from app.plans import models as plan_models
from app.protocol import bids, merkle
from app.protocol.identity import keyed_hash
from app.protocol.manifest import load_manifest
from app.sikap import importing as sikap_importing
from app.sikap import models as sikap_models
from app.sikap import store as sikap_store
from app.tenders.opening_codec import encode_opening
from tests.support.clock import key, now
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import rpc
from tests.support.plans import plan_row, planned
from tests.support.pokja import Pokja, managed_supplier
from toolchain.dev_signers import dev_official

DAY = 86_400
HPS = 1_000_000_000
RUN = uuid.uuid4().hex[:8]


@pytest.fixture(scope="module")
def story(app, token, chain_url, manifest_dir, issuer_dir, settings, dev_config):
    with TestClient(app) as client:
        yield {
            "ppk_account": dev_official(dev_config, "AGENCY_OFFICER", 1001),
            "client": client,
            "app": app,
            "token": token,
            "chain_url": chain_url,
            "manifest": load_manifest(manifest_dir / "31337.json"),
            "issuer_dir": issuer_dir,
            "hmac": settings.identity_hmac_key.get_secret_value().encode(),
        }


@pytest.fixture()
def sikap_enforced(story):
    """The gateway as it runs outside local and test: registration checked against SIKaP."""
    state = story["app"].state
    before = state.settings
    state.settings = before.model_copy(update={"sikap_check_enabled": True})
    yield
    state.settings = before


def ppk(story, agency: int = 1001) -> dict:
    return story["token"]("AGENCY_OFFICER", agency=agency)


def tender(story, number: str, agency: int = 1001, **changes) -> dict:
    start = now(story["chain_url"])
    return {
        "ocid": f"ocds-terang-{agency}-rup-{RUN}-{number}",
        "title": f"Pengadaan uji RUP {number}",
        "documentHash": "0x" + "3c" * 32,
        "agencyId": agency,
        "hps": HPS,
        "category": 0,
        "commitDeadline": start + 3 * DAY,
        "revealDeadline": start + 4 * DAY,
        "objectionWindow": 2 * DAY,
        "minValidBids": 1,
        **changes,
    }


def announce(story, body: dict, agency: int = 1001):
    return story["client"].post("/tenders", json=body, headers={**ppk(story, agency), **key()})


def refused(answer, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == code, answer.json()


# --- the plan an announcement must fit --------------------------------------------------------------


def test_a_tender_without_a_rup_code_is_refused(story):
    answer = announce(story, tender(story, "none"))
    refused(answer, 422, "invalid_request")
    assert "rupCode" in answer.text


def test_a_tender_citing_an_unknown_rup_is_refused(story):
    refused(announce(story, {**tender(story, "unknown"), "rupCode": f"X{RUN}"}), 422, "rup_unknown")


@pytest.mark.parametrize(
    ("name", "plan", "status", "code"),
    [
        ("not-announced", {"status_umumkan_rup": False}, 422, "rup_not_announced"),
        ("over-pagu", {"pagu": HPS - 1}, 422, "hps_above_pagu"),
        ("other-method", {"metode": "Tender Cepat"}, 422, "rup_method_mismatch"),
        ("e-purchasing", {"metode": "E-Purchasing"}, 422, "rup_method_mismatch"),
        ("other-agency", {"agency_id": 1002, "kd_satker": "PU-1"}, 403, "rup_other_agency"),
    ],
)
def test_a_tender_outside_its_plan_is_refused_and_nothing_reaches_the_chain(story, name, plan, status, code):
    body = planned(story["client"], tender(story, name), **plan)
    refused(announce(story, body), status, code)
    assert story["client"].get(f"/tenders/{body['ocid']}").status_code == 404


def test_a_ppk_cannot_cite_another_agencys_package_for_its_own_tender(story):
    """The PU officer cites IKN's package (its pagu fits) for a PU tender: refused."""
    ikn = planned(story["client"], tender(story, "ikn-package"))
    body = {**tender(story, "pu-tender", agency=1002), "rupCode": ikn["rupCode"]}
    refused(announce(story, body, agency=1002), 403, "rup_other_agency")


def test_a_package_is_cited_by_one_live_tender_and_freed_when_it_is_cancelled(story):
    client = story["client"]
    first = planned(client, tender(story, "first"))
    announced = announce(story, first)
    assert announced.status_code == 201, announced.text
    plan = client.get(f"/plans/{first['rupCode']}").json()
    assert (plan["pagu"], plan["tenderMethod"], plan["agencyId"]) == (HPS, "tender", 1001)
    assert [t["ocid"] for t in plan["tenders"]] == [first["ocid"]]

    second = {**tender(story, "second"), "rupCode": first["rupCode"]}
    refused(announce(story, second), 409, "rup_already_cited")
    again = announce(story, first)  # the same tender again: the chain, not the plan, refuses it
    assert again.status_code == 409 and again.json()["code"] == "TenderAlreadyExists", again.text

    cancelled = client.post(
        f"/tenders/{first['ocid']}/cancellation",
        json={"reasonHash": "0x" + "ca" * 32},
        headers={**ppk(story), **key()},
    )
    assert cancelled.status_code == 200, cancelled.text
    assert announce(story, second).status_code == 201
    cited = [t["ocid"] for t in client.get(f"/plans/{first['rupCode']}").json()["tenders"]]
    assert sorted(cited) == sorted([first["ocid"], second["ocid"]])


def test_the_ocds_release_and_the_explorer_show_the_plan(story):
    client = story["client"]
    body = planned(client, tender(story, "ocds"), pagu=HPS + 5, metode="Tender")
    assert announce(story, body).status_code == 201
    head = int(rpc(story["chain_url"], "eth_blockNumber"), 16)
    wait_until_indexed(lambda: client.get("/health").json(), head)
    (record,) = client.get(f"/ocds/records/{body['ocid']}").json()["records"]
    first = record["releases"][0]
    assert first["tag"] == ["planning", "tender"]
    budget = record["compiledRelease"]["planning"]["budget"]
    assert (budget["id"], budget["amount"]) == (body["rupCode"], {"amount": HPS + 5, "currency": "IDR"})
    page = client.get(f"/explorer/tenders/{body['ocid']}", headers={"Accept-Language": "en"}).text
    assert (
        body["rupCode"] in page
        and 'id="tender-pagu"' in page
        and 'id="tender-planned-method">Tender<' in page
    )


def test_the_plan_check_is_on_unless_switched_off_and_off_is_refused_in_production():
    assert Settings().plan_check_enabled is True
    assert not any("TERANG_PLAN_CHECK_ENABLED" in v for v in development_values(Settings()))
    off = Settings(environment="test", plan_check_enabled=False)
    assert any("TERANG_PLAN_CHECK_ENABLED" in v for v in development_values(off))
    with pytest.raises(ValidationError, match="TERANG_PLAN_CHECK_ENABLED"):
        Settings(environment="production", plan_check_enabled=False)


# --- importing plans --------------------------------------------------------------------------------


def data_officer(story) -> dict:
    """LKPP's data officer (dev:1, deploy/local.yaml: DATA_OFFICER): the one who imports SIRUP plans."""
    return story["token"]("DATA_OFFICER", sub="lkpp-data")


def import_plan(story, rows: list[dict], agency: int = 1001, headers: dict | None = None):
    return story["client"].post(
        "/plans/imports",
        json={"agencyId": agency, "file": json.dumps(rows)},
        headers={**(headers or data_officer(story)), **key()},
    )


def test_the_announcing_officer_cannot_import_a_plan(story):
    """The PPK who announces would first import a package with the pagu he needs: refused, whether
    his token holds only his own role or the data officer's too."""
    row = plan_row(tender(story, "self-import"), kd_rup=f"S{RUN}", pagu=10**15)
    refused(import_plan(story, [row], headers=ppk(story)), 403, "forbidden_role")
    both = story["token"]("AGENCY_OFFICER", "DATA_OFFICER", agency=1001, officer=story["ppk_account"])
    refused(import_plan(story, [row], headers=both), 403, "plan_import_by_agency_officer")
    # a DATA_OFFICER token naming an official the directory holds for the plan's own agency
    own = story["token"]("DATA_OFFICER", sub="ppk-data", officer=story["ppk_account"])
    refused(import_plan(story, [row], headers=own), 403, "plan_import_by_agency_officer")
    assert story["client"].get(f"/plans/S{RUN}").status_code == 404


def test_a_data_officer_imports_an_agencys_packages_anchored_on_chain(story):
    client = story["client"]
    row = plan_row(tender(story, "import"), kd_rup=f"I{RUN}")
    imported = import_plan(story, [row])
    assert imported.status_code == 201, imported.text
    answer = imported.json()
    assert (answer["agencyId"], answer["imported"], answer["rupCodes"]) == (1001, 1, [f"I{RUN}"])
    # The root on chain is the root over the row's canonical form, hashed again here.
    parsed = importing.parse(json.dumps([row]))
    expected = merkle.root([anchoring.leaf_of(parsed[0], 0)])
    archives = story["app"].state.chain.contract("Archives")
    root, _metadata, count, _at, officer, kind = archives.functions.getArchive(answer["archiveId"]).call()
    assert (bytes(root), count, kind) == (expected, 1, anchoring.PLAN_KIND)
    assert answer["root"] == "0x" + expected.hex()
    again = import_plan(story, [row])  # the answer was lost: the same file, nothing anchored twice
    assert again.status_code == 201 and again.json() == answer
    assert len(story["client"].get(f"/plans/I{RUN}").json()["history"]) == 1
    # one extract per agency: not for another agency, nor by moving IKN's package to PU
    refused(import_plan(story, [row], agency=1002), 403, "rup_other_agency")
    taken = [{**row, "agency_id": 1002, "pagu": 10**15}]
    refused(import_plan(story, taken, agency=1002), 403, "rup_other_agency")
    assert client.get(f"/plans/I{RUN}").json()["pagu"] == HPS


def test_a_pagu_raised_after_the_announcement_keeps_the_version_the_tender_was_checked_against(story):
    client = story["client"]
    body = planned(client, tender(story, "raised"))
    assert announce(story, body).status_code == 201
    raised = plan_row(body, pagu=HPS * 10)
    assert import_plan(story, [raised]).status_code == 201
    plan = client.get(f"/plans/{body['rupCode']}").json()
    first, second = plan["history"]
    assert (first["pagu"], second["pagu"], plan["pagu"]) == (HPS, HPS * 10, HPS * 10)
    assert plan["versionId"] == second["versionId"] != first["versionId"]
    assert second["importedBy"] == "lkpp-data" and len(second["fileSha256"]) == 64
    (cited,) = plan["tenders"]
    assert cited["planVersionId"] == first["versionId"]
    wait_until_indexed(
        lambda: client.get("/health").json(), int(rpc(story["chain_url"], "eth_blockNumber"), 16)
    )
    page = client.get(f"/explorer/tenders/{body['ocid']}", headers={"Accept-Language": "en"}).text
    assert 'id="tender-pagu">Rp 1,000,000,000<' in page  # the version the tender was checked against
    assert 'id="tender-plan-changed"' in page and "Pagu now Rp 10,000,000,000" in page


def test_a_plan_row_written_straight_into_the_database_is_never_checked_against(story):
    """Fail closed: a package no anchored import brought (an insider's INSERT) cites nothing."""
    body = tender(story, "inserted")
    code = f"D{RUN}"
    row = {**plan_row(body, kd_rup=code), "status_umumkan_rup": True}
    parsed = importing.parse(json.dumps([row]))[0]
    with story["app"].state.sessions.begin() as session:
        session.add(plan_models.ProcurementPlan(**parsed.as_columns()))
    refused(announce(story, {**body, "rupCode": code}), 422, "rup_not_anchored")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("[{", "not valid JSON"),
        ('{"kd_rup": 1}', "expected a JSON array of objects"),
        ("kd_rup,kd_satker\n1,2\n", "row 1 (kd_rup 1): nama_paket is missing"),
        (json.dumps([{"x": 1}]), "row 1: kd_rup is missing"),
    ],
)
def test_a_malformed_plan_file_is_refused_in_one_line(story, text, message):
    answer = story["client"].post(
        "/plans/imports",
        json={"agencyId": 1001, "file": text or " "},
        headers={**data_officer(story), **key()},
    )
    refused(answer, 422, "plan_file_invalid")
    assert message in answer.json()["detail"] and "\n" not in answer.json()["detail"]


def test_a_pagu_with_thousands_separators_is_refused_not_misread(story):
    row = {**plan_row(tender(story, "sep")), "pagu": "1.000.000.000"}
    answer = import_plan(story, [row])
    refused(answer, 422, "plan_file_invalid")
    assert "pagu must be a whole number" in answer.json()["detail"]


# --- supplier data: registration ---------------------------------------------------------------------


def nib() -> str:
    return f"91{uuid.uuid4().int % 10**11:011d}"


def sikap(story, *businesses: dict) -> None:
    parsed = sikap_importing.parse(json.dumps(list(businesses)), story["hmac"])
    with story["app"].state.sessions.begin() as session:
        sikap_store.save(session, parsed)


def register(story, number: str, account=None) -> object:
    body = {
        "account": (account or Account.create()).address,
        "nib": number,
        "npwp": f"01{uuid.uuid4().int % 10**13:013d}",
        "umkm": False,
        "regionCode": 6409,
    }
    return story["client"].post("/suppliers", json=body, headers={**ppk(story), **key()})


def test_registration_refuses_an_nib_sikap_does_not_know(story, sikap_enforced):
    refused(register(story, nib()), 422, "supplier_unknown_nib")


def test_registration_refuses_a_business_on_the_national_blacklist(story, sikap_enforced):
    number, today = nib(), now(story["chain_url"])
    entry = {"mulai": str(today - DAY), "selesai": str(today + 365 * DAY), "alasan": "SK LKPP uji"}
    sikap(story, {"nib": number, "nama": "CV Hitam", "daftar_hitam": [entry]})
    answer = register(story, number)
    refused(answer, 403, "supplier_blacklisted_nationally")
    assert number not in answer.text  # the NIB is never echoed


def test_a_registered_supplier_finds_its_business_name_for_the_awards_that_name_it(story, sikap_enforced):
    number = nib()
    sikap(story, {"nib": number, "nama": "PT Nama Publik", "kbli": ["42101"]})
    answer = register(story, number)
    assert answer.status_code == 201, answer.text
    supplier = answer.json()["supplierId"]
    with story["app"].state.sessions() as session:
        assert sikap_models.names_of(session, [supplier]) == {supplier: "PT Nama Publik"}
        stored = session.execute(text("SELECT * FROM sikap_suppliers")).all()
    assert not any(number in str(row) for row in stored)  # the keyed hash only


def test_a_malformed_sikap_extract_is_refused_in_one_line(story):
    for extract, message in [
        ('[{"nib": "12", "nama": "x"}]', "record 1: NIB: expected"),
        ('[{"nib": "9120000000001", "nama": "x", "kbli": ["4210"]}]', "KBLI code must be 5 digits"),
        ("nib,nama,jenis\n9120000000001,x,lain\n", "line 2: jenis must be one of"),
        ('[{"nib": "9120000000001", "nama": "x", "daftar_hitam": [{"mulai": "2026-02-30"}]}]', "not a date"),
    ]:
        with pytest.raises(sikap_importing.ExtractError) as raised:
            sikap_importing.parse(extract, story["hmac"])
        assert message in str(raised.value) and "\n" not in str(raised.value)


# --- supplier data: the tender's qualification at the commit --------------------------------------


def test_only_a_bidder_holding_the_tenders_qualification_is_relayed(story, sikap_enforced):
    client, chain_url = story["client"], story["chain_url"]
    today = now(chain_url)
    accounts = {name: Account.create() for name in ("valid", "expired", "kbli-only")}
    numbers = {name: nib() for name in accounts}
    sikap(
        story,
        {
            "nib": numbers["valid"],
            "nama": "PT Sah",
            "sbu": [{"kode": "BG004", "berlaku_sampai": str(today + 365 * DAY)}],
        },
        {
            "nib": numbers["expired"],
            "nama": "PT Kedaluwarsa",
            "sbu": [{"kode": "BG004", "berlaku_sampai": str(today - DAY)}],
        },
        {"nib": numbers["kbli-only"], "nama": "PT Lain", "kbli": ["42101"]},
    )
    ids = {}
    for name, account in accounts.items():
        created = register(story, numbers[name], account)
        assert created.status_code == 201, created.text
        ids[name] = created.json()["supplierId"]
        verified = client.post(f"/suppliers/{ids[name]}/verification", headers={**ppk(story, 1002), **key()})
        assert verified.status_code == 200, verified.text

    body = planned(client, tender(story, "sbu", category=1, qualification="SBU:BG004"))
    assert announce(story, body).status_code == 201
    pokja = Pokja(chain_url, story["issuer_dir"])
    assert pokja.appoint(client, body["ocid"]).status_code == 201

    def commit(name: str):
        tender_id, manifest = bids.tender_id(body["ocid"]), story["manifest"]
        salt = bids.new_salt()
        commitment = bids.commitment(tender_id, ids[name], HPS - 1, [], salt)
        sealed = pokja.seal(body["ocid"], ids[name], encode_opening(HPS - 1, [], salt, bytes(32)))
        tenders = Web3(Web3.HTTPProvider(chain_url)).eth.contract(
            address=manifest.address("Tenders"), abi=manifest.contracts["Tenders"].abi
        )
        message = bids.sign_commit(
            accounts[name].key,
            chain_id=31337,
            verifying_contract=manifest.address("Tenders"),
            tender=tender_id,
            nonce=tenders.functions.nonces(accounts[name].address).call(),
            deadline=now(chain_url) + 3600,
            bid_commitment=commitment,
            envelope_digest=bids.envelope_hash(sealed),
        )
        return client.post(
            f"/tenders/{body['ocid']}/bids/commitments",
            json={
                "supplier": message.supplier,
                "commitment": Web3.to_hex(commitment),
                "envelope": Web3.to_hex(sealed),
                "replaces": Web3.to_hex(message.replaces),
                "nonce": message.nonce,
                "deadline": message.deadline,
                "signature": Web3.to_hex(message.signature),
            },
            headers={**story["token"](supplier=ids[name], sub=name), **key()},
        )

    refused(commit("expired"), 403, "supplier_unqualified")
    refused(commit("kbli-only"), 403, "supplier_unqualified")
    assert commit("valid").status_code == 201
    assert client.get(f"/tenders/{body['ocid']}").json()["numberOfTenderers"] == 1


# --- the national blacklist reaches the chain through two officials -------------------------------------


def test_a_national_blacklist_entry_takes_two_officials_to_reach_the_chain(story, sikap_enforced):
    client, chain_url, token = story["client"], story["chain_url"], story["token"]
    number = nib()
    sikap(story, {"nib": number, "nama": "PT Segera Hitam"})
    created = register(story, number)
    assert created.status_code == 201, created.text
    supplier_id = created.json()["supplierId"]
    today = now(chain_url)
    entry = {"mulai": str(today + DAY), "selesai": str(today + 200 * DAY), "alasan": "SK Kepala LKPP uji"}
    sikap(story, {"nib": number, "nama": "PT Segera Hitam", "daftar_hitam": [entry]})
    # the national entry itself blacklists nothing on chain
    assert client.get(f"/suppliers/{supplier_id}").json()["blacklist"] is None

    officer1 = token("AGENCY_OFFICER", agency=1001, sub="pejabat-1")
    refused(client.get("/sikap/blacklist-matches"), 401, "unauthenticated")
    matches = client.get("/sikap/blacklist-matches", headers=officer1).json()["matches"]
    mine = [m for m in matches if m["supplierId"] == supplier_id]
    assert len(mine) == 1 and mine[0]["onChain"] is False
    proposal = mine[0]["proposal"]
    assert (proposal["start"], proposal["end"]) == (today + DAY, today + 200 * DAY)
    assert proposal["reasonHash"] == Web3.to_hex(Web3.keccak(text="SIKaP daftar hitam: SK Kepala LKPP uji"))

    proposed = client.post(
        f"/suppliers/{supplier_id}/blacklist-proposals", json=proposal, headers={**officer1, **key()}
    )
    assert proposed.status_code == 201, proposed.text
    proposal_id = proposed.json()["proposalId"]
    path = f"/suppliers/{supplier_id}/blacklist-proposals/{proposal_id}/confirmation"
    alone = client.post(path, headers={**officer1, **key()})
    refused(alone, 409, "SupplierBlacklistSameOfficer")
    assert client.get(f"/suppliers/{supplier_id}").json()["blacklist"] is None
    matches = client.get("/sikap/blacklist-matches", headers=officer1).json()["matches"]
    assert [m["onChain"] for m in matches if m["supplierId"] == supplier_id] == [False]

    second = client.post(path, headers={**token("AGENCY_OFFICER", agency=1001, sub="pejabat-2"), **key()})
    assert second.status_code == 200, second.text
    assert client.get(f"/suppliers/{supplier_id}").json()["blacklist"]["end"] == today + 200 * DAY
    matches = client.get("/sikap/blacklist-matches", headers=officer1).json()["matches"]
    assert [m for m in matches if m["supplierId"] == supplier_id][0]["onChain"] is True


def test_the_extract_keeps_no_nib_in_clear(story):
    number = nib()
    sikap(story, {"nib": number, "nama": "PT Rahasia", "kbli": ["42101"]})
    with story["app"].state.sessions() as session:
        rows = session.execute(text("SELECT * FROM sikap_businesses")).all()
    assert not any(number in str(row) for row in rows)
    assert any(str(row[0]) == "0x" + keyed_hash(story["hmac"], "nib", number).hex() for row in rows)


def test_a_managed_supplier_lacking_the_qualification_gets_no_bid_made_for_it(story):
    """The gateway signs for a managed supplier: it checks the qualification before sealing the bid."""
    client = story["client"]
    registry = Web3(Web3.HTTPProvider(story["chain_url"])).eth.contract(
        address=story["manifest"].address("SupplierRegistry"),
        abi=story["manifest"].contracts["SupplierRegistry"].abi,
    )
    body = planned(client, tender(story, "managed", qualification="KBLI:42101"))
    assert announce(story, body).status_code == 201
    assert Pokja(story["chain_url"], story["issuer_dir"]).appoint(client, body["ocid"]).status_code == 201
    bidder = managed_supplier(client, story["token"], registry, f"managed-{RUN}")  # not in SIKaP
    answer = client.post(
        f"/tenders/{body['ocid']}/bids/managed", json={"price": HPS - 1}, headers={**bidder["token"], **key()}
    )
    refused(answer, 403, "supplier_unqualified")
    assert client.get(f"/tenders/{body['ocid']}").json()["numberOfTenderers"] == 0


def test_announcing_a_live_tender_again_changes_neither_its_package_nor_its_qualification(story):
    """An insider re-sends the ocid of a live tender without its qualification and with another
    package: the chain refuses the duplicate, and the gateway's record of the tender stands."""
    client = story["client"]
    body = planned(client, tender(story, "keep", qualification="KBLI:42101"))
    assert announce(story, body).status_code == 201
    other = planned(client, tender(story, "keep-other"))
    again = announce(story, {**body, "rupCode": other["rupCode"], "qualification": None})
    assert again.status_code == 409 and again.json()["code"] == "TenderAlreadyExists", again.text
    plan = client.get(f"/plans/{body['rupCode']}").json()
    checked = plan["versionId"]
    assert plan["tenders"] == [
        {"ocid": body["ocid"], "hps": HPS, "qualification": "KBLI:42101", "planVersionId": checked}
    ]
    assert client.get(f"/plans/{other['rupCode']}").json()["tenders"] == []
