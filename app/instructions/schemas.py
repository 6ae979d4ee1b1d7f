"""Response models of the payment instruction endpoints (app/instructions/routes.py). Purposes and
statuses are IPayments' enums in snake_case (app/protocol/vocabulary.py)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from app.instructions.views import PURPOSES, STATUSES

PurposeWord = Literal[PURPOSES]
StatusWord = Literal[tuple(word for word in STATUSES if word != "none")]  # none: no instruction (404)


class InstructionItem(BaseModel):
    """An instruction as the indexer recorded it."""

    instructionId: str
    source: str = Field(description="The contract that authorised it")
    sourceContract: str | None = Field(description="The source's deployment name; null for another address")
    purpose: PurposeWord
    payeeKey: str = Field(description="Whom to pay (a keyed hash); a batch's Merkle root of its lines")
    amount: int = Field(description="Rupiah")
    status: StatusWord = Field(description="Named by its latest status event")
    authorizedAt: int | None = Field(description="Block time of its first authorisation, UTC seconds")
    authorizedBlock: int
    updatedAt: int | None = Field(description="Block time of its latest status event, UTC seconds")


class InstructionPage(BaseModel):
    items: list[InstructionItem] = Field(description="Newest first")
    next: str | None = Field(description="The cursor of the next page; null on the last")
    indexedThroughBlock: int | None = Field(description="The last block the indexer has read")


class WelfareBatch(BaseModel):
    programmeId: int
    period: int


class BatchLines(BaseModel):
    lineCount: int
    failedLines: int = Field(description="Lines the provider failed")
    failedAmount: int = Field(description="Rupiah of the failed lines")
    linesRoot: str = Field(description="The Merkle root of the lines (index, beneficiaryKey, amount)")
    welfare: WelfareBatch | None = Field(
        description="The programme and period it pays; null for another source"
    )


class HistoryEvent(BaseModel):
    event: str = Field(description="The Payments event, e.g. PaymentAuthorized")
    blockNumber: int
    timestamp: int | None = Field(description="Block time, UTC seconds")
    transactionHash: str
    args: dict[str, Any] = Field(description="The event's arguments but the instruction id")


class BridgeAttempt(BaseModel):
    attempt: int
    state: str = Field(
        description="The payment bridge's step: new, requesting, pending, settling, failing, "
        "settled, failed; for a batch lines or held"
    )
    amount: int = Field(description="Rupiah")
    provider: str | None = Field(description="The disbursement provider asked")
    providerReference: str | None = Field(description="The provider's payout id")
    providerStatus: str | None = Field(description="The provider's last word on the payout")
    failureCode: str | None
    transactionHash: str | None = Field(description="The transaction that settled or failed it on chain")
    updatedAt: int = Field(description="UTC seconds")


class BridgeView(BaseModel):
    attempts: list[BridgeAttempt]


class Instruction(BaseModel):
    """An instruction as the ledger holds it, with its indexed event history."""

    instructionId: str
    source: str = Field(description="The contract that authorised it")
    sourceContract: str | None = Field(description="The source's deployment name; null for another address")
    purpose: PurposeWord
    status: StatusWord
    attempt: int = Field(description="0 for the first authorisation, +1 per retry")
    amount: int = Field(description="Rupiah")
    payeeKey: str = Field(description="Whom to pay (a keyed hash); a batch's Merkle root of its lines")
    batch: BatchLines | None = Field(description="A batch instruction's lines; null for one payment")
    indexedThroughBlock: int | None = Field(description="The last block the indexer has read")
    bridge: BridgeView | None = Field(
        default=None,
        description="Only with include=bridge: the payment bridge's attempts, null when it has none",
    )
    authorizedAt: int | None = Field(description="Block time of its first authorisation, from the indexer")
    updatedAt: int | None = Field(description="Block time of its latest event, from the indexer")
    history: list[HistoryEvent] = Field(description="Its Payments events, oldest first")
