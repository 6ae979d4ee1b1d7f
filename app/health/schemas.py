"""Response models of the health endpoint (app/health/routes.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ContractInfo(BaseModel):
    address: str
    blockNumber: int = Field(description="The block it was deployed in")


class IndexerHealth(BaseModel):
    running: bool
    headBlock: int | None = Field(description="The chain's head as the indexer last saw it")
    cursorBlock: int | None = Field(description="The last block indexed")
    lagBlocks: int | None = Field(description="Blocks between the head and the cursor")
    eventsIndexed: int
    reorgs: int = Field(description="Reorganisations the indexer rolled back")
    failing: bool = Field(
        default=False, description="Its last attempt failed (why: GET /health/details, for auditors)"
    )


class Health(BaseModel):
    """Whether the gateway reaches the chain its deployment manifest describes. Answered with 200
    when the chain answers, with 503 (this same shape, status `unavailable`) when it does not."""

    status: Literal["ok", "unavailable"]
    chainId: int
    blockNumber: int | None = Field(description="The latest block; null when the chain is unreachable")
    latestBlockAgeSeconds: int | None = Field(
        description="Age of the latest block in seconds; null when unreachable"
    )
    network: str = Field(description="The manifest's network name")
    contracts: dict[str, ContractInfo] = Field(description="The manifest's contracts by name")
    error: str | None = Field(
        default=None, description="Why the chain is unavailable, in general terms (details: /health/details)"
    )
    indexer: IndexerHealth | None = Field(
        default=None, description="Null when the indexer runs in its own process"
    )


class IndexerDetails(BaseModel):
    running: bool
    lastError: str | None = Field(description="The indexer's last error, as logged")


class PaymentsDetails(BaseModel):
    provider: str
    bridgeEnabled: bool = Field(description="Whether the bridge runs inside this gateway")
    bridgeRunning: bool


class HealthDetails(BaseModel):
    """What the public /health leaves out: internal error text and the payment bridge's state. For
    auditors (role AUDITOR) and operators holding that role."""

    chainError: str | None = Field(
        description="The error type of the last failed head read, if it failed now"
    )
    indexer: IndexerDetails | None = Field(description="Null when the indexer runs in its own process")
    payments: PaymentsDetails | None
