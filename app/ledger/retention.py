"""Retention of the write path's bookkeeping: idempotency records and sent transactions are kept
for TERANG_RETENTION_DAYS (default 90), then purged, so the tables do not grow for ever.

Never purged, whatever their age:
- a pending idempotency key (its request may still be running, or died after sending a
  transaction whose outcome a retry recovers);
- an unconfirmed transaction (`signed`: the transaction manager re-broadcasts and awaits it);
- a transaction a pending key still points to (by hash, or by its `idempotency:<id>` purpose).
Purged: completed idempotency records last touched before the cutoff, and transactions mined,
reverted or refused by the node that were signed before it. After the purge a retry with a purged
key is treated as a new request: the retention is how long clients may retry.

Deletes go in batches (each its own short transaction), so writers are not held up. The gateway
runs a purge every TERANG_RETENTION_INTERVAL_SECONDS (RetentionThread); by hand:
`python -m app.ledger.retention [--days N] [--dry-run]` (`--help` only prints help)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import String, cast, delete, exists, func, literal, or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.ledger.models import IdempotencyRecord, SentTransaction

log = logging.getLogger("terang.ledger.retention")
FINAL_TRANSACTIONS = ("mined", "reverted", "rejected")
BATCH = 1000


@dataclass
class Purged:
    idempotency_records: int = 0
    sent_transactions: int = 0
    cutoff: str = ""


def _purgeable_records(cutoff: datetime):
    return (IdempotencyRecord.state == "completed", IdempotencyRecord.updated_at < cutoff)


def _purgeable_transactions(cutoff: datetime):
    pending = IdempotencyRecord.state == "pending"
    return (
        SentTransaction.state.in_(FINAL_TRANSACTIONS),
        SentTransaction.created_at < cutoff,
        ~exists().where(
            pending,
            or_(
                IdempotencyRecord.tx_hash == SentTransaction.tx_hash,
                SentTransaction.purpose
                == literal("idempotency:", String) + cast(IdempotencyRecord.id, String),
            ),
        ),
    )


def purge(
    sessions: sessionmaker[Session],
    days: int,
    now: datetime | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
) -> Purged:
    """Deletes what is older than `days` and may go (see the module); returns how much."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    purged = Purged(cutoff=cutoff.isoformat())
    for model, where, name in (
        (IdempotencyRecord, _purgeable_records(cutoff), "idempotency_records"),
        (SentTransaction, _purgeable_transactions(cutoff), "sent_transactions"),
    ):
        if dry_run:
            with sessions() as session:
                count = session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()
            setattr(purged, name, count)
            continue
        total = 0
        while True:
            with sessions.begin() as session:
                ids = list(
                    session.execute(select(model.id).where(*where).order_by(model.id).limit(batch)).scalars()
                )
                if ids:
                    # The conditions again: a row that changed since it was chosen stays.
                    session.execute(
                        delete(model)
                        .where(model.id.in_(ids), *where)
                        .execution_options(synchronize_session=False)
                    )
            total += len(ids)
            if len(ids) < batch:
                break
        setattr(purged, name, total)
    if purged.idempotency_records or purged.sent_transactions:
        log.info(
            "retention: purged %d idempotency records and %d sent transactions older than %d days",
            purged.idempotency_records,
            purged.sent_transactions,
            days,
            extra={"dry_run": dry_run},
        )
    return purged


class RetentionThread:
    """The periodic purge inside the gateway: one run at start, then every `interval` seconds; a
    failed run is logged and tried again at the next."""

    def __init__(self, sessions: sessionmaker[Session], days: int, interval: float) -> None:
        self.sessions, self.days, self.interval = sessions, days, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="terang-retention", daemon=True)
        self.runs = 0

    def start(self) -> RetentionThread:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                purge(self.sessions, self.days)
                self.runs += 1
            except Exception as exc:  # noqa: BLE001 (the database may be busy or away: next time)
                log.warning("retention: purge failed (%s); trying again later", type(exc).__name__)
            self._stop.wait(self.interval)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.ledger.retention", description=__doc__)
    parser.add_argument(
        "--days", type=int, default=None, help="retention in days (default TERANG_RETENTION_DAYS)"
    )
    parser.add_argument("--dry-run", action="store_true", help="count what would be purged; delete nothing")
    args = parser.parse_args(argv)  # --help exits here, before anything is opened
    from app import logs
    from app.config import get_settings
    from app.db.session import make_engine, make_session_factory

    settings = get_settings()
    logs.configure(settings.log_level)
    days = args.days if args.days is not None else settings.retention_days
    if days < 1:
        print("retention: --days must be at least 1", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    try:
        purged = purge(make_session_factory(engine), days, dry_run=args.dry_run)
    finally:
        engine.dispose()
    print(json.dumps({**asdict(purged), "days": days, "dryRun": args.dry_run}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
