"""The multi-agency committee through REST: proposals of typed acts, approvals by member officials,
scheduling through the hub's delay, execution, and guardians' vetoes (docs/decisions/0018).

Who acts, and with which key (app/committee/officials.py): every act is signed with the calling
official's own key (`officer:<address>`, the token's `officer` claim). A member official (token role
COMMITTEE) proposes, approves, schedules and executes; a guardian official (token role GUARDIAN, of
BPK or KPK) vetoes during the delay. The Committee contract counts each member agency once: a
proposal is scheduled only once k distinct agencies approved, executes only after the hub's delay,
and never once vetoed.

The acts the gateway scheduled for the committee before keep their URLs, and now open a proposal
(201, the proposal) that member officials approve, schedule and execute under /committee/proposals:
the resolution of an escrow's dispute, the termination of an escrow, a welfare rules change.

Every refusal is a problem with a stable code: the gateway's own checks, and what the contract
refuses under its custom error's name (e.g. `CommitteeAlreadyApproved`, `CommitteeNotEnoughApprovals`,
`CommitteeNotReady`, `CommitteeVetoSpent`). Proposals are public: every read is."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from web3 import Web3

from app.api.deps import ChainDep, SignersDep, require_roles
from app.api.errors import ApiError
from app.api.writes import Call, Writer, WriterDep
from app.auth.tokens import Principal
from app.committee import acts as actlib
from app.committee import ledger, officials
from app.committee.schemas import (
    Approved,
    CommitteeView,
    Executed,
    Paused,
    PauseRequest,
    Proposal,
    ProposalList,
    ProposalView,
    Proposed,
    Scheduled,
    Veto,
    Vetoed,
)
from app.escrows.schemas import BYTES32, DisputeResolution, Termination, VerifierReplacement
from app.indexer.decode import decode_log, event_specs
from app.ledger.client import ChainClient
from app.ledger.events import event_args
from app.ledger.signers import SignerRegistry
from app.welfare.schemas import BudgetLineProposal, Rules

router = APIRouter(prefix="/committee", tags=["committee"])
acts_router = APIRouter(tags=["committee"])  # the committee acts at their domain's URLs
Member = Annotated[Principal, Depends(require_roles("COMMITTEE"))]
Guardian = Annotated[Principal, Depends(require_roles("GUARDIAN"))]
ProposalId = Annotated[int, Path(ge=1, lt=2**64, description="The proposal's id (1, 2, ...)", examples=[1])]
PER_PAGE = 50


# ------------------------------------------------------------------------------------ reads


def proposal_view(chain: ChainClient, proposal_id: int) -> dict | None:
    raw = ledger.raw_proposal(chain, proposal_id)
    if raw is None:
        return None
    committee = chain.contract(ledger.CONTRACT)
    found = ledger.history(chain, proposal_id)
    calls = committee.functions.proposalCalls(proposal_id).call()
    approvals = [
        {
            "official": Web3.to_checksum_address(e["official"]),
            "agency": e["agencyId"],
            "blockNumber": e["blockNumber"],
            "transactionHash": e["transactionHash"],
        }
        for e in found["Approved"]
    ]
    vetoes = [
        {
            "official": Web3.to_checksum_address(e["official"]),
            "agency": e["agencyId"],
            "reasonHash": e["reasonHash"],
            "blockNumber": e["blockNumber"],
            "transactionHash": e["transactionHash"],
        }
        for e in found["Vetoed"]
    ]
    scheduled_at = _block_time(chain, found["Scheduled"][-1]) if found["Scheduled"] else None
    executable_at = raw["readyAt"] or None
    executed = None
    if found["Executed"]:
        e = found["Executed"][-1]
        at = _block_time(chain, e)
        executed = {
            "official": Web3.to_checksum_address(e["official"]),
            "at": at,
            "atWib": ledger.wib(at),
            "blockNumber": e["blockNumber"],
            "transactionHash": e["transactionHash"],
        }
    return {
        "proposalId": proposal_id,
        "status": ledger.STATUS[raw["status"]],
        "proposer": Web3.to_checksum_address(raw["proposer"]),
        "proposerAgency": raw["proposerAgency"],
        "descriptionHash": Web3.to_hex(raw["descriptionHash"]),
        "calls": [actlib.decode_call(chain, target, data) for target, data in calls],
        "approvals": approvals,
        "approvingAgencies": sorted({a["agency"] for a in approvals}),
        "threshold": committee.functions.threshold().call(),
        "vetoes": vetoes,
        "scheduledAt": scheduled_at,
        "scheduledAtWib": ledger.wib(scheduled_at),
        "executableAt": executable_at,
        "executableAtWib": ledger.wib(executable_at),
        "executed": executed,
    }


def _block_time(chain: ChainClient, event: dict) -> int:
    return chain.web3.eth.get_block(event["blockNumber"])["timestamp"]


def _existing(chain: ChainClient, proposal_id: int) -> dict:
    raw = ledger.raw_proposal(chain, proposal_id)
    if raw is None:
        raise ApiError(404, "CommitteeUnknownProposal", detail=f"no proposal {proposal_id}")
    return raw


@router.get("", response_model=CommitteeView, summary="The committee: its member agencies and threshold")
def get_committee(chain: ChainDep):
    count = ledger.proposal_count(chain)  # 503 committee_not_deployed first
    committee = chain.contract(ledger.CONTRACT)
    agencies = [
        {"agencyId": agency, "guardian": committee.functions.memberAgency(agency).call()[1]}
        for agency in committee.functions.memberAgencies().call()
    ]
    return {
        "address": committee.address,
        "threshold": committee.functions.threshold().call(),
        "agencies": agencies,
        "proposals": count,
    }


@router.get("/proposals", response_model=ProposalList, summary="The committee's proposals, newest first")
def list_proposals(
    chain: ChainDep,
    before: Annotated[int | None, Query(ge=1, lt=2**64, description="Only proposals with a lower id")] = None,
    limit: Annotated[int, Query(ge=1, le=PER_PAGE)] = 20,
):
    total = ledger.proposal_count(chain)
    top = min(total, (before - 1) if before else total)
    ids = list(range(top, max(top - limit, 0), -1))
    views = [view for view in (proposal_view(chain, i) for i in ids) if view is not None]
    return {"proposals": views, "total": total, "next": ids[-1] if ids and ids[-1] > 1 else None}


@router.get(
    "/proposals/{proposal_id}",
    response_model=ProposalView,
    summary="A proposal: its calls decoded, approvals by official and agency, vetoes, schedule, execution",
)
def get_proposal(proposal_id: ProposalId, chain: ChainDep):
    view = proposal_view(chain, proposal_id)
    if view is None:
        raise ApiError(404, "CommitteeUnknownProposal", detail=f"no proposal {proposal_id}")
    return view


# ------------------------------------------------------------------------------------ writes


def propose(
    chain: ChainClient,
    signers: SignerRegistry,
    principal: Principal,
    write: Writer,
    acts: list,
    description_hash: str,
    body: dict,
):
    """Opens a proposal of `acts`, signed by the calling member official's own key (201, Proposed)."""
    acting = officials.member(chain, signers, principal)
    calls = actlib.calls_of(chain, acts)
    committee = chain.contract(ledger.CONTRACT)
    decoded = [actlib.decode_call(chain, c.target, c.data) for c in calls]
    call = Call(committee, "propose", [[(c.target, c.data) for c in calls], description_hash], acting.signer)

    def outcome(confirmed):
        event = event_args(committee, "Proposed", confirmed)
        return {
            "proposalId": event["proposalId"],
            "status": "proposed",
            "proposer": acting.address,
            "agency": acting.agency,
            "calls": decoded,
        }

    return write(body, call, outcome, 201)


@router.post(
    "/proposals",
    status_code=201,
    response_model=Proposed,
    summary="Propose typed acts (a member official, with its own key)",
)
def create_proposal(
    request: Request,
    body: Proposal,
    principal: Member,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    return propose(chain, signers, principal, write, body.acts, body.descriptionHash, body.model_dump())


def _member_act(
    chain: ChainClient, signers: SignerRegistry, principal: Principal, proposal_id: int, function: str
):
    """A member official's act on an existing proposal (approve, schedule, execute), signed with its
    own key: the acting official, the Committee contract and the call."""
    acting = officials.member(chain, signers, principal)
    _existing(chain, proposal_id)
    committee = chain.contract(ledger.CONTRACT)
    return acting, committee, Call(committee, function, [proposal_id], acting.signer)


@router.post(
    "/proposals/{proposal_id}/approvals",
    response_model=Approved,
    summary="Approve a proposal for one's agency (a member official; each agency counts once)",
)
def approve_proposal(
    request: Request,
    proposal_id: ProposalId,
    principal: Member,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    acting, committee, call = _member_act(chain, signers, principal, proposal_id, "approve")

    def outcome(confirmed):
        event = event_args(committee, "Approved", confirmed)
        return {"proposalId": proposal_id, "official": acting.address, "agency": event["agencyId"]}

    return write({"proposalId": proposal_id}, call, outcome)


@router.post(
    "/proposals/{proposal_id}/schedule",
    response_model=Scheduled,
    summary="Schedule an approved proposal on the hub (a member official): executable after the delay",
)
def schedule_proposal(
    request: Request,
    proposal_id: ProposalId,
    principal: Member,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    _, committee, call = _member_act(chain, signers, principal, proposal_id, "schedule")

    def outcome(confirmed):
        event = event_args(committee, "Scheduled", confirmed)
        return {
            "proposalId": proposal_id,
            "status": "scheduled",
            "executableAt": event["readyAt"],
            "executableAtWib": ledger.wib(event["readyAt"]),
        }

    return write({"proposalId": proposal_id}, call, outcome)


@router.post(
    "/proposals/{proposal_id}/execution",
    response_model=Executed,
    summary="Execute a scheduled proposal once its delay has passed (a member official)",
)
def execute_proposal(
    request: Request,
    proposal_id: ProposalId,
    principal: Member,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    acting, committee, call = _member_act(chain, signers, principal, proposal_id, "execute")

    def outcome(confirmed):
        return {
            "proposalId": proposal_id,
            "status": "executed",
            "official": acting.address,
            "events": effects(chain, confirmed),
        }

    return write({"proposalId": proposal_id}, call, outcome)


def effects(chain: ChainClient, confirmed) -> list[dict]:
    """What the executed calls did: the events of the deployment's contracts in the transaction, in
    order, decoded (the hub's and the Committee's own bookkeeping left out)."""
    specs = event_specs(chain.manifest)
    found = []
    for log in confirmed.logs:
        raw = {
            "address": log["address"],
            "topics": [Web3.to_hex(bytes(t)) for t in log["topics"]],
            "data": Web3.to_hex(bytes(log["data"])),
            "blockNumber": hex(log["blockNumber"]),
            "blockHash": Web3.to_hex(bytes(log["blockHash"])),
            "logIndex": hex(log["logIndex"]),
            "transactionHash": Web3.to_hex(bytes(log["transactionHash"])),
            "transactionIndex": hex(log["transactionIndex"]),
        }
        row = decode_log(raw, specs, {})
        if row["contract"] not in (ledger.CONTRACT, actlib.HUB, "?"):
            found.append({"contract": row["contract"], "event": row["event"], "args": row["args"]})
    return found


@router.post(
    "/proposals/{proposal_id}/veto",
    response_model=Vetoed,
    summary="Veto a proposal during its delay (a guardian official, BPK or KPK, with its reasons' hash)",
)
def veto_proposal(
    request: Request,
    proposal_id: ProposalId,
    body: Veto,
    principal: Guardian,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    acting = officials.guardian(chain, signers, principal)
    _existing(chain, proposal_id)
    committee = chain.contract(ledger.CONTRACT)
    call = Call(committee, "veto", [proposal_id, body.reasonHash], acting.signer)

    def outcome(confirmed):
        event = event_args(committee, "Vetoed", confirmed)
        return {
            "proposalId": proposal_id,
            "status": "vetoed",
            "official": acting.address,
            "agency": event["agencyId"],
            "reasonHash": body.reasonHash,
        }

    return write({"proposalId": proposal_id, **body.model_dump()}, call, outcome)


@router.post(
    "/pauses",
    response_model=Paused,
    summary="Pause a contract at once (a guardian official, with its own key); unpausing is a committee act",
)
def pause_contract(
    request: Request,
    body: PauseRequest,
    principal: Guardian,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    acting = officials.guardian(chain, signers, principal)
    (call,) = actlib.calls_of(chain, [actlib.PauseAct(kind="pause", contract=body.contract)], check_hub=False)
    contract = chain.contract(body.contract)
    signed = Call(contract, "pause", [], acting.signer)
    done = {"contract": body.contract, "paused": True, "official": acting.address, "agency": acting.agency}
    return write(body.model_dump(), signed, lambda confirmed: done)


# ------------------------------------------------------------------------------------ acts at their URLs

EscrowId = Annotated[
    str, Path(pattern=BYTES32, description="The escrow id: the awarded tender's id, keccak256(ocid)")
]
Index = Annotated[int, Path(ge=0, lt=64, description="Milestone index (termin), from 0")]
ProgrammeId = Annotated[int, Path(ge=1, lt=2**32, description="The programme's id (1, 2, ...)", examples=[1])]


@acts_router.post(
    "/escrows/{escrow_id}/milestones/{index}/dispute-resolution",
    status_code=201,
    response_model=Proposed,
    summary="Propose the committee's resolution of an open dispute (a member official)",
)
def propose_resolution(
    request: Request,
    escrow_id: EscrowId,
    index: Index,
    body: DisputeResolution,
    principal: Member,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    act = actlib.DisputeResolutionAct(
        kind="escrow_dispute_resolution", escrowId=escrow_id, index=index, **body.model_dump()
    )
    return propose(chain, signers, principal, write, [act], body.decisionHash, body.model_dump())


@acts_router.post(
    "/escrows/{escrow_id}/termination",
    status_code=201,
    response_model=Proposed,
    summary="Propose the committee's termination of the contract (a member official)",
)
def propose_termination(
    request: Request,
    escrow_id: EscrowId,
    body: Termination,
    principal: Member,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    act = actlib.TerminationAct(kind="escrow_termination", escrowId=escrow_id, reasonHash=body.reasonHash)
    return propose(chain, signers, principal, write, [act], body.reasonHash, body.model_dump())


@acts_router.post(
    "/escrows/{escrow_id}/verifier-replacement",
    status_code=201,
    response_model=Proposed,
    summary="Propose the committee's replacement of one of the contract's verifiers (a member official)",
)
def propose_replacement(
    request: Request,
    escrow_id: EscrowId,
    body: VerifierReplacement,
    principal: Member,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    act = actlib.VerifierReplacementAct(
        kind="escrow_verifier_replacement", escrowId=escrow_id, **body.model_dump()
    )
    return propose(chain, signers, principal, write, [act], body.reasonHash, body.model_dump())


@acts_router.post(
    "/welfare/budget-lines",
    status_code=201,
    response_model=Proposed,
    summary="Propose a welfare budget line (a member official): the ceiling programmes stay within",
)
def propose_budget_line(
    request: Request,
    body: BudgetLineProposal,
    principal: Member,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    act = actlib.BudgetLineAct(kind="welfare_budget_line", **body.model_dump())
    description = Web3.to_hex(Web3.keccak(text=f"welfare budget line {body.model_dump_json()}"))
    return propose(chain, signers, principal, write, [act], description, body.model_dump())


@acts_router.post(
    "/welfare/programmes/{programme_id}/rules",
    status_code=201,
    response_model=Proposed,
    summary="Propose a programme's rules change (a member official): in force the period after execution",
)
def propose_rules(
    request: Request,
    programme_id: ProgrammeId,
    body: Rules,
    principal: Member,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    act = actlib.WelfareRulesAct(kind="welfare_rules", programmeId=programme_id, rules=body)
    document = json.dumps({"programmeId": programme_id, **body.model_dump()}, sort_keys=True)
    description = Web3.to_hex(Web3.keccak(text=document))
    return propose(chain, signers, principal, write, [act], description, body.model_dump())
