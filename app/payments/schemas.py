"""The payments endpoints' answers (app/payments/routes.py): payout accounts, the bridge's view of an
instruction and the reconciliation report. The account's request body is AccountDetails
(app/payments/accounts.py), which is also what is stored, sealed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas import HEX32
from app.payments import models as states

Bytes32 = Annotated[str, Field(pattern=HEX32)]
# The outbox's states (app/payments/models.py): a single payout's, then a batch's own two.
OutboxState = Literal[
    (
        states.NEW,
        states.REQUESTING,
        states.PENDING,
        states.SETTLING,
        states.FAILING,
        states.SETTLED,
        states.FAILED,
        states.LINES,
        states.HELD,
    )
]


class AccountView(BaseModel):
    """A payout account as the API shows it: the number masked but for its last four digits."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "payeeKey": "0x" + "5a" * 32,
                    "channelCode": "ID_BRI",
                    "accountNumber": "***********3456",
                    "accountHolderName": "CV Maju Jaya",
                }
            ]
        }
    )

    payeeKey: str
    channelCode: str
    accountNumber: str
    accountHolderName: str
    version: int | None = Field(
        default=None, description="The account version in force (0: registered before the history)"
    )


AccountStatus = Literal[
    "proposed", "cooling_off", "in_force", "superseded", "rejected", "withdrawn", "revoked"
]


class AccountVersionView(BaseModel):
    """One version of a payee's payout account in its history: the number masked, who proposed and
    who decided it (the officials' own accounts) and when, and from when it is effective."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "version": 2,
                    "status": "cooling_off",
                    "channelCode": "ID_BRI",
                    "accountNumber": "***********3456",
                    "proposedBy": "0x" + "a1" * 20,
                    "proposedAt": "2026-12-01T02:00:00Z",
                    "decision": "approved",
                    "decidedBy": "0x" + "b2" * 20,
                    "decidedAt": "2026-12-01T03:00:00Z",
                    "reason": None,
                    "effectiveFrom": "2026-12-04T03:00:00Z",
                    "revokedBy": None,
                    "revokedAt": None,
                }
            ]
        }
    )

    version: int = Field(description="1, 2, ...; 0: the account registered before the history")
    status: AccountStatus
    channelCode: str | None
    accountNumber: str | None = Field(description="Masked but for the last four digits")
    proposedBy: str | None = Field(description="The proposing treasury official's account")
    proposedAt: datetime | None
    decision: Literal["approved", "rejected", "withdrawn"] | None
    decidedBy: str | None = Field(description="The deciding treasury official's account")
    decidedAt: datetime | None
    reason: str | None
    effectiveFrom: datetime | None = Field(description="When an approved version takes (or took) effect")
    revokedBy: str | None
    revokedAt: datetime | None


class AccountHistory(BaseModel):
    """A payee's account versions, newest first, and the notices sent to the payee about them."""

    payeeKey: str
    versionInForce: int | None
    versions: list[AccountVersionView]
    notices: list[dict[str, Any]] = Field(description="version, event, delivered, attempts, lastError")


class AccountDecision(BaseModel):
    """Why (optional, short, no personal data): shown in the history."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "penerima tidak mengajukan perubahan"}]}
    )

    reason: str | None = Field(default=None, max_length=200)


class OutboxStep(BaseModel):
    """One entry of an attempt's journal (a batch's per-line entries are counted in `lines` instead)."""

    state: OutboxState = Field(description="The state the attempt moved to")
    detail: dict[str, Any] = Field(description="What caused it, e.g. providerRef, failureCode")
    at: str = Field(description="When, ISO 8601")


class OutboxAttempt(BaseModel):
    """One payment attempt (a retry on chain is a new attempt) and how far the bridge took it."""

    attempt: int
    state: OutboxState
    amount: int
    payeeKey: Bytes32
    provider: str | None = Field(description="The payout provider asked; None before it is")
    providerReference: str | None = Field(description="The provider's payout id")
    providerStatus: str | None = Field(description="The provider's last known status of the payout")
    failureCode: str | None
    transactionHash: str | None = Field(description="The settling or failing transaction, once sent")
    quarantine: str | None = Field(
        None,
        description="Why the bridge set the attempt aside for the treasury (e.g. MALFORMED_ANSWER, "
        "ACCOUNT_UNREADABLE, LOOKUP_UNAVAILABLE); None while it is being paid",
    )
    steps: list[OutboxStep]


class LineCounts(BaseModel):
    """A batch instruction's lines by state; a state no line is in is left out."""

    total: int
    new: int = 0
    requesting: int = 0
    pending: int = 0
    paid: int = 0
    failed: int = 0
    quarantined: int = Field(0, description="Lines set aside for the treasury, whatever their state")


class BridgeInstruction(BaseModel):
    instructionId: Bytes32
    attempts: list[OutboxAttempt]
    # Absent (never null) for anything else: the route leaves unset keys out.
    lines: LineCounts = Field(
        None,
        description="Only for a batch instruction (welfare) whose lines the bridge has stored",
        json_schema_extra=lambda schema: schema.pop("default", None),
    )


MismatchKind = Literal[
    "paid_not_settled",
    "failed_not_recorded",
    "outbox_disagrees",
    "settled_not_paid",
    "paid_but_failed",
    "paid_twice",
    "amount_differs",
    "reversed_after_settlement",
    "not_in_outbox",
]


class Mismatch(BaseModel):
    """A disagreement between the chain, the outbox and the provider (app/payments/reconcile.py)."""

    kind: MismatchKind = Field(
        description="paid_not_settled, failed_not_recorded and outbox_disagrees are repairable; "
        "the others need a person"
    )
    instructionId: Bytes32
    attempt: int
    detail: str
    repaired: bool
    line: int | None = Field(description="The batch line concerned; None for a whole instruction")


class QuarantinedRow(BaseModel):
    """An attempt or batch line the bridge set aside (app/payments/quarantine.py)."""

    instructionId: Bytes32
    attempt: int | None = Field(description="The attempt, for an instruction's row")
    line: int | None = Field(description="The line, for a batch line")
    state: str
    reason: str = Field(description="A reason code, e.g. MALFORMED_ANSWER, ACCOUNT_UNREADABLE")
    since: str = Field(description="ISO 8601")


class Release(BaseModel):
    """What the treasury found at the provider for a row parked in `requesting`."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"providerReference": "disb-5f0c6a8e2f7b"}, {}]}
    )

    providerReference: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="The provider's payout made under this row's key, to adopt; leave out when "
        "the provider has none (the payout is then created)",
    )


class Released(BaseModel):
    instructionId: Bytes32
    attempt: int | None
    line: int | None
    state: OutboxState | Literal["paid"] = Field(description="The state the row goes on from")


class Reconciliation(BaseModel):
    instructions: int
    attempts: int
    settled: int
    failed: int
    inFlight: int
    held: int = Field(description="Batch instructions whose lines could not be read back: nothing paid")
    unreachable: int = Field(description="Payouts the provider did not answer about")
    quarantined: list[QuarantinedRow] = Field(
        description="Rows the bridge set aside for the treasury (they are not paid until released)"
    )
    checked: int = Field(description="Payouts asked about by this run (only those that can still change)")
    mismatches: list[Mismatch]
    repaired: int = Field(description="Mismatches repaired by this request")
