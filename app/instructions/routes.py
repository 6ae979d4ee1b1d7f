"""Payment instructions of the Payments ledger: one by id (the chain's view, public like the chain,
with its indexed event history) and a list from the indexer's tables, filtered by source and status,
newest first. With `include=bridge`, TREASURY and AUDITOR also see the payment bridge's attempts.

No reauthorisation or cancellation here: Payments.reauthorize and cancel accept only the
instruction's source contract as caller (PaymentNotSource, PaymentUnknownSource), and no gateway
role is a source. A failed escrow payment is retried through its escrow (MilestoneEscrow.retryPayment,
agency officer); failed welfare lines are repaid as a new batch (WelfarePrograms.repayFailedLines)."""

from __future__ import annotations

import re
from datetime import timezone
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy import select
from web3 import Web3

from app.api.deps import ChainDep, ReadSessionsDep, bearer, get_principal
from app.api.errors import ApiError
from app.instructions.history import history, indexed_through, page
from app.instructions.schemas import Instruction, InstructionPage
from app.instructions.views import STATUS, instruction_view, source_name
from app.payments.models import PaymentOutbox

router = APIRouter(prefix="/instructions", tags=["instructions"])
BYTES32 = r"^0x[0-9a-fA-F]{64}$"
ADDRESS = r"^0x[0-9a-fA-F]{40}$"
CURSOR = r"^\d{1,18}-\d{1,9}$"  # within a signed 64-bit integer
BRIDGE_READERS = frozenset({"TREASURY", "AUDITOR"})

InstructionId = Annotated[
    str,
    Path(
        pattern=BYTES32,
        description="keccak256(abi.encode(source, sourceRef)); a welfare batch's id",
        examples=["0x" + "9c" * 32],
    ),
]


# Every PaymentStatus word but none, the statuses an instruction can be listed in.
Status = Enum("Status", [(word, word) for word in STATUS.words if word != "none"], type=str)


class Include(str, Enum):
    bridge = "bridge"


def _source_address(chain, source: str | None) -> str | None:
    """A source filter: a 0x address or a deployed contract's manifest name."""
    if source is None:
        return None
    if re.fullmatch(ADDRESS, source):
        return source.lower()
    if source in chain.manifest.contracts:
        return chain.manifest.address(source).lower()
    raise ApiError(
        422,
        "unknown_payment_source",
        detail=f"source must be a 0x address or one of: {', '.join(sorted(chain.manifest.contracts))}",
    )


@router.get(
    "",
    response_model=InstructionPage,
    summary="Payment instructions, newest first, from the indexer (filter by source and status)",
)
def list_instructions(
    chain: ChainDep,
    sessions: ReadSessionsDep,
    source: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            description="A source contract's name (WelfarePrograms, MilestoneEscrow) or address",
            examples=["WelfarePrograms"],
        ),
    ] = None,
    status: Annotated[
        Status | None, Query(description="The instruction's latest status", examples=["authorized"])
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page", examples=[50])] = 50,
    cursor: Annotated[
        str | None, Query(pattern=CURSOR, description="`next` of the previous page", examples=["1234-5"])
    ] = None,
):
    address = _source_address(chain, source)
    before = tuple(int(part) for part in cursor.split("-")) if cursor else None
    with sessions() as session:
        items, after = page(session, address, status.value if status else None, limit, before)
        through = indexed_through(session)
    for item in items:
        item["source"] = Web3.to_checksum_address(item["source"])
        item["sourceContract"] = source_name(chain, item["source"])
    return {
        "items": items,
        "next": f"{after[0]}-{after[1]}" if after else None,
        "indexedThroughBlock": through,
    }


@router.get(
    "/{instruction_id}",
    response_model=Instruction,
    response_model_exclude_unset=True,  # `bridge` only with include=bridge
    summary="An instruction as the ledger holds it, its event history; the bridge's view with include=bridge",
)
def get_instruction(
    request: Request,
    instruction_id: InstructionId,
    chain: ChainDep,
    sessions: ReadSessionsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    include: Annotated[
        Include | None,
        Query(description="`bridge`: the payment bridge's attempts (treasury, auditor)", examples=["bridge"]),
    ] = None,
):
    if include is Include.bridge:
        principal = get_principal(request, credentials)
        if not principal.has_any(BRIDGE_READERS):
            raise ApiError(403, "forbidden_role", detail="requires one of: AUDITOR, TREASURY")
    instruction_id = instruction_id.lower()
    view = instruction_view(chain, instruction_id)
    if view is None:
        raise ApiError(404, "not_found", detail=f"no payment instruction {instruction_id}")
    with sessions() as session:
        events = history(session, instruction_id)
        view["indexedThroughBlock"] = indexed_through(session)
        if include is Include.bridge:
            view["bridge"] = _bridge(session, instruction_id)
    authorized = [e for e in events if e["event"] == "PaymentAuthorized"]
    view["authorizedAt"] = authorized[0]["timestamp"] if authorized else None
    view["updatedAt"] = events[-1]["timestamp"] if events else None
    view["history"] = events
    return view


def _bridge(session, instruction_id: str) -> dict | None:
    """The bridge's attempts at this instruction (app/payments outbox), None if it has none."""
    rows = session.scalars(
        select(PaymentOutbox)
        .where(PaymentOutbox.instruction_id == instruction_id)
        .order_by(PaymentOutbox.attempt)
    ).all()
    if not rows:
        return None
    return {
        "attempts": [
            {
                "attempt": row.attempt,
                "state": row.state,
                "amount": row.amount,
                "provider": row.provider,
                "providerReference": row.provider_ref,
                "providerStatus": row.provider_status,
                "failureCode": row.failure_code,
                "transactionHash": row.chain_tx,
                "updatedAt": int(
                    row.updated_at.replace(tzinfo=row.updated_at.tzinfo or timezone.utc).timestamp()
                ),
            }
            for row in rows
        ]
    }
