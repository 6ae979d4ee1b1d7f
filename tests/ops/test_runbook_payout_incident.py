"""The drill of docs/runbooks/payout-incident.en.md: a real gateway with its payment bridge and
indexer (`python -m app`), a local chain of its own and the fake provider as a real process. Each
incident is staged, then the runbook's section for it runs (its "before you start" block first):

The gateway keeps its state in PostgreSQL, as in production.

A. the provider answers 503 to every payout request while three instructions are authorised; it
   recovers a few seconds into the section, whose commands wait for the queue to drain and check
   that each instruction was paid by one attempt;
B. a welfare batch of three lines and one instruction are paid while each of their provider
   callbacks is sent 40 times at once; the section checks each is paid once;
C. the bank reverses a payout already settled on chain; the section lists the mismatch, repairs
   what is safe and keeps the rest for review.

Afterwards the chain and the provider must agree with what the runbook printed: one PaymentSettled
per instruction, one successful payout per instruction and per line, no callback answered with an
error, and the reversal reported for a person (never repaired automatically)."""

from __future__ import annotations

import json
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from app.db.migrate import upgrade
from app.protocol.manifest import load_manifest
from tests.support.gateway_process import gateway_process
from tests.support.payments import (
    authorize_many,
    beneficiary,
    bridge_env,
    deploy_source,
    disburse_welfare_batch,
    fake_payouts,
    fake_provider,
    own_chain,
    payee,
    set_faults,
    settings_from_env,
    web3_for,
)
from tests.support.postgres import postgres_bin, postgres_server
from tests.support.runbooks import RUNBOOKS, bash_blocks, finished, listed_in_index, run_runbook, same_blocks
from toolchain.run_local import free_port

NAME = "payout-incident"
PATH = RUNBOOKS / f"{NAME}.en.md"
SECTIONS = {"A": [1, 2, 3], "B": [1, 4], "C": [1, 5]}  # block numbers, "before you start" first
STORM = 40  # copies of each callback, sent at once

# The gateway's production database: concurrent callbacks race in it as they would in production.
needs_postgres = pytest.mark.skipif(
    postgres_bin() is None,
    reason="needs Debian's PostgreSQL (apt-get install postgresql; .ci/run installs it)",
)


def test_the_indonesian_runbook_carries_the_english_runbooks_commands():
    same_blocks(NAME)


def test_the_runbook_is_listed_in_the_index():
    listed_in_index(NAME)


def test_the_drill_runs_every_block_of_the_runbook():
    assert sorted({n for section in SECTIONS.values() for n in section}) == list(
        range(1, len(bash_blocks(PATH)) + 1)
    )


@pytest.fixture(scope="module")
def system(tmp_path_factory, issuer_dir, token):
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the runbook's commands need {', '.join(missing)} (Debian packages of the same names)")
    folder = tmp_path_factory.mktemp("runbook-payouts")
    provider_port = free_port()
    with postgres_server() as database, own_chain(folder) as chain:
        upgrade(database)
        w3 = web3_for(chain[0])
        manifest = load_manifest(chain[1] / "31337.json")
        source, payments = deploy_source(w3, manifest)
        env = bridge_env(
            chain,
            database,
            issuer_dir,
            payments_bridge_enabled="true",
            payments_provider_url=f"http://127.0.0.1:{provider_port}",
            payments_status_check_seconds="5",
            indexer_enabled="true",
        )
        log = folder / "gateway.log"
        with (
            gateway_process(env, log) as (gateway, _process),
            fake_provider(gateway, {}, folder / "provider.log", port=provider_port) as provider,
            httpx.Client(base_url=gateway, timeout=30) as api,
        ):
            tokens = {
                "auditor": token("AUDITOR")["Authorization"].split()[1],
                "treasury": token("TREASURY", sub="bendahara-1", officer="0x" + "1" * 40)[
                    "Authorization"
                ].split()[1],
            }
            second = token("TREASURY", sub="bendahara-2", officer="0x" + "2" * 40)
            (folder / "tokens.json").write_text(json.dumps(tokens))
            yield {
                "w3": w3,
                "manifest": manifest,
                "source": source,
                "payments": payments,
                "gateway": gateway,
                "provider": provider,
                "api": api,
                "treasury": {"Authorization": f"Bearer {tokens['treasury']}"},
                "second": second,
                "auditor": {"Authorization": f"Bearer {tokens['auditor']}"},
                "callback_token": settings_from_env(env).xendit_callback_token.get_secret_value(),
                "environment": {
                    "TERANG_URL": gateway,
                    "TERANG_TOKENS": str(folder / "tokens.json"),
                    "TERANG_GATEWAY_LOG": str(log),
                    "WORK": str(folder / "work"),
                },
                "folder": folder,
            }


def register_accounts(system, payees: list[str], prefix: str) -> None:
    """Each payee's account, proposed by one treasury official and approved by a second."""
    api = system["api"]
    for i, key in enumerate(payees):
        answer = api.put(
            f"/payments/accounts/{key}",
            json={
                "channelCode": "ID_BCA",
                "accountNumber": f"{prefix}{i:06d}",
                "accountHolderName": f"CV {i}",
            },
            headers=system["treasury"],
        )
        assert answer.status_code == 202, answer.text
        answer = api.post(f"/payments/accounts/{key}/versions/1/approval", headers=system["second"])
        assert answer.status_code == 200, answer.text


def listed(system, status: str) -> set[str]:
    answer = system["api"].get(f"/instructions?status={status}&limit=200", headers=system["auditor"])
    assert answer.status_code == 200, answer.text
    return {item["instructionId"] for item in answer.json()["items"]}


def wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.3)


def section(system, name: str):
    (system["folder"] / "work").mkdir(exist_ok=True)
    return run_runbook(PATH, system["environment"], system["folder"], only=SECTIONS[name], timeout=240)


@pytest.fixture(scope="module")
def outage(system):
    """A: every payout request refused (503) while three instructions are authorised; the provider
    recovers three seconds into the runbook's section."""
    payees = [payee(f"runbook-outage-{i}") for i in range(3)]
    register_accounts(system, payees, "5100")
    set_faults(system["provider"], {"error_rate": 1.0})
    ids = authorize_many(
        system["w3"], system["source"], system["payments"], payees, [4_000_000, 5_000_000, 6_000_000], 100
    )
    wait_for(lambda: set(ids) <= listed(system, "authorized"), 30, "the indexer lists the instructions")
    wait_for(
        lambda: fake_payouts(system["provider"])["counters"].get("injected_5xx", 0) >= 3,
        30,
        "the bridge meets the outage",
    )
    recovered = {}

    def recover():
        time.sleep(3)
        set_faults(system["provider"], {})
        recovered["at"] = time.time()

    timer = threading.Thread(target=recover)
    timer.start()
    ran = section(system, "A")
    timer.join()
    drained = finished(ran)[3]
    print(f"section A: queue drained at most {drained - recovered['at']:.1f} s after the provider recovered")
    return {"ids": ids, "stdout": ran.stdout}


@pytest.fixture(scope="module")
def storm(system, outage):
    """B: a batch of three lines and one instruction paid while each callback is sent STORM times at
    once, racing the provider's own delivery and the bridge's settlement."""
    families = [701, 702, 703]
    register_accounts(system, [beneficiary(n) for n in families], "5200")
    supplier = payee("runbook-storm-supplier")
    register_accounts(system, [supplier], "5300")
    batch = disburse_welfare_batch(system["w3"], system["manifest"], families, name="PKH latihan")
    (single,) = authorize_many(
        system["w3"], system["source"], system["payments"], [supplier], [7_500_000], 200
    )
    references = {single + "-0", *(f"{batch['id']}-L{index}" for index, _key, _amount in batch["lines"])}

    def succeeded():
        return [
            p
            for p in fake_payouts(system["provider"])["payouts"]
            if p["reference"] in references and p["status"] == "SUCCEEDED"
        ]

    wait_for(lambda: len(succeeded()) == len(references), 60, "the provider pays every line")
    bodies = [
        json.dumps(
            {
                "event": "payout.succeeded",
                "data": {
                    "id": p["id"],
                    "reference_id": p["reference"],
                    "amount": p["amount"],
                    "status": "SUCCEEDED",
                },
            }
        ).encode()
        for p in succeeded()
    ]
    headers = {"Content-Type": "application/json", "x-callback-token": system["callback_token"]}

    def send(body: bytes) -> tuple[int, str]:
        answer = httpx.post(
            f"{system['gateway']}/payments/callbacks/xendit", content=body, headers=headers, timeout=30
        )
        return answer.status_code, answer.text

    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(send, [body for body in bodies for _ in range(STORM)]))
    ids = {single, batch["id"]}
    wait_for(lambda: ids <= listed(system, "settled"), 90, "the storm's instructions are settled")
    ran = section(system, "B")
    return {"ids": ids, "answers": answers, "references": references, "stdout": ran.stdout}


@pytest.fixture(scope="module")
def reversal(system, outage, storm):
    """C: the bank returns a payout already settled on chain."""
    reversed_id = outage["ids"][0]
    (paid,) = [p for p in fake_payouts(system["provider"])["payouts"] if p["reference"] == f"{reversed_id}-0"]
    answer = httpx.post(
        f"{system['provider']}/_fake/payouts/{paid['id']}/status",
        json={"status": "REVERSED", "failureCode": "REVERSED_BY_BANK"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    ran = section(system, "C")
    review = json.loads((system["folder"] / "work" / "mismatches-for-review.json").read_text())
    return {"id": reversed_id, "review": review, "stdout": ran.stdout}


def settlements(system, instruction_id: str) -> list:
    return (
        system["payments"]
        .events.PaymentSettled()
        .get_logs(argument_filters={"id": bytes.fromhex(instruction_id[2:])}, from_block=0)
    )


@needs_postgres
def test_a_provider_outage_queues_the_payouts_and_pays_each_once_when_it_recovers(system, outage):
    payouts = fake_payouts(system["provider"])
    for instruction_id in outage["ids"]:
        assert len(settlements(system, instruction_id)) == 1
        mine = [p for p in payouts["payouts"] if p["reference"] == f"{instruction_id}-0"]
        assert len(mine) == 1 and mine[0]["createRequests"] >= 2  # refused first, then made once
    assert "provider outage: 3 instructions paid once each" in outage["stdout"]


@needs_postgres
def test_a_duplicate_callback_storm_pays_each_line_once_and_never_answers_an_error(system, storm):
    assert {status for status, _ in storm["answers"]} == {200}, [a for a in storm["answers"] if a[0] != 200][
        :3
    ]
    outcomes = [json.loads(text)["received"] for _, text in storm["answers"]]
    assert outcomes.count("accepted") <= len(storm["references"])  # the provider's own copy may win
    for instruction_id in storm["ids"]:
        assert len(settlements(system, instruction_id)) == 1
    payouts = [
        p for p in fake_payouts(system["provider"])["payouts"] if p["reference"] in storm["references"]
    ]
    assert sorted(p["reference"] for p in payouts) == sorted(storm["references"])  # one payout per line
    assert "already received: acknowledged, not acted on" in storm["stdout"]
    assert "each paid once" in storm["stdout"]


@needs_postgres
def test_a_reversal_after_settlement_is_reported_for_a_person_and_never_repaired(system, reversal):
    (found,) = [m for m in reversal["review"] if m["instructionId"] == reversal["id"]]
    assert found["kind"] == "reversed_after_settlement" and not found["repaired"]
    assert len(settlements(system, reversal["id"])) == 1  # the chain's record is not rewritten
