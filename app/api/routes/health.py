"""Liveness and readiness: is the chain reachable, is it the chain the manifest describes."""

from __future__ import annotations

import time

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.api.deps import ChainDep

router = APIRouter(tags=["health"])


class ContractInfo(BaseModel):
    address: str
    blockNumber: int


class Health(BaseModel):
    status: str
    chainId: int
    blockNumber: int | None
    latestBlockAgeSeconds: int | None
    network: str
    contracts: dict[str, ContractInfo]
    error: str | None = None


@router.get("/health", response_model=Health, summary="Chain reachability and deployed contracts")
def health(chain: ChainDep) -> JSONResponse | Health:
    contracts = {
        name: ContractInfo(address=c.address, blockNumber=c.block_number)
        for name, c in chain.manifest.contracts.items()
    }
    try:
        block = chain.web3.eth.get_block("latest")
    except Exception as exc:
        body = Health(
            status="unavailable",
            chainId=chain.manifest.chain_id,
            blockNumber=None,
            latestBlockAgeSeconds=None,
            network=chain.manifest.network,
            contracts=contracts,
            error=f"chain unreachable: {type(exc).__name__}",
        )
        return JSONResponse(status_code=503, content=body.model_dump())
    return Health(
        status="ok",
        chainId=chain.manifest.chain_id,
        blockNumber=block["number"],
        latestBlockAgeSeconds=max(0, int(time.time()) - int(block["timestamp"])),
        network=chain.manifest.network,
        contracts=contracts,
    )
