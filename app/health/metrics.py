"""Prometheus metrics: the indexer's progress (lag, events, reorgs), the page cache's hits and misses
(app/explorer/page_cache.py) and the process's resources."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from app.indexer.metrics import IndexerCollector

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=PlainTextResponse,
    response_description="The Prometheus text exposition format",
)
def metrics(request: Request) -> Response:
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    indexer = getattr(request.app.state, "indexer", None)
    if indexer is not None:
        registry.register(IndexerCollector(indexer.status))
    cache = getattr(request.app.state, "page_cache", None)
    if cache is not None:
        registry.register(PageCacheCollector(cache))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


class PageCacheCollector(Collector):
    """The page cache's counters (read by attribute: this layer imports no explorer module)."""

    def __init__(self, cache) -> None:
        self.cache = cache

    def collect(self):
        c = self.cache
        entries, size = c.size()
        yield GaugeMetricFamily("terang_page_cache_entries", "Pages kept now", value=entries)
        yield GaugeMetricFamily("terang_page_cache_bytes", "Bytes of the pages kept now", value=size)
        for name, doc, value in (
            ("terang_page_cache_hits", "Cacheable reads answered from memory", c.hits),
            ("terang_page_cache_misses", "Cacheable reads rendered", c.misses),
            ("terang_page_cache_stored", "Pages kept", c.stored),
            ("terang_page_cache_dropped", "Pages dropped at a new indexed position", c.dropped),
        ):
            yield CounterMetricFamily(name, doc, value=value)
