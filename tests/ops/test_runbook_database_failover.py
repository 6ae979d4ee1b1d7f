"""The drill of docs/runbooks/database-failover.en.md: a real gateway (`python -m app`) on a local
chain of its own, its database a PostgreSQL primary with a synchronous streaming standby behind a
multi-host URL (target_session_attrs=read-write). A client registers suppliers before, and keeps
writing during, the incident; the primary is killed (an immediate stop) and the runbook's blocks
run: confirm, promote, wait for writes, verify.

Afterwards: every write accepted before the loss is on the chain once; every write during it was
answered 201 or 503 `database_unavailable` (never a 500) and, retried with its key after the
promotion, accepted; no registration was sent to the chain twice (one transaction per supplier);
and the time writes were refused is measured."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections import Counter

import httpx
import pytest
from web3 import Web3

from app.auth import devissuer
from app.db.migrate import upgrade
from app.protocol.manifest import load_manifest
from tests.support.gateway_process import gateway_process
from tests.support.payments import own_chain, web3_for
from tests.support.postgres import postgres_bin
from tests.support.postgres_standby import primary_and_standby
from tests.support.runbooks import RUNBOOKS, finished, listed_in_index, run_runbook, same_blocks

NAME = "database-failover"
PPK = 4  # deploy/local.yaml: dev:4, the PPK of IKN (agency 1001)

needs_postgres = pytest.mark.skipif(
    postgres_bin() is None,
    reason="needs Debian's PostgreSQL (apt-get install postgresql; .ci/run installs it)",
)


def test_the_indonesian_runbook_carries_the_english_runbooks_commands():
    same_blocks(NAME)


def test_the_runbook_is_listed_in_the_index():
    listed_in_index(NAME)


def registration(n: int) -> dict:
    return {
        "account": Web3.to_checksum_address(f"0x{0xD0000 + n:040x}"),
        "nib": f"91200{n:08d}",
        "npwp": f"01{n:07d}000000",
        "umkm": True,
        "regionCode": 6302,
    }


class Writer(threading.Thread):
    """Registers a new supplier every 100 ms, each under its own Idempotency-Key, and records every
    answer: (epoch second it came, n, HTTP status, problem code)."""

    def __init__(self, url: str, headers: dict, first: int) -> None:
        super().__init__(daemon=True)
        self.url, self.headers, self.n = url, headers, first
        self.answers: list[tuple[float, int, int, str | None]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self.stop.is_set():
                answer = client.post(
                    "/suppliers",
                    json=registration(self.n),
                    headers={**self.headers, "Idempotency-Key": f"drill-{self.n}"},
                )
                code = answer.json().get("code") if answer.status_code >= 400 else None
                self.answers.append((time.time(), self.n, answer.status_code, code))
                self.n += 1
                time.sleep(0.1)


@pytest.fixture(scope="module")
def drilled(tmp_path_factory, issuer_dir):
    if postgres_bin() is None:
        pytest.skip("needs Debian's PostgreSQL")
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the runbook's commands need {', '.join(missing)} (Debian packages of the same names)")
    folder = tmp_path_factory.mktemp("runbook-failover")
    with primary_and_standby() as cluster, own_chain(folder) as chain:
        upgrade(cluster.url)
        w3 = web3_for(chain[0])
        official = w3.eth.accounts[PPK]
        bearer = devissuer.issue("ppk-ikn", ["AGENCY_OFFICER"], 1001, folder=issuer_dir, officer=official)
        tokens = folder / "tokens.json"
        tokens.write_text(json.dumps({"agency-officer-1001": bearer}))
        env = {
            "TERANG_RPC_URL": chain[0],
            "TERANG_MANIFEST_DIR": str(chain[1]),
            "TERANG_CHAIN_ID": "31337",
            "TERANG_ENVIRONMENT": "test",
            "TERANG_DATABASE_URL": cluster.url,
            "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
            "TERANG_SIGNERS_FILE": str(chain[2]),
            "TERANG_KEYRING_FILE": str(folder / "keyring.json"),
            "TERANG_INDEXER_ENABLED": "false",
        }
        headers = {"Authorization": f"Bearer {bearer}"}
        with gateway_process(env, folder / "gateway.log") as (gateway, _process):
            before = []
            with httpx.Client(base_url=gateway, timeout=30) as client:
                for n in range(5):
                    answer = client.post(
                        "/suppliers",
                        json=registration(n),
                        headers={**headers, "Idempotency-Key": f"drill-{n}"},
                    )
                    assert answer.status_code == 201, answer.text
                    before.append(n)
            writer = Writer(gateway, headers, first=100)
            writer.start()
            time.sleep(1)
            killed = time.time()
            cluster.kill_primary()
            time.sleep(1)
            try:
                ran = run_runbook(
                    RUNBOOKS / f"{NAME}.en.md",
                    {
                        "TERANG_URL": gateway,
                        "TERANG_TOKENS": str(tokens),
                        "TERANG_RPC_URL": chain[0],
                        "PGBIN": str(cluster.bindir),
                        "PG_AS": "runuser -u postgres --" if os.geteuid() == 0 else "env",
                        "PRIMARY": f"127.0.0.1:{cluster.primary_port}",
                        "STANDBY": f"127.0.0.1:{cluster.standby_port}",
                        "STANDBY_DATA": str(cluster.standby_data),
                        "WORK": str(folder),
                    },
                    folder,
                    timeout=240,
                )
                time.sleep(1)
            finally:
                writer.stop.set()
                writer.join(timeout=60)
            # The refused writes, retried with their keys after the promotion (as the problems say:
            # Retry-After, the same Idempotency-Key) until they are answered for good.
            retried = {}
            with httpx.Client(base_url=gateway, timeout=30) as client:
                for _at, n, status, _code in writer.answers:
                    deadline = time.monotonic() + 60
                    while status != 201 and time.monotonic() < deadline:
                        answer = client.post(
                            "/suppliers",
                            json=registration(n),
                            headers={**headers, "Idempotency-Key": f"drill-{n}"},
                        )
                        status = retried[n] = answer.status_code
                        if status != 201:
                            time.sleep(0.5)
        manifest = load_manifest(chain[1] / "31337.json")
        registry = w3.eth.contract(
            address=manifest.address("SupplierRegistry"), abi=manifest.contracts["SupplierRegistry"].abi
        )
        events = registry.events.SupplierRegistered().get_logs(from_block=0)
        sent = Counter()
        for number in range(w3.eth.block_number + 1):
            for tx in w3.eth.get_block(number, full_transactions=True)["transactions"]:
                if tx["from"] == official and tx["to"] == registry.address:
                    sent[tx["input"].hex()] += 1
    refused = [at for at, _n, status, _code in writer.answers if status != 201]
    promoted = finished(ran)[3]  # the block of `pg_ctl promote -w` returned
    resumed = min(at for at, _n, status, _code in writer.answers if status == 201 and at > promoted)
    window = (max(refused) - killed) if refused else 0.0
    print(
        f"\n{NAME}: {len(refused)} writes refused (503) over {window:.2f} s from the primary's kill; "
        f"the first write accepted {resumed - promoted:.2f} s after the promotion returned "
        "(the drill waited 1 s between the kill and the runbook)"
    )
    return {
        "before": before,
        "answers": writer.answers,
        "retried": retried,
        "events": events,
        "sent": sent,
        "stdout": ran.stdout,
        "window": window,
    }


@needs_postgres
def test_every_write_accepted_before_the_loss_is_on_the_chain_once(drilled):
    accounts = Counter(e["args"]["account"] for e in drilled["events"])
    for n in drilled["before"]:
        assert accounts[registration(n)["account"]] == 1


@needs_postgres
def test_writes_during_the_failover_get_a_503_never_a_500_and_succeed_once_retried(drilled):
    statuses = Counter((status, code) for _at, _n, status, code in drilled["answers"])
    # A write that reached the database before the loss may instead answer that its transaction is
    # sent (504 transaction_pending) or its key is held (409 request_in_progress): retry with the key.
    clear = {(503, "database_unavailable"), (504, "transaction_pending"), (409, "request_in_progress")}
    assert set(statuses) <= {(201, None), *clear}, statuses
    assert statuses[(503, "database_unavailable")] >= 1  # the incident really refused writes
    assert drilled["retried"] and set(drilled["retried"].values()) == {201}, drilled["retried"]
    accounts = Counter(e["args"]["account"] for e in drilled["events"])
    for _at, n, _status, _code in drilled["answers"]:
        assert accounts[registration(n)["account"]] == 1, n


@needs_postgres
def test_nothing_was_sent_to_the_chain_twice(drilled):
    assert drilled["sent"] and max(drilled["sent"].values()) == 1
    assert sum(drilled["sent"].values()) == len(drilled["events"])
    assert "transactions sent before the loss are mined" in drilled["stdout"]
