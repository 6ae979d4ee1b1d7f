"""What the chain says an operator must know: which contracts are paused, and which committee acts are
proposed or scheduled (with when they may execute)."""

from __future__ import annotations

from dataclasses import dataclass

from app.committee import ledger as committee
from app.ledger.client import ChainClient

RECENT_PROPOSALS = 20  # the newest proposals looked at for acts still to come


@dataclass(frozen=True)
class PendingAct:
    proposal_id: int
    status: str  # proposed | scheduled
    proposer_agency: int
    executable_at: int | None  # UTC seconds; None until scheduled


def paused_contracts(chain: ChainClient) -> dict[str, bool]:
    """Each deployed contract that can be paused, and whether it is."""
    found = {}
    for name, deployed in chain.manifest.contracts.items():
        if any(item.get("name") == "paused" and item.get("type") == "function" for item in deployed.abi):
            found[name] = bool(chain.read(name, "paused"))
    return found


def pending_acts(chain: ChainClient) -> list[PendingAct]:
    """The committee's acts not yet executed or vetoed, among its newest proposals, newest first."""
    if committee.CONTRACT not in chain.manifest.contracts:
        return []
    count = committee.proposal_count(chain)
    acts = []
    for proposal_id in range(count, max(count - RECENT_PROPOSALS, 0), -1):
        raw = committee.raw_proposal(chain, proposal_id)
        if raw is None or committee.STATUS[raw["status"]] not in ("proposed", "scheduled"):
            continue
        acts.append(
            PendingAct(
                proposal_id=proposal_id,
                status=committee.STATUS[raw["status"]],
                proposer_agency=raw["proposerAgency"],
                executable_at=raw["readyAt"] or None,
            )
        )
    return acts
