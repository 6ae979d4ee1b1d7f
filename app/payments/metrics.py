"""The payment bridge as Prometheus metrics.

Read from the database at scrape time, so they hold whichever process runs the bridge (the gateway's
thread or `python -m app.payments.bridge`) and every gateway sharing the database reports the same:
payouts by state (`terang_bridge_payouts{state}`: queued, paid, failed; a payout is a single
instruction's attempt or a welfare batch's line, the batch's own row is not one), rows set aside
(`terang_bridge_quarantined`) and batches held (`terang_bridge_batches_held`). The paid and failed
counts only grow until the retention purge: rules take their `delta`.

ReconciliationRecord keeps the last reconciliation run through the gateway (GET
/payments/reconciliation, POST .../repair); app/health/metrics.py serves it
(`terang_bridge_reconciliation_mismatches`, left unrepaired, its time and the runs).
`python -m app.payments.reconcile` is another process: it reports by its exit status."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.payments import models as states
from app.payments.models import BATCH_PURPOSES, PaymentLine, PaymentOutbox

log = logging.getLogger("terang.payments.metrics")
PAYOUT_STATES = ("queued", "paid", "failed")


def payout_state(state: str) -> str:
    if state in (states.SETTLED, states.PAID):
        return "paid"
    return "failed" if state == states.FAILED else "queued"


class ReconciliationRecord:
    """The last reconciliation run in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.runs = 0
        self.last_run: float | None = None
        self.unrepaired: int | None = None

    def record(self, report) -> None:
        with self._lock:
            self.runs += 1
            self.last_run = time.time()
            self.unrepaired = sum(1 for m in report.mismatches if not m.repaired)


class BridgeCollector(Collector):
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterator[Metric]:
        singles = (
            select(PaymentOutbox.state, func.count())
            .where(PaymentOutbox.purpose.not_in(BATCH_PURPOSES))
            .group_by(PaymentOutbox.state)
        )
        lines = select(PaymentLine.state, func.count()).group_by(PaymentLine.state)
        quarantined = [
            select(func.count()).select_from(model).where(model.quarantine.is_not(None))
            for model in (PaymentOutbox, PaymentLine)
        ]
        held = select(func.count()).select_from(PaymentOutbox).where(PaymentOutbox.state == states.HELD)
        try:
            with self.sessions() as session:
                counts = dict.fromkeys(PAYOUT_STATES, 0)
                for state, count in [*session.execute(singles), *session.execute(lines)]:
                    counts[payout_state(state)] += count
                parked = sum(session.execute(q).scalar_one() for q in quarantined)
                batches_held = session.execute(held).scalar_one()
        except SQLAlchemyError as exc:  # the scrape goes on without them; the gap is the signal
            log.warning("payouts not read for metrics: %s", type(exc).__name__)
            return
        payouts = GaugeMetricFamily("terang_bridge_payouts", "Payouts by state", labels=("state",))
        for state, count in counts.items():
            payouts.add_metric((state,), count)
        yield payouts
        yield GaugeMetricFamily(
            "terang_bridge_quarantined", "Payouts set aside until the treasury releases them", value=parked
        )
        yield GaugeMetricFamily(
            "terang_bridge_batches_held",
            "Batches whose lines could not be proven: nothing paid",
            value=batches_held,
        )
