"""Idempotency keys: one owner per key whatever the concurrency; replays return the first outcome."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.db.migrate import upgrade
from app.db.session import engine_of, make_engine, make_session_factory
from app.ledger import idempotency, writes
from tests.support.postgres import postgres_bin, postgres_server


@pytest.fixture()
def sessions(tmp_path):
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    upgrade(url)
    return make_session_factory(make_engine(url))


def test_first_claim_owns_the_key_and_a_retry_replays_the_outcome(sessions):
    fp = idempotency.fingerprint("POST", "/tenders", {"ocid": "ocds-x-1"})
    first = idempotency.claim(sessions, "agency:1001", "key-1", fp)
    assert first.owner and first.state == "pending"
    with engine_of(sessions).begin() as connection:
        idempotency.record_transaction(connection, first, "0x" + "ab" * 32)
    retry_while_pending = idempotency.claim(sessions, "agency:1001", "key-1", fp)
    assert not retry_while_pending.owner and retry_while_pending.state == "pending"
    assert retry_while_pending.tx_hash == "0x" + "ab" * 32
    with engine_of(sessions).begin() as connection:
        idempotency.complete(connection, first.record_id, 201, {"tenderId": "0x01"})
    replay = idempotency.claim(sessions, "agency:1001", "key-1", fp)
    assert (replay.owner, replay.state, replay.status_code, replay.response) == (
        False,
        "completed",
        201,
        {"tenderId": "0x01"},
    )


def test_the_same_key_for_a_different_request_is_refused(sessions):
    idempotency.claim(sessions, "agency:1001", "key-1", idempotency.fingerprint("POST", "/tenders", {"a": 1}))
    with pytest.raises(idempotency.IdempotencyKeyReused):
        idempotency.claim(
            sessions, "agency:1001", "key-1", idempotency.fingerprint("POST", "/tenders", {"a": 2})
        )


def test_keys_are_scoped_to_the_caller(sessions):
    fp = idempotency.fingerprint("POST", "/tenders", {})
    assert idempotency.claim(sessions, "agency:1001", "k", fp).owner
    assert idempotency.claim(sessions, "agency:1002", "k", fp).owner


def test_a_released_claim_can_be_retried(sessions):
    fp = idempotency.fingerprint("POST", "/bids", {})
    first = idempotency.claim(sessions, "supplier:7", "k", fp)
    idempotency.release(sessions, first.record_id)
    assert idempotency.claim(sessions, "supplier:7", "k", fp).owner


def slow_first_attempt(sessions):
    """A first attempt that has been silent for over a minute before recording anything (a slow
    node), and a duplicate that therefore takes its claim over: (first's claim, the taker's)."""
    fp = idempotency.fingerprint("POST", "/welfare/programmes/1/disbursements", {"period": 0})
    first = idempotency.claim(sessions, "treasury:1", "k", fp)
    long_ago = first.updated_at - timedelta(seconds=writes.STALE_CLAIM_SECONDS + 1)
    with engine_of(sessions).begin() as connection:
        connection.execute(
            update(idempotency.RECORDS)
            .where(idempotency.RECORDS.c.id == first.record_id)
            .values(updated_at=long_ago)
        )
    first = replace(first, updated_at=long_ago)
    duplicate = idempotency.claim(sessions, "treasury:1", "k", fp)
    assert not duplicate.owner and idempotency.age_seconds(duplicate) > writes.STALE_CLAIM_SECONDS
    taken = idempotency.take_over(sessions, duplicate)
    assert taken is not None and taken.owner
    return first, taken


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_a_first_attempt_whose_claim_was_taken_over_cannot_record_its_transaction(database, tmp_path):
    """Otherwise both the slow first attempt and the duplicate that took over would send a
    transaction for one key (for a disbursement: pay twice)."""
    if database == "postgresql" and postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql)")
    with contextlib.ExitStack() as stack:
        if database == "sqlite":
            url = f"sqlite:///{tmp_path / 'gateway.db'}"
        else:
            url = stack.enter_context(postgres_server())
        upgrade(url)
        sessions = make_session_factory(make_engine(url))
        first, taken = slow_first_attempt(sessions)
        with pytest.raises(idempotency.ClaimLost), engine_of(sessions).begin() as connection:
            idempotency.record_transaction(connection, first, "0x" + "01" * 32)
        assert idempotency.take_over(sessions, first) is None  # nor can it take the claim back
        with engine_of(sessions).begin() as connection:
            idempotency.record_transaction(connection, taken, "0x" + "02" * 32)
        assert idempotency.current(sessions, taken.record_id).tx_hash == "0x" + "02" * 32


def test_fingerprint_ignores_key_order_but_not_values():
    assert idempotency.fingerprint("post", "/x", {"a": 1, "b": 2}) == idempotency.fingerprint(
        "POST", "/x", {"b": 2, "a": 1}
    )
    assert idempotency.fingerprint("POST", "/x", {"a": 1}) != idempotency.fingerprint("POST", "/x", {"a": 2})


def race(sessions_list, attempts: int) -> list[idempotency.Claim]:
    fp = idempotency.fingerprint("POST", "/tenders", {"ocid": "ocds-x-race"})
    claims, errors, barrier = [], [], threading.Barrier(attempts)

    def worker(i):
        barrier.wait()
        try:
            claims.append(idempotency.claim(sessions_list[i % len(sessions_list)], "agency:1001", "race", fp))
        except Exception as exc:  # reported below, not lost in a thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    return claims


def test_200_concurrent_claims_on_sqlite_have_exactly_one_owner(tmp_path):
    url = f"sqlite:///{tmp_path / 'race.db'}"
    upgrade(url)
    processes = [make_session_factory(make_engine(url)) for _ in range(2)]
    claims = race(processes, 200)
    assert len(claims) == 200 and sum(c.owner for c in claims) == 1


@pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL is not installed (Debian package postgresql)")
def test_200_concurrent_claims_on_postgresql_have_exactly_one_owner():
    with postgres_server() as url:
        upgrade(url)
        processes = [make_session_factory(make_engine(url)) for _ in range(2)]
        claims = race(processes, 200)
        assert len(claims) == 200 and sum(c.owner for c in claims) == 1


def test_a_new_sqlite_engine_puts_the_file_in_wal_mode_before_any_concurrent_use(tmp_path):
    """A migrated file is in rollback-journal mode; had the first connections of the 200-claim race
    each switched it to WAL while another held the write lock, SQLite would refuse at once
    ("database is locked", the busy timeout notwithstanding): seen once in CI."""
    path = tmp_path / "fresh.db"
    upgrade(f"sqlite:///{path}")
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("delete",)
    make_engine(f"sqlite:///{path}")
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)
