"""Retrying is always safe: 200 concurrent duplicates send one transaction, and a gateway killed
after sending answers the retry, once restarted, with the original transaction."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import uuid

import httpx
import pytest

from tests.support.gateway_process import gateway_process
from tests.support.localchain import anvil, deploy_local, rpc
from tests.support.suppliers import registration, supplier_count
from toolchain.dev_signers import write_signers


@pytest.fixture(scope="module")
def own_chain(tmp_path_factory):
    """A chain of its own: these tests stop its mining."""
    with anvil() as url:
        folder = tmp_path_factory.mktemp("deployments")
        assert deploy_local(url, folder).returncode == 0
        yield url, folder


@pytest.fixture(scope="module")
def env(own_chain, issuer_dir, tmp_path_factory):
    url, manifest_dir = own_chain
    signers = write_signers(url, tmp_path_factory.mktemp("signers"))
    database = tmp_path_factory.mktemp("db") / "gateway.db"
    return {
        "TERANG_RPC_URL": url,
        "TERANG_CHAIN_ID": "31337",
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        "TERANG_DATABASE_URL": f"sqlite:///{database}",
        "TERANG_SIGNERS_FILE": str(signers),
        "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
        "TERANG_ENVIRONMENT": "test",
    }


def test_200_concurrent_duplicates_send_one_transaction(env, own_chain, token, tmp_path):
    headers = {**token("AGENCY_OFFICER", agency=1001), "Idempotency-Key": str(uuid.uuid4())}
    body = registration()
    before = supplier_count(own_chain)
    with gateway_process(env, tmp_path / "gateway.log") as (base, _):
        responses, barrier = [], threading.Barrier(200)

        def post():
            barrier.wait()
            with httpx.Client(timeout=120) as http:
                responses.append(http.post(base + "/suppliers", json=body, headers=headers))

        threads = [threading.Thread(target=post) for _ in range(200)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(responses) == 200
    statuses = {r.status_code for r in responses}
    # 409: "still in progress, retry"; 503: every write slot was taken (writes_busy), nothing sent
    assert statuses <= {201, 409, 503}, statuses
    assert all(r.json()["code"] == "writes_busy" for r in responses if r.status_code == 503)
    hashes = {r.json()["transactionHash"] for r in responses if r.status_code == 201}
    assert len(hashes) == 1
    assert supplier_count(own_chain) == before + 1


def test_a_gateway_killed_after_sending_answers_the_retry_with_the_original_transaction(
    env, own_chain, token, tmp_path
):
    url, _ = own_chain
    headers = {**token("AGENCY_OFFICER", agency=1001), "Idempotency-Key": str(uuid.uuid4())}
    body = registration()
    before = supplier_count(own_chain)
    rpc(url, "evm_setAutomine", [False])  # the transaction will wait in the pool: the gateway waits for it
    try:
        with gateway_process(env, tmp_path / "first.log") as (base, process):

            def post():
                with contextlib.suppress(httpx.HTTPError):  # the connection dies with the process
                    httpx.post(base + "/suppliers", json=body, headers=headers, timeout=120)

            thread = threading.Thread(target=post, daemon=True)
            thread.start()
            deadline = time.monotonic() + 30
            while not (pending := rpc(url, "txpool_content")["pending"]):
                assert time.monotonic() < deadline, "the gateway never sent the transaction"
                time.sleep(0.1)
            sent = [tx["hash"] for by_nonce in pending.values() for tx in by_nonce.values()]
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    finally:
        rpc(url, "evm_setAutomine", [True])
        rpc(url, "evm_mine")
    assert len(sent) == 1
    assert rpc(url, "eth_getTransactionReceipt", [sent[0]])["status"] == "0x1"  # mined once the chain resumed
    with gateway_process(env, tmp_path / "second.log") as (base, _):
        retry = httpx.post(base + "/suppliers", json=body, headers=headers, timeout=120)
    assert retry.status_code == 201, retry.text
    assert retry.json()["transactionHash"] == sent[0]
    assert supplier_count(own_chain) == before + 1


def test_a_transaction_not_confirmed_in_time_is_answered_504_and_a_retry_gets_its_outcome(
    env, own_chain, token, tmp_path
):
    """The receipt wait gives up (here after 1 s): 504 with the transaction's hash, and the key stays
    with that transaction, so a retry once it is mined answers its outcome instead of sending again."""
    url, _ = own_chain
    headers = {**token("AGENCY_OFFICER", agency=1001), "Idempotency-Key": str(uuid.uuid4())}
    body = registration()
    before = supplier_count(own_chain)
    with gateway_process({**env, "TERANG_RECEIPT_TIMEOUT_SECONDS": "1"}, tmp_path / "gateway.log") as (
        base,
        _,
    ):
        rpc(url, "evm_setAutomine", [False])
        try:
            first = httpx.post(base + "/suppliers", json=body, headers=headers, timeout=60)
        finally:
            rpc(url, "evm_setAutomine", [True])
            rpc(url, "evm_mine")
        assert first.status_code == 504, first.text
        assert first.json()["code"] == "transaction_pending"
        retry = httpx.post(base + "/suppliers", json=body, headers=headers, timeout=60)
    assert retry.status_code == 201, retry.text
    assert retry.json()["transactionHash"] == first.json()["transactionHash"]
    assert supplier_count(own_chain) == before + 1


def test_a_transaction_the_node_refuses_is_answered_502_and_the_key_may_be_used_again(
    env, own_chain, token, tmp_path
):
    """The simulation passes but the node refuses the signed transaction (its signer has no funds
    for gas): 502, nothing on chain, and the same key works once the signer is funded again."""
    url, _ = own_chain
    officer = rpc(url, "eth_accounts")[4]  # signs for agency 1001 (deploy/local.yaml)
    balance = rpc(url, "eth_getBalance", [officer, "latest"])
    headers = {**token("AGENCY_OFFICER", agency=1001), "Idempotency-Key": str(uuid.uuid4())}
    body = registration()
    before = supplier_count(own_chain)
    with gateway_process(env, tmp_path / "gateway.log") as (base, _):
        rpc(url, "anvil_setBalance", [officer, "0x0"])
        try:
            refused = httpx.post(base + "/suppliers", json=body, headers=headers, timeout=60)
        finally:
            rpc(url, "anvil_setBalance", [officer, balance])
        assert refused.status_code == 502, refused.text
        assert refused.json()["code"] == "transaction_failed"
        assert supplier_count(own_chain) == before
        retry = httpx.post(base + "/suppliers", json=body, headers=headers, timeout=60)
    assert retry.status_code == 201, retry.text
    assert supplier_count(own_chain) == before + 1
