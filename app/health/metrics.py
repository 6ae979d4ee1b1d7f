"""Prometheus metrics, collected on scrape (no global metric objects): requests served
(app/health/http_metrics.py), the transaction manager (app/ledger/metrics.py), the chain nodes
(app/health/node_metrics.py), the indexer's progress, the page cache's hits and misses
(app/explorer/page_cache.py), the last payment reconciliation, the running release
(app/health/build_info.py), the process's resources, and what the application registers in
`app.state.collectors` from layers this one does not import (the payment bridge's payouts:
app/payments/metrics.py).

A scrape target is one port. `python -m app` is one uvicorn process by default: its counters are
whole. With several workers on one port (`terang gateway --workers N`) each worker adds the others'
shared counts (app/health/worker_metrics.py), so any worker answers for the target. Replicas on one
database are separate targets, summed by the rules; what every replica reads alike from the database
or the nodes (pending transactions, payouts, node states) the rules take max() or min() of, never
sum() (docs/decisions/0037-metrics-and-alerts.md). The process collector is the answering worker's."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from app.health.build_info import BuildInfoCollector
from app.health.http_metrics import HttpCollector
from app.health.node_metrics import NodeCollector
from app.health.worker_metrics import share_of
from app.indexer.metrics import IndexerCollector
from app.ledger.metrics import TransactionCollector

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=PlainTextResponse,
    response_description="The Prometheus text exposition format",
)
def metrics(request: Request) -> Response:
    return Response(generate_latest(gateway_registry(request.app.state)), media_type=CONTENT_TYPE_LATEST)


def gateway_registry(state) -> CollectorRegistry:
    """Every collector of the gateway whose application state is `state`: what /metrics serves, and
    what the command centre reads (app/operations), so both say what the alert rules see."""
    share = share_of(state)
    others = share.others() if share is not None else []
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    txmanager = getattr(state, "txmanager", None)
    registry.register(BuildInfoCollector(getattr(txmanager, "chain_id", None)))
    http = getattr(state, "http_metrics", None)
    if http is not None:
        registry.register(HttpCollector(http, others))
    if txmanager is not None:
        registry.register(TransactionCollector(txmanager, [o["tx"] for o in others if "tx" in o]))
    nodes = getattr(state, "nodes", None)
    if nodes is not None:
        registry.register(NodeCollector(nodes))
    indexer = getattr(state, "indexer", None)
    if indexer is not None:
        registry.register(IndexerCollector(indexer.status))
    cache = getattr(state, "page_cache", None)
    if cache is not None:
        registry.register(PageCacheCollector(cache, [o["page_cache"] for o in others if "page_cache" in o]))
    record = getattr(getattr(state, "payments", None), "reconciliations", None)
    if record is not None:
        registry.register(
            ReconciliationCollector(record, [o["reconciliation"] for o in others if "reconciliation" in o])
        )
    for collector in getattr(state, "collectors", ()):
        registry.register(collector)
    return registry


class PageCacheCollector(Collector):
    """The page cache's counters (read by attribute: this layer imports no explorer module), plus
    the other workers' ([hits, misses, stored, dropped] each)."""

    def __init__(self, cache, others: list = ()) -> None:
        self.cache = cache
        self.others = others

    def collect(self):
        c = self.cache
        entries, size = c.size()
        yield GaugeMetricFamily("terang_page_cache_entries", "Pages kept now", value=entries)
        yield GaugeMetricFamily("terang_page_cache_bytes", "Bytes of the pages kept now", value=size)
        counts = [c.hits, c.misses, c.stored, c.dropped]
        for other in self.others:
            counts = [a + b for a, b in zip(counts, other, strict=True)]
        for (name, doc), value in zip(
            (
                ("terang_page_cache_hits", "Cacheable reads answered from memory"),
                ("terang_page_cache_misses", "Cacheable reads rendered"),
                ("terang_page_cache_stored", "Pages kept"),
                ("terang_page_cache_dropped", "Pages dropped at a new indexed position"),
            ),
            counts,
            strict=True,
        ):
            yield CounterMetricFamily(name, doc, value=value)


class ReconciliationCollector(Collector):
    """The last payment reconciliation run through the gateway (app/payments/metrics.py
    ReconciliationRecord, read by attribute), the newest of the workers' ([runs, ended at,
    unrepaired] each); absent until a first run: never a reassuring 0."""

    def __init__(self, record, others: list = ()) -> None:
        self.record = record
        self.others = others

    def collect(self):
        runs, last = self.record.runs, (self.record.last_run, self.record.unrepaired)
        for other_runs, ended, unrepaired in self.others:
            runs += other_runs
            if last[0] is None or ended > last[0]:
                last = (ended, unrepaired)
        yield CounterMetricFamily(
            "terang_bridge_reconciliations", "Reconciliation runs through the gateway", value=runs
        )
        if last[0] is not None:
            yield GaugeMetricFamily(
                "terang_bridge_reconciliation_mismatches",
                "Mismatches the last reconciliation run left unrepaired",
                value=last[1],
            )
            yield GaugeMetricFamily(
                "terang_bridge_reconciliation_last_run_timestamp_seconds",
                "When the last reconciliation run ended",
                value=last[0],
            )
