"""Liveness and readiness: is the chain reachable, is it the chain the manifest describes."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.health.schemas import ContractInfo, Health, IndexerHealth

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
        lastError=s.last_error,
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
    except Exception as exc:
        body = Health(
            status="unavailable",
            chainId=chain.manifest.chain_id,
            blockNumber=None,
            latestBlockAgeSeconds=None,
            network=chain.manifest.network,
            contracts=contracts,
            error=f"chain unreachable: {type(exc).__name__}",
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
