"""The escrow endpoints' request bodies and answers (app/escrows/routes.py).

Answers of writes carry the transaction that did them (WriteReceipt); reads are built by
app/escrows/views.py. Ids and hashes are 0x-hex, amounts integer rupiah, times UTC seconds."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from web3 import Web3

from app.api.schemas import ADDRESS, HEX32, WriteReceipt
from app.escrows import views
from app.protocol import escrow as escrowlib
from app.protocol.bids import tender_id

BYTES32 = HEX32
HEX = r"^0x([0-9a-fA-F]{2})*$"

# ------------------------------------------------------------------------------------ bodies


class Terms(BaseModel):
    advanceAmount: int = Field(0, ge=0, lt=2**80, description="Uang muka in rupiah, 0 for none")
    advanceGuaranteeRef: str = Field(views.ZERO32, pattern=BYTES32, description="Required with an advance")
    performanceBondRef: str = Field(
        views.ZERO32, pattern=BYTES32, description="Jaminan pelaksanaan; required above the threshold"
    )
    retentionBps: int = Field(
        ge=0, le=10_000, description="Retention held from each milestone (500 = 5%); at most the policy's"
    )
    penaltyPpmPerDay: int = Field(
        ge=0, lt=2**32, description="Late penalty per day (1000 = 1 per mil); exactly the policy's"
    )
    penaltyCapBps: int = Field(
        ge=0, le=10_000, description="Late penalty cap, share of the milestone; exactly the policy's"
    )
    maintenancePeriod: int = Field(ge=0, lt=2**32, description="Seconds from the last approval to release")
    quorum: int = Field(ge=1, le=16, description="k: attestations needed per milestone")
    verifiers: list[Annotated[str, Field(pattern=ADDRESS)]] = Field(
        min_length=1, max_length=16, description="The n verifiers' addresses"
    )
    multiYear: bool = Field(
        False, description="Kontrak tahun jamak: the policy's multi-year advance cap applies"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "advanceAmount": 179_000_000,
                    "advanceGuaranteeRef": "0x" + "a1" * 32,
                    "performanceBondRef": "0x" + "b2" * 32,
                    "retentionBps": 500,
                    "penaltyPpmPerDay": 1000,
                    "penaltyCapBps": 500,
                    "maintenancePeriod": 15_552_000,
                    "quorum": 2,
                    "verifiers": [
                        "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
                        "0xBcd4042DE499D14e55001CcbB24a551F3b954096",
                        "0x71bE63f3384f5fb98995898A86B02Fb2426c5788",
                    ],
                    "multiYear": False,
                }
            ]
        }
    )

    @model_validator(mode="after")
    def _shape(self):
        for verifier in self.verifiers:
            if not Web3.is_address(verifier) or verifier.lower() == "0x" + "00" * 20:
                raise ValueError(f"verifier {verifier} is not an address")
        if self.quorum > len(self.verifiers):
            raise ValueError("quorum must not exceed the number of verifiers")
        return self


class MilestoneTerms(BaseModel):
    amount: int = Field(0, ge=0, lt=2**80, description="Rupiah; or give shareBps instead")
    shareBps: int = Field(0, ge=0, le=10_000, description="Share of the value (floor); or give amount")
    dueDate: int = Field(ge=1, lt=2**40, description="UTC seconds, after signing")
    deliverableHash: str = Field(pattern=BYTES32, description="Hash of the deliverable's specification")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"shareBps": 6000, "dueDate": 1_790_000_000, "deliverableHash": "0x" + "c3" * 32}]
        }
    )

    @model_validator(mode="after")
    def _amount_or_share(self):
        if (self.amount == 0) == (self.shareBps == 0):
            raise ValueError("give exactly one of amount and shareBps")
        return self


class EscrowCreation(BaseModel):
    ocid: str | None = Field(None, min_length=1, max_length=200, description="The awarded tender's OCDS id")
    tenderId: str | None = Field(None, pattern=BYTES32, description="Or its tender id, keccak256(ocid)")
    terms: Terms
    milestones: list[MilestoneTerms] = Field(min_length=1, max_length=64)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ocid": "ocds-terang-1001-2026-0001",
                    "terms": Terms.model_config["json_schema_extra"]["examples"][0],
                    "milestones": [
                        {"shareBps": 6000, "dueDate": 1_790_000_000, "deliverableHash": "0x" + "c3" * 32},
                        {
                            "amount": 716_000_000,
                            "dueDate": 1_795_000_000,
                            "deliverableHash": "0x" + "d4" * 32,
                        },
                    ],
                }
            ]
        }
    )

    @model_validator(mode="after")
    def _one_tender(self):
        if (self.ocid is None) == (self.tenderId is None):
            raise ValueError("give exactly one of ocid and tenderId")
        return self

    def tender(self) -> str:
        return self.tenderId.lower() if self.tenderId else Web3.to_hex(tender_id(self.ocid))


class Countersignature(BaseModel):
    supplier: str = Field(pattern=ADDRESS, description="The winning supplier's key that signed")
    nonce: int = Field(ge=0, lt=2**256, description="MilestoneEscrow.nonces(supplier): countersignNonce")
    deadline: int = Field(ge=0, lt=2**256, description="UTC seconds")
    signature: str = Field(pattern=HEX, min_length=132, max_length=132)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier": "0x2546BcD3c84621e976D8185a91A922aE77ECEc30",
                    "nonce": 0,
                    "deadline": 1_780_000_000,
                    "signature": "0x" + "ab" * 65,
                }
            ]
        }
    )


class Attestation(BaseModel):
    evidenceHash: str = Field(pattern=BYTES32, description="keccak256 of the BAST document's bytes")
    deliveredAt: int = Field(
        ge=1,
        lt=2**40,
        description="UTC seconds: the delivery date the evidence shows (not before signing, not in the "
        "future); lateness runs from the latest such date of the quorum, not from when you attest",
    )

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"evidenceHash": "0x" + "e5" * 32, "deliveredAt": 1_789_000_000}]}
    )


class Rejection(BaseModel):
    reasonHash: str = Field(pattern=BYTES32, description="Hash of the reasoned decision")

    model_config = ConfigDict(json_schema_extra={"examples": [{"reasonHash": "0x" + "f6" * 32}]})


class DisputeSignature(BaseModel):
    """The supplier's EIP-712 OpenDispute, relayed to openDisputeBySig: the supplier needs no ETH."""

    supplier: str = Field(pattern=ADDRESS, description="The winning supplier's key that signed")
    evidenceHash: str = Field(pattern=BYTES32, description="keccak256 of the supplier's evidence document")
    nonce: int = Field(
        ge=0, lt=2**256, description="MilestoneEscrow.nonces(supplier), shared with Countersign"
    )
    deadline: int = Field(ge=0, lt=2**256, description="UTC seconds")
    signature: str = Field(pattern=HEX, min_length=132, max_length=132)

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier": "0x2546BcD3c84621e976D8185a91A922aE77ECEc30",
                    "evidenceHash": "0x" + "5e" * 32,
                    "nonce": 1,
                    "deadline": 1_780_000_000,
                    "signature": "0x" + "ab" * 65,
                }
            ]
        }
    )


class SignedDispute(BaseModel):
    signedTransaction: str = Field(
        pattern=HEX,
        min_length=4,
        max_length=4096,
        description="The supplier's signed openDispute(escrowId, index, evidenceHash) transaction, raw",
    )

    model_config = ConfigDict(json_schema_extra={"examples": [{"signedTransaction": "0x02f8b1827a69..."}]})


class DisputeResolution(BaseModel):
    overturn: bool = Field(description="true: the supplier is right (pay / refund); false: uphold")
    decisionHash: str = Field(pattern=BYTES32, description="Hash of the committee's decision")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"overturn": True, "decisionHash": "0x" + "17" * 32}]}
    )


class PaymentRetry(BaseModel):
    kind: Literal[tuple(views.PAYMENT_KINDS)]  # IMilestoneEscrow.PaymentKind words
    index: int = Field(0, ge=0, lt=64, description="Milestone index (0 for advance and retention)")

    model_config = ConfigDict(json_schema_extra={"examples": [{"kind": "milestone", "index": 0}]})


class VerifierReplacement(BaseModel):
    current: str = Field(pattern=ADDRESS, description="The verifier whose seat is given away")
    successor: str = Field(pattern=ADDRESS, description="Who takes the seat: not a verifier of it yet")
    reasonHash: str = Field(pattern=BYTES32, description="Hash of the committee's reasoned decision")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "current": "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
                    "successor": "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
                    "reasonHash": "0x" + "39" * 32,
                }
            ]
        }
    )


class Termination(BaseModel):
    reasonHash: str = Field(pattern=BYTES32, description="Hash of the termination decision")

    model_config = ConfigDict(json_schema_extra={"examples": [{"reasonHash": "0x" + "28" * 32}]})


# ------------------------------------------------------------------------------------ answers

Bytes32 = Annotated[str, Field(pattern=BYTES32)]
Address = Annotated[str, Field(pattern=ADDRESS)]
EscrowIdField = Annotated[
    str, Field(pattern=BYTES32, description="The escrow id (the tender id), lower case")
]
# The enums' words as views.py names them; "none" is left out where an existing record never has it.
EscrowStatus = Literal[tuple(w for w in views.ESCROW_STATUS if w != "none")]
MilestoneStatus = Literal[tuple(views.MILESTONE_STATUS)]
DisputeStatus = Literal[tuple(views.DISPUTE_STATUS)]
DisputeKind = Literal[tuple(w for w in views.DISPUTE_KIND if w != "none")]
PaymentStatus = Literal[tuple(w for w in views.PAYMENT_STATUS if w != "none")]
PaymentKind = Literal[tuple(views.PAYMENT_KINDS)]
OptionalPaymentId = Annotated[
    Bytes32 | None, Field(description="The Payments instruction authorised, None when nothing was")
]


class EscrowPayment(BaseModel):
    """A Payments instruction of the escrow (the bridge pays it off chain)."""

    paymentId: Bytes32 = Field(description="The Payments instruction id")
    status: PaymentStatus
    attempt: int = Field(description="Payout attempt; a retry after a failure adds one")
    amount: int
    payeeKey: Bytes32 = Field(description="Whom the bridge pays: the supplier's payee key")


class Milestone(BaseModel):
    index: int = Field(description="Milestone index (termin), from 0")
    status: MilestoneStatus
    amount: int
    dueDate: int
    deliverableHash: Bytes32
    deliveredAt: int | None = Field(
        description="The latest evidence date attested in the current round (the delivery date once "
        "attested); None before any attestation"
    )
    attestations: int = Field(description="Attestations in the current round")
    quorum: int = Field(description="Attestations needed")
    attestedBy: list[Address] = Field(description="The verifiers who attested in the current round")
    penalty: int = Field(description="Late penalty withheld from this milestone")
    penaltyDispute: DisputeStatus = Field(description="The supplier's dispute of the penalty")
    payment: EscrowPayment | None = Field(description="The milestone's net payment, once approved")
    penaltyRefund: EscrowPayment | None = Field(
        description="The penalty's refund, once a dispute overturned it"
    )


class EscrowMilestone(Milestone):
    """GET /escrows/{escrow_id}/milestones/{index}: the milestone with its escrow's id."""

    escrowId: EscrowIdField


class Escrow(BaseModel):
    escrowId: EscrowIdField
    contractAddress: Address = Field(
        description="The MilestoneEscrow version holding this contract (an older one once replaced)"
    )
    contractVersion: int = Field(ge=1, description="That version's number in the deployment manifest")
    status: EscrowStatus
    agencyId: int
    supplierId: int
    supplierAccount: Address = Field(description="The supplier's current key: the one that may sign")
    countersignNonce: int | None = Field(
        description="The nonce the supplier's Countersign signature takes; None once countersigned"
    )
    termsHash: Bytes32 = Field(description="What the supplier countersigns (app/protocol/escrow.py)")
    value: int = Field(description="The contract value in rupiah")
    originalValue: int = Field(description="The value as signed; addenda add at most the policy's share")
    policyVersion: int = Field(description="The PolicyRegistry version the contract is bound to")
    multiYear: bool = Field(description="Kontrak tahun jamak")
    authorized: int = Field(description="Authorised for payment so far")
    penalties: int = Field(description="Late penalties withheld so far")
    remaining: int = Field(description="Not yet authorised")
    retentionBps: int
    retentionHeld: int
    retentionReleased: bool
    retentionReleasableAt: int | None = Field(
        description="End of the maintenance period; None until the last milestone is approved"
    )
    penaltyPpmPerDay: int
    penaltyCapBps: int
    maintenancePeriod: int = Field(description="Seconds")
    advanceAmount: int
    advanceOutstanding: int = Field(description="Advance not yet repaid from milestone payments")
    advanceGuaranteeRef: Bytes32
    performanceBondRef: Bytes32
    quorum: int
    verifiers: list[Address]
    signedAt: int | None = Field(description="When the supplier countersigned")
    completedAt: int | None = Field(description="When the last milestone was approved")
    amendments: int = Field(description="Amendments (adendum) made")
    approvedMilestones: int
    advancePayment: EscrowPayment | None
    retentionPayment: EscrowPayment | None
    milestones: list[Milestone]


class CountersignDomain(BaseModel):
    name: str
    version: str
    chainId: int
    verifyingContract: Address


class EscrowSigningField(BaseModel):
    name: str
    type: str


class CountersignSigning(BaseModel):
    """What a supplier's client signs with: EIP-712 domain, primary type and the next nonce."""

    domain: CountersignDomain
    primaryType: Literal[escrowlib.COUNTERSIGN_TYPE] = Field(description="The countersignature's type")
    types: dict[str, list[EscrowSigningField]] = Field(
        description="The fields of each act a supplier signs for the escrow: Countersign and OpenDispute"
    )
    nonce: int = Field(description="MilestoneEscrow.nonces(supplier), spent by either act")


class EscrowCreated(WriteReceipt):
    escrowId: EscrowIdField
    ocid: str | None = Field(description="The ocid sent; None when the tender was named by tenderId")
    status: Literal["awaiting_countersign"]
    supplierId: int
    agencyId: int
    value: int
    milestoneCount: int
    termsHash: Bytes32


class EscrowCountersigned(WriteReceipt):
    escrowId: EscrowIdField
    status: Literal["active"]
    supplierId: int
    signer: Address
    advancePaymentId: OptionalPaymentId


class MilestoneAttested(WriteReceipt):
    escrowId: EscrowIdField
    index: int
    verifier: Address
    evidenceHash: Bytes32
    deliveredAt: int = Field(description="The delivery date this attestation gives")
    attestations: int
    quorum: int
    status: Literal["attested", "pending"] = Field(description="attested once the quorum is reached")


class MilestoneApproved(WriteReceipt):
    escrowId: EscrowIdField
    index: int
    status: Literal["approved"]
    paymentId: OptionalPaymentId
    gross: int
    retention: int
    penalty: int
    advanceRepaid: int
    net: int = Field(description="gross - retention - penalty - advanceRepaid: what is paid")
    daysLate: int
    escrowCompleted: bool = Field(description="This was the last milestone")


class MilestoneRejected(WriteReceipt):
    escrowId: EscrowIdField
    index: int
    status: Literal["rejected"]
    reasonHash: Bytes32


class DisputeOpened(WriteReceipt):
    escrowId: EscrowIdField
    index: int
    kind: DisputeKind = Field(description="What is disputed: the rejection, or the late penalty")
    evidenceHash: Bytes32


class RetentionReleased(WriteReceipt):
    escrowId: EscrowIdField
    paymentId: Bytes32
    amount: int


class PaymentRetried(WriteReceipt):
    """The retried payment's instruction, as it stands after the retry."""

    escrowId: EscrowIdField
    kind: PaymentKind
    index: int
    paymentId: Bytes32
    status: PaymentStatus
    attempt: int
    amount: int
    payeeKey: Bytes32
