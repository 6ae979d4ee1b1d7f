"""Grievances: the families' complaint channel and the caseworkers' handling of it (the rules and
states: app/welfare/grievances.py).

Who may: anyone files on the web form (POST /welfare/grievances, no token, limited per address like
the status check) and follows a ticket by its reference; the overdue report is public and carries no
complainant's words. An ENROLLER (caseworker) files on a family's behalf, reads the queue, registers
a ticket on chain and files the appeal a `decision` ticket is; a WELFARE_ADMIN decides that appeal
and resolves tickets (another official than the one who registered it: checked in-contract)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse

from app.api.deps import ChainDep, ReadSessionsDep, SessionsDep, SettingsDep, require_roles
from app.api.errors import ApiError
from app.api.writes import Call, WriterDep
from app.auth.tokens import Principal
from app.officials.keys import own_key, signer_of
from app.protocol import welfare as welfarelib
from app.protocol.identity import InvalidIdentifier
from app.welfare import grievances as g_
from app.welfare.grievance_schemas import (
    REFERENCE,
    GrievanceActed,
    GrievanceCase,
    GrievanceDecision,
    GrievanceFiling,
    GrievanceQueue,
    GrievanceResolution,
    GrievanceTicket,
    OverdueReport,
    State,
)
from app.welfare.grievances import Grievance
from app.welfare.households import beneficiary_key_of
from app.welfare.status_check import client_limit

router = APIRouter(prefix="/welfare/grievances", tags=["welfare"])
Enroller = Annotated[Principal, Depends(require_roles("ENROLLER"))]
Admin = Annotated[Principal, Depends(require_roles("WELFARE_ADMIN"))]
Caseworker = Annotated[Principal, Depends(require_roles("ENROLLER", "WELFARE_ADMIN"))]
Reference = Annotated[
    str, Path(pattern=REFERENCE, description="The ticket's reference", examples=["ADU-7Q2M-K4XP"])
]
GRIEVANCES, WELFARE = "Grievances", "WelfarePrograms"


def _utc(at: datetime | None) -> datetime | None:
    return None if at is None else (at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc))


def _on_chain(chain, ticket_hash: str) -> dict[str, Any]:
    if GRIEVANCES not in chain.manifest.contracts:
        return {"receivedAt": 0, "resolvedAt": 0}
    stored = chain.contract(GRIEVANCES).functions.getGrievance(ticket_hash).call()
    return {"receivedAt": stored[1], "resolvedAt": stored[3], "registeredBy": stored[4]}


def _ticket(g: Grievance, anchored: bool, now: datetime) -> dict[str, Any]:
    final = g.state in (g_.DECIDED, g_.RESOLVED)
    return {
        "reference": g.reference,
        "category": g.category,
        "programmeId": g.programme_id,
        "state": g.state,
        "receivedAt": _utc(g.received_at),
        "dueAt": _utc(g.due_at),
        "overdue": g.state != g_.RESOLVED and _utc(g.due_at) < now,
        "ticketHash": g.ticket_hash,
        "anchored": anchored,
        "appeal": g.appeal,
        "upheld": g.upheld if final else None,
        "resolution": g.resolution if final else None,
        "resolvedAt": _utc(g.resolved_at),
    }


def _case(g: Grievance, now: datetime) -> dict[str, Any]:
    return {
        **_ticket(g, g.state != g_.RECEIVED, now),
        "channel": g.channel,
        "description": g.description,
        "familyKey": g.family_key,
        "registeredBy": g.registered_by,
    }


def _family(session, settings, body: GrievanceFiling) -> bytes | None:
    if body.nik is None:
        return None
    secret = settings.identity_hmac_key.get_secret_value().encode()
    try:
        person = welfarelib.beneficiary_key(secret, body.nik.get_secret_value())
    except InvalidIdentifier as exc:  # the message names the expected format, never the value
        raise ApiError(422, "invalid_identifier", detail=f"nik: {exc}") from None
    return beneficiary_key_of(session, person)


def file_grievance_from(sessions, settings, body: GrievanceFiling, channel: str) -> Grievance:
    """Files the ticket (the API's and the complaint page's one way in); detached from its session."""
    with sessions.begin() as session:
        grievance = g_.file(
            session,
            channel=channel,
            category=body.category,
            programme_id=body.programmeId,
            family_key=_family(session, settings, body),
            description=body.description,
            days=settings.grievance_days,
        )
        session.flush()
        session.expunge(grievance)
    return grievance


def ticket_view(chain, sessions, reference: str) -> dict[str, Any]:
    """What anyone holding the reference sees (the API's and the complaint page's)."""
    grievance = _load(sessions, reference)
    anchored = _on_chain(chain, grievance.ticket_hash)["receivedAt"] != 0
    return _ticket(grievance, anchored, datetime.now(timezone.utc))


def _load(sessions, reference: str) -> Grievance:
    with sessions() as session:
        grievance = session.get(Grievance, reference)
        if grievance is None:
            raise ApiError(404, "not_found", detail=f"no grievance {reference}")
        session.expunge(grievance)
    return grievance


def _require(grievance: Grievance, *states: str) -> None:
    if grievance.state not in states:
        raise ApiError(
            409,
            "wrong_state",
            detail=f"grievance {grievance.reference} is {grievance.state}; this needs {' or '.join(states)}",
        )


def _set(sessions, reference: str, **values) -> None:
    with sessions.begin() as session:
        grievance = session.get(Grievance, reference)
        for name, value in values.items():
            setattr(grievance, name, value)


# --- filing and reading ----------------------------------------------------------------------------


@router.post(
    "",
    status_code=201,
    response_model=GrievanceTicket,
    responses={429: {}},
    summary="File a grievance (public: the families' web form; limited per address)",
)
def file_grievance(request: Request, body: GrievanceFiling, sessions: SessionsDep, settings: SettingsDep):
    client_limit(request)
    grievance = file_grievance_from(sessions, settings, body, "web")
    now = datetime.now(timezone.utc)
    return JSONResponse(GrievanceTicket(**_ticket(grievance, False, now)).model_dump(mode="json"), 201)


@router.post(
    "/on-behalf",
    status_code=201,
    response_model=GrievanceCase,
    summary="File a grievance on a family's behalf (caseworker)",
)
def file_on_behalf(body: GrievanceFiling, _principal: Enroller, sessions: SessionsDep, settings: SettingsDep):
    grievance = file_grievance_from(sessions, settings, body, "caseworker")
    return JSONResponse(
        GrievanceCase(**_case(grievance, datetime.now(timezone.utc))).model_dump(mode="json"), 201
    )


@router.get(
    "/overdue",
    response_model=OverdueReport,
    summary="Tickets past their deadline and not resolved (public; no complainant's words)",
)
def overdue_report(sessions: ReadSessionsDep):
    now = datetime.now(timezone.utc)
    with sessions() as session:
        late = g_.overdue(session, now)
    tickets = [
        {
            "reference": g.reference,
            "category": g.category,
            "programmeId": g.programme_id,
            "state": g.state,
            "dueAt": _utc(g.due_at),
            "daysOverdue": (now - _utc(g.due_at)).days,
        }
        for g in late
    ]
    return {"asOf": now, "count": len(tickets), "tickets": tickets}


@router.get("", response_model=GrievanceQueue, summary="The tickets, soonest deadline first (caseworker)")
def grievance_queue(
    _principal: Caseworker,
    sessions: ReadSessionsDep,
    state: Annotated[State | None, Query(description="Only tickets in this state")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
):
    now = datetime.now(timezone.utc)
    with sessions() as session:
        return {"tickets": [_case(g, now) for g in g_.queue(session, state, limit)]}


@router.get(
    "/{reference}",
    response_model=GrievanceTicket,
    summary="A ticket's state and answer by its reference (public: the reference is the complainant's)",
)
def get_grievance(reference: Reference, chain: ChainDep, sessions: ReadSessionsDep):
    return ticket_view(chain, sessions, reference)


# --- acts on chain ---------------------------------------------------------------------------------


def _acted(sessions, reference: str, state: str, **values):
    def outcome(_confirmed):
        _set(sessions, reference, state=state, **values)
        return {"reference": reference, "state": state}

    return outcome


@router.post(
    "/{reference}/registration",
    response_model=GrievanceActed,
    summary="Anchor the ticket's hash and deadline on chain (caseworker)",
)
def register_grievance(
    request: Request,
    reference: Reference,
    principal: Enroller,
    chain: ChainDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    grievance = _load(sessions, reference)
    _require(grievance, g_.RECEIVED)
    acting = own_key(request.app.state.chain, request.app.state.signers, principal)
    call = Call(
        chain.contract(GRIEVANCES),
        "registerGrievance",
        [
            grievance.ticket_hash,
            grievance.programme_id,
            g_.seconds(grievance.received_at),
            g_.seconds(grievance.due_at),
        ],
        acting.signer,
    )
    done = _acted(sessions, reference, g_.REGISTERED, registered_by=acting.address)
    return write({"reference": reference}, call, done)


@router.post(
    "/{reference}/appeal",
    response_model=GrievanceActed,
    summary="File the family's appeal this ticket is, its hash as the grounds (caseworker)",
)
def appeal_grievance(
    request: Request,
    reference: Reference,
    principal: Enroller,
    chain: ChainDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    grievance = _load(sessions, reference)
    if not grievance.appeal or grievance.family_key is None:
        raise ApiError(
            409,
            "not_an_appeal",
            detail="only a decision ticket linked to a family (by NIK) becomes an appeal",
        )
    _require(grievance, g_.REGISTERED)
    call = Call(
        chain.contract(WELFARE),
        "fileAppeal",
        [grievance.programme_id, grievance.family_key, grievance.ticket_hash],
        signer_of(request, principal),
    )
    return write({"reference": reference}, call, _acted(sessions, reference, g_.APPEALED))


@router.post(
    "/{reference}/decision",
    response_model=GrievanceActed,
    summary="Decide the appeal this ticket is; the decision's hash is the resolution's (welfare admin)",
)
def decide_grievance(
    request: Request,
    reference: Reference,
    body: GrievanceDecision,
    principal: Admin,
    chain: ChainDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    grievance = _load(sessions, reference)
    _require(grievance, g_.APPEALED)
    acting = own_key(request.app.state.chain, request.app.state.signers, principal)
    if acting.address == grievance.registered_by:  # one who holds both roles: the filer never decides
        raise ApiError(403, "own_ticket", detail="the official who registered this ticket may not decide it")
    decision = g_.resolution_hash(grievance, body.upheld, body.resolution)
    call = Call(
        chain.contract(WELFARE),
        "resolveAppeal",
        [grievance.programme_id, grievance.family_key, body.upheld, decision],
        acting.signer,
    )
    # The text is kept with the state once the chain holds its hash: what a page shows is what
    # the chain anchored, whatever other decision was tried meanwhile.
    done = _acted(
        sessions,
        reference,
        g_.DECIDED,
        resolution=body.resolution,
        upheld=body.upheld,
        resolution_hash=decision,
    )
    return write(body.model_dump(), call, done)


@router.post(
    "/{reference}/resolution",
    response_model=GrievanceActed,
    summary="Resolve the ticket: anchor its answer's hash (welfare admin, not the one who registered it)",
)
def resolve_grievance(
    request: Request,
    reference: Reference,
    body: GrievanceResolution,
    principal: Admin,
    chain: ChainDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    grievance = _load(sessions, reference)
    if grievance.appeal and grievance.state in (g_.REGISTERED, g_.APPEALED):
        raise ApiError(
            409,
            "appeal_undecided",
            detail="this ticket is an appeal: file it and decide it first (/decision)",
        )
    _require(grievance, g_.DECIDED if grievance.appeal else g_.REGISTERED)
    if grievance.appeal:
        if body.resolution is not None:
            raise ApiError(
                422, "resolution_given", detail="an appeal's answer is its decision; send no resolution"
            )
        answer = grievance.resolution_hash
    else:
        if body.resolution is None:
            raise ApiError(
                422, "resolution_missing", detail="resolution: the answer to the complainant is required"
            )
        answer = g_.resolution_hash(grievance, None, body.resolution)
    acting = own_key(request.app.state.chain, request.app.state.signers, principal)
    call = Call(
        chain.contract(GRIEVANCES), "resolveGrievance", [grievance.ticket_hash, answer], acting.signer
    )
    kept = {} if grievance.appeal else {"resolution": body.resolution, "resolution_hash": answer}
    done = _acted(
        sessions,
        reference,
        g_.RESOLVED,
        resolved_by=acting.address,
        resolved_at=datetime.now(timezone.utc),
        **kept,
    )
    return write(body.model_dump(), call, done)
