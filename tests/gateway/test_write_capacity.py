"""Writes have their own bounded capacity, and a sent transaction is never answered as a failure.

- With mining stalled and a full complement of writes waiting for their receipts, /health and an
  explorer page still answer at once; one write more is refused at once (503 writes_busy, nothing
  sent); once mining resumes every write completes, exactly once.
- The database failing after a transaction was broadcast (PostgreSQL refusing connections; real,
  not mocked) is answered 504 transaction_pending with the transaction's hash, never a 500; the
  retry with the same key, once the database is back, answers the outcome of that one transaction."""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import psycopg
import pytest

from tests.support.gateway_process import gateway_process
from tests.support.localchain import anvil, deploy_local, rpc
from tests.support.postgres import postgres_bin, postgres_server
from tests.support.suppliers import registration, supplier_count
from toolchain.dev_signers import write_signers

CAPACITY = 48  # writes in flight at once in the first test (the brief: 45 or more)
PROMPT = 1.0  # seconds within which /health, a page and a refusal must answer


@pytest.fixture(scope="module")
def own_chain(tmp_path_factory):
    """A chain of its own: these tests stall its mining."""
    with anvil() as url:
        folder = tmp_path_factory.mktemp("deployments")
        assert deploy_local(url, folder).returncode == 0
        yield url, folder


@pytest.fixture(scope="module")
def env(own_chain, issuer_dir, tmp_path_factory):
    url, manifest_dir = own_chain
    return {
        "TERANG_RPC_URL": url,
        "TERANG_CHAIN_ID": "31337",
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        "TERANG_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'gateway.db'}",
        "TERANG_SIGNERS_FILE": str(write_signers(url, tmp_path_factory.mktemp("signers"))),
        "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
        "TERANG_ENVIRONMENT": "test",
    }


def pending_hashes(url: str) -> list[str]:
    pending = rpc(url, "txpool_content")["pending"]
    return [tx["hash"] for by_nonce in pending.values() for tx in by_nonce.values()]


def wait_for_pending(url: str, count: int, seconds: float = 60) -> list[str]:
    deadline = time.monotonic() + seconds
    while len(hashes := pending_hashes(url)) < count:
        assert time.monotonic() < deadline, f"only {len(hashes)} of {count} transactions were sent"
        time.sleep(0.1)
    return hashes


def timed_get(client: httpx.Client, url: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_writes_waiting_for_receipts_leave_health_and_pages_alone_and_refuse_one_more(
    env, own_chain, token, tmp_path
):
    url, _ = own_chain
    officer = token("AGENCY_OFFICER", agency=1001)
    before = supplier_count(own_chain)
    requests = [({**officer, "Idempotency-Key": str(uuid.uuid4())}, registration()) for _ in range(CAPACITY)]
    answers: dict[int, httpx.Response] = {}
    gateway_env = {**env, "TERANG_WRITE_CAPACITY": str(CAPACITY), "TERANG_RECEIPT_TIMEOUT_SECONDS": "120"}
    with gateway_process(gateway_env, tmp_path / "gateway.log") as (base, _):
        rpc(url, "evm_setAutomine", [False])
        try:

            def post(index: int) -> None:
                headers, body = requests[index]
                with httpx.Client(timeout=180) as http:
                    answers[index] = http.post(base + "/suppliers", json=body, headers=headers)

            threads = [threading.Thread(target=post, args=(i,), daemon=True) for i in range(CAPACITY)]
            for thread in threads:
                thread.start()
            sent = wait_for_pending(url, CAPACITY)  # every write is now waiting for its receipt
            assert not answers, {i: r.text for i, r in answers.items()}

            with httpx.Client(timeout=30) as http:
                health, health_took = timed_get(http, base + "/health")
                page, page_took = timed_get(http, base + "/explorer/")
                busy = []
                for _ in range(3):
                    started = time.monotonic()
                    refused = http.post(
                        base + "/suppliers",
                        json=registration(),
                        headers={**officer, "Idempotency-Key": str(uuid.uuid4())},
                    )
                    busy.append((refused, time.monotonic() - started))
            assert health.status_code == 200 and health_took < PROMPT, (health.status_code, health_took)
            assert page.status_code == 200 and page_took < PROMPT, (page.status_code, page_took)
            for refused, took in busy:
                assert refused.status_code == 503, refused.text
                assert refused.headers["content-type"].startswith("application/problem+json")
                assert refused.json()["code"] == "writes_busy"
                assert int(refused.headers["Retry-After"]) >= 1
                assert took < PROMPT, took
            assert len(pending_hashes(url)) == CAPACITY  # the refused writes sent nothing
        finally:
            rpc(url, "evm_setAutomine", [True])
            rpc(url, "evm_mine")
        for thread in threads:
            thread.join(timeout=120)
        assert len(answers) == CAPACITY
        assert {r.status_code for r in answers.values()} == {201}, {r.text for r in answers.values()}
        hashes = {r.json()["transactionHash"] for r in answers.values()}
        assert hashes == set(sent)
        # a retry of one of them replays its outcome; a slot is free again for a new write
        headers, body = requests[0]
        with httpx.Client(timeout=60) as http:
            replay = http.post(base + "/suppliers", json=body, headers=headers)
            fresh = http.post(
                base + "/suppliers",
                json=registration(),
                headers={**officer, "Idempotency-Key": str(uuid.uuid4())},
            )
        assert replay.status_code == 201 and replay.headers.get("Idempotent-Replayed") == "true"
        assert replay.json()["transactionHash"] == answers[0].json()["transactionHash"]
        assert fresh.status_code == 201, fresh.text
    assert supplier_count(own_chain) == before + CAPACITY + 1


def _refuse_connections(admin: str, database: str, refuse: bool) -> None:
    """The database stops (or resumes) taking connections, and its open ones are ended: every
    statement of the gateway fails from now on, as when its server goes away."""
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"ALTER DATABASE {database} WITH ALLOW_CONNECTIONS {str(not refuse).lower()}")
        if refuse:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            )


@pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL binaries not installed")
def test_a_database_failing_after_the_broadcast_is_504_and_the_retry_with_the_key_gets_the_outcome(
    env, own_chain, token, tmp_path
):
    url, _ = own_chain
    headers = {**token("AGENCY_OFFICER", agency=1001), "Idempotency-Key": str(uuid.uuid4())}
    body = registration()
    before = supplier_count(own_chain)
    with postgres_server() as database_url:
        admin = database_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
        gateway_env = {**env, "TERANG_DATABASE_URL": database_url, "TERANG_INDEXER_ENABLED": "false"}
        with gateway_process(gateway_env, tmp_path / "gateway.log") as (base, _):
            first: list[httpx.Response] = []
            rpc(url, "evm_setAutomine", [False])
            try:
                thread = threading.Thread(
                    target=lambda: first.append(
                        httpx.post(base + "/suppliers", json=body, headers=headers, timeout=120)
                    ),
                    daemon=True,
                )
                thread.start()
                [sent] = wait_for_pending(url, 1)
                _refuse_connections(admin, "terang", refuse=True)
            finally:
                rpc(url, "evm_setAutomine", [True])
                rpc(url, "evm_mine")
            try:
                thread.join(timeout=60)
                assert rpc(url, "eth_getTransactionReceipt", [sent])["status"] == "0x1"
                [answer] = first
                assert answer.status_code == 504, answer.text
                assert answer.headers["content-type"].startswith("application/problem+json")
                assert answer.json()["code"] == "transaction_pending"
                assert answer.json()["transactionHash"] == sent
                assert "psycopg" not in answer.text and "terang@" not in answer.text
            finally:
                _refuse_connections(admin, "terang", refuse=False)
            retry = httpx.post(base + "/suppliers", json=body, headers=headers, timeout=60)
            assert retry.status_code == 201, retry.text
            assert retry.json()["transactionHash"] == sent
            again = httpx.post(base + "/suppliers", json=body, headers=headers, timeout=60)
            assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
            assert again.json()["transactionHash"] == sent
    assert supplier_count(own_chain) == before + 1  # one transaction, acted on once
