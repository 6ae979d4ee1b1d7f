"""A plan turned into the committee's calls, after the checks only the chain and the gateway can do.

Each planned agency becomes, in order and in ONE proposal (executed atomically after k member
agencies approve and the hub's delay, unless a guardian agency vetoes):
- `AgencyDirectory.registerAgency(id, name)`;
- per official, `AgencyDirectory.assignOfficer(official, id)` and, per role,
  `AccessHub.grantRole(role, official, 0)` (the committee is the admin of the agencies' roles).

Enrollers' region scopes are NOT committee acts: in the hub they are the welfare administrator's
(`WelfarePrograms.setEnrollerScope`, role WELFARE_ADMIN), so the plan lists them and the progress
report shows which the programme's welfare administrator has set (app/onboarding/progress.py).

Refused before anything is proposed, each with a stable code: the agency id already registered on
chain (409 `AgencyAlreadyRegistered`, the directory's own error name) or in a plan still pending
(409 `agency_pending`); an official already acting for another agency (409
`official_in_other_agency`) or listed in a pending plan (409 `official_pending`); a regency whose
province agency is unknown or elsewhere (422 `plan_invalid`); a programme that does not exist (404
`WelfareUnknownProgramme`); a call the Committee may not make through the hub (422
`act_not_committee`)."""

from __future__ import annotations

import yaml
from web3 import Web3
from web3.exceptions import ContractCustomError

from app.api.errors import ApiError
from app.committee.acts import HUB, ProposedCall, holdings, require_person
from app.committee.ledger import CONTRACT as COMMITTEE
from app.committee.ledger import STATUS
from app.ledger.client import ChainClient
from app.onboarding import models
from app.onboarding.plan import Plan, PlanDocument, PlanError, check, parse, sha256_of
from app.protocol.roles import role_id

DIRECTORY, WELFARE = "AgencyDirectory", "WelfarePrograms"
PENDING = ("proposed", "scheduled")


def _call(chain: ChainClient, contract: str, function: str, args: list) -> ProposedCall:
    deployed = chain.contract(contract)
    data = Web3.to_bytes(hexstr=deployed.encode_abi(function, args))
    return ProposedCall(contract, deployed.address, function, tuple(args), data)


def calls_of(chain: ChainClient, plan: Plan) -> list[ProposedCall]:
    """The plan's calls, in order, each one the Committee may make through the hub."""
    calls: list[ProposedCall] = []
    for agency in plan.agencies:
        calls.append(_call(chain, DIRECTORY, "registerAgency", [agency.id, agency.name]))
        for official in agency.officials:
            calls.append(_call(chain, DIRECTORY, "assignOfficer", [official.address, agency.id]))
            for role in official.roles:
                calls.append(_call(chain, HUB, "grantRole", [role_id(role), official.address, 0]))
    hub, committee = chain.contract(HUB), chain.manifest.address(COMMITTEE)
    for call in calls:
        immediate, delay = hub.functions.canCall(committee, call.target, call.data[:4]).call()
        if not immediate and delay == 0:
            raise ApiError(
                422, "act_not_committee", detail=f"the committee may not call {call.contract}.{call.function}"
            )
    return calls


def proposal_status(chain: ChainClient, proposal_id: int) -> str:
    committee = chain.contract(COMMITTEE)
    return STATUS[committee.functions.getProposal(proposal_id).call()[2]]


def checked(chain: ChainClient, session, text: str) -> Plan:
    """The plan in `text`, checked offline, then against the gateway's records and the chain."""
    try:
        plan = parse(text)
    except PlanError as exc:
        raise ApiError(422, exc.code, detail=str(exc)) from None
    pending = [p for p in models.pending_plans(session) if proposal_status(chain, p.proposal_id) in PENDING]
    for earlier in pending:
        if earlier.sha256 == plan.sha256:
            raise ApiError(
                409,
                "plan_pending",
                detail=f"this plan is already proposal {earlier.proposal_id}, not executed yet",
            )
    # A regency's province agency must be onboarded already (or come in the same plan).
    onboarded = {
        row.agency_id: (row.kind, row.region)
        for row in models.agencies(session)
        if row.onboarded_at is not None or proposal_status(chain, row.proposal_id) == "executed"
    }
    try:
        check(plan.document, onboarded)
    except PlanError as exc:
        raise ApiError(422, exc.code, detail=str(exc)) from None
    directory = chain.contract(DIRECTORY)
    pending_agencies = {a.id: p.proposal_id for p in pending for a in parse_stored(p.plan).agencies}
    pending_officials = {
        o.address: p.proposal_id for p in pending for a in parse_stored(p.plan).agencies for o in a.officials
    }
    for agency in plan.agencies:
        if directory.functions.isAgency(agency.id).call():
            name = directory.functions.agencyName(agency.id).call()
            raise ApiError(
                409, "AgencyAlreadyRegistered", detail=f"agency id {agency.id} is taken on chain ({name})"
            )
        if agency.id in pending_agencies:
            raise ApiError(
                409,
                "agency_pending",
                detail=f"agency id {agency.id} is in proposal {pending_agencies[agency.id]}, not executed",
            )
        for official in agency.officials:
            try:
                current = directory.functions.agencyOf(official.address).call()
            except ContractCustomError:  # AgencyOfficerUnassigned: free to join
                current = 0
            if current:
                raise ApiError(
                    409,
                    "official_in_other_agency",
                    detail=f"official {official.address} already acts for agency {current}; "
                    "a committee act removes it there first",
                )
            require_person(chain, official.address)  # a contract's address is no official's key
            roles, _agency, seat = holdings(chain, official.address)  # its agency: checked above
            if roles or seat:
                raise ApiError(
                    409,
                    "official_holds_role",
                    detail=f"{official.address} already holds a role or a committee seat; an official "
                    "joins with a fresh key",
                )
            if official.address in pending_officials:
                raise ApiError(
                    409,
                    "official_pending",
                    detail=f"official {official.address} is in proposal {pending_officials[official.address]}"
                    ", not executed yet",
                )
            for scope in official.scopes:
                _programme(chain, scope.programme)
    return plan


def parse_stored(text: str) -> Plan:
    """A plan the gateway stored when proposing. It passed the checks then; if a later release checks
    plans more strictly, it is still read as it was accepted (its hash is on chain)."""
    try:
        return parse(text)
    except PlanError:
        return Plan(PlanDocument.model_validate(yaml.safe_load(text)), text, sha256_of(text))


def _programme(chain: ChainClient, programme_id: int) -> None:
    if WELFARE not in chain.manifest.contracts:
        raise ApiError(404, "not_found", detail="no welfare contract in this deployment")
    try:
        chain.contract(WELFARE).functions.getProgramme(programme_id).call()
    except ContractCustomError:  # WelfareUnknownProgramme
        raise ApiError(404, "WelfareUnknownProgramme", detail=f"no programme {programme_id}") from None
