"""Liveness and readiness: is the chain reachable, is it the chain the manifest describes.

The public /health carries no internal error text (an exception's message may name hosts, paths or
a library's words): the chain is "unreachable" and the indexer `failing` at most. The indexer's
last error and the payment bridge's state are at GET /health/details, for the AUDITOR role."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from app.api.deps import require_roles
from app.auth.tokens import Principal
from app.health.schemas import (
    ContractInfo,
    Health,
    HealthDetails,
    IndexerDetails,
    IndexerHealth,
    PaymentsDetails,
)

router = APIRouter(tags=["health"])


def indexer_health(request: Request) -> IndexerHealth | None:
    indexer = getattr(request.app.state, "indexer", None)
    if indexer is None:
        return None
    s = indexer.status
    return IndexerHealth(
        running=s.running,
        headBlock=s.head,
        cursorBlock=s.cursor,
        lagBlocks=s.lag,
        eventsIndexed=s.events_total,
        reorgs=s.reorgs_total,
        failing=s.last_error is not None,
    )


@router.get(
    "/health",
    response_model=Health,
    responses={
        503: {"model": Health, "description": "The chain cannot be reached or is not the expected one"}
    },
    summary="Chain reachability and deployed contracts",
)
async def health(request: Request) -> JSONResponse | Health:
    # async, and no dependency run in the threadpool: /health never queues behind other work
    chain = request.app.state.chain
    contracts = {
        name: ContractInfo(address=c.address, blockNumber=c.block_number)
        for name, c in chain.manifest.contracts.items()
    }
    try:
        block = await request.app.state.head.latest()  # cached ~1 s, bounded (app/health/head.py)
    except Exception:
        body = Health(
            status="unavailable",
            chainId=chain.manifest.chain_id,
            blockNumber=None,
            latestBlockAgeSeconds=None,
            network=chain.manifest.network,
            contracts=contracts,
            error="chain unreachable",
            indexer=indexer_health(request),
        )
        return JSONResponse(status_code=503, content=body.model_dump())
    return Health(
        status="ok",
        chainId=chain.manifest.chain_id,
        blockNumber=block["number"],
        latestBlockAgeSeconds=max(0, int(time.time()) - int(block["timestamp"])),
        network=chain.manifest.network,
        contracts=contracts,
        indexer=indexer_health(request),
    )


Auditor = Annotated[Principal, Depends(require_roles("AUDITOR"))]


@router.get(
    "/health/details",
    response_model=HealthDetails,
    summary="The indexer's last error and the payment bridge's state (auditors)",
)
async def health_details(request: Request, _principal: Auditor) -> HealthDetails:
    state = request.app.state
    try:
        await state.head.latest()
        chain_error = None
    except Exception as exc:
        chain_error = type(exc).__name__
    indexer = getattr(state, "indexer", None)
    payments = getattr(state, "payments", None)
    thread = getattr(getattr(payments, "thread", None), "_thread", None)
    return HealthDetails(
        chainError=chain_error,
        indexer=IndexerDetails(running=indexer.status.running, lastError=indexer.status.last_error)
        if indexer is not None
        else None,
        payments=PaymentsDetails(
            provider=payments.bridge.provider.name,
            bridgeEnabled=payments.thread is not None,
            bridgeRunning=thread is not None and thread.is_alive(),
        )
        if payments is not None
        else None,
    )
