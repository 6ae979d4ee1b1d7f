"""The command centre's JSON (GET /ops/status)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class NodeView(BaseModel):
    name: str = Field(description="The node's name in TERANG_RPC_NODES (its URL is never shown)")
    up: bool = Field(description="Answers with the expected chain id")
    healthy: bool = Field(description="Up, within the allowed lag, and on the same history as the others")
    head: int | None
    lagBlocks: int | None = Field(description="Blocks behind the best node")
    peers: int | None = Field(description="net_peerCount, where the node tells")
    blockAgeSeconds: int | None = Field(description="Seconds since the node's latest block")
    problem: str | None
    since: int = Field(description="UTC seconds when it last became healthy or unhealthy")


class IndexerView(BaseModel):
    running: bool | None = Field(description="None: the indexer runs as its own process")
    head: int | None
    cursor: int | None
    lagBlocks: int | None


class PaymentBridgeState(BaseModel):
    payouts: dict[str, int] = Field(description="Payouts by state: queued, paid, failed")
    quarantined: int | None
    batchesHeld: int | None
    reconciliationMismatches: int | None = Field(
        description="Left unrepaired by the last reconciliation run through this gateway; None: none yet"
    )


class PendingSigner(BaseModel):
    signer: str
    count: int
    oldestAgeSeconds: float


class PendingActView(BaseModel):
    proposalId: int
    status: str = Field(description="proposed | scheduled")
    proposerAgency: int
    executableAt: int | None = Field(description="UTC seconds from which it may execute")


class AlertView(BaseModel):
    name: str
    state: str = Field(description="firing | pending")
    severity: str
    summary: str
    summaryEn: str
    labels: dict[str, str]
    activeAt: str | None


class AlertsView(BaseModel):
    configured: bool = Field(description="TERANG_PROMETHEUS_URL is set")
    reachable: bool
    alerts: list[AlertView]


class CommandCentreView(BaseModel):
    checkedAt: int = Field(description="UTC seconds")
    nodes: list[NodeView]
    indexer: IndexerView
    bridge: PaymentBridgeState
    pendingTransactions: list[PendingSigner]
    paused: dict[str, bool] = Field(description="Each pausable contract: paused or not")
    pendingActs: list[PendingActView] = Field(
        description="Committee acts proposed or scheduled, newest first"
    )
    alerts: AlertsView
    problems: list[str] = Field(description="What could not be read just now")
