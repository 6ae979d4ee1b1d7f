"""Onboarding agencies through the committee, without redeploying (docs/decisions/0039).

- POST /onboarding/plans: a member official of the committee (token role COMMITTEE, its own key,
  the same as every committee act) submits a plan's exact text; the gateway checks it (offline,
  against its own records and against the chain) and proposes its calls as ONE committee proposal
  whose description hash is the plan's SHA-256. The other member agencies approve, schedule and
  execute it at /committee/proposals/{id} like any committee act; guardians may veto it.
- GET /onboarding/plans/{plan_id}: where the plan stands, read from the chain (public).
- GET /agencies: every agency of the directory with, for those a plan onboarded, its kind,
  region, parent, phase and onboarding time (public).

Refusals are problems with stable codes: `plan_invalid` (422, one line naming the place),
`plan_pending`, `agency_pending`, `official_pending`, `AgencyAlreadyRegistered`,
`official_in_other_agency` (409), `WelfareUnknownProgramme` (404), the committee's own
(`CommitteeNotMember`, `officer_claim_missing`, `officer_key_unavailable`, 403)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from app.api.deps import ChainDep, SessionsDep, SignersDep, require_roles
from app.api.errors import ApiError
from app.api.writes import Call, WriterDep
from app.auth.tokens import Principal
from app.committee import acts as committee_acts
from app.committee import ledger, officials
from app.db.upsert import upsert
from app.ledger.events import event_args
from app.onboarding import acts, models
from app.onboarding.errors import register_titles
from app.onboarding.progress import progress, remember_onboarded
from app.onboarding.schemas import AgencyList, PlanProgress, PlanProposed, PlanSubmission

register_titles()
router = APIRouter(tags=["onboarding"])
Member = Annotated[Principal, Depends(require_roles("COMMITTEE"))]
PlanId = Annotated[
    int, Path(ge=1, lt=2**64, description="The plan's id: its committee proposal's id", examples=[1])
]


@router.post(
    "/onboarding/plans",
    status_code=201,
    response_model=PlanProposed,
    summary="Check an onboarding plan and propose it as one committee act (a member official)",
)
def propose_plan(
    request: Request,
    body: PlanSubmission,
    principal: Member,
    chain: ChainDep,
    signers: SignersDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    acting = officials.member(chain, signers, principal)
    with sessions() as session:
        plan = acts.checked(chain, session, body.plan)
    calls = acts.calls_of(chain, plan)
    committee = chain.contract(ledger.CONTRACT)
    decoded = [committee_acts.decode_call(chain, c.target, c.data) for c in calls]
    call = Call(
        committee, "propose", [[(c.target, c.data) for c in calls], plan.description_hash], acting.signer
    )

    def outcome(confirmed):
        proposal_id = event_args(committee, "Proposed", confirmed)["proposalId"]
        with sessions.begin() as session:
            session.add(
                models.OnboardingPlan(
                    proposal_id=proposal_id,
                    sha256=plan.sha256,
                    phase=plan.document.phase,
                    plan=plan.text,
                    proposer=acting.address,
                    transaction=confirmed.tx_hash,
                )
            )
            rows = [
                {
                    "agency_id": a.id,
                    "name": a.name,
                    "kind": a.kind,
                    "region": a.region,
                    "parent": a.parent,
                    "phase": plan.document.phase,
                    "proposal_id": proposal_id,
                    "onboarded_at": None,
                }
                for a in plan.agencies
            ]
            # An agency of a vetoed plan may come again in a later one: the later plan's row stands.
            upsert(
                session,
                models.OnboardedAgency,
                rows,
                ["agency_id"],
                update=[c for c in rows[0] if c != "agency_id"],
            )
        return {
            "planId": proposal_id,
            "proposalId": proposal_id,
            "status": "proposed",
            "phase": plan.document.phase,
            "planSha256": plan.sha256,
            "proposer": acting.address,
            "agencies": [a.id for a in plan.agencies],
            "calls": decoded,
        }

    return write(body.model_dump(), call, outcome, 201)


@router.get(
    "/onboarding/plans/{plan_id}",
    response_model=PlanProgress,
    summary="Where an onboarding plan stands: its proposal, and what the chain holds for each agency",
)
def get_plan(plan_id: PlanId, chain: ChainDep, sessions: SessionsDep):
    with sessions() as session:
        row = models.plan_of(session, plan_id)
        if row is None:
            raise ApiError(404, "plan_unknown", detail=f"no onboarding plan {plan_id}")
        return progress(chain, session, row)


@router.get(
    "/agencies",
    response_model=AgencyList,
    summary="Every agency of the directory, with the region, kind, phase and time of those onboarded",
)
def list_agencies(chain: ChainDep, sessions: SessionsDep):
    directory = chain.contract(acts.DIRECTORY)
    first = chain.manifest.contracts[acts.DIRECTORY].block_number
    registered = {
        log["args"]["agencyId"]: log["args"]["name"]
        for log in directory.events.AgencyRegistered().get_logs(from_block=first)
    }
    listed, pending = [], []
    with sessions() as session:
        rows = {row.agency_id: row for row in models.agencies(session)}
        for row in rows.values():
            if row.onboarded_at is None and acts.proposal_status(chain, row.proposal_id) == "executed":
                view = ledger.history(chain, row.proposal_id)["Executed"][-1]
                at = chain.web3.eth.get_block(view["blockNumber"])["timestamp"]
                remember_onboarded(session, row.proposal_id, at)
        rows = {row.agency_id: row for row in models.agencies(session)}
        for agency_id, name in sorted(registered.items()):
            listed.append(_listing(agency_id, name, rows.get(agency_id)))
        for agency_id, row in rows.items():
            if agency_id not in registered and acts.proposal_status(chain, row.proposal_id) in acts.PENDING:
                pending.append(_listing(agency_id, row.name, row))
    return {"agencies": listed, "pending": pending}


def _listing(agency_id: int, name: str, row: models.OnboardedAgency | None) -> dict:
    at = row.onboarded_at if row is not None else None
    return {
        "agencyId": agency_id,
        "name": name,
        "kind": row.kind if row else None,
        "region": row.region if row else None,
        "parent": row.parent if row else None,
        "phase": row.phase if row else None,
        "planId": row.proposal_id if row else None,
        "onboardedAt": at,
        "onboardedAtWib": ledger.wib(at),
    }
