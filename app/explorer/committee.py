"""The committee's proposals as the explorer shows them, projected from the indexed events of the
Committee contract alone (who proposed for which agency, who approved for which agency, vetoes with
their reasons' hash, schedule and execution, each with its block time). A proposal's calls are
decoded with the deployment's ABIs (app/committee/acts.py) when the node can be asked; the page
still shows the history when it cannot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.indexer.models import ChainEvent

CONTRACT = "Committee"


@dataclass
class ProposalStep:
    kind: str  # proposed, approved, scheduled, executed, vetoed
    official: str | None
    agency: int | None
    time: int | None
    block: int
    tx: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProposalSummary:
    id: int
    proposer: str | None = None
    agency: int | None = None
    description_hash: str | None = None
    status: str = "proposed"  # proposed, approved (k reached is the contract's business), scheduled, ...
    proposed_at: int | None = None
    approvals: list[ProposalStep] = field(default_factory=list)
    vetoes: list[ProposalStep] = field(default_factory=list)
    scheduled: ProposalStep | None = None
    executable_at: int | None = None
    executed: ProposalStep | None = None
    steps: list[ProposalStep] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)  # raw (target, data) from the event

    @property
    def approving_agencies(self) -> list[int]:
        return sorted({a.agency for a in self.approvals if a.agency is not None})


KINDS = {
    "Proposed": "proposed",
    "Approved": "approved",
    "Scheduled": "scheduled",
    "Executed": "executed",
    "Vetoed": "vetoed",
}


def _official(args: dict[str, Any]) -> str | None:
    for name in ("official", "proposer", "by", "caller"):
        if args.get(name):
            return args[name]
    return None


def _apply(p: ProposalSummary, e: ChainEvent) -> None:
    kind, args = KINDS[e.event], e.args
    step = ProposalStep(
        kind, _official(args), args.get("agencyId"), e.block_timestamp, e.block_number, e.tx_hash, args
    )
    p.steps.append(step)
    if kind == "proposed":
        p.proposer, p.agency, p.proposed_at = step.official, step.agency, e.block_timestamp
        p.description_hash = args.get("descriptionHash")
        p.calls = list(args.get("calls") or [])
    elif kind == "approved":
        p.approvals.append(step)
    elif kind == "scheduled":
        p.scheduled, p.executable_at, p.status = step, args.get("readyAt"), "scheduled"
    elif kind == "executed":
        p.executed, p.status = step, "executed"
    elif kind == "vetoed":
        p.vetoes.append(step)
        p.status = "vetoed"


def _proposal_id(e: ChainEvent) -> int | None:
    value = e.args.get("proposalId")
    return int(value) if value is not None else None


def proposals(session: Session) -> list[ProposalSummary]:
    """Every proposal the indexer holds, newest first."""
    rows = session.scalars(
        select(ChainEvent)
        .where(ChainEvent.contract == CONTRACT, ChainEvent.event.in_(tuple(KINDS)))
        .order_by(ChainEvent.block_number, ChainEvent.log_index)
    )
    found: dict[int, ProposalSummary] = {}
    for e in rows:
        pid = _proposal_id(e)
        if pid is None:
            continue
        _apply(found.setdefault(pid, ProposalSummary(pid)), e)
    return sorted(found.values(), key=lambda p: p.id, reverse=True)


def proposal(session: Session, proposal_id: int) -> ProposalSummary | None:
    return next((p for p in proposals(session) if p.id == proposal_id), None)


def executed_in(session: Session, tx_hashes: set[str]) -> dict[str, int]:
    """Which of these transactions executed a committee proposal: tx hash -> proposal id (so a
    tender's timeline links a dispute resolution, a termination or an unpause to its proposal)."""
    if not tx_hashes:
        return {}
    rows = session.scalars(
        select(ChainEvent).where(
            ChainEvent.contract == CONTRACT, ChainEvent.event == "Executed", ChainEvent.tx_hash.in_(tx_hashes)
        )
    )
    return {e.tx_hash: pid for e in rows if (pid := _proposal_id(e)) is not None}
