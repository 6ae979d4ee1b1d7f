"""The indexer's status as Prometheus metrics, collected on scrape (no global metric objects)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from app.indexer.status import IndexerStatus


class IndexerCollector(Collector):
    def __init__(self, status: IndexerStatus) -> None:
        self.status = status

    def collect(self) -> Iterator[Metric]:
        s = self.status
        gauges = {
            "terang_indexer_running": ("1 while the indexer thread runs", int(s.running)),
            "terang_indexer_head_block": ("Latest block reported by the node", s.head),
            "terang_indexer_cursor_block": ("Last block whose logs are all stored", s.cursor),
            "terang_indexer_lag_blocks": ("Blocks between the stored cursor and the node's head", s.lag),
            "terang_indexer_batch_blocks": ("Current eth_getLogs range in blocks", s.batch_blocks),
        }
        for name, (doc, value) in gauges.items():
            if value is not None:
                yield GaugeMetricFamily(name, doc, value=value)
        counters = {
            "terang_indexer_events": ("Events stored", s.events_total),
            "terang_indexer_batches": ("Batches stored", s.batches_total),
            "terang_indexer_reorgs": ("Reorgs detected and rolled back", s.reorgs_total),
            "terang_indexer_rolled_back_events": (
                "Events dropped by reorg roll-backs",
                s.rolled_back_events_total,
            ),
            "terang_indexer_errors": ("Failed indexer steps (retried)", s.errors_total),
        }
        for name, (doc, value) in counters.items():
            yield CounterMetricFamily(name, doc, value=value)
