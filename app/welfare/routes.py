"""Welfare (bansos): programmes and their rules, enrolment by NIK, beneficiary updates, suspension,
reinstatement, exit and appeals, per-period disbursement batches; reads of programmes, periods and
beneficiaries.

Who may (app/protocol/roles.py): WELFARE_ADMIN defines programmes within a committee budget line,
scopes enrollers to programmes and regions, confirms another official's suspension, reinstates,
exits, resolves appeals, disburses, and retries or cancels a batch the treasury failed as a whole;
ENROLLER enrols, updates, suspends and files appeals (within its scope). Budget lines and rule
changes are committee acts: their URLs open a proposal through the Committee, approved by k member
agencies and executed after the hub's delay (app/committee/routes.py, where those routes live;
docs/decisions/0005, 0018, 0023).

Privacy: a NIK arrives in a request body only, is turned into the beneficiary key (HMAC-SHA256
under the gateway's secret, app/protocol/identity.py) at once, and neither reaches the chain nor is stored:
the idempotency record fingerprints the keyed body. Reads by key are public: a key names no one
without the gateway's secret, and the same record is public on chain (getBeneficiary). A read by NIK
(POST .../beneficiaries/lookup, the NIK in the body, never in a URL) links a person to a record and
needs ENROLLER or WELFARE_ADMIN."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import SecretStr
from web3 import Web3
from web3.exceptions import ContractCustomError, ContractLogicError, Web3RPCError

from app.api.deps import ChainDep, ReadSessionsDep, SessionsDep, SettingsDep, require_roles
from app.api.errors import ApiError, from_revert
from app.api.writes import Call, Writer, WriterDep
from app.auth.tokens import Principal
from app.keyring.keyring import keyring_for
from app.ledger.events import event_args
from app.ledger.reverts import ChainRevert
from app.ledger.view_calls import named
from app.officials.keys import own_key, signer_of
from app.protocol import welfare as welfarelib
from app.protocol.identity import InvalidIdentifier, keyed_hash
from app.welfare import contacts, entries, households, name_checks
from app.welfare.receipts import disbursement_outcome, enrolment_outcomes
from app.welfare.schemas import (
    BYTES32,
    AppealFiled,
    AppealFiling,
    AppealResolution,
    AppealResolved,
    Attributes,
    BatchCancellation,
    BatchCancelled,
    BatchRetried,
    Beneficiary,
    BeneficiaryUpdated,
    Disbursed,
    Disbursement,
    Enrolled,
    EnrollerScope,
    Enrolment,
    Exited,
    HandEntries,
    NikLookup,
    Programme,
    ProgrammeDefined,
    ProgrammeDefinition,
    ProgrammePeriod,
    RegistryExit,
    Reinstated,
    ScopeSet,
    StatusChange,
    Suspended,
    SuspensionConfirmed,
)
from app.welfare.views import beneficiary_view, period_view, programme_view, raw_programme

router = APIRouter(prefix="/welfare", tags=["welfare"])
Admin = Annotated[Principal, Depends(require_roles("WELFARE_ADMIN"))]
Enroller = Annotated[Principal, Depends(require_roles("ENROLLER"))]
Caseworker = Annotated[Principal, Depends(require_roles("ENROLLER", "WELFARE_ADMIN"))]

CONTRACT = "WelfarePrograms"
# Welfare admins and enrollers sign with their own keys (app/officials/keys.py), never a shared one.

ProgrammeId = Annotated[int, Path(ge=1, lt=2**32, description="The programme's id (1, 2, ...)", examples=[1])]
Period = Annotated[
    int,
    Path(ge=0, lt=2**32, description="Period p runs from firstPeriodStart + p * periodLength", examples=[0]),
]
BatchId = Annotated[
    str,
    Path(
        pattern=BYTES32, description="The batch id (its payment instruction id)", examples=["0x" + "b7" * 32]
    ),
]
Address = Annotated[
    str,
    Path(
        pattern=r"^0x[0-9a-fA-F]{40}$",
        description="The enroller's key (address)",
        examples=["0x" + "13" * 20],
    ),
]
BeneficiaryKey = Annotated[
    str,
    Path(
        pattern=BYTES32,
        description="The beneficiary key: HMAC-SHA256 of the NIK under the gateway's secret",
        examples=["0x" + "5e" * 32],
    ),
]
# --- plumbing --------------------------------------------------------------------------------------


def _decoder(request: Request):
    return request.app.state.txmanager.decoder


def _read(read: Callable[..., Any], *args) -> Any:
    """A read whose revert (e.g. WelfareUnknownProgramme: 404) is answered as a problem."""
    try:
        return read(*args)
    except ChainRevert as revert:
        raise from_revert(revert) from None


def _household_key(settings, applicant, index: int) -> bytes | None:
    if not applicant.household:
        return None
    secret = settings.identity_hmac_key.get_secret_value().encode()
    try:
        return welfarelib.household_key(secret, applicant.household)
    except InvalidIdentifier as exc:
        raise ApiError(422, "invalid_identifier", detail=f"applicants[{index}].household: {exc}") from None


def _kk_key(settings, kk: SecretStr, where: str) -> bytes:
    secret = settings.identity_hmac_key.get_secret_value().encode()
    try:
        return keyed_hash(secret, "kk", kk.get_secret_value())
    except InvalidIdentifier as exc:  # the message names the expected format, never the value
        raise ApiError(422, "invalid_identifier", detail=f"{where}: {exc}") from None


def _in_scope(welfare, programme_id: int, enroller: str, regions: set[int]) -> bool:
    """Whether the enroller is in scope for every region: one JSON-RPC batch of isInScope calls."""
    try:
        with welfare.w3.batch_requests() as batch:
            for region in sorted(regions):
                batch.add(welfare.functions.isInScope(programme_id, enroller, region))
            return all(batch.execute())
    except (ContractCustomError, ContractLogicError, Web3RPCError):  # an unknown programme: refused later
        return False


def _remember_people(sessions, settings, people, keys, applicants, phones, enrolled: list[bool]) -> None:
    """Keeps each applicant's household, keyed name and sealed number, once the enrolment is
    confirmed: replacing what is kept only for a family this very call enrolled, and adding, never
    replacing, for a refused one (a refusal must still reach the family and its status check, but
    a second enroller's refused call must not re-point a family's number, name or household)."""
    secret = settings.identity_hmac_key.get_secret_value().encode()
    cards = [
        _kk_key(settings, a.kk, f"applicants[{i}].kk") if a.kk else None for i, a in enumerate(applicants)
    ]
    rows = list(zip(people, keys, applicants, cards, phones, enrolled, strict=True))
    keyring = keyring_for(settings) if any(phones) else None
    with sessions() as session, session.begin():  # one statement per table and kind
        for replace in (True, False):
            chosen = [r for r in rows if r[5] is replace]
            households.remember(
                session, [(person, key, card) for person, key, a, card, *_ in chosen if a.household], replace
            )
            named = [(person, a.name.get_secret_value()) for person, _, a, *_ in chosen if a.name]
            name_checks.remember(session, secret, named, replace)
            reachable = [(key, phone, a.language) for _, key, a, _, phone, _ in chosen if phone is not None]
            if reachable:
                contacts.remember(session, keyring, reachable, replace)


def _refuse_second_key(request: Request, chain, sessions, programme_id: int, people, keys) -> None:
    """A person is enrolled once per programme: a family enrolled under one key (its head's NIK or
    a household) is not enrolled again under another (a new household id typed by hand) while it is
    in the programme. The contract sees keys only, so the gateway checks the person's earlier keys
    that it recorded as enrolled here, and asks the chain whether each is still in."""
    with sessions() as session:
        mapped = households.households_of(session, people)
        candidates = {
            i: {mapped.get(Web3.to_hex(p)), Web3.to_hex(p)} - {Web3.to_hex(k), None}
            for i, (p, k) in enumerate(zip(people, keys, strict=True))
        }
        known = entries.recorded(session, programme_id, sorted({c for cs in candidates.values() for c in cs}))
    for i, earlier in candidates.items():
        for key in sorted(earlier & known):
            view = _read(beneficiary_view, chain, _decoder(request), programme_id, Web3.to_bytes(hexstr=key))
            if view is not None and view["status"] in ("active", "suspended"):
                raise ApiError(
                    409,
                    "person_already_enrolled",
                    detail=f"applicants[{i}]: this person's family is in programme {programme_id} under "
                    f"another key ({key}); exit it first",
                )


def _phone(applicant, index: int) -> str | None:
    if applicant.phone is None:
        return None
    try:
        return contacts.normalise_phone(applicant.phone.get_secret_value())
    except contacts.InvalidPhone as exc:  # the message names the expected form, never the digits
        raise ApiError(422, "invalid_phone", detail=f"applicants[{index}].phone: {exc}") from None


def _key(settings, nik: SecretStr, where: str) -> bytes:
    secret = settings.identity_hmac_key.get_secret_value().encode()
    try:
        return welfarelib.beneficiary_key(secret, nik.get_secret_value())
    except InvalidIdentifier as exc:  # the message names the expected format, never the value
        raise ApiError(422, "invalid_identifier", detail=f"{where}: {exc}") from None


def _enrolled(request: Request, chain, programme_id: int, key: str) -> dict:
    view = _read(beneficiary_view, chain, _decoder(request), programme_id, Web3.to_bytes(hexstr=key))
    if view is None or view["status"] == "none":
        raise ApiError(404, "not_found", detail=f"no beneficiary {key.lower()} in programme {programme_id}")
    return view


# --- programmes and rules --------------------------------------------------------------------------


@router.post(
    "/programmes",
    status_code=201,
    response_model=ProgrammeDefined,
    summary="Define a programme (welfare admin)",
)
def define_programme(
    request: Request, body: ProgrammeDefinition, principal: Admin, chain: ChainDep, write: WriterDep
):
    welfare = chain.contract(CONTRACT)
    call = Call(
        welfare,
        "defineProgramme",
        [body.budgetLine, body.name, body.firstPeriodStart, body.periodLength, *body.rules.on_chain()],
        signer_of(request, principal),
    )

    def outcome(confirmed):
        event = event_args(welfare, "ProgrammeDefined", confirmed)
        return {
            "programmeId": event["programmeId"],
            "name": body.name,
            "firstPeriodStart": body.firstPeriodStart,
            "periodLength": body.periodLength,
        }

    return write(body.model_dump(), call, outcome, 201)


@router.get(
    "/programmes/{programme_id}",
    response_model=Programme,
    summary="A programme: schedule, rules in force and pending",
)
def get_programme(request: Request, programme_id: ProgrammeId, chain: ChainDep, sessions: ReadSessionsDep):
    with sessions() as session:
        return _read(programme_view, chain, _decoder(request), session, programme_id)


@router.put(
    "/programmes/{programme_id}/enrollers/{enroller}/scope",
    response_model=ScopeSet,
    summary="Put regions of a programme in or out of an enroller's scope (welfare admin)",
)
def set_enroller_scope(
    request: Request,
    programme_id: ProgrammeId,
    enroller: Address,
    body: EnrollerScope,
    principal: Admin,
    chain: ChainDep,
    write: WriterDep,
):
    _read(raw_programme, chain, _decoder(request), programme_id)
    account = Web3.to_checksum_address(enroller)
    call = Call(
        chain.contract(CONTRACT),
        "setEnrollerScope",
        [account, programme_id, body.regions, body.inScope],
        signer_of(request, principal),
    )
    result = {
        "programmeId": programme_id,
        "enroller": account,
        "regions": body.regions,
        "inScope": body.inScope,
    }
    return write(body.model_dump(), call, lambda confirmed: result)


# --- beneficiaries ---------------------------------------------------------------------------------


@router.post(
    "/programmes/{programme_id}/enrolments",
    response_model=Enrolled,
    summary="Enrol applicants by NIK (enroller)",
)
def enrol(
    request: Request,
    programme_id: ProgrammeId,
    body: Enrolment,
    principal: Enroller,
    chain: ChainDep,
    settings: SettingsDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    people = [_key(settings, a.nik, f"applicants[{i}].nik") for i, a in enumerate(body.applicants)]
    phones = [_phone(a, i) for i, a in enumerate(body.applicants)]
    keys = [
        _household_key(settings, a, i) or p
        for i, (p, a) in enumerate(zip(people, body.applicants, strict=True))
    ]
    acting = own_key(request.app.state.chain, request.app.state.signers, principal)
    welfare = chain.contract(CONTRACT)
    _refuse_second_key(request, chain, sessions, programme_id, people, keys)
    # Kept once the enrolment is confirmed (_remember_people): each person's household and card, the
    # keyed name for the family's own status check and its sealed number (app/welfare/households.py,
    # name_checks.py, contacts.py). Only when the enroller is in scope for every applicant's region:
    # the contract refuses the whole call otherwise, and an enroller must not re-map, re-name or
    # re-number families outside its regions.
    regions = {a.region for a in body.applicants}
    remember = any(a.household or a.name or a.phone for a in body.applicants) and _in_scope(
        welfare, programme_id, acting.address, regions
    )
    if remember:  # the KK numbers are checked before anything is sent
        for i, a in enumerate(body.applicants):
            if a.kk:
                _kk_key(settings, a.kk, f"applicants[{i}].kk")
    applicants = [(k, a.decile, a.region, a.packed()) for k, a in zip(keys, body.applicants, strict=True)]
    call = Call(welfare, "enrol", [programme_id, applicants], acting.signer)

    keyed = {
        "programmeId": programme_id,
        "registryExtract": body.registryExtract,
        "reason": body.reason,
        "applicants": [
            {"beneficiaryKey": Web3.to_hex(k), "decile": d, "region": r, "components": c}
            for k, d, r, c in applicants
        ],
    }

    def outcome(confirmed):
        results = enrolment_outcomes(welfare, confirmed, keys)
        enrolled = sum(r["enrolled"] for r in results)
        if remember:
            flags = [r["enrolled"] for r in results]
            _remember_people(sessions, settings, people, keys, body.applicants, phones, flags)
        source = (
            (entries.REGISTRY, body.registryExtract) if body.registryExtract else (entries.HAND, body.reason)
        )
        with sessions.begin() as session:  # marked: a hand entry is told apart from a registry import
            done = [r["beneficiaryKey"] for r in results if r["enrolled"]]
            entries.record(
                session, programme_id, done, source[0], source[1] or "", acting.address, confirmed.tx_hash
            )
        return {
            "programmeId": programme_id,
            "enrolled": enrolled,
            "refused": len(results) - enrolled,
            "applicants": results,
        }

    return write(keyed, call, outcome)


@router.post(
    "/programmes/{programme_id}/beneficiaries/lookup",
    response_model=Beneficiary,
    summary="A beneficiary by NIK (enroller, welfare admin): the NIK in the body, never in the URL",
)
def lookup(
    request: Request,
    programme_id: ProgrammeId,
    body: NikLookup,
    _principal: Caseworker,
    chain: ChainDep,
    settings: SettingsDep,
    sessions: ReadSessionsDep,
):
    with sessions() as session:  # the person's household, when it was enrolled by one
        key = households.beneficiary_key_of(session, _key(settings, body.nik, "nik"))
    view = _read(beneficiary_view, chain, _decoder(request), programme_id, key)
    if view is None:
        raise ApiError(404, "not_found", detail=f"no beneficiary with this NIK in programme {programme_id}")
    return _with_entry(sessions, view)


@router.get(
    "/programmes/{programme_id}/beneficiaries/{beneficiary_key}",
    response_model=Beneficiary,
    summary="A beneficiary by key (public: pseudonymous, and public on chain)",
)
def get_beneficiary(
    request: Request,
    programme_id: ProgrammeId,
    beneficiary_key: BeneficiaryKey,
    chain: ChainDep,
    sessions: ReadSessionsDep,
):
    view = _read(
        beneficiary_view, chain, _decoder(request), programme_id, Web3.to_bytes(hexstr=beneficiary_key)
    )
    if view is None:
        raise ApiError(
            404, "not_found", detail=f"no beneficiary {beneficiary_key.lower()} in programme {programme_id}"
        )
    return _with_entry(sessions, view)


@router.get(
    "/programmes/{programme_id}/hand-entries",
    response_model=HandEntries,
    summary="Families enrolled by hand rather than from a registry extract, with the reason (public)",
)
def hand_entries(
    programme_id: ProgrammeId,
    sessions: ReadSessionsDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
):
    with sessions() as session:
        found = entries.hand_entries(session, programme_id, limit)
        return {
            "programmeId": programme_id,
            "entries": [
                {
                    "beneficiaryKey": e.family_key,
                    "reason": e.reference,
                    "enroller": e.enroller,
                    "transactionHash": e.transaction,
                }
                for e in found
            ],
        }


def _with_entry(sessions, view: dict) -> dict:
    with sessions() as session:
        found = entries.entry_of(session, view["programmeId"], view["beneficiaryKey"])
    if found is not None:
        view["entry"] = {
            "source": found.source,
            "reference": found.reference,
            "enroller": found.enroller,
            "transactionHash": found.transaction,
        }
    return view


@router.put(
    "/programmes/{programme_id}/beneficiaries/{beneficiary_key}",
    response_model=BeneficiaryUpdated,
    summary="Replace a beneficiary's attributes; eligibility is evaluated again (enroller)",
)
def update_beneficiary(
    request: Request,
    programme_id: ProgrammeId,
    beneficiary_key: BeneficiaryKey,
    body: Attributes,
    principal: Enroller,
    chain: ChainDep,
    write: WriterDep,
):
    _enrolled(request, chain, programme_id, beneficiary_key)
    welfare = chain.contract(CONTRACT)
    applicant = (beneficiary_key, body.decile, body.region, body.packed())
    call = Call(welfare, "updateBeneficiary", [programme_id, applicant], signer_of(request, principal))

    def outcome(confirmed):
        reason = event_args(welfare, "BeneficiaryUpdated", confirmed)["eligibility"]
        return {
            "programmeId": programme_id,
            "beneficiaryKey": beneficiary_key.lower(),
            "eligible": reason == 0,
            "reason": None if reason == 0 else welfarelib.REASONS[reason],
        }

    return write(body.model_dump(), call, outcome)


def _status_act(
    request: Request,
    principal: Principal,
    chain,
    programme_id: int,
    beneficiary_key: str,
    body: StatusChange,
    function: str,
    signer: str,
    status: str,
    write: Writer,
    fingerprint: dict | None = None,
):
    _enrolled(request, chain, programme_id, beneficiary_key)
    call = Call(
        chain.contract(CONTRACT),
        function,
        [programme_id, beneficiary_key, welfarelib.reason_code(body.reasonCode)],
        signer,
    )
    result = {
        "programmeId": programme_id,
        "beneficiaryKey": beneficiary_key.lower(),
        "status": status,
        "reasonCode": body.reasonCode,
    }
    if function == "suspend":  # a lone suspension cuts from a later period (the notice)
        welfare = call.contract
        return write(
            body.model_dump(),
            call,
            lambda c: {
                **result,
                "effectiveFrom": event_args(welfare, "SuspensionScheduled", c)["effectiveFrom"],
            },
        )
    return write(fingerprint or body.model_dump(), call, lambda c: result)


@router.post(
    "/programmes/{programme_id}/beneficiaries/{beneficiary_key}/suspension/confirmation",
    response_model=SuspensionConfirmed,
    summary="Confirm another official's suspension so it cuts the current period (welfare admin)",
)
def confirm_suspension(
    request: Request,
    programme_id: ProgrammeId,
    beneficiary_key: BeneficiaryKey,
    principal: Admin,
    chain: ChainDep,
    write: WriterDep,
):
    _enrolled(request, chain, programme_id, beneficiary_key)
    welfare = chain.contract(CONTRACT)
    call = Call(welfare, "confirmSuspension", [programme_id, beneficiary_key], signer_of(request, principal))

    def outcome(confirmed):
        event = event_args(welfare, "SuspensionConfirmed", confirmed)
        return {
            "programmeId": programme_id,
            "beneficiaryKey": beneficiary_key.lower(),
            "effectiveFrom": event["effectiveFrom"],
        }

    return write({}, call, outcome)


@router.post(
    "/programmes/{programme_id}/beneficiaries/{beneficiary_key}/suspension",
    response_model=Suspended,
    summary="Suspend an active beneficiary, e.g. an unmet PKH condition (enroller)",
)
def suspend(
    request: Request,
    programme_id: ProgrammeId,
    beneficiary_key: BeneficiaryKey,
    body: StatusChange,
    principal: Enroller,
    chain: ChainDep,
    write: WriterDep,
):
    return _status_act(
        request,
        principal,
        chain,
        programme_id,
        beneficiary_key,
        body,
        "suspend",
        signer_of(request, principal),
        "suspended",
        write,
    )


@router.post(
    "/programmes/{programme_id}/beneficiaries/{beneficiary_key}/reinstatement",
    response_model=Reinstated,
    summary="Reinstate a suspended beneficiary (welfare admin)",
)
def reinstate(
    request: Request,
    programme_id: ProgrammeId,
    beneficiary_key: BeneficiaryKey,
    body: StatusChange,
    principal: Admin,
    chain: ChainDep,
    write: WriterDep,
):
    return _status_act(
        request,
        principal,
        chain,
        programme_id,
        beneficiary_key,
        body,
        "reinstate",
        signer_of(request, principal),
        "active",
        write,
    )


@router.post(
    "/programmes/{programme_id}/beneficiaries/{beneficiary_key}/exit",
    response_model=Exited,
    summary="Exit a beneficiary: graduation, death, move (welfare admin)",
)
def exit_beneficiary(
    request: Request,
    programme_id: ProgrammeId,
    beneficiary_key: BeneficiaryKey,
    body: StatusChange,
    principal: Admin,
    chain: ChainDep,
    write: WriterDep,
):
    return _status_act(
        request,
        principal,
        chain,
        programme_id,
        beneficiary_key,
        body,
        "exitBeneficiary",
        signer_of(request, principal),
        "exited",
        write,
    )


@router.post(
    "/programmes/{programme_id}/registry-exits",
    response_model=Exited,
    summary="Exit a family a signed registry update removes (death, move) by household (welfare admin)",
)
def registry_exit(
    request: Request,
    programme_id: ProgrammeId,
    body: RegistryExit,
    principal: Admin,
    chain: ChainDep,
    settings: SettingsDep,
    write: WriterDep,
):
    secret = settings.identity_hmac_key.get_secret_value().encode()
    try:
        key = Web3.to_hex(welfarelib.household_key(secret, body.household))
    except InvalidIdentifier as exc:
        raise ApiError(422, "invalid_identifier", detail=f"household: {exc}") from None
    change = StatusChange(reasonCode=body.reasonCode)
    return _status_act(
        request,
        principal,
        chain,
        programme_id,
        key,
        change,
        "exitBeneficiary",
        signer_of(request, principal),
        "exited",
        write,
        fingerprint=body.model_dump(),
    )


@router.post(
    "/programmes/{programme_id}/beneficiaries/{beneficiary_key}/appeals",
    status_code=201,
    response_model=AppealFiled,
    summary="File an objection for a beneficiary or a refused applicant (enroller, on their behalf)",
)
def file_appeal(
    request: Request,
    programme_id: ProgrammeId,
    beneficiary_key: BeneficiaryKey,
    body: AppealFiling,
    principal: Enroller,
    chain: ChainDep,
    write: WriterDep,
):
    call = Call(
        chain.contract(CONTRACT),
        "fileAppeal",
        [programme_id, beneficiary_key, body.groundsHash],
        signer_of(request, principal),
    )
    result = {"programmeId": programme_id, "beneficiaryKey": beneficiary_key.lower(), "appeal": "open"}
    return write(body.model_dump(), call, lambda c: result, 201)


@router.post(
    "/programmes/{programme_id}/beneficiaries/{beneficiary_key}/appeals/resolution",
    response_model=AppealResolved,
    summary="Resolve the open appeal; upheld reinstates a suspended or exited beneficiary (welfare admin)",
)
def resolve_appeal(
    request: Request,
    programme_id: ProgrammeId,
    beneficiary_key: BeneficiaryKey,
    body: AppealResolution,
    principal: Admin,
    chain: ChainDep,
    write: WriterDep,
):
    welfare = chain.contract(CONTRACT)
    call = Call(
        welfare,
        "resolveAppeal",
        [programme_id, beneficiary_key, body.upheld, body.decisionHash],
        signer_of(request, principal),
    )

    def outcome(confirmed):
        stored = welfare.functions.getBeneficiary(programme_id, beneficiary_key).call(
            block_identifier=confirmed.block_number
        )
        return {
            "programmeId": programme_id,
            "beneficiaryKey": beneficiary_key.lower(),
            "appeal": "upheld" if body.upheld else "rejected",
            "status": welfarelib.BENEFICIARY_STATUSES[named(welfare, "getBeneficiary", stored)["status"]],
        }

    return write(body.model_dump(), call, outcome)


# --- periods and disbursement ----------------------------------------------------------------------


@router.get(
    "/programmes/{programme_id}/periods/{period}",
    response_model=ProgrammePeriod,
    summary="A period: dates, budget, spending, batches",
)
def get_period(request: Request, programme_id: ProgrammeId, period: Period, chain: ChainDep):
    return _read(period_view, chain, _decoder(request), programme_id, period)


@router.post(
    "/programmes/{programme_id}/periods/{period}/disbursements",
    response_model=Disbursed,
    summary="Pay a batch of beneficiaries for the current period: one payment instruction (welfare admin)",
)
def disburse(
    request: Request,
    programme_id: ProgrammeId,
    period: Period,
    body: Disbursement,
    principal: Admin,
    chain: ChainDep,
    write: WriterDep,
):
    welfare = chain.contract(CONTRACT)
    call = Call(
        welfare, "disburse", [programme_id, period, body.beneficiaryKeys], signer_of(request, principal)
    )

    def outcome(confirmed):
        return {"programmeId": programme_id, "period": period, **disbursement_outcome(welfare, confirmed)}

    return write(body.model_dump(), call, outcome)


# --- batches the treasury failed as a whole --------------------------------------------------------


@router.post(
    "/batches/{batch_id}/retry",
    response_model=BatchRetried,
    summary="Retry a batch failed as a whole, as a new attempt (welfare admin; once per failure)",
)
def retry_batch(request: Request, batch_id: BatchId, principal: Admin, chain: ChainDep, write: WriterDep):
    welfare, payments = chain.contract(CONTRACT), chain.contract("Payments")
    call = Call(welfare, "retryFailedBatch", [batch_id], signer_of(request, principal))

    def outcome(confirmed):
        return {
            "batchId": batch_id.lower(),
            "attempt": event_args(payments, "PaymentAuthorized", confirmed)["attempt"],
        }

    return write({}, call, outcome)


@router.post(
    "/batches/{batch_id}/cancellation",
    response_model=BatchCancelled,
    summary="Cancel a batch failed as a whole: budget restored, families unpaid (welfare admin; once)",
)
def cancel_batch(
    request: Request,
    batch_id: BatchId,
    body: BatchCancellation,
    principal: Admin,
    chain: ChainDep,
    write: WriterDep,
):
    welfare = chain.contract(CONTRACT)
    keys = [line.beneficiaryKey for line in body.lines]
    amounts = [line.amount for line in body.lines]
    call = Call(
        welfare,
        "cancelFailedBatch",
        [batch_id, keys, amounts, welfarelib.reason_code(body.reasonCode)],
        signer_of(request, principal),
    )

    def outcome(confirmed):
        event = event_args(welfare, "BatchCancelled", confirmed)
        return {
            "batchId": batch_id.lower(),
            "restoredLines": event["restoredLines"],
            "restoredAmount": event["restoredAmount"],
        }

    return write(body.model_dump(), call, outcome)
