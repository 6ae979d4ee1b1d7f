"""Retention: completed idempotency records and confirmed transactions older than the retention
are purged; a pending key, an unconfirmed transaction, and a transaction a pending key points to
never are, whatever their age. On SQLite and on a real PostgreSQL server; by the function, by the
command (whose --help and --dry-run delete nothing) and by the gateway's periodic thread."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.ledger.models import IdempotencyRecord, SentTransaction
from app.ledger.retention import RetentionThread, purge
from tests.support.localchain import ROOT
from tests.support.postgres import postgres_bin, postgres_server

OLD = datetime.now(timezone.utc) - timedelta(days=120)
RECENT = datetime.now(timezone.utc) - timedelta(days=10)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'retention.db'}"
        else:
            if postgres_bin() is None:
                pytest.skip("PostgreSQL is not installed")
            url = stack.enter_context(postgres_server())
        upgrade(url)
        engine = make_engine(url)
        stack.callback(engine.dispose)
        yield url, make_session_factory(engine)


def _record(key: str, state: str, at: datetime, tx_hash: str | None = None) -> IdempotencyRecord:
    return IdempotencyRecord(
        principal="tester",
        key=key,
        fingerprint="f" * 64,
        state=state,
        tx_hash=tx_hash,
        created_at=at,
        updated_at=at,
    )


def _sent(n: int, state: str, at: datetime, purpose: str = "test") -> SentTransaction:
    return SentTransaction(
        chain_id=31337,
        sender="0x" + "11" * 20,
        nonce=n,
        tx_hash="0x" + f"{n:064x}",
        raw="0x00",
        purpose=purpose,
        state=state,
        created_at=at,
    )


def populate(sessions) -> None:
    """Every case once: the names say which are to go."""
    with sessions.begin() as session:
        pending = _record("pending-old-sent", "pending", OLD, tx_hash="0x" + f"{5:064x}")
        pending_by_purpose = _record("pending-old-purpose", "pending", OLD)
        session.add_all(
            [
                _record("gone-completed-old", "completed", OLD),
                _record("kept-completed-recent", "completed", RECENT),
                _record("kept-pending-old", "pending", OLD),
                pending,
                pending_by_purpose,
            ]
        )
        session.flush()
        session.add_all(
            [
                _sent(1, "mined", OLD),  # gone
                _sent(2, "reverted", OLD),  # gone
                _sent(3, "signed", OLD),  # kept: unconfirmed
                _sent(4, "mined", RECENT),  # kept: recent
                _sent(5, "mined", OLD),  # kept: a pending key's transaction (by hash)
                _sent(6, "mined", OLD, purpose=f"idempotency:{pending_by_purpose.id}"),  # kept (purpose)
            ]
        )


def remaining(sessions) -> tuple[set[str], set[int]]:
    with sessions() as session:
        keys = set(session.execute(select(IdempotencyRecord.key)).scalars())
        nonces = set(session.execute(select(SentTransaction.nonce)).scalars())
    return keys, nonces


KEPT_KEYS = {"kept-completed-recent", "kept-pending-old", "pending-old-sent", "pending-old-purpose"}
KEPT_NONCES = {3, 4, 5, 6}


def test_purge_removes_only_old_settled_rows(database):
    _url, sessions = database
    populate(sessions)
    purged = purge(sessions, 90, batch=1)  # one row a batch: the loop, too
    assert (purged.idempotency_records, purged.sent_transactions) == (1, 2)
    assert remaining(sessions) == (KEPT_KEYS, KEPT_NONCES)
    again = purge(sessions, 90)
    assert (again.idempotency_records, again.sent_transactions) == (0, 0)
    # A shorter retention reaches the recent ones; pending and unconfirmed stay all the same.
    purge(sessions, 5)
    assert remaining(sessions) == (KEPT_KEYS - {"kept-completed-recent"}, KEPT_NONCES - {4})


def _command(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.ledger.retention", *args],
        cwd=ROOT,
        env={**os.environ, "TERANG_DATABASE_URL": url, "TERANG_RETENTION_DAYS": "90"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_purges_and_its_help_and_dry_run_do_not(database):
    url, sessions = database
    populate(sessions)
    helped = _command(url, "--help")
    assert helped.returncode == 0 and "--dry-run" in helped.stdout
    counted = _command(url, "--dry-run")
    assert counted.returncode == 0, counted.stderr
    assert json.loads(counted.stdout)["idempotency_records"] == 1
    assert json.loads(counted.stdout)["sent_transactions"] == 2
    keys, nonces = remaining(sessions)
    assert "gone-completed-old" in keys and {1, 2} <= nonces  # nothing deleted yet
    done = _command(url)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["days"] == 90
    assert remaining(sessions) == (KEPT_KEYS, KEPT_NONCES)


def test_the_gateway_thread_purges_periodically(database):
    _url, sessions = database
    populate(sessions)
    thread = RetentionThread(sessions, 90, interval=0.1).start()
    try:
        deadline = time.monotonic() + 10
        while thread.runs < 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        thread.stop()
    assert remaining(sessions) == (KEPT_KEYS, KEPT_NONCES)
