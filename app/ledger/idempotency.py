"""Idempotency keys: a retried write returns the first outcome and never acts twice.

`claim()` inserts (principal, key, fingerprint) in its own transaction; the unique constraint makes
exactly one caller the owner, whatever the number of processes. Everyone else gets the stored
record: completed (replay its outcome), pending (the first attempt is still running, or died
after sending a transaction: its tx hash is kept so the outcome can be recovered), or a
fingerprint mismatch (the same key reused for a different request: refused).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.db.session import engine_of, write_transaction
from app.ledger.errors import ClaimLost, IdempotencyKeyReused
from app.ledger.models import IdempotencyRecord

MAX_KEY_LENGTH = 200
RECORDS = IdempotencyRecord.__table__


@dataclass(frozen=True)
class Claim:
    owner: bool  # True: this caller runs the request; False: replay or wait
    record_id: int
    state: str
    status_code: int | None
    response: dict[str, Any] | None
    tx_hash: str | None
    updated_at: datetime


def fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps({"m": method.upper(), "p": path, "b": body}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _as_claim(record: IdempotencyRecord, owner: bool) -> Claim:
    updated = (
        record.updated_at if record.updated_at.tzinfo else record.updated_at.replace(tzinfo=timezone.utc)
    )
    return Claim(owner, record.id, record.state, record.status_code, record.response, record.tx_hash, updated)


def claim(sessions: sessionmaker[Session], principal: str, key: str, request_fingerprint: str) -> Claim:
    now = datetime.now(timezone.utc)
    try:
        # Core on a plain connection, not the ORM: this runs once per write request (decision 0011)
        with write_transaction(engine_of(sessions)) as connection:
            inserted = connection.execute(
                insert(RECORDS).values(
                    principal=principal,
                    key=key,
                    fingerprint=request_fingerprint,
                    created_at=now,
                    updated_at=now,
                )
            )
            return Claim(True, inserted.inserted_primary_key[0], "pending", None, None, None, now)
    except IntegrityError:
        pass
    with sessions() as session:
        record = session.execute(
            select(IdempotencyRecord).where(
                IdempotencyRecord.principal == principal, IdempotencyRecord.key == key
            )
        ).scalar_one()
        if record.fingerprint != request_fingerprint:
            raise IdempotencyKeyReused(key)
        return _as_claim(record, owner=False)


def record_transaction(connection: Connection, claim: Claim, tx_hash: str) -> None:
    """Called inside the transaction manager's database transaction that records the signed
    transaction (before it is broadcast), so the key and its transaction are stored together.
    Compare-and-set on the claim's `updated_at` as this attempt holds it, which only a take-over
    changes (recording leaves it, so the attempt's own retries with another nonce record again):
    if another request took the claim over meanwhile, ClaimLost, and the caller's database
    transaction rolls back; nothing is sent."""
    result = connection.execute(
        update(RECORDS)
        .where(RECORDS.c.id == claim.record_id, RECORDS.c.updated_at == claim.updated_at)
        # updated_at named as it is: the column's onupdate would otherwise move it
        .values(tx_hash=tx_hash, updated_at=claim.updated_at)
    )
    if result.rowcount != 1:
        raise ClaimLost(f"idempotency record {claim.record_id} was taken over or released")


def complete(connection: Connection, record_id: int, status_code: int, response: dict[str, Any]) -> None:
    """The outcome, in the caller's transaction (with the transaction's own fate)."""
    connection.execute(
        update(RECORDS)
        .where(RECORDS.c.id == record_id)
        .values(
            state="completed",
            status_code=status_code,
            response=response,
            updated_at=datetime.now(timezone.utc),
        )
    )


def release(sessions: sessionmaker[Session], record_id: int, sent_nothing: bool = False) -> None:
    """Forget a claim whose request failed before acting (e.g. a decoded revert), so the caller
    may retry the same key after fixing the cause. `sent_nothing`: a transaction was recorded but
    the node refused it (it can never be mined), so the key is forgotten all the same."""
    with sessions.begin() as session:
        record = session.get(IdempotencyRecord, record_id)
        if record is not None and (record.tx_hash is None or sent_nothing):
            session.delete(record)


def take_over(sessions: sessionmaker[Session], claim: Claim) -> Claim | None:
    """Become the owner of a pending claim whose first attempt seems to have died before sending
    anything: the claim as the new owner holds it, or None if another did first. Compare-and-set on
    `updated_at`, so of several duplicates exactly one takes over, and the first attempt, should it
    be alive after all, cannot record a transaction any more (record_transaction: ClaimLost)."""
    now = datetime.now(timezone.utc)
    with sessions.begin() as session:
        result = session.execute(
            update(IdempotencyRecord)
            .where(
                IdempotencyRecord.id == claim.record_id,
                IdempotencyRecord.state == "pending",
                IdempotencyRecord.tx_hash.is_(None),
                IdempotencyRecord.updated_at == claim.updated_at,
            )
            .values(updated_at=now)
        )
        if result.rowcount != 1:
            return None
    return Claim(True, claim.record_id, "pending", None, None, None, now)


def age_seconds(claim: Claim) -> float:
    return (datetime.now(timezone.utc) - claim.updated_at).total_seconds()


def current(sessions: sessionmaker[Session], record_id: int) -> Claim | None:
    """The claim as stored now; None once its attempt released it (a revert, a refusal)."""
    with sessions() as session:
        record = session.get(IdempotencyRecord, record_id)
        return None if record is None else _as_claim(record, owner=False)
