"""GET /ops (the command centre's page, Bahasa Indonesia and English) and GET /ops/status (the same as
JSON). Public like /metrics: nothing on it is secret or personal (nodes by name, never by URL; counts;
signer addresses, public on chain anyway); an operator's details stay behind /health/details. Built at
most once every few seconds however many screens watch it, so watchers cost the nodes nothing more."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.explorer.routes import render
from app.health.metrics import gateway_registry
from app.operations.alerts import PrometheusAlerts
from app.operations.centre import CommandCentre, assemble
from app.operations.chain_state import paused_contracts, pending_acts
from app.operations.schemas import CommandCentreView

log = logging.getLogger("terang.operations")
router = APIRouter(tags=["operations"])
FRESH_SECONDS = 2.0


class CentreCache:
    def __init__(self, prometheus_url: str | None) -> None:
        self.alerts = PrometheusAlerts(prometheus_url)
        self._lock = threading.Lock()
        self._known: tuple[float, CommandCentre] | None = None

    def view(self, state) -> CommandCentre:
        with self._lock:
            if self._known is None or time.monotonic() - self._known[0] >= FRESH_SECONDS:
                self._known = (time.monotonic(), self._build(state))
            return self._known[1]

    def _build(self, state) -> CommandCentre:
        problems: list[str] = []
        paused, acts = {}, []
        try:
            paused = paused_contracts(state.chain)
            acts = pending_acts(state.chain)
        except Exception as exc:  # the chain cannot tell now: the page says so and shows the rest
            log.warning("command centre: chain not read: %s", type(exc).__name__)
            problems.append("chain_unreadable")
        nodes = state.nodes.states() if getattr(state, "nodes", None) is not None else []
        return assemble(gateway_registry(state), nodes, paused, acts, self.alerts.read(), problems)


def _cache(request: Request) -> CentreCache:
    state = request.app.state
    cache = getattr(state, "command_centre", None)
    if cache is None:
        cache = state.command_centre = CentreCache(state.settings.prometheus_url)
    return cache


def as_json(centre: CommandCentre) -> dict[str, Any]:
    return {
        "checkedAt": centre.checked_at,
        "nodes": [
            {
                "name": n.name,
                "up": n.up,
                "healthy": n.healthy,
                "head": n.head,
                "lagBlocks": n.lag_blocks,
                "peers": n.peers,
                "blockAgeSeconds": n.block_age_seconds,
                "problem": n.problem,
                "since": int(n.since),
            }
            for n in centre.nodes
        ],
        "indexer": {
            "running": centre.indexer["running"],
            "head": centre.indexer["head"],
            "cursor": centre.indexer["cursor"],
            "lagBlocks": centre.indexer["lag_blocks"],
        },
        "bridge": {
            "payouts": centre.payouts,
            "quarantined": centre.quarantined,
            "batchesHeld": centre.batches_held,
            "reconciliationMismatches": centre.reconciliation_mismatches,
        },
        "pendingTransactions": [
            {"signer": s, "count": v["count"], "oldestAgeSeconds": v["oldest_age_seconds"]}
            for s, v in centre.pending_transactions.items()
        ],
        "paused": centre.paused,
        "pendingActs": [
            {
                "proposalId": a.proposal_id,
                "status": a.status,
                "proposerAgency": a.proposer_agency,
                "executableAt": a.executable_at,
            }
            for a in centre.pending_acts
        ],
        "alerts": {
            "configured": centre.alerts.configured,
            "reachable": centre.alerts.reachable,
            "alerts": [
                {
                    "name": a.name,
                    "state": a.state,
                    "severity": a.severity,
                    "summary": a.summary,
                    "summaryEn": a.summary_en,
                    "labels": a.labels,
                    "activeAt": a.active_at,
                }
                for a in centre.alerts.alerts
            ],
        },
        "problems": centre.problems,
    }


@router.get(
    "/ops/status",
    response_model=CommandCentreView,
    summary="The command centre: nodes, indexer, payment bridge, pending transactions, pauses, acts, alerts",
)
def command_centre_status(request: Request) -> dict[str, Any]:
    return as_json(_cache(request).view(request.app.state))


@router.get("/ops", response_class=HTMLResponse, include_in_schema=False)
def command_centre_page(request: Request) -> HTMLResponse:
    centre = _cache(request).view(request.app.state)
    return render(request, "operations.html", centre=centre, now=int(time.time()))
