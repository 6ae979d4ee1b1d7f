"""Anonymous readers cannot stall writes: six clients load the heaviest public pages (red flags,
tenders, OCDS releases, the home page) in a loop against a real gateway process on SQLite (the
default shape) holding a few hundred tenders, while an officer registers suppliers through the API.
Every write answers 201, the median write stays under a second, and the chain holds exactly one
SupplierRegistered event per request (no write acted twice). Rate limits are off here: the read
path itself must not take the write lock (app/db/session.py) nor rebuild the history per request
(app/explorer/projection.py); tests/gateway/test_rate_limits.py covers the limits."""

from __future__ import annotations

import statistics
import threading
import time
import uuid

import httpx
import pytest
from eth_account import Account
from web3 import Web3

from app.protocol.manifest import load_manifest
from tests.support.gateway_process import gateway_process
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import anvil, deploy_local
from toolchain.dev_signers import write_signers

TENDERS = 300
WRITES = 30
READERS = 6
PAGES = ("/explorer/redflags", "/explorer/tenders", "/ocds/releases", "/explorer/")
OFFICER = 4
DAY = 24 * 3600


@pytest.fixture(scope="module")
def own_chain(tmp_path_factory):
    """A chain of its own: it is filled with tenders the other tests do not expect."""
    with anvil() as url:
        folder = tmp_path_factory.mktemp("deployments")
        assert deploy_local(url, folder).returncode == 0
        yield url, load_manifest(folder / "31337.json"), folder


def announce_tenders(url: str, manifest, count: int) -> None:
    """`count` tenders announced by the agency officer, sent back to back (anvil mines each)."""
    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))
    tenders = w3.eth.contract(address=manifest.address("Tenders"), abi=manifest.contracts["Tenders"].abi)
    officer = w3.eth.accounts[OFFICER]
    start = w3.eth.get_block("latest")["timestamp"]
    nonce = w3.eth.get_transaction_count(officer)
    last = None
    for n in range(count):
        ocid = f"ocds-terang-1001-load-{n:04d}"
        params = (
            ocid,
            f"Pengadaan beban {n}",
            Web3.keccak(text=f"dokumen {ocid}"),
            1001,
            1_000_000_000 + n,
            0,
            0,
            0,
            0,
            False,
            False,
            start + 7 * DAY,
            start + 9 * DAY,
            3 * DAY,
            1,
            0,
            0,  # scoringDeadline: lowest price
            0,  # bidBond: none below the threshold
        )
        last = tenders.functions.announceTender(params).transact({"from": officer, "nonce": nonce + n})
    assert w3.eth.wait_for_transaction_receipt(last)["status"] == 1


def registered_events(url: str, manifest, from_block: int) -> int:
    w3 = Web3(Web3.HTTPProvider(url))
    registry = w3.eth.contract(
        address=manifest.address("SupplierRegistry"), abi=manifest.contracts["SupplierRegistry"].abi
    )
    return len(registry.events.SupplierRegistered().get_logs(from_block=from_block))


def registration() -> dict:
    return {
        "account": Account.create().address,
        "nib": f"91200{uuid.uuid4().int % 10**8:08d}",
        "npwp": "011234567890100",
        "umkm": False,
        "regionCode": 6302,
    }


def wait_indexed(base: str, url: str) -> None:
    head = Web3(Web3.HTTPProvider(url)).eth.block_number
    wait_until_indexed(lambda: httpx.get(base + "/health", timeout=10).json(), head)


def test_six_anonymous_readers_do_not_stall_thirty_writes(own_chain, issuer_dir, token, tmp_path):
    url, manifest, manifest_dir = own_chain
    announce_tenders(url, manifest, TENDERS)
    env = {
        "TERANG_RPC_URL": url,
        "TERANG_CHAIN_ID": "31337",
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        "TERANG_DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "TERANG_SIGNERS_FILE": str(write_signers(url, tmp_path / "signers")),
        "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
        "TERANG_ENVIRONMENT": "test",
        "TERANG_INDEXER_POLL_SECONDS": "0.2",
        "TERANG_RATE_LIMIT_PER_SECOND": "0",  # the read path alone (limits: test_rate_limits.py)
    }
    officer = token("AGENCY_OFFICER", agency=1001)
    with gateway_process(env, tmp_path / "gateway.log") as (base, _):
        wait_indexed(base, url)
        first_block = Web3(Web3.HTTPProvider(url)).eth.block_number + 1
        stop, reads, read_errors = threading.Event(), [], []

        def reader(offset: int) -> None:
            with httpx.Client(base_url=base, timeout=120) as http:
                n = offset
                while not stop.is_set():
                    page = PAGES[n % len(PAGES)]
                    try:
                        status = http.get(page).status_code
                    except httpx.HTTPError as exc:
                        read_errors.append((page, type(exc).__name__))
                        break
                    reads.append(status)
                    if status >= 500:
                        read_errors.append((page, status))
                    n += 1

        threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(READERS)]
        for thread in threads:
            thread.start()
        time.sleep(1)  # the readers are in full swing before the first write
        latencies, statuses = [], []
        try:
            with httpx.Client(base_url=base, timeout=120) as http:
                for _ in range(WRITES):
                    headers = {**officer, "Idempotency-Key": str(uuid.uuid4())}
                    started = time.monotonic()
                    response = http.post("/suppliers", json=registration(), headers=headers)
                    latencies.append(time.monotonic() - started)
                    statuses.append(response.status_code)
        finally:
            stop.set()
            for thread in threads:
                thread.join(120)
    median = statistics.median(latencies)
    print(
        f"writes: median {median:.3f} s, max {max(latencies):.3f} s; reads: {len(reads)}; statuses {statuses}"
    )
    assert statuses == [201] * WRITES, statuses
    assert median < 1.0, f"median write {median:.3f} s under {READERS} readers ({len(reads)} reads)"
    assert registered_events(url, manifest, first_block) == WRITES
    assert not read_errors, read_errors[:5]
    assert len(reads) > WRITES  # the readers really ran beside the writes
