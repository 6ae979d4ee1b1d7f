"""The command centre's view, assembled from what the gateway already measures: its Prometheus
registry (the same metric families the alert rules evaluate, so what an operator reads here is what
the alerts see), the chain (pauses, committee acts still to come) and the alerts firing in the
consortium's Prometheus."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry

from app.operations.alerts import AlertReading
from app.operations.chain_state import PendingAct


@dataclass(frozen=True)
class NodeRow:
    name: str
    up: bool
    healthy: bool
    head: int | None
    lag_blocks: int | None
    peers: int | None
    block_age_seconds: int | None  # since the node's latest block
    problem: str | None
    since: float  # unix seconds when it last became healthy or unhealthy


@dataclass(frozen=True)
class CommandCentre:
    checked_at: int
    nodes: list[NodeRow]
    indexer: dict[str, Any]  # running, head, cursor, lag_blocks (None: runs as its own process)
    payouts: dict[str, int]  # queued, paid, failed
    quarantined: int | None
    batches_held: int | None
    reconciliation_mismatches: int | None  # None: no reconciliation run through this gateway yet
    pending_transactions: dict[str, dict[str, float]]  # signer -> {count, oldest_age_seconds}
    paused: dict[str, bool]
    pending_acts: list[PendingAct]
    alerts: AlertReading
    problems: list[str] = field(default_factory=list)  # what could not be read, in a few words


def samples(registry: CollectorRegistry) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Every sample of the registry, by sample name (counters end in _total)."""
    found: dict[str, list[tuple[dict[str, str], float]]] = defaultdict(list)
    for family in registry.collect():
        for sample in family.samples:
            found[sample.name].append((dict(sample.labels), sample.value))
    return found


def _one(found, name: str) -> float | None:
    values = found.get(name)
    return values[0][1] if values else None


def _by(found, name: str, label: str) -> dict[str, float]:
    return {labels[label]: value for labels, value in found.get(name, ()) if label in labels}


def assemble(
    registry: CollectorRegistry,
    nodes: list,  # NodeState objects (app/ledger/nodes.py)
    paused: dict[str, bool],
    acts: list[PendingAct],
    alerts: AlertReading,
    problems: list[str],
) -> CommandCentre:
    found = samples(registry)
    now = time.time()
    rows = [
        NodeRow(
            name=s.name,
            up=s.up,
            healthy=s.healthy,
            head=s.head,
            lag_blocks=s.lag_blocks,
            peers=s.peers,
            block_age_seconds=max(0, int(now - s.head_timestamp)) if s.head_timestamp else None,
            problem=s.problem,
            since=s.since,
        )
        for s in nodes
    ]
    running = _one(found, "terang_indexer_running")
    indexer = {
        "running": None if running is None else bool(running),
        "head": _int(_one(found, "terang_indexer_head_block")),
        "cursor": _int(_one(found, "terang_indexer_cursor_block")),
        "lag_blocks": _int(_one(found, "terang_indexer_lag_blocks")),
    }
    pending = _by(found, "terang_tx_pending", "signer")
    oldest = _by(found, "terang_tx_oldest_pending_age_seconds", "signer")
    return CommandCentre(
        checked_at=int(now),
        nodes=rows,
        indexer=indexer,
        payouts={k: int(v) for k, v in _by(found, "terang_bridge_payouts", "state").items()},
        quarantined=_int(_one(found, "terang_bridge_quarantined")),
        batches_held=_int(_one(found, "terang_bridge_batches_held")),
        reconciliation_mismatches=_int(_one(found, "terang_bridge_reconciliation_mismatches")),
        pending_transactions={
            signer: {"count": int(count), "oldest_age_seconds": round(oldest.get(signer, 0.0), 1)}
            for signer, count in sorted(pending.items())
        },
        paused=paused,
        pending_acts=acts,
        alerts=alerts,
        problems=problems,
    )


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)
