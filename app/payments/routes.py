"""Payments: payout accounts by payee key (treasury only: they are personal data), the provider's
callbacks, the bridge's view of an instruction and reconciliation (treasury, auditors)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from app.api.deps import SessionsDep, SettingsDep, require_roles
from app.api.errors import ApiError
from app.auth.tokens import Principal
from app.keyring.keyring import keyring_for
from app.keyring.sealing import SealError
from app.payments.accounts import AccountDetails, load_account, save_account
from app.payments.callbacks import receive
from app.payments.models import PaymentLine, PaymentOutbox, PaymentStep
from app.payments.quarantine import NotQuarantined, quarantined, release
from app.payments.reconcile import reconcile
from app.payments.schemas import (
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


def _account_view(payee_key: str, details: AccountDetails) -> AccountView:
    return AccountView(
        payeeKey=payee_key.lower(),
        channelCode=details.channelCode,
        accountNumber=details.masked(),
        accountHolderName=details.accountHolderName,
    )


@router.put(
    "/accounts/{payee_key}",
    summary="Register or replace a payee's payout account (treasury)",
    response_model=AccountView,
)
def put_account(
    payee_key: PayeeKey,
    body: AccountDetails,
    principal: Treasury,
    sessions: SessionsDep,
    settings: SettingsDep,
):
    with sessions.begin() as session:
        save_account(session, keyring_for(settings), payee_key, body, principal.key)
    return _account_view(payee_key, body)


@router.get(
    "/accounts/{payee_key}",
    summary="A payee's payout account, number masked (treasury)",
    response_model=AccountView,
)
def get_account(payee_key: PayeeKey, _principal: Treasury, sessions: SessionsDep, settings: SettingsDep):
    with sessions() as session:
        try:
            details = load_account(session, keyring_for(settings), payee_key)
        except SealError as error:  # fails closed, saying why (never the value)
            raise ApiError(500, "sealed_value_unreadable", detail=str(error)) from None
    if details is None:
        raise ApiError(404, "not_found", detail=f"no payout account for payee {payee_key}")
    return _account_view(payee_key, details)


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
    return report.as_dict()
