"""Contract reads are answered once per block: a hot record costs one node call per block, this
gateway's own writes are visible in its very next read, another writer's within a poll interval, and
a follower that cannot reach the node never serves what it cached."""

from __future__ import annotations

import time
import uuid

import pytest
from eth_account import Account
from fastapi.testclient import TestClient

from app.ledger.reads import BlockReads
from app.main import create_app
from tests.support.clock import key

POLL = 0.2


def registration() -> dict:
    return {
        "account": Account.create().address,
        "nib": f"91300{uuid.uuid4().int % 10**8:08d}",
        "npwp": "011234567890100",
        "umkm": False,
        "regionCode": 6472,
    }


@pytest.fixture(scope="module")
def cached(settings):
    """A gateway with the read cache on (the default outside these tests)."""
    with TestClient(create_app(settings.model_copy(update={"read_cache_poll_seconds": POLL}))) as client:
        yield client


def test_repeated_reads_within_a_block_ask_the_node_once(cached, client, token):
    created = client.post(
        "/suppliers", json=registration(), headers={**token("AGENCY_OFFICER", agency=1001), **key()}
    )
    supplier = created.json()["supplierId"]
    time.sleep(3 * POLL)  # the cached gateway's follower sees the block of that registration
    reads = cached.app.state.chain.reads
    before = (reads.hits, reads.misses)
    answers = [cached.get(f"/suppliers/{supplier}").json() for _ in range(20)]
    assert all(a == answers[0] for a in answers) and answers[0]["supplierId"] == supplier
    hits, misses = reads.hits - before[0], reads.misses - before[1]
    assert misses <= 4 and hits >= 36  # 2 reads per request (count, record); new blocks may interleave


def test_the_gateways_own_write_is_visible_in_its_next_read(cached, token):
    officer = {**token("AGENCY_OFFICER", agency=1001), **key()}
    cached.get("/suppliers/1")  # the supplier count is now cached at the current head
    created = cached.post("/suppliers", json=registration(), headers=officer)
    assert created.status_code == 201, created.text
    read = cached.get(f"/suppliers/{created.json()['supplierId']}")  # at once: no sleep
    assert read.status_code == 200, read.text


def test_another_writers_change_is_visible_within_a_poll_interval(cached, client, token):
    cached.get("/suppliers/1")
    created = client.post(  # another gateway (its own app) writes
        "/suppliers", json=registration(), headers={**token("AGENCY_OFFICER", agency=1001), **key()}
    )
    path = f"/suppliers/{created.json()['supplierId']}"
    deadline = time.monotonic() + 10 * POLL
    while cached.get(path).status_code != 200:
        assert time.monotonic() < deadline, "the cached gateway never saw the other writer's block"
        time.sleep(POLL / 4)


def test_a_follower_that_cannot_reach_the_node_stops_caching():
    heads = iter([5])

    def block_number() -> int:
        return next(heads)  # the first poll succeeds, every later one fails (StopIteration)

    reads = BlockReads(block_number, poll_seconds=0.05).start()
    try:
        asked = []
        assert reads.read("k", lambda block: asked.append(block) or "at 5") == "at 5"
        assert reads.read("k", lambda block: asked.append(block) or "again") == "at 5"  # cached
        time.sleep(0.05 * 6)  # polls have failed for longer than the staleness limit
        assert reads.read("k", lambda block: asked.append(block) or "fresh") == "fresh"
        assert asked == [5, "latest"]
    finally:
        reads.stop()
