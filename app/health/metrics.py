"""Prometheus metrics: the indexer's progress (lag, events, reorgs) and the process's resources."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, ProcessCollector, generate_latest

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
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
