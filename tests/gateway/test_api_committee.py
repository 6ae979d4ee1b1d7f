"""The multi-agency committee through the REST API, on the live local chain (deploy/local.yaml: LKPP
dev:1, Kemenkeu dev:2, BPK dev:3 and KPK dev:23, each agency one official; BPK and KPK are guardian
agencies; threshold 2 of 4). Every act is signed with the calling official's own key.

The story: a BPK official pauses the TKDN registry at once; an LKPP official proposes its unpause,
which LKPP alone can neither schedule nor approve twice; Kemenkeu approves, it is scheduled, and
cannot execute before the hub's delay; BPK vetoes it; the same act proposed again is one BPK may not
veto a second time during this pause, and it executes after the delay. The explorer shows who
proposed, who approved for which agency, the veto and the execution, in WIB."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from web3 import Web3

from app.main import create_app
from app.protocol.manifest import load_manifest
from tests.support.documented import documented
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import rpc

LKPP, KEMENKEU, BPK, KPK = 1, 2, 3, 23  # dev accounts of the committee's officials
AGENCY = {LKPP: 3001, KEMENKEU: 3002, BPK: 3003, KPK: 3004}
PPK = 4  # an agency officer: the gateway holds its key, but it sits on no committee
TARGET = "TkdnRegistry"
PROBLEM = "application/problem+json"


def key() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def h(text: str) -> str:
    return Web3.to_hex(Web3.keccak(text=text))


def problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body = response.json()
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.fixture(scope="module")
def story(settings, token, chain_url, manifest_dir):
    manifest = load_manifest(manifest_dir / "31337.json")
    web3 = Web3(Web3.HTTPProvider(chain_url))
    accounts = web3.eth.accounts
    registry = web3.eth.contract(address=manifest.address(TARGET), abi=manifest.contracts[TARGET].abi)

    def official(role: str, index: int) -> dict:
        return token(role, agency=AGENCY.get(index), sub=f"pejabat-{index}", officer=accounts[index])

    with TestClient(create_app(settings)) as client:
        client.event_hooks["response"].append(_as_documented)
        yield {
            "client": client,
            "manifest": manifest,
            "chain_url": chain_url,
            "web3": web3,
            "accounts": accounts,
            "registry": registry,
            "lkpp": official("COMMITTEE", LKPP),
            "kemenkeu": official("COMMITTEE", KEMENKEU),
            "bpk": official("GUARDIAN", BPK),
            "kpk": official("GUARDIAN", KPK),
            "lkpp_as_guardian": official("GUARDIAN", LKPP),
            "ppk_as_member": official("COMMITTEE", PPK),
            "stranger": token("COMMITTEE", sub="orang-lain", officer="0x" + "12" * 20),
            "no_officer": token("COMMITTEE", sub="komite"),
            "officer": token("AGENCY_OFFICER", agency=1001, sub="ppk-ikn"),
        }


def _as_documented(response) -> None:
    response.read()
    if response.is_success and response.request.url.path.startswith("/committee"):
        documented(response)


def post(story, path: str, who: str, body: dict | None = None):
    return story["client"].post(path, json=body, headers={**story[who], **key()})


def travel(story, seconds: int) -> None:
    rpc(story["chain_url"], "evm_increaseTime", [seconds])
    rpc(story["chain_url"], "evm_mine")


def unpause_proposal(text: str) -> dict:
    return {"acts": [{"kind": "unpause", "contract": TARGET}], "descriptionHash": h(text)}


def test_1_a_committee_act_is_signed_with_a_member_officials_own_key_or_refused(story):
    body = unpause_proposal("tidak dipakai")
    path = "/committee/proposals"
    problem(story["client"].post(path, json=body, headers=key()), 401, "unauthenticated")
    problem(post(story, path, "officer", body), 403, "forbidden_role")
    problem(post(story, path, "no_officer", body), 403, "officer_claim_missing")
    problem(post(story, path, "stranger", body), 403, "officer_key_unavailable")
    problem(post(story, path, "ppk_as_member", body), 403, "CommitteeNotMember")


def test_2_a_guardian_official_pauses_at_once_and_no_one_else_may(story):
    body = {"contract": TARGET}
    problem(post(story, "/committee/pauses", "lkpp", body), 403, "forbidden_role")
    problem(post(story, "/committee/pauses", "lkpp_as_guardian", body), 403, "CommitteeNotGuardian")
    problem(post(story, "/committee/pauses", "bpk", {"contract": "NoSuchThing"}), 404, "not_found")
    paused = post(story, "/committee/pauses", "bpk", body)
    assert paused.status_code == 200, paused.text
    assert paused.json()["official"] == story["accounts"][BPK] and paused.json()["agency"] == AGENCY[BPK]
    assert story["registry"].functions.paused().call()


def test_3_acts_are_typed_and_checked_before_anything_is_proposed(story):
    path = "/committee/proposals"
    problem(post(story, path, "lkpp", {"acts": [], "descriptionHash": h("x")}), 422, "invalid_request")
    problem(post(story, path, "lkpp", {"acts": [{"kind": "mint"}], "descriptionHash": h("x")}), 422)
    problem(post(story, path, "lkpp", {**unpause_proposal("x"), "descriptionHash": "0x12"}), 422)
    wrong = {"acts": [{"kind": "unpause", "contract": "NoSuchThing"}], "descriptionHash": h("x")}
    problem(post(story, path, "lkpp", wrong), 404, "not_found")
    running = {"acts": [{"kind": "unpause", "contract": "Tenders"}], "descriptionHash": h("x")}
    problem(post(story, path, "lkpp", running), 409, "already_unpaused")
    # Pausing is the guardians' at once, never a committee act: the hub would refuse the Committee.
    paused = {"acts": [{"kind": "pause", "contract": "Tenders"}], "descriptionHash": h("x")}
    problem(post(story, path, "lkpp", paused), 422, "act_not_committee")


def test_4_one_member_agency_alone_neither_schedules_nor_counts_twice(story):
    proposed = post(story, "/committee/proposals", "lkpp", unpause_proposal("buka kembali registri TKDN"))
    assert proposed.status_code == 201, proposed.text
    result = proposed.json()
    assert (result["status"], result["proposer"], result["agency"]) == (
        "proposed",
        story["accounts"][LKPP],
        AGENCY[LKPP],
    )
    assert [(c["act"], c["contract"], c["function"]) for c in result["calls"]] == [
        ("unpause", TARGET, "unpause")
    ]
    story["first"] = pid = result["proposalId"]
    base = f"/committee/proposals/{pid}"
    problem(post(story, f"{base}/schedule", "lkpp"), 409, "CommitteeNotEnoughApprovals")
    problem(post(story, f"{base}/approvals", "lkpp"), 409, "CommitteeAlreadyApproved")
    problem(post(story, f"{base}/execution", "lkpp"), 409, "CommitteeWrongStatus")
    view = story["client"].get(base).json()
    assert (view["status"], view["approvingAgencies"], view["threshold"]) == ("proposed", [AGENCY[LKPP]], 2)
    assert view["executableAt"] is None and view["executed"] is None


def test_5_a_second_agency_approves_and_it_waits_the_hubs_delay(story):
    base = f"/committee/proposals/{story['first']}"
    problem(post(story, f"{base}/approvals", "officer"), 403, "forbidden_role")
    approved = post(story, f"{base}/approvals", "kemenkeu")
    assert approved.status_code == 200, approved.text
    assert (approved.json()["official"], approved.json()["agency"]) == (
        story["accounts"][KEMENKEU],
        AGENCY[KEMENKEU],
    )
    scheduled = post(story, f"{base}/schedule", "kemenkeu")
    assert scheduled.status_code == 200, scheduled.text
    ready = scheduled.json()["executableAt"]
    assert scheduled.json()["executableAtWib"].endswith("+07:00")
    problem(post(story, f"{base}/execution", "lkpp"), 409, "CommitteeNotReady")
    view = story["client"].get(base).json()
    assert view["status"] == "scheduled" and view["executableAt"] == ready
    assert [(a["official"], a["agency"]) for a in view["approvals"]] == [
        (story["accounts"][LKPP], AGENCY[LKPP]),
        (story["accounts"][KEMENKEU], AGENCY[KEMENKEU]),
    ]


def test_6_a_guardian_vetoes_during_the_delay_and_the_act_never_executes(story):
    base = f"/committee/proposals/{story['first']}"
    reason = {"reasonHash": h("BPK: dasar pembukaan belum lengkap")}
    problem(post(story, f"{base}/veto", "lkpp", reason), 403, "forbidden_role")
    problem(post(story, f"{base}/veto", "lkpp_as_guardian", reason), 403, "CommitteeNotGuardian")
    problem(post(story, f"{base}/veto", "bpk", {"reasonHash": "0x00"}), 422, "invalid_request")
    vetoed = post(story, f"{base}/veto", "bpk", reason)
    assert vetoed.status_code == 200, vetoed.text
    assert (vetoed.json()["status"], vetoed.json()["agency"]) == ("vetoed", AGENCY[BPK])
    travel(story, 61)
    problem(post(story, f"{base}/execution", "lkpp"), 409, "CommitteeWrongStatus")
    assert story["registry"].functions.paused().call()
    view = story["client"].get(base).json()
    assert view["status"] == "vetoed" and view["vetoes"][0]["reasonHash"] == reason["reasonHash"]


def test_7_one_guardian_cannot_block_the_unpause_for_ever(story):
    proposed = post(story, "/committee/proposals", "lkpp", unpause_proposal("buka kembali registri TKDN"))
    assert proposed.status_code == 201, proposed.text
    story["second"] = pid = proposed.json()["proposalId"]
    base = f"/committee/proposals/{pid}"
    reason = {"reasonHash": h("BPK: veto kedua")}
    problem(post(story, f"{base}/veto", "bpk", reason), 409, "CommitteeVetoSpent")  # once per pause
    assert post(story, f"{base}/approvals", "kemenkeu").status_code == 200
    assert post(story, f"{base}/schedule", "lkpp").status_code == 200
    travel(story, 61)
    executed = post(story, f"{base}/execution", "kemenkeu")
    assert executed.status_code == 200, executed.text
    assert (executed.json()["proposalId"], executed.json()["status"]) == (pid, "executed")
    assert (TARGET, "Unpaused") in [(e["contract"], e["event"]) for e in executed.json()["events"]]
    assert not story["registry"].functions.paused().call()
    view = story["client"].get(base).json()
    assert view["status"] == "executed" and view["executed"]["official"] == story["accounts"][KEMENKEU]
    assert view["executed"]["atWib"].endswith("+07:00")
    problem(post(story, f"{base}/execution", "kemenkeu"), 409, "CommitteeWrongStatus")


def test_8_proposals_are_public_reads_and_unknown_ones_are_problems(story):
    client = story["client"]
    assert client.get("/committee").json() == {
        "address": story["manifest"].address("Committee"),
        "threshold": 2,
        "agencies": [
            {"agencyId": AGENCY[LKPP], "guardian": False},
            {"agencyId": AGENCY[KEMENKEU], "guardian": False},
            {"agencyId": AGENCY[BPK], "guardian": True},
            {"agencyId": AGENCY[KPK], "guardian": True},
        ],
        "proposals": story["second"],
    }
    listed = client.get("/committee/proposals").json()
    ids = [p["proposalId"] for p in listed["proposals"]]
    assert ids == sorted(ids, reverse=True) and {story["first"], story["second"]} <= set(ids)
    assert listed["total"] >= 2
    page = client.get("/committee/proposals", params={"limit": 1}).json()
    assert len(page["proposals"]) == 1 and page["next"] == page["proposals"][0]["proposalId"]
    problem(client.get("/committee/proposals/999999"), 404, "CommitteeUnknownProposal")
    problem(client.get("/committee/proposals/0"), 422, "invalid_request")
    problem(post(story, "/committee/proposals/999999/approvals", "lkpp"), 404, "CommitteeUnknownProposal")


def test_9_the_explorer_names_who_proposed_approved_vetoed_and_executed(story, settings):
    head = int(rpc(story["chain_url"], "eth_blockNumber"), 16)
    with TestClient(create_app(settings.model_copy(update={"indexer_enabled": True}))) as web:
        wait_until_indexed(lambda: web.get("/health").json(), head)
        listing = web.get("/explorer/committee")
        assert listing.status_code == 200 and 'href="/explorer/committee"' in listing.text
        assert f'data-proposal="{story["first"]}" data-status="vetoed"' in listing.text
        assert f'data-proposal="{story["second"]}" data-status="executed"' in listing.text
        page = web.get(f"/explorer/committee/{story['first']}", params={"lang": "id"})
        assert page.status_code == 200 and "Diveto penjaga" in page.text and "WIB" in page.text
        steps = re.findall(r'data-step="(\w+)" data-official="(0x\w+)" data-agency="(\d*)"', page.text)
        accounts = [a.lower() for a in story["accounts"]]
        assert [(kind, accounts.index(who.lower()), agency) for kind, who, agency in steps] == [
            ("proposed", LKPP, str(AGENCY[LKPP])),
            ("approved", LKPP, str(AGENCY[LKPP])),
            ("approved", KEMENKEU, str(AGENCY[KEMENKEU])),
            ("scheduled", KEMENKEU, ""),
            ("vetoed", BPK, str(AGENCY[BPK])),
        ]
        assert 'data-act="unpause"' in page.text
        english = web.get(f"/explorer/committee/{story['second']}", params={"lang": "en"}).text
        assert "Executed" in english and 'data-step="executed"' in english
        assert web.get("/explorer/committee/999999").status_code == 404
