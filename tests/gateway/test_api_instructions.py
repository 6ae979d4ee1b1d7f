"""Payment instructions through the REST API: a welfare programme pays two batches (two instructions in
the Payments ledger), the treasury settles one; anyone reads an instruction as the chain holds it,
with its indexed history; treasury and auditors also see the payment bridge's attempts; the list
filters by source and status and pages newest first. Unknown ids are 404 problems, malformed input
422, never 500."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from web3 import Web3

from app.payments.models import HELD, PaymentOutbox
from app.protocol import welfare as welfarelib
from app.protocol.manifest import load_manifest
from tests.support.clock import key, now
from tests.support.documented import documented
from tests.support.localchain import rpc
from tests.support.payments import approve_budget_line, scope_enroller

TREASURY = 11  # deploy/local.yaml: dev:11 holds TREASURY
FAMILIES = [("6302014107850101", [0, 1, 0, 0, 0, 0, 0]), ("6302014107850102", [1, 0, 0, 0, 0, 0, 0])]


def problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if code:
        assert response.json()["code"] == code, response.json()
    return response.json()


def indexed(client, block: int) -> None:
    """Waits until the gateway's indexer has stored every log up to `block`."""
    deadline = time.monotonic() + 30
    while (client.get("/instructions", params={"limit": 1}).json()["indexedThroughBlock"] or -1) < block:
        assert time.monotonic() < deadline, "the indexer did not catch up"
        time.sleep(0.3)


@pytest.fixture(scope="module")
def paid(app, token, chain_url, manifest_dir):
    """Two welfare batches paid through the API (one family each); the first settled by the treasury."""
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        manifest = load_manifest(manifest_dir / "31337.json")
        w3 = Web3(Web3.HTTPProvider(chain_url))
        line = approve_budget_line(w3, manifest, period_length=86400)
        start = now(chain_url) + 600
        rules = {
            "deciles": [1, 2, 3, 4],
            "componentCap": 4,
            "budgetPerPeriod": 10_000_000,
            "componentAmounts": welfarelib.pkh_amounts_per_period(),
        }
        programme = client.post(
            "/welfare/programmes",
            json={
                "budgetLine": line,
                "name": "PKH",
                "firstPeriodStart": start,
                "periodLength": 86400,
                "rules": rules,
            },
            headers={**token("WELFARE_ADMIN"), **key()},
        ).json()["programmeId"]
        scope_enroller(w3, manifest, programme)
        enrolled = client.post(
            f"/welfare/programmes/{programme}/enrolments",
            json={
                "applicants": [{"nik": n, "decile": 1, "region": 6302, "components": c} for n, c in FAMILIES]
            },
            headers={**token("ENROLLER"), **key()},
        ).json()
        keys = [a["beneficiaryKey"] for a in enrolled["applicants"]]
        rpc(chain_url, "evm_setNextBlockTimestamp", [start + 1])
        rpc(chain_url, "evm_mine")
        batches = [
            client.post(
                f"/welfare/programmes/{programme}/periods/0/disbursements",
                json={"beneficiaryKeys": [k]},
                headers={**token("WELFARE_ADMIN"), **key()},
            ).json()
            for k in keys
        ]
        payments = w3.eth.contract(
            address=manifest.address("Payments"), abi=manifest.contracts["Payments"].abi
        )
        settled = w3.eth.wait_for_transaction_receipt(
            payments.functions.settle(
                batches[0]["paymentInstructionId"], 0, b"disb-0001".ljust(32, b"\0")
            ).transact({"from": w3.eth.accounts[TREASURY]})
        )
        indexed(client, settled["blockNumber"])
        yield {
            "client": client,
            "token": token,
            "programme": programme,
            "settled": batches[0],
            "authorized": batches[1],
            "manifest": manifest,
        }


def test_anyone_reads_an_instruction_as_the_ledger_holds_it(paid):
    client, batch = paid["client"], paid["authorized"]
    instruction = client.get(f"/instructions/{batch['paymentInstructionId']}")
    assert instruction.status_code == 200, instruction.text
    view = documented(instruction)
    assert (view["purpose"], view["status"], view["attempt"], view["amount"]) == (
        "welfare_batch",
        "authorized",
        0,
        batch["amount"],
    )
    assert (
        view["source"] == paid["manifest"].address("WelfarePrograms")
        and view["sourceContract"] == "WelfarePrograms"
    )
    assert view["payeeKey"] == batch["linesRoot"]  # a batch is paid to the Merkle root of its lines
    assert view["batch"] == {
        "lineCount": 1,
        "failedLines": 0,
        "failedAmount": 0,
        "linesRoot": batch["linesRoot"],
        "welfare": {"programmeId": paid["programme"], "period": 0},
    }
    assert "bridge" not in view


def test_an_instructions_history_comes_from_the_indexer_with_block_times(paid):
    client, batch = paid["client"], paid["settled"]
    view = documented(client.get(f"/instructions/{batch['paymentInstructionId']}"))
    assert view["status"] == "settled"
    assert [e["event"] for e in view["history"]] == [
        "PaymentAuthorized",
        "PaymentBatchAuthorized",
        "PaymentSettled",
    ]
    assert view["history"][0]["transactionHash"] == batch["transactionHash"]
    assert view["history"][2]["args"]["amount"] == batch["amount"]
    assert (
        view["authorizedAt"] == view["history"][0]["timestamp"] and view["updatedAt"] >= view["authorizedAt"]
    )


def test_the_bridges_view_is_for_treasury_and_auditors_only(paid, settings):
    client, token, instruction_id = paid["client"], paid["token"], paid["authorized"]["paymentInstructionId"]
    path = f"/instructions/{instruction_id}"
    problem(client.get(path, params={"include": "bridge"}), 401, "unauthenticated")
    for role in ("WELFARE_ADMIN", "ENROLLER", "AGENCY_OFFICER"):
        problem(client.get(path, params={"include": "bridge"}, headers=token(role)), 403, "forbidden_role")
    problem(
        client.get(path, params={"include": "everything"}, headers=token("AUDITOR")), 422, "invalid_request"
    )
    assert (
        documented(client.get(path, params={"include": "bridge"}, headers=token("AUDITOR")))["bridge"] is None
    )

    engine = create_engine(settings.database_url)
    with Session(engine) as session, session.begin():  # what the bridge records for a batch it holds
        session.add(
            PaymentOutbox(
                instruction_id=instruction_id,
                attempt=0,
                source=paid["manifest"].address("WelfarePrograms").lower(),
                payee_key=paid["authorized"]["linesRoot"],
                purpose=4,
                amount=paid["authorized"]["amount"],
                block_number=1,
                authorized_tx=paid["authorized"]["transactionHash"],
                state=HELD,
            )
        )
    engine.dispose()
    for role in ("TREASURY", "AUDITOR"):
        bridge = documented(client.get(path, params={"include": "bridge"}, headers=token(role)))["bridge"]
        assert [(a["attempt"], a["state"], a["amount"]) for a in bridge["attempts"]] == [
            (0, HELD, paid["authorized"]["amount"])
        ]


def test_an_unknown_or_malformed_instruction_id_is_a_problem(paid):
    client = paid["client"]
    problem(client.get("/instructions/0x" + "ab" * 32), 404, "not_found")
    for bad in ("0x1234", "0x" + "zz" * 32, "123"):
        problem(client.get(f"/instructions/{bad}"), 422, "invalid_request")


def test_the_list_filters_by_source_and_status_newest_first(paid):
    client = paid["client"]
    settled, authorized = paid["settled"]["paymentInstructionId"], paid["authorized"]["paymentInstructionId"]
    welfare = documented(client.get("/instructions", params={"source": "WelfarePrograms"}))["items"]
    ids = [item["instructionId"] for item in welfare]
    assert ids.index(authorized) < ids.index(settled)  # newest first
    item = welfare[ids.index(settled)]
    assert (item["status"], item["purpose"], item["amount"], item["sourceContract"]) == (
        "settled",
        "welfare_batch",
        paid["settled"]["amount"],
        "WelfarePrograms",
    )
    by_address = client.get(
        "/instructions", params={"source": paid["manifest"].address("WelfarePrograms")}
    ).json()
    assert [i["instructionId"] for i in by_address["items"]] == ids
    only_settled = client.get(
        "/instructions", params={"source": "WelfarePrograms", "status": "settled"}
    ).json()
    assert settled in [i["instructionId"] for i in only_settled["items"]]
    assert authorized not in [i["instructionId"] for i in only_settled["items"]]
    escrow = client.get("/instructions", params={"source": "MilestoneEscrow", "status": "settled"}).json()
    assert settled not in [i["instructionId"] for i in escrow["items"]]


def test_the_list_pages_with_a_cursor(paid):
    client = paid["client"]
    first = documented(client.get("/instructions", params={"source": "WelfarePrograms", "limit": 1}))
    assert len(first["items"]) == 1 and first["next"]
    second = client.get(
        "/instructions", params={"source": "WelfarePrograms", "limit": 1, "cursor": first["next"]}
    ).json()
    assert second["items"][0]["instructionId"] != first["items"][0]["instructionId"]
    everything = client.get("/instructions", params={"source": "WelfarePrograms", "limit": 200}).json()
    assert everything["next"] is None
    assert [i["instructionId"] for i in everything["items"][:2]] == [
        first["items"][0]["instructionId"],
        second["items"][0]["instructionId"],
    ]


def test_bad_list_filters_are_422_problems(paid):
    client = paid["client"]
    problem(client.get("/instructions", params={"source": "Nope"}), 422, "unknown_payment_source")
    for params in ({"status": "paid"}, {"limit": 0}, {"limit": 201}, {"cursor": "abc"}, {"source": ""}):
        problem(client.get("/instructions", params=params), 422, "invalid_request")
