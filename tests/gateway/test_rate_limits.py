"""Per-client rate limits on public reads (app/api/ratelimit.py): an anonymous client over its
budget gets a 429 problem with Retry-After before any work, whatever X-Forwarded-For it invents;
authenticated callers, writes and /health are not counted; a trusted proxy's X-Forwarded-For is."""

from __future__ import annotations

import uuid

import pytest
from eth_account import Account
from fastapi.testclient import TestClient

from app.api.ratelimit import ClientAddress, TokenBuckets
from app.main import create_app

BURST = 3


@pytest.fixture(scope="module")
def limited(settings, tmp_path_factory):
    own = settings.model_copy(
        update={
            "database_url": f"sqlite:///{tmp_path_factory.mktemp('rl') / 'gateway.db'}",
            "rate_limit_per_second": 0.01,  # one token per 100 s: nothing refills during the test
            "rate_limit_burst": BURST,
        }
    )
    with TestClient(create_app(own)) as client:
        yield client


def exhaust(client: TestClient, path: str = "/ocds/releases") -> None:
    for _ in range(BURST * 2):
        if client.get(path).status_code == 429:
            return
    raise AssertionError("never limited")


def test_an_anonymous_client_over_its_budget_gets_a_429_problem(limited):
    statuses = [limited.get("/explorer/").status_code for _ in range(BURST)]
    assert statuses == [200] * BURST
    refused = limited.get("/explorer/redflags", headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) >= 1
    body = refused.json()
    assert body["code"] == "rate_limited" and body["status"] == 429 and body["title"].startswith("Too many")
    indonesian = limited.get("/ocds/releases", headers={"Accept-Language": "id"}).json()
    assert indonesian["title"].startswith("Terlalu banyak")
    # an invented X-Forwarded-For (a new one each time) does not buy a fresh bucket
    for n in range(5):
        spoofed = limited.get("/explorer/tenders", headers={"X-Forwarded-For": f"203.0.113.{n}"})
        assert spoofed.status_code == 429


def test_health_authenticated_reads_and_writes_are_not_counted(limited, token):
    exhaust(limited)
    assert limited.get("/health").status_code in (200, 503)  # its own answer, never 429
    officer = token("AGENCY_OFFICER", agency=1001)
    assert limited.get("/ocds/releases", headers=officer).status_code == 200
    forged = {"Authorization": "Bearer not-a-token"}
    assert limited.get("/ocds/releases", headers=forged).status_code == 429
    registration = {
        "account": Account.create().address,
        "nib": f"91200{uuid.uuid4().int % 10**8:08d}",
        "npwp": "011234567890100",
        "umkm": False,
        "regionCode": 6302,
    }
    headers = {**officer, "Idempotency-Key": str(uuid.uuid4())}
    assert limited.post("/suppliers", json=registration, headers=headers).status_code == 201


def test_buckets_refill_at_the_configured_rate():
    now = [0.0]
    buckets = TokenBuckets(rate=2.0, burst=2, clock=lambda: now[0])
    assert [buckets.take("a"), buckets.take("a")] == [0, 0]
    assert buckets.take("a") == pytest.approx(0.5)
    assert buckets.take("b") == 0  # another client has its own bucket
    now[0] += 0.5
    assert buckets.take("a") == 0


def test_x_forwarded_for_counts_only_from_a_trusted_proxy():
    def scope(peer: str, forwarded: str | None):
        headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
        return {"client": (peer, 5000), "headers": headers}

    untrusting = ClientAddress([])
    assert untrusting.of(scope("10.0.0.5", "198.51.100.7")) == "10.0.0.5"
    behind_proxy = ClientAddress(["10.0.0.0/24"])
    # the client may prepend anything; the proxy appends the address it saw, which is what counts
    assert behind_proxy.of(scope("10.0.0.5", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert behind_proxy.of(scope("192.0.2.9", "198.51.100.7")) == "192.0.2.9"  # not the proxy
    assert behind_proxy.of(scope("10.0.0.5", None)) == "10.0.0.5"
