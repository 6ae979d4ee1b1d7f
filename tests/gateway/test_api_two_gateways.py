"""Two gateway processes on one PostgreSQL database share an agency's nonce stream without a gap or
a collision: 500 supplier registrations sent concurrently through both HTTP APIs, all signed by the
`agency:1001` keystore, are 500 transactions each mined once with contiguous nonces, and the
database's records of sent transactions say exactly what the chain says.

This is the deployment shape of several gateway replicas behind a load balancer: each process runs
its own transaction manager and they coordinate only through the database (the per-signer row lock
of app/ledger/txmanager.py). The indexer runs as its own process in that shape, so it is off here."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from eth_account import Account
from sqlalchemy import select
from web3 import Web3

from app.db.session import make_engine, make_session_factory
from app.ledger.models import IdempotencyRecord, SentTransaction
from app.protocol.manifest import load_manifest
from tests.support.gateway_process import gateway_process
from tests.support.postgres import postgres_bin, postgres_server

WRITES = 500
CLIENTS = 32

pytestmark = pytest.mark.skipif(
    postgres_bin() is None,
    reason="PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)",
)


@pytest.fixture(scope="module")
def database_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="module")
def gateways(chain_url, manifest_dir, issuer_dir, signers_file, database_url, tmp_path_factory):
    """Two `python -m app` processes on the session's chain and one PostgreSQL database, started one
    after the other (the first one migrates the schema)."""
    env = {
        "TERANG_RPC_URL": chain_url,
        "TERANG_CHAIN_ID": "31337",
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        "TERANG_DATABASE_URL": database_url,
        "TERANG_SIGNERS_FILE": str(signers_file),
        "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
        "TERANG_ENVIRONMENT": "test",
        "TERANG_INDEXER_ENABLED": "false",
    }
    logs = tmp_path_factory.mktemp("gateways")
    with (
        gateway_process(env, logs / "first.log") as (first, _),
        gateway_process(env, logs / "second.log") as (second, _),
    ):
        yield first, second


@pytest.fixture(scope="module")
def registry(chain_url, manifest_dir):
    manifest = load_manifest(manifest_dir / "31337.json")
    web3 = Web3(Web3.HTTPProvider(chain_url, request_kwargs={"timeout": 60}))
    return web3.eth.contract(
        address=manifest.address("SupplierRegistry"), abi=manifest.contracts["SupplierRegistry"].abi
    )


def registrations(count: int) -> list[dict]:
    return [
        {
            "account": Account.create().address,
            "nib": f"9130{n:09d}",
            "npwp": f"02{uuid.uuid4().int % 10**13:013d}",
            "umkm": n % 3 == 0,
            "regionCode": 6302,
        }
        for n in range(count)
    ]


def submit_concurrently(bases: tuple[str, str], headers: list[dict], bodies: list[dict]) -> list:
    """CLIENTS threads, each with its own keep-alive connection to one of the two processes."""
    per_client = [list(range(i, len(bodies), CLIENTS)) for i in range(CLIENTS)]

    def client(number: int) -> list[tuple[int, httpx.Response]]:
        base = bases[number % 2]
        answered = []
        with httpx.Client(base_url=base, timeout=120) as http:
            for index in per_client[number]:
                request_headers = {**headers[number % 2], "Idempotency-Key": str(uuid.uuid4())}
                answered.append((index, http.post("/suppliers", json=bodies[index], headers=request_headers)))
        return answered

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = [pair for answered in pool.map(client, range(CLIENTS)) for pair in answered]
    return [response for _, response in sorted(results, key=lambda pair: pair[0])]


def test_500_concurrent_writes_through_two_processes_are_500_transactions_with_contiguous_nonces(
    gateways, registry, token, database_url
):
    web3 = registry.w3
    officers = [
        token("AGENCY_OFFICER", agency=1001, sub="ppk-ikn-a"),
        token("AGENCY_OFFICER", agency=1001, sub="ppk-ikn-b"),
    ]
    bodies = registrations(WRITES)
    first_block = web3.eth.block_number + 1

    responses = submit_concurrently(gateways, officers, bodies)

    failures = [(r.status_code, r.text[:300]) for r in responses if r.status_code != 201]
    assert failures == [], failures[:5]
    answers = [r.json() for r in responses]
    hashes = [a["transactionHash"] for a in answers]
    assert len(set(hashes)) == WRITES

    # Every transaction is on chain once, succeeded, and came from the agency's one signer.
    transactions = [web3.eth.get_transaction(h) for h in hashes]
    receipts = [web3.eth.get_transaction_receipt(h) for h in hashes]
    assert {r["status"] for r in receipts} == {1}
    senders = {t["from"] for t in transactions}
    assert len(senders) == 1
    sender = senders.pop()

    # Its nonces are contiguous, and it sent nothing else meanwhile.
    nonces = sorted(t["nonce"] for t in transactions)
    assert nonces == list(range(nonces[0], nonces[0] + WRITES)), "a gap or a repeated nonce"
    assert web3.eth.get_transaction_count(sender) == nonces[-1] + 1

    # The chain holds exactly 500 new registrations: the submitted accounts, each once.
    last_block = max(r["blockNumber"] for r in receipts)
    logs = registry.events.SupplierRegistered().get_logs(from_block=first_block, to_block=last_block)
    assert len(logs) == WRITES
    assert sorted(e["args"]["account"] for e in logs) == sorted(b["account"] for b in bodies)
    assert {a["supplierId"] for a in answers} == {e["args"]["supplierId"] for e in logs}
    assert all(a["agencyId"] == 1001 for a in answers)

    # The database's record of sent transactions matches the chain, transaction by transaction.
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            sent = session.execute(select(SentTransaction).where(SentTransaction.sender == sender)).scalars()
            recorded = {s.tx_hash: (s.nonce, s.state, s.block_number) for s in sent}
            claims = session.execute(select(IdempotencyRecord)).scalars().all()
    finally:
        engine.dispose()
    on_chain = {
        h: (t["nonce"], "mined", r["blockNumber"])
        for h, t, r in zip(hashes, transactions, receipts, strict=True)
    }
    assert recorded == on_chain
    assert sorted((c.state, c.status_code, c.tx_hash) for c in claims) == sorted(
        ("completed", 201, h) for h in hashes
    )
