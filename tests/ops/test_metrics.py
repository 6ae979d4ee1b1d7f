"""What GET /metrics tells an operator, read from a real gateway on the real local chain: requests by
route template (never the raw path), the transaction manager's pending transactions, resends,
refusals and confirmation times, the chain nodes, the payment bridge's payouts, and the release."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from eth_account import Account
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from app.db.migrate import upgrade
from app.db.models import utcnow
from app.db.session import make_engine, make_session_factory
from app.health import build_info
from app.health.node_metrics import NodeCollector
from app.health.worker_metrics import SHARE_SECONDS
from app.ledger.reverts import ChainRevert
from app.payments import models as payment_states
from app.payments.metrics import BridgeCollector
from app.payments.models import BATCH_PURPOSES, PaymentLine, PaymentOutbox
from tests.support.localchain import ROOT
from tests.support.postgres import postgres_bin, postgres_server
from toolchain.jsonrpc import rpc
from toolchain.run_local import free_port


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """(series name, labels) -> value of one scrape."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def key(name: str, **labels) -> tuple[str, frozenset]:
    return name, frozenset(labels.items())


def value(scrape: dict, name: str, **labels) -> float:
    return scrape.get(key(name, **labels), 0.0)


def scrape(client) -> dict:
    return samples(client.get("/metrics").text)


def test_requests_are_counted_by_route_template_never_by_raw_path(client):
    before = scrape(client)
    for ocid in ("ocds-metrics-aaa", "ocds-metrics-bbb"):
        client.get(f"/tenders/{ocid}")
    client.get("/no/such/route/metrics-ccc")
    client.request("PROPFIND", "/health")
    text = client.get("/metrics").text
    after = samples(text)
    route = {"method": "GET", "route": "/tenders/{ocid}"}
    assert value(after, "terang_http_requests_total", **route, status="404") == 2 + value(
        before, "terang_http_requests_total", **route, status="404"
    )
    assert value(after, "terang_http_request_duration_seconds_count", **route) == 2 + value(
        before, "terang_http_request_duration_seconds_count", **route
    )
    assert value(after, "terang_http_requests_total", method="GET", route="other", status="404") >= 1
    # a method nobody serves is "other" too: the label's values stay a known, small set
    assert value(after, "terang_http_requests_total", method="other", route="/health", status="405") >= 1
    for raw in ("metrics-aaa", "metrics-bbb", "metrics-ccc", "PROPFIND"):
        assert raw not in text
    # the histogram's buckets are cumulative and end in the count
    buckets = sorted(
        (float(dict(labels)["le"]), v)
        for (name, labels), v in after.items()
        if name == "terang_http_request_duration_seconds_bucket"
        and dict(labels).get("route") == "/tenders/{ocid}"
    )
    assert [v for _, v in buckets] == sorted(v for _, v in buckets)
    assert buckets[-1] == (float("inf"), value(after, "terang_http_request_duration_seconds_count", **route))


def test_a_page_served_from_the_cache_is_counted_under_its_route(client):
    """The page cache answers a hit before the router runs: the route is still the template."""
    cache = client.app.state.page_cache
    route = {"method": "GET", "route": "/explorer/tenders"}
    before = scrape(client)
    hits = cache.hits
    first, again = client.get("/explorer/tenders"), client.get("/explorer/tenders")
    assert first.status_code == again.status_code == 200
    assert cache.hits == hits + 1  # the second one never reached the router
    after = scrape(client)
    assert value(after, "terang_http_requests_total", **route, status="200") == 2 + value(
        before, "terang_http_requests_total", **route, status="200"
    )


def test_build_info_names_the_release_the_commit_and_the_chain(client, monkeypatch):
    scraped = scrape(client)
    [(labels, one)] = [(dict(k[1]), v) for k, v in scraped.items() if k[0] == "terang_build_info"]
    assert one == 1
    assert labels["chain_id"] == "31337"
    assert labels["version"] == "0.1.0"  # pyproject.toml's, in a checkout
    assert labels["commit"]
    monkeypatch.setenv("TERANG_BUILD_COMMIT", "0123abc")
    build_info.commit.cache_clear()
    try:
        assert build_info.commit() == "0123abc"
    finally:
        build_info.commit.cache_clear()


@dataclass
class NodeState:
    """The shape the node pool's states() gives (app/ledger/nodes.py), and nothing more."""

    name: str
    up: bool
    healthy: bool
    head: int | None
    head_timestamp: int | None
    lag_blocks: int | None
    peers: int | None
    failovers: int
    checked_at: float


class Pool:
    def __init__(self, *states: NodeState) -> None:
        self._states = states

    def states(self):
        return list(self._states)


def test_each_node_is_reported_by_name_and_what_is_unknown_is_left_out():
    pool = Pool(
        NodeState("kemenkeu", True, True, 120, 1_700_000_000, 0, 4, 0, 1_700_000_001.5),
        NodeState("lkpp", False, False, None, None, None, None, 3, 1_700_000_002.0),
    )
    registry = CollectorRegistry()
    registry.register(NodeCollector(pool))
    scraped = samples(generate_latest(registry).decode())
    assert value(scraped, "terang_node_up", node="kemenkeu") == 1
    assert value(scraped, "terang_node_healthy", node="kemenkeu") == 1
    assert value(scraped, "terang_node_head_block", node="kemenkeu") == 120
    assert value(scraped, "terang_node_head_timestamp_seconds", node="kemenkeu") == 1_700_000_000
    assert value(scraped, "terang_node_lag_blocks", node="kemenkeu") == 0
    assert value(scraped, "terang_node_peers", node="kemenkeu") == 4
    assert value(scraped, "terang_node_failovers_total", node="lkpp") == 3
    assert key("terang_node_up", node="lkpp") in scraped
    assert value(scraped, "terang_node_up", node="lkpp") == 0
    # a node that cannot be asked has no head, lag or peers: absent, not 0
    for name in ("terang_node_head_block", "terang_node_lag_blocks", "terang_node_peers"):
        assert key(name, node="lkpp") not in scraped


def test_the_gateway_reports_its_node_pool(client):
    scraped = scrape(client)
    nodes = [dict(k[1])["node"] for k in scraped if k[0] == "terang_node_up"]
    assert nodes and all(value(scraped, "terang_node_up", node=n) == 1 for n in nodes)
    head = int(rpc(client.app.state.settings.rpc_url, "eth_blockNumber"), 16)
    assert max(value(scraped, "terang_node_head_block", node=n) for n in nodes) <= head


@pytest.fixture()
def manual_mining(chain_url):
    """The chain mines only when told (evm_mine), so a transaction can be seen pending."""
    rpc(chain_url, "evm_setAutomine", [False])
    try:
        yield lambda: rpc(chain_url, "evm_mine")
    finally:
        rpc(chain_url, "evm_setAutomine", [True])


def test_pending_transactions_resends_refusals_and_confirmation_time(client, chain_url, manual_mining):
    txmanager = client.app.state.txmanager
    signer = Account.create()
    rpc(chain_url, "anvil_setBalance", [signer.address, hex(10**20)])
    registry = client.app.state.chain.manifest.address("SupplierRegistry")
    before = scrape(client)

    # a call the contract refuses is refused before anything is signed: a refusal, nothing pending
    with pytest.raises(ChainRevert):
        txmanager.send(signer, registry, b"\xde\xad\xbe\xef", "metrics test: no such function")
    sent = txmanager.send(signer, signer.address, b"", "metrics test: pending")
    time.sleep(1.1)
    pending = scrape(client)
    assert value(pending, "terang_tx_refusals_total", reason="revert") == 1 + value(
        before, "terang_tx_refusals_total", reason="revert"
    )
    assert value(pending, "terang_tx_pending", signer=signer.address) == 1
    assert value(pending, "terang_tx_oldest_pending_age_seconds", signer=signer.address) >= 1

    assert txmanager.rebroadcast_unconfirmed() >= 1  # e.g. after a restart: the same bytes again
    resent = scrape(client)
    assert value(resent, "terang_tx_resends_total") >= 1 + value(before, "terang_tx_resends_total")

    manual_mining()
    time.sleep(1.1)  # the read cache's block
    # mined, not yet concluded (as when a process stops before it records the receipt): the chain
    # has passed its nonce, so it is not pending, though its record still says `signed`
    mined = scrape(client)
    assert key("terang_tx_pending", signer=signer.address) not in mined
    txmanager.wait(sent.tx_hash)
    confirmed = scrape(client)
    assert value(confirmed, "terang_tx_confirm_seconds_count") == 1 + value(
        before, "terang_tx_confirm_seconds_count"
    )
    assert key("terang_tx_pending", signer=signer.address) not in confirmed
    assert key("terang_tx_oldest_pending_age_seconds", signer=signer.address) not in confirmed


def test_payouts_by_state_from_the_database(tmp_path):
    """Singles' attempts and batch lines are payouts; a batch's own row is not one. Read from the
    database, so whichever process runs the bridge, every gateway reports the same."""
    url = f"sqlite:///{tmp_path / 'payments.db'}"
    upgrade(url)
    sessions = make_session_factory(make_engine(url))
    batch = next(iter(BATCH_PURPOSES))
    single = next(p for p in range(10) if p not in BATCH_PURPOSES)
    states = [
        (payment_states.SETTLED, single, None),
        (payment_states.SETTLED, single, None),
        (payment_states.FAILED, single, None),
        (payment_states.PENDING, single, "amount_differs"),
        (payment_states.REQUESTING, single, None),
        (payment_states.SETTLED, batch, None),  # the batch: its lines are the payouts
        (payment_states.HELD, batch, None),
    ]
    with sessions.begin() as session:
        rows = []
        for n, (state, purpose, quarantine) in enumerate(states):
            row = PaymentOutbox(
                instruction_id=f"0x{n:064x}",
                attempt=1,
                source="0x" + "11" * 20,
                payee_key="0x" + "22" * 32,
                purpose=purpose,
                amount=1000,
                block_number=1,
                authorized_tx="0x" + "33" * 32,
                state=state,
                quarantine=quarantine,
                quarantined_at=utcnow() - timedelta(minutes=1) if quarantine else None,
            )
            session.add(row)
            rows.append(row)
        session.flush()
        for index, state in enumerate(
            (payment_states.PAID, payment_states.PAID, payment_states.FAILED, "new")
        ):
            session.add(
                PaymentLine(
                    outbox_id=rows[5].id,
                    instruction_id=rows[5].instruction_id,
                    line_index=index,
                    payee_key="0x" + "44" * 32,
                    amount=10,
                    state=state,
                )
            )
    registry = CollectorRegistry()
    registry.register(BridgeCollector(sessions))
    scraped = samples(generate_latest(registry).decode())
    assert value(scraped, "terang_bridge_payouts", state="paid") == 2 + 2
    assert value(scraped, "terang_bridge_payouts", state="failed") == 1 + 1
    assert value(scraped, "terang_bridge_payouts", state="queued") == 2 + 1
    assert value(scraped, "terang_bridge_quarantined") == 1
    assert value(scraped, "terang_bridge_batches_held") == 1
    # no reconciliation run yet: no mismatch count (not a reassuring 0)
    assert key("terang_bridge_reconciliation_mismatches") not in scraped


def test_a_reconciliation_run_through_the_gateway_sets_the_mismatch_count(client, token):
    answer = client.get("/payments/reconciliation", headers=token("AUDITOR"))
    assert answer.status_code == 200, answer.text
    unrepaired = sum(1 for m in answer.json()["mismatches"] if not m["repaired"])
    scraped = scrape(client)
    assert value(scraped, "terang_bridge_reconciliation_mismatches") == unrepaired
    assert value(scraped, "terang_bridge_reconciliations_total") >= 1
    assert time.time() - value(scraped, "terang_bridge_reconciliation_last_run_timestamp_seconds") < 60


@pytest.mark.skipif(
    postgres_bin() is None,
    reason="PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)",
)
def test_several_workers_on_one_port_answer_for_all_of_them(
    chain_url, manifest_dir, issuer_dir, signers_file, tmp_path
):
    """`terang gateway --workers 2`: a scrape reaches one worker, yet counts every request the two
    served, and never less than a scrape before it."""
    port, shared = free_port(), tmp_path / "shared"
    shared.mkdir()
    env = {
        **os.environ,
        "TERANG_RPC_URL": chain_url,
        "TERANG_CHAIN_ID": "31337",
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        "TERANG_SIGNERS_FILE": str(signers_file),
        "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
        "TERANG_ENVIRONMENT": "test",
        "TERANG_INDEXER_ENABLED": "false",
        "TERANG_RATE_LIMIT_PER_SECOND": "0",
        "TERANG_PORT": str(port),
        "TERANG_METRICS_DIR": str(shared),  # kept by the gateway: the test looks at who shared
    }
    base = f"http://127.0.0.1:{port}"
    with postgres_server() as database, (tmp_path / "gateway.log").open("ab") as log:
        # a fresh database: the gateway migrates it once before starting its workers (two workers
        # migrating it each at start would collide)
        gateway = subprocess.Popen(
            [sys.executable, "-c", "import sys; from app.__main__ import main; sys.exit(main(workers=2))"],
            cwd=ROOT,
            env={**env, "TERANG_DATABASE_URL": database},
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx.get(base + "/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert gateway.poll() is None and time.monotonic() < deadline, "the gateway did not start"
                time.sleep(0.3)
            sent = 200
            with ThreadPoolExecutor(16) as pool:  # at once, new connections: both workers take some
                answers = list(
                    pool.map(lambda _: httpx.get(base + "/health", timeout=30).status_code, range(sent))
                )
            assert answers == [200] * sent
            time.sleep(2 * SHARE_SECONDS + 0.5)
            assert len(list(shared.glob("*.json"))) == 2, "both workers served and shared"
            seen = []
            for _ in range(12):
                text = httpx.get(base + "/metrics", timeout=10).text
                seen.append(
                    value(
                        samples(text),
                        "terang_http_requests_total",
                        method="GET",
                        route="/health",
                        status="200",
                    )
                )
            assert min(seen) >= sent + 1, seen  # + the probe that saw it start
            assert seen == sorted(seen), seen
        finally:
            os.killpg(gateway.pid, signal.SIGTERM)
            gateway.wait(timeout=30)
