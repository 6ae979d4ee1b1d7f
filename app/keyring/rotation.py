"""Rotation: a new key for a purpose, made current, and every value of that purpose re-sealed under
it (opened and sealed again with a fresh data key), in batches of rows in key order, each batch in
its own database transaction, while the gateway keeps serving.

Readers accept every key id the keyring holds throughout: a row is either still under its old key
or already under the new one. A row is replaced only if it still holds the value that was read
(compare and set), so a value the gateway writes meanwhile is never overwritten with an older one;
a gateway that sealed a value under the old key just before it saw the new key is caught by the
next pass (passes repeat until one finds nothing left). A key is retired only once no value uses
it (`retire`), after which values naming it fail closed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select, update

from app.keyring.columns import SealedColumn, sealed_columns
from app.keyring.keyring import Keyring, key_id_of, prefix
from app.keyring.providers import LEGACY, KeyringError
from app.keyring.sealing import SealError

log = logging.getLogger("terang.keyring")


@dataclass
class PurposeStatus:
    purpose: str
    current: str
    retired: list[str]
    counts: dict[str, int]  # key id -> values sealed under it (held keys and legacy)
    unknown: int  # values naming a key id the keyring does not hold

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.unknown


@dataclass
class RotationReport:
    purpose: str
    key_id: str
    resealed: int = 0
    batches: int = 0
    passes: int = 0
    failed: list[str] = field(default_factory=list)  # row keys whose value did not open


def status(engine: Engine, keyring: Keyring, purpose: str) -> PurposeStatus:
    provider = keyring.provider
    ids = [LEGACY, *provider.key_ids(purpose)]
    total, counts = 0, dict.fromkeys(ids, 0)
    with engine.connect() as connection:
        for sealed in sealed_columns(purpose):
            t, _key, col = sealed.sql()
            total += connection.execute(select(func.count()).select_from(t)).scalar_one()
            for kid in ids:
                counts[kid] += connection.execute(
                    select(func.count())
                    .select_from(t)
                    .where(col.like("v1:%" if kid == LEGACY else prefix(purpose, kid) + "%"))
                ).scalar_one()
    if counts[LEGACY] == 0 and LEGACY in provider.retired(purpose):
        del counts[LEGACY]
    return PurposeStatus(
        purpose, provider.current(purpose), provider.retired(purpose), counts, total - sum(counts.values())
    )


def rotate(
    engine: Engine,
    keyring: Keyring,
    purpose: str,
    *,
    batch_size: int = 200,
    max_passes: int = 10,
    pause_seconds: float = 0.5,
) -> RotationReport:
    """Adds a key, makes it current, re-seals every value of `purpose` under it."""
    key_id = keyring.provider.add_key(purpose)
    log.info("keyring: new %s key made current", purpose, extra={"key_id": key_id})
    report = RotationReport(purpose, key_id)
    reseal(engine, keyring, report, batch_size=batch_size, max_passes=max_passes, pause_seconds=pause_seconds)
    return report


def reseal(
    engine: Engine,
    keyring: Keyring,
    report: RotationReport,
    *,
    batch_size: int = 200,
    max_passes: int = 10,
    pause_seconds: float = 0.5,
) -> None:
    """Re-seals every value of the report's purpose not yet under its key id, table by table."""
    failed: list[str] = []
    for sealed in sealed_columns(report.purpose):
        failed += _reseal_column(
            engine,
            keyring,
            report,
            sealed,
            batch_size=batch_size,
            max_passes=max_passes,
            pause_seconds=pause_seconds,
        )
    report.failed = failed


def _reseal_column(
    engine: Engine,
    keyring: Keyring,
    report: RotationReport,
    sealed: SealedColumn,
    *,
    batch_size: int,
    max_passes: int,
    pause_seconds: float,
) -> list[str]:
    """Re-seals one table's values of the purpose; answers the row keys whose value did not open."""
    purpose, key_id = report.purpose, report.key_id
    t, key, col = sealed.sql()
    current = prefix(purpose, key_id)
    failed: set[str] = set()
    passes = 0
    while passes < max_passes:
        passes += 1
        report.passes += 1
        moved, last = 0, None
        while True:
            with engine.begin() as connection:
                query = select(*t.c).where(col.not_like(current + "%")).order_by(key).limit(batch_size)
                if last is not None:
                    query = query.where(key > last)
                rows = connection.execute(query).all()
                for row in rows:
                    token = getattr(row, sealed.column)
                    binding = sealed.bind_row(row)
                    try:
                        plain = keyring.open(purpose, binding, token)
                    except SealError as error:
                        failed.add(str(getattr(row, sealed.key)))
                        log.warning("keyring: a value of %s does not open: %s", purpose, error)
                        continue
                    if keyring.provider.current(purpose) != key_id:
                        raise KeyringError(f"another rotation of {purpose} made a newer key current; stopped")
                    fresh = keyring.seal(purpose, binding, plain)
                    result = connection.execute(
                        update(t)
                        .where(key == getattr(row, sealed.key), col == token)
                        .values({sealed.column: fresh})
                    )
                    moved += result.rowcount
            if not rows:
                break
            report.batches += 1
            last = getattr(rows[-1], sealed.key)
            log.info("keyring: %s batch re-sealed", purpose, extra={"key_id": key_id, "rows": len(rows)})
        report.resealed += moved
        with engine.connect() as connection:
            left = connection.execute(
                select(func.count()).select_from(t).where(col.not_like(current + "%"))
            ).scalar_one()
        if left <= len(failed):
            break
        time.sleep(pause_seconds)  # a value sealed under the old key by a gateway mid-switch
    row_keys = sorted(failed)
    if sealed == sealed_columns(purpose)[0]:
        return row_keys
    return [f"{sealed.table}:{row_key}" for row_key in row_keys]  # rows of a further table, named


def retire(engine: Engine, keyring: Keyring, purpose: str, key_id: str) -> None:
    """Forgets `key_id` for `purpose` once no value uses it."""
    state = status(engine, keyring, purpose)
    if key_id == state.current:
        raise KeyringError(f"{key_id} is the current {purpose} key: rotate first")
    if key_id in state.retired:
        raise KeyringError(f"{key_id} is already retired for {purpose}")
    if key_id not in state.counts:
        raise KeyringError(f"the {purpose} keyring holds no key {key_id}")
    if state.counts[key_id]:
        raise KeyringError(
            f"{state.counts[key_id]} {purpose} values are still sealed under {key_id}: rotate first"
        )
    keyring.provider.retire(purpose, key_id)


__all__ = ["PurposeStatus", "RotationReport", "key_id_of", "reseal", "retire", "rotate", "status"]
