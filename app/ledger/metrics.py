"""The transaction manager as Prometheus metrics.

Counted by this process as it works (TransactionStats, one per TransactionManager): resends of
recorded bytes, refusals by reason, and the time from the start of a receipt wait (right after the
broadcast on the write path) to the confirmed receipt. Read from the database at scrape time (so
every process sharing the database reports the same): transactions recorded and not yet mined, per
signing account, and the age of the oldest.

"Not yet mined" is a record still `signed` whose nonce the chain has not passed: a record whose
process stopped before it concluded stays `signed` though the chain mined it (or another took its
nonce), and must not look stuck for ever. The search is cheap whatever the table's size: the newest
PENDING_WINDOW records by primary key (a signer's stuck transaction holds back all its later ones,
so they are among the newest), and one eth_getTransactionCount per signer found there."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from app.ledger.errors import LedgerError
from app.ledger.models import SentTransaction

log = logging.getLogger("terang.ledger.metrics")

# Why a transaction was refused (the label's only values):
# revert: the node's simulation reverted (a contract's custom error: a domain refusal, nothing signed);
# simulation: the node refused to simulate it otherwise (e.g. a signer without funds);
# nonce_taken: the node said another transaction holds the nonce (the nonce is chosen again);
# rejected: the node refused the signed bytes for another reason;
# replaced: a recorded transaction's nonce was used by another, it can never be mined;
# nonce_used: bytes signed elsewhere whose nonce a different recorded transaction holds.
REFUSALS = ("revert", "simulation", "nonce_taken", "rejected", "replaced", "nonce_used")
PENDING_WINDOW = 10_000
CONFIRM_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0)


class TransactionStats:
    """Thread-safe tallies (the write path runs in many threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.resends = 0
        self.refusals = dict.fromkeys(REFUSALS, 0)
        self.confirm_counts = [0] * (len(CONFIRM_BUCKETS) + 1)
        self.confirm_sum = 0.0

    def resent(self) -> None:
        with self._lock:
            self.resends += 1

    def refused(self, reason: str) -> None:
        with self._lock:
            self.refusals[reason] += 1

    def confirmed(self, seconds: float) -> None:
        index = next((i for i, bound in enumerate(CONFIRM_BUCKETS) if seconds <= bound), len(CONFIRM_BUCKETS))
        with self._lock:
            self.confirm_counts[index] += 1
            self.confirm_sum += seconds

    def snapshot(self) -> tuple[int, dict[str, int], list[int], float]:
        with self._lock:
            return self.resends, dict(self.refusals), list(self.confirm_counts), self.confirm_sum


class TransactionCollector(Collector):
    """`txmanager`: a TransactionManager (its `stats`, `sessions`, `rpc` and `chain_id`); `others`: the
    other workers' snapshots of their stats when several serve one port (app/health/worker_metrics.py)."""

    def __init__(self, txmanager, others: list = ()) -> None:
        self.txmanager = txmanager
        self.others = others

    def collect(self) -> Iterator[Metric]:
        resends, refusals, counts, total = self.txmanager.stats.snapshot()
        for other_resends, other_refusals, other_counts, other_total in self.others:
            resends += other_resends
            refusals = {r: n + other_refusals.get(r, 0) for r, n in refusals.items()}
            counts = [a + b for a, b in zip(counts, other_counts, strict=True)]
            total += other_total
        yield CounterMetricFamily(
            "terang_tx_resends", "Recorded transactions' bytes sent to the node again", value=resends
        )
        refused = CounterMetricFamily(
            "terang_tx_refusals", "Transactions refused, by reason", labels=("reason",)
        )
        for reason, count in refusals.items():
            refused.add_metric((reason,), count)
        yield refused
        cumulative, buckets = 0, []
        for bound, count in zip((*CONFIRM_BUCKETS, float("inf")), counts, strict=True):
            cumulative += count
            buckets.append(("+Inf" if bound == float("inf") else repr(bound), cumulative))
        confirm = HistogramMetricFamily(
            "terang_tx_confirm_seconds", "Time from the start of a receipt wait to the confirmed receipt"
        )
        confirm.add_metric((), buckets, sum_value=total)
        yield confirm
        yield from self._pending()

    def _pending(self) -> Iterator[Metric]:
        pending = GaugeMetricFamily(
            "terang_tx_pending", "Transactions recorded, not yet known to be mined", labels=("signer",)
        )
        oldest = GaugeMetricFamily(
            "terang_tx_oldest_pending_age_seconds",
            "Age of the oldest transaction recorded and not yet known to be mined",
            labels=("signer",),
        )
        try:
            with self.txmanager.sessions() as session:
                newest = session.execute(select(func.max(SentTransaction.id))).scalar() or 0
                # the chain id is checked below, not here: a condition on it has the planner walk
                # the (chain_id, sender, nonce) index, the whole table, instead of this range
                query = select(
                    SentTransaction.chain_id,
                    SentTransaction.sender,
                    SentTransaction.nonce,
                    SentTransaction.created_at,
                ).where(SentTransaction.id > newest - PENDING_WINDOW, SentTransaction.state == "signed")
                rows = session.execute(query).all()
        except SQLAlchemyError as exc:  # the scrape goes on without them; the gap is the signal
            log.warning("pending transactions not read for metrics: %s", type(exc).__name__)
            return
        by_sender: dict[str, list] = {}
        for row in rows:
            if row.chain_id == self.txmanager.chain_id:
                by_sender.setdefault(row.sender, []).append(row)
        now = time.time()
        for sender, records in by_sender.items():
            passed = self._confirmed_count(sender)
            live = [r for r in records if passed is None or r.nonce >= passed]
            if live:
                pending.add_metric((sender,), len(live))
                first = min(_aware(r.created_at) for r in live)
                oldest.add_metric((sender,), max(0.0, now - first.timestamp()))
        yield pending
        yield oldest

    def _confirmed_count(self, sender: str) -> int | None:
        """The chain's count of the signer's mined transactions; None when the node cannot say (then
        every record counts: better reported pending than hidden)."""
        try:
            return int(self.txmanager.rpc.call("eth_getTransactionCount", [sender, "latest"]), 16)
        except (LedgerError, OSError, ValueError, TypeError) as exc:
            log.warning("transaction count of %s not read for metrics: %s", sender, type(exc).__name__)
            return None


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored in UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
