"""Where a plan stands, read from the chain: its proposal (proposed, approved by enough member
agencies, scheduled and waiting for the hub's delay, executable, executed, vetoed), whether the
gateway's copy of the plan still hashes to the proposal's description hash, and, per planned
agency, what the chain holds now: the agency registered, each official assigned to it and holding
each planned role, and each enroller's planned regions in scope (the welfare administrator's step,
after execution)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from web3.exceptions import ContractCustomError

from app.committee import ledger
from app.committee.acts import HUB
from app.committee.routes import proposal_view
from app.ledger.client import ChainClient
from app.onboarding import models
from app.onboarding.acts import DIRECTORY, WELFARE, parse_stored
from app.onboarding.plan import region_number, sha256_of
from app.protocol.roles import role_id


def stage(view: dict[str, Any], now: int) -> str:
    """proposed -> approved (enough agencies, not scheduled) -> scheduled (waiting for the delay) ->
    executable -> executed; or vetoed."""
    status = view["status"]
    if status == "proposed":
        return "approved" if len(view["approvingAgencies"]) >= view["threshold"] else "proposed"
    if status == "scheduled":
        return "executable" if view["executableAt"] and now >= view["executableAt"] else "scheduled"
    return status


def _officials(chain: ChainClient, agency, agency_id: int) -> list[dict[str, Any]]:
    directory, hub = chain.contract(DIRECTORY), chain.contract(HUB)
    welfare = chain.contract(WELFARE) if WELFARE in chain.manifest.contracts else None
    found = []
    for official in agency.officials:
        try:
            assigned = directory.functions.agencyOf(official.address).call() == agency_id
        except ContractCustomError:  # AgencyOfficerUnassigned
            assigned = False
        roles = {
            role: bool(hub.functions.hasRole(role_id(role), official.address).call()[0])
            for role in official.roles
        }
        scopes = [
            {
                "programme": scope.programme,
                "region": code,
                "inScope": bool(
                    welfare
                    and welfare.functions.isInScope(
                        scope.programme, official.address, region_number(code)
                    ).call()
                ),
            }
            for scope in official.scopes
            for code in scope.regions
        ]
        found.append({"address": official.address, "assigned": assigned, "roles": roles, "scopes": scopes})
    return found


def progress(chain: ChainClient, session: Session, row: models.OnboardingPlan) -> dict[str, Any]:
    view = proposal_view(chain, row.proposal_id)
    assert view is not None  # stored only once the proposal was mined
    now = chain.web3.eth.get_block("latest")["timestamp"]
    on_chain_sha = view["descriptionHash"][2:]
    plan = parse_stored(row.plan)
    directory = chain.contract(DIRECTORY)
    executed_at = view["executed"]["at"] if view["executed"] else None
    if executed_at is not None:
        remember_onboarded(session, row.proposal_id, executed_at)
    agencies = [
        {
            "agencyId": agency.id,
            "name": agency.name,
            "kind": agency.kind,
            "region": agency.region,
            "parent": agency.parent,
            "registered": bool(directory.functions.isAgency(agency.id).call()),
            "officials": _officials(chain, agency, agency.id),
        }
        for agency in plan.agencies
    ]
    scopes = [s for a in agencies for o in a["officials"] for s in o["scopes"]]
    return {
        "planId": row.proposal_id,
        "proposalId": row.proposal_id,
        "phase": row.phase,
        "planSha256": on_chain_sha,
        "planIntact": sha256_of(row.plan) == on_chain_sha == row.sha256,
        "plan": row.plan,
        "stage": stage(view, now),
        "status": view["status"],
        "approvingAgencies": view["approvingAgencies"],
        "threshold": view["threshold"],
        "executableAt": view["executableAt"],
        "executableAtWib": view["executableAtWib"],
        "executedAt": executed_at,
        "executedAtWib": ledger.wib(executed_at),
        "vetoed": bool(view["vetoes"]),
        "agencies": agencies,
        "scopesSet": sum(1 for s in scopes if s["inScope"]),
        "scopesPlanned": len(scopes),
        "proposer": view["proposer"],
    }


def remember_onboarded(session: Session, proposal_id: int, executed_at: int) -> None:
    """Marks the plan's agencies onboarded at the executing block's time (once)."""
    changed = False
    for agency in models.agencies(session):
        if agency.proposal_id == proposal_id and agency.onboarded_at is None:
            agency.onboarded_at = executed_at
            changed = True
    if changed:
        session.commit()
