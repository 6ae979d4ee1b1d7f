"""Payments: payout accounts by payee key (treasury only: they are personal data; changed under four
eyes, app/payments/accounts.py; their history, masked, for auditors too), the provider's
callbacks, the bridge's view of an instruction and reconciliation (treasury, auditors)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from app.api.deps import SessionsDep, SettingsDep, require_roles
from app.api.errors import ApiError
from app.auth.tokens import Principal
from app.keyring.keyring import keyring_for
from app.keyring.sealing import SealError
from app.payments.accounts import (
    AccountDetails,
    AccountRefused,
    Official,
    account_in_force,
    decide,
    history,
    propose,
    version_in_force,
)
from app.payments.callbacks import receive
from app.payments.models import (
    APPROVED,
    REJECTED,
    REVOKED,
    WITHDRAWN,
    PaymentLine,
    PaymentOutbox,
    PaymentStep,
)
from app.payments.notices import deliver_pending, notices_of
from app.payments.quarantine import NotQuarantined, quarantined, release
from app.payments.reconcile import reconcile
from app.payments.schemas import (
    AccountDecision,
    AccountHistory,
    AccountVersionView,
    AccountView,
    BridgeInstruction,
    QuarantinedRow,
    Reconciliation,
    Release,
    Released,
)

router = APIRouter(prefix="/payments", tags=["payments"])
Treasury = Annotated[Principal, Depends(require_roles("TREASURY"))]
Overseer = Annotated[Principal, Depends(require_roles("TREASURY", "AUDITOR"))]
BYTES32 = r"^0x[0-9a-fA-F]{64}$"
PayeeKey = Annotated[str, Path(pattern=BYTES32, description="the payee key the chain's instructions carry")]
InstructionId = Annotated[str, Path(pattern=BYTES32)]


def _account_view(payee_key: str, details: AccountDetails, version: int | None = None) -> AccountView:
    return AccountView(
        payeeKey=payee_key.lower(),
        channelCode=details.channelCode,
        accountNumber=details.masked(),
        accountHolderName=details.accountHolderName,
        version=version,
    )


def _notifier_configured(settings) -> None:
    """In production no account act without a notifier: a payee is told of every change."""
    if settings.environment == "production" and not settings.payee_notifier_url:
        raise ApiError(
            503,
            "payee_notifier_unconfigured",
            detail="TERANG_PAYEE_NOTIFIER_URL is unset: payout accounts are not changed while payees "
            "cannot be told",
        )


def _official(principal: Principal) -> Official:
    """The treasury official acting: its token must name the official's own account, so that two
    tokens of one person are one official (the four eyes count people, not tokens)."""
    if principal.officer is None:
        raise ApiError(
            403,
            "officer_claim_missing",
            detail="a payout account is changed by a named treasury official: the token must name the "
            "official's account (claim 'officer')",
        )
    return Official(principal.key, principal.officer)


def _refused(error: AccountRefused) -> ApiError:
    return ApiError(error.status, error.code, detail=error.detail)


def _send_notices(sessions, settings) -> None:
    """After the act's commit: the payee's notices go out (a failure stays in the outbox)."""
    if not settings.payee_notifier_url:
        return  # local and test without a notifier: recorded, not sent
    deliver_pending(sessions, settings.payee_notifier_url, settings.payee_notifier_timeout_seconds)


def _version_view(session, payee_key: str, version: int) -> dict:
    return next(v for v in history(session, payee_key) if v["version"] == version)


ACCOUNT_REFUSALS = {
    503: {"description": "In production without TERANG_PAYEE_NOTIFIER_URL: `payee_notifier_unconfigured`"},
    403: {"description": "`officer_claim_missing`, or `account_same_official` / `account_not_proposer`"},
    404: {"description": "No such version: `not_found`"},
    409: {
        "description": "`account_change_pending` (another proposal awaits a decision), "
        "`account_already_decided`, `account_not_revocable`"
    },
}


def _propose(payee_key, body, principal, sessions, settings, background: BackgroundTasks) -> dict:
    _notifier_configured(settings)
    by = _official(principal)
    try:
        with sessions.begin() as session:
            row = propose(session, keyring_for(settings), payee_key, body, by)
            version = row.version
    except AccountRefused as error:
        raise _refused(error) from None
    except IntegrityError:  # another proposal for the payee won the race to the same version
        raise ApiError(
            409, "account_change_pending", detail="another proposal was recorded meanwhile"
        ) from None
    background.add_task(_send_notices, sessions, settings)
    with sessions() as session:
        return _version_view(session, payee_key, version)


@router.post(
    "/accounts/{payee_key}/versions",
    summary="Propose a payee's payout account, or a change of it (treasury official)",
    status_code=201,
    response_model=AccountVersionView,
    responses=ACCOUNT_REFUSALS,
)
def propose_account(
    payee_key: PayeeKey,
    body: AccountDetails,
    principal: Treasury,
    sessions: SessionsDep,
    settings: SettingsDep,
    background: BackgroundTasks,
):
    """The proposal takes effect only once a second treasury official approves it, and for a payee
    that already has an account only after the cooling-off; the payee is notified of each step."""
    return _propose(payee_key, body, principal, sessions, settings, background)


@router.put(
    "/accounts/{payee_key}",
    summary="Propose a payee's payout account (treasury official; as POST .../versions)",
    status_code=202,
    response_model=AccountVersionView,
    responses=ACCOUNT_REFUSALS,
)
def put_account(
    payee_key: PayeeKey,
    body: AccountDetails,
    principal: Treasury,
    sessions: SessionsDep,
    settings: SettingsDep,
    background: BackgroundTasks,
):
    """Kept for earlier callers: no longer replaces the account, it PROPOSES it (202): a second
    treasury official approves it with POST .../versions/{version}/approval."""
    return _propose(payee_key, body, principal, sessions, settings, background)


def _decide(payee_key, version, decision, principal, sessions, settings, background, body) -> dict:
    _notifier_configured(settings)
    by = _official(principal)
    cooling_off = timedelta(seconds=settings.payout_account_cooling_off_seconds)
    try:
        with sessions.begin() as session:
            decide(session, payee_key, version, decision, by, cooling_off, body.reason if body else None)
    except AccountRefused as error:
        raise _refused(error) from None
    except IntegrityError:  # another official's decision won the race
        raise ApiError(
            409, "account_already_decided", detail=f"version {version} was decided meanwhile"
        ) from None
    background.add_task(_send_notices, sessions, settings)
    with sessions() as session:
        return _version_view(session, payee_key, version)


AccountVersion = Annotated[int, Path(ge=1, le=1_000_000)]


@router.post(
    "/accounts/{payee_key}/versions/{version}/approval",
    summary="Approve a proposed payout account (a second treasury official)",
    response_model=AccountVersionView,
    responses=ACCOUNT_REFUSALS,
)
def approve_account(
    payee_key: PayeeKey,
    version: AccountVersion,
    principal: Treasury,
    sessions: SessionsDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    body: AccountDecision | None = None,
):
    """Effective at once for a payee's first account, else after the cooling-off
    (TERANG_PAYOUT_ACCOUNT_COOLING_OFF_SECONDS); until then payouts go to the account in force."""
    return _decide(payee_key, version, APPROVED, principal, sessions, settings, background, body)


@router.post(
    "/accounts/{payee_key}/versions/{version}/rejection",
    summary="Reject a proposed payout account (a treasury official)",
    response_model=AccountVersionView,
    responses=ACCOUNT_REFUSALS,
)
def reject_account(
    payee_key: PayeeKey,
    version: AccountVersion,
    principal: Treasury,
    sessions: SessionsDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    body: AccountDecision | None = None,
):
    return _decide(payee_key, version, REJECTED, principal, sessions, settings, background, body)


@router.post(
    "/accounts/{payee_key}/versions/{version}/withdrawal",
    summary="Withdraw one's own proposal of a payout account (its proposer)",
    response_model=AccountVersionView,
    responses=ACCOUNT_REFUSALS,
)
def withdraw_account(
    payee_key: PayeeKey,
    version: AccountVersion,
    principal: Treasury,
    sessions: SessionsDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    body: AccountDecision | None = None,
):
    return _decide(payee_key, version, WITHDRAWN, principal, sessions, settings, background, body)


@router.post(
    "/accounts/{payee_key}/versions/{version}/revocation",
    summary="Stop an approved change of a payout account during its cooling-off (a treasury official)",
    response_model=AccountVersionView,
    responses=ACCOUNT_REFUSALS,
)
def revoke_account(
    payee_key: PayeeKey,
    version: AccountVersion,
    principal: Treasury,
    sessions: SessionsDep,
    settings: SettingsDep,
    background: BackgroundTasks,
    body: AccountDecision | None = None,
):
    """One official may stop a change (the safe way: payouts stay with the account in force), e.g.
    after the payee answered its notice that it did not ask for it."""
    return _decide(payee_key, version, REVOKED, principal, sessions, settings, background, body)


@router.get(
    "/accounts/{payee_key}/history",
    summary="A payee's payout account versions: who proposed and approved what, when (treasury, auditors)",
    response_model=AccountHistory,
)
def account_history(payee_key: PayeeKey, _principal: Overseer, sessions: SessionsDep):
    with sessions() as session:
        versions = history(session, payee_key)
        notices = notices_of(session, payee_key)
        in_force = version_in_force(session, payee_key)
    if not versions:
        raise ApiError(404, "not_found", detail=f"no payout account for payee {payee_key}")
    return {
        "payeeKey": payee_key.lower(),
        "versionInForce": in_force,
        "versions": versions,
        "notices": notices,
    }


@router.get(
    "/accounts/{payee_key}",
    summary="A payee's payout account in force, number masked (treasury)",
    response_model=AccountView,
)
def get_account(payee_key: PayeeKey, _principal: Treasury, sessions: SessionsDep, settings: SettingsDep):
    with sessions() as session:
        try:
            found = account_in_force(session, keyring_for(settings), payee_key)
        except SealError as error:  # fails closed, saying why (never the value)
            raise ApiError(500, "sealed_value_unreadable", detail=str(error)) from None
    if found is None:
        raise ApiError(404, "not_found", detail=f"no payout account in force for payee {payee_key}")
    return _account_view(payee_key, found.details, found.version)


@router.post(
    "/callbacks/{provider}", summary="Payout status callback from the provider", include_in_schema=False
)
async def callback(provider: str, request: Request):
    runtime = request.app.state.payments
    if provider != runtime.bridge.provider.name:
        return JSONResponse({"received": False, "reason": "unknown provider"}, status_code=404)
    body = await request.body()
    peer = request.client.host if request.client else "?"
    # The database write must not block the event loop (SQLite waits for its lock).
    receipt = await run_in_threadpool(
        receive, request.app.state.sessions, runtime.bridge.provider, request.headers, body, peer
    )
    return JSONResponse({"received": receipt.outcome}, status_code=receipt.status)


@router.get(
    "/instructions/{instruction_id}",
    response_model=BridgeInstruction,
    response_model_exclude_unset=True,  # `lines` only for a batch
    summary="The bridge's attempts and steps for an instruction",
)
def instruction(instruction_id: InstructionId, _principal: Overseer, sessions: SessionsDep):
    with sessions() as session:
        rows = list(
            session.execute(
                select(PaymentOutbox)
                .where(PaymentOutbox.instruction_id == instruction_id.lower())
                .order_by(PaymentOutbox.attempt)
            ).scalars()
        )
        steps = {
            row.id: [
                {"state": s.state, "detail": s.detail, "at": s.at.isoformat()}
                for s in session.execute(
                    select(PaymentStep).where(PaymentStep.outbox_id == row.id).order_by(PaymentStep.id)
                ).scalars()
                if "line" not in s.detail  # a batch's lines: counted in `lines`, not listed
            ]
            for row in rows
        }
        lines = dict(
            session.execute(
                select(PaymentLine.state, func.count())
                .where(PaymentLine.instruction_id == instruction_id.lower())
                .group_by(PaymentLine.state)
            ).all()
        )
        set_aside = session.execute(
            select(func.count()).where(
                PaymentLine.instruction_id == instruction_id.lower(), PaymentLine.quarantine.is_not(None)
            )
        ).scalar_one()
    if not rows:
        raise ApiError(404, "not_found", detail=f"the bridge has no attempt of {instruction_id}")
    return {
        "instructionId": instruction_id.lower(),
        "attempts": [
            {
                "attempt": row.attempt,
                "state": row.state,
                "amount": row.amount,
                "payeeKey": row.payee_key,
                "provider": row.provider,
                "providerReference": row.provider_ref,
                "providerStatus": row.provider_status,
                "failureCode": row.failure_code,
                "transactionHash": row.chain_tx,
                "quarantine": row.quarantine,
                "steps": steps[row.id],
            }
            for row in rows
        ],
        **({"lines": _line_counts(lines, set_aside)} if lines else {}),
    }


def _line_counts(by_state: dict[str, int], set_aside: int) -> dict[str, int]:
    """A batch's lines by state, and how many are quarantined (left out when none, like a state no
    line is in)."""
    return {"total": sum(by_state.values()), **by_state, **({"quarantined": set_aside} if set_aside else {})}


@router.get(
    "/quarantine",
    response_model=list[QuarantinedRow],
    summary="Attempts and batch lines the bridge set aside for the treasury",
)
def quarantine_list(_principal: Overseer, sessions: SessionsDep):
    return [row.__dict__ for row in quarantined(sessions)]


@router.post(
    "/instructions/{instruction_id}/attempts/{attempt}/release",
    response_model=Released,
    responses={409: {"description": "Not set aside (released already, or never): `payment_not_quarantined`"}},
    summary="Release an attempt the bridge set aside, after a look (treasury)",
)
def release_attempt(
    instruction_id: InstructionId,
    attempt: Annotated[int, Path(ge=0, le=255)],
    principal: Treasury,
    sessions: SessionsDep,
    body: Release | None = None,
):
    return _release(sessions, principal, instruction_id, body, attempt=attempt)


@router.post(
    "/instructions/{instruction_id}/lines/{line}/release",
    response_model=Released,
    responses={409: {"description": "Not set aside (released already, or never): `payment_not_quarantined`"}},
    summary="Release a batch line the bridge set aside, after a look (treasury)",
)
def release_line(
    instruction_id: InstructionId,
    line: Annotated[int, Path(ge=0, le=1_000_000)],
    principal: Treasury,
    sessions: SessionsDep,
    body: Release | None = None,
):
    return _release(sessions, principal, instruction_id, body, line=line)


def _release(sessions, principal: Principal, instruction_id: str, body: Release | None, **which) -> dict:
    reference = body.providerReference if body else None
    try:
        state = release(sessions, instruction_id, principal.key, provider_reference=reference, **which)
    except NotQuarantined:
        raise ApiError(
            409, "payment_not_quarantined", detail="no such attempt or line is set aside"
        ) from None
    return {"instructionId": instruction_id.lower(), "attempt": None, "line": None, **which, "state": state}


@router.get(
    "/reconciliation",
    response_model=Reconciliation,
    summary="Chain, outbox and provider compared; every mismatch",
)
def reconciliation(
    request: Request,
    _principal: Overseer,
    full: Annotated[
        bool, Query(description="check every payout again, not only those that may change")
    ] = False,
):
    return _reconcile(request, repair=False, full=full)


@router.post(
    "/reconciliation/repair",
    response_model=Reconciliation,
    summary="Reconcile and repair what is safe (treasury)",
)
def repair(
    request: Request,
    _principal: Treasury,
    full: Annotated[
        bool, Query(description="check every payout again, not only those that may change")
    ] = False,
):
    return _reconcile(request, repair=True, full=full)


def _reconcile(request: Request, repair: bool, full: bool = False) -> dict:
    runtime = request.app.state.payments
    bridge = runtime.bridge
    report = reconcile(
        request.app.state.sessions, bridge.ledger, bridge.provider, runtime.first_block, repair, full=full
    )
    runtime.reconciliations.record(report)
    return report.as_dict()
