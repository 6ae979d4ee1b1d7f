"""Request and response models of the tender endpoints (app/tenders/routes.py) and of the managed
bids (app/tenders/managed_bids.py)."""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.api.schemas import WriteReceipt
from app.protocol import vocabulary

BYTES32 = r"^0x[0-9a-fA-F]{64}$"
ADDRESS = r"^0x[0-9a-fA-F]{40}$"
HEX = r"^0x([0-9a-fA-F]{2})*$"
EXAMPLE_SIGNATURE = "0x" + "ab" * 65  # 65 bytes: r, s, v


def _codes(name: str) -> dict[str, int]:
    return {word: code for code, word in enumerate(vocabulary.enum(name).words)}


# ITenders' enums: the request's codes (named by their words), the answer's words (by code).
Category = IntEnum("Category", _codes("ITenders.Category"))
Method = IntEnum("Method", _codes("ITenders.Method"))
Evaluation = IntEnum("Evaluation", _codes("ITenders.EvaluationMethod"))
STATUS = vocabulary.enum("ITenders.TenderStatus").words
BID = vocabulary.enum("ITenders.BidStatus")
BID_STATUS = BID.words
OBJECTION = vocabulary.enum("ITenders.ObjectionStatus")
OBJECTION_STATUS = OBJECTION.words
ANSWERS = OBJECTION_STATUS[OBJECTION.code("Open") + 1 :]  # how the Pokja can answer an objection


class Announcement(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ocid": "ocds-terang-1001-2026-0001",
                    "title": "Pengadaan trafo distribusi 20 kV untuk kawasan inti IKN",
                    "documentHash": "0xd0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0",
                    "agencyId": 1001,
                    "hps": 2000000000,
                    "category": 0,
                    "method": 0,
                    "evaluation": 0,
                    "preferenceBps": 2500,
                    "domesticOnly": False,
                    "umkmReserved": False,
                    "commitDeadline": 1795000000,
                    "revealDeadline": 1795086400,
                    "objectionWindow": 432000,
                    "minValidBids": 2,
                    "technicalWeightBps": 0,
                }
            ]
        }
    )

    ocid: str = Field(min_length=1, max_length=200, examples=["ocds-terang-1001-2026-0001"])
    title: str = Field(min_length=1, max_length=500)
    documentHash: str = Field(pattern=BYTES32)
    agencyId: int = Field(ge=1, lt=2**32)
    hps: int = Field(ge=1, lt=2**96, description="Owner's estimate in rupiah: the ceiling")
    category: Category
    method: Method = Method.tender
    evaluation: Evaluation = Evaluation.lowest_price
    preferenceBps: int = Field(0, ge=0, le=10_000, description="Domestic price preference (max 2500)")
    domesticOnly: bool = False
    umkmReserved: bool = False
    commitDeadline: int = Field(ge=1, lt=2**40, description="UTC seconds")
    revealDeadline: int = Field(ge=1, lt=2**40, description="UTC seconds")
    objectionWindow: int = Field(ge=0, lt=2**32, description="Sanggah window in seconds")
    minValidBids: int = Field(1, ge=1, lt=2**16)
    technicalWeightBps: int = Field(0, ge=0, le=10_000)

    @model_validator(mode="after")
    def _deadlines_in_order(self):
        if self.revealDeadline <= self.commitDeadline:
            raise ValueError("revealDeadline must be after commitDeadline")
        return self


class Addendum(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"documentHash": "0xadadadadadadadadadadadadadadadadadadadadadadadadadadadadadadadad"}
            ]
        }
    )

    documentHash: str = Field(pattern=BYTES32)


class Cancellation(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reasonHash": "0xcacacacacacacacacacacacacacacacacacacacacacacacacacacacacacacaca"}]
        }
    )

    reasonHash: str = Field(pattern=BYTES32)


class SignedCommit(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier": "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4",
                    "commitment": "0x3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c",
                    "nonce": 0,
                    "deadline": 1795000000,
                    "signature": EXAMPLE_SIGNATURE,
                }
            ]
        }
    )

    supplier: str = Field(pattern=ADDRESS, description="The supplier's key that signed")
    commitment: str = Field(pattern=BYTES32)
    nonce: int = Field(ge=0, lt=2**256)
    deadline: int = Field(ge=0, lt=2**256)
    signature: str = Field(pattern=HEX, min_length=132, max_length=132)


class Opening(BaseModel):
    price: int = Field(ge=1, lt=2**256)
    productIds: list[Annotated[str, Field(pattern=BYTES32)]] = Field(default_factory=list, max_length=32)
    salt: str = Field(pattern=BYTES32)
    commitSeq: int = Field(ge=0, lt=2**32)


class SignedReveal(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier": "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4",
                    "opening": {
                        "price": 1800000000,
                        "productIds": ["0x7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e"],
                        "salt": "0x5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e",
                        "commitSeq": 1,
                    },
                    "nonce": 1,
                    "deadline": 1795090000,
                    "signature": EXAMPLE_SIGNATURE,
                }
            ]
        }
    )

    supplier: str = Field(pattern=ADDRESS)
    opening: Opening
    nonce: int = Field(ge=0, lt=2**256)
    deadline: int = Field(ge=0, lt=2**256)
    signature: str = Field(pattern=HEX, min_length=132, max_length=132)


class EvaluationRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"bidders": [1, 2, 3]}]})

    bidders: list[Annotated[int, Field(ge=1, lt=2**64)]] = Field(
        description="Every bidder's supplier id, ascending", max_length=500
    )


class SignedObjection(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier": "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4",
                    "evidenceHash": "0xe5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5",
                    "nonce": 2,
                    "deadline": 1795400000,
                    "signature": EXAMPLE_SIGNATURE,
                }
            ]
        }
    )

    supplier: str = Field(pattern=ADDRESS, description="The losing bidder's key that signed")
    evidenceHash: str = Field(
        pattern=BYTES32, description="keccak256 of the objection letter and its evidence (kept off chain)"
    )
    nonce: int = Field(ge=0, lt=2**256)
    deadline: int = Field(ge=0, lt=2**256)
    signature: str = Field(pattern=HEX, min_length=132, max_length=132)


class ObjectionAnswer(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "outcome": "rejected",
                    "responseHash": "0xa5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5",
                }
            ]
        }
    )

    outcome: str = Field(pattern=f"^({'|'.join(ANSWERS)})$")
    responseHash: str = Field(pattern=BYTES32)


# Requests of the managed bids


class ManagedBid(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "price": 1800000000,
                    "productIds": ["0x7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e"],
                }
            ]
        },
    )

    price: int = Field(ge=1, lt=2**96, description="The offer in rupiah, at most the tender's HPS")
    productIds: list[Annotated[str, Field(pattern=BYTES32)]] = Field(
        default_factory=list, max_length=32, description="TKDN-certified products offered (may be empty)"
    )


class ManagedObjection(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"evidenceHash": "0xe5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5"}
            ]
        },
    )

    evidenceHash: str = Field(
        pattern=BYTES32, description="keccak256 of the objection letter and its evidence (kept off chain)"
    )


# Responses: a tender's words are ITenders' enums in snake_case (app/protocol/vocabulary.py); "none"
# is never answered (an unknown tender, bid or objection is a 404).
TenderStatusWord = Literal[tuple(w for w in STATUS if w != "none")]
BidStatusWord = Literal[tuple(w for w in BID_STATUS if w != "none")]
ObjectionStatusWord = Literal[tuple(w for w in OBJECTION_STATUS if w != "none")]
AnswerWord = Literal[ANSWERS]
CategoryWord = Literal[tuple(Category.__members__)]
MethodWord = Literal[tuple(Method.__members__)]
EvaluationWord = Literal[tuple(Evaluation.__members__)]
FAIL = vocabulary.enum("ITenders.FailReason")


class TenderAnnounced(WriteReceipt):
    ocid: str
    tenderId: str = Field(description="keccak256 of the ocid: the tender's id on chain")


class TenderAmended(WriteReceipt):
    ocid: str
    commitDeadline: int = Field(description="UTC seconds, as the addendum left it")
    revealDeadline: int = Field(description="UTC seconds, as the addendum left it")


class TenderCancelled(WriteReceipt):
    ocid: str
    status: Literal["cancelled"]


class BidCommitted(WriteReceipt):
    ocid: str
    supplierId: int = Field(description="The registry id of the supplier whose key signed")
    commitSeq: int = Field(description="The commitment's sequence number: the opening must name it")


class BidRevealed(WriteReceipt):
    """The opened bid, found compliant."""

    ocid: str
    supplierId: int
    price: int = Field(description="The offer in rupiah")
    tkdnBps: int = Field(description="The bid's TKDN in basis points, from its certified products")
    hea: int = Field(description="Harga evaluasi akhir: the price after the domestic preference")


class ObjectionFiled(WriteReceipt):
    ocid: str
    objectionId: int = Field(description="The objection's number within the tender, from 1")
    supplierId: int = Field(description="The objecting supplier")
    evidenceHash: str = Field(description="keccak256 of the objection letter and its evidence")


class AwardProposal(BaseModel):
    """The AwardProposed event's arguments."""

    tenderId: str
    supplierId: int = Field(description="The proposed winner")
    price: int = Field(description="Its offer in rupiah")
    hea: int = Field(description="Its evaluated price after the domestic preference")
    tkdnBps: int
    tenderers: int = Field(description="Bidders that committed")
    validBids: int
    objectionDeadline: int = Field(description="UTC seconds: objections until then")


class TenderFailure(BaseModel):
    """The TenderFailed event's arguments."""

    tenderId: str
    reason: int = Field(
        description="ITenders.FailReason code: "
        + ", ".join(f"{code} {word}" for code, word in enumerate(FAIL.words) if code)
    )
    validBids: int


class TenderEvaluated(WriteReceipt):
    """One of awardProposed and failed is set, the other null."""

    ocid: str
    awardProposed: AwardProposal | None
    failed: TenderFailure | None


class ObjectionAnswered(WriteReceipt):
    ocid: str
    objectionId: int
    outcome: AnswerWord


class TenderAwarded(WriteReceipt):
    """The TenderAwarded event's arguments: what the escrow needs to open the contract."""

    ocid: str
    tenderId: str
    supplierId: int = Field(description="The winner")
    supplier: str = Field(description="The winner's account")
    value: int = Field(description="The contract value in rupiah: the winning price")
    agencyId: int


class SigningDomain(BaseModel):
    name: str
    version: str
    chainId: int
    verifyingContract: str = Field(description="The Tenders contract")


class TypedField(BaseModel):
    name: str
    type: str = Field(description="Its Solidity type")


class BidSigning(BaseModel):
    """What a supplier's client needs to sign a CommitBid, RevealBid or FileObjection (EIP-712)."""

    domain: SigningDomain
    primaryTypes: list[str] = Field(description="The message types it may sign")
    types: dict[str, list[TypedField]] = Field(description="Each message type's fields, in order")
    nonce: int = Field(description="The supplier's next nonce, one stream for all three messages")


class Tender(BaseModel):
    """A tender as recorded on the ledger."""

    ocid: str
    tenderId: str = Field(description="keccak256 of the ocid")
    status: TenderStatusWord
    agencyId: int
    hps: int = Field(description="Owner's estimate in rupiah: the ceiling")
    category: CategoryWord
    method: MethodWord
    evaluation: EvaluationWord
    preferenceBps: int = Field(description="Domestic price preference in basis points")
    domesticOnly: bool
    umkmReserved: bool
    commitDeadline: int = Field(description="UTC seconds")
    revealDeadline: int = Field(description="UTC seconds")
    numberOfTenderers: int = Field(description="Bidders that committed")
    validBids: int
    addenda: int = Field(description="How many addenda were published")
    documentHash: str = Field(description="The current tender document's hash")
    winner: int | None = Field(description="The proposed or final winner's supplier id; null before")
    objectionDeadline: int | None = Field(description="UTC seconds; null before an award is proposed")
    objections: int = Field(description="Objections filed")
    openObjections: int = Field(description="Objections not yet answered")


class Bid(BaseModel):
    """A bid: before its reveal only its seal, price, hea and tkdnBps null."""

    ocid: str
    supplierId: int
    status: BidStatusWord
    commitSeq: int
    sealedBid: str = Field(description="The commitment the chain holds")
    price: int | None = Field(description="Rupiah; null until revealed")
    hea: int | None = Field(description="Price after the domestic preference; null until revealed")
    tkdnBps: int | None = Field(description="Null until revealed")


class Objection(BaseModel):
    """An objection (sanggah) and its answer."""

    ocid: str
    objectionId: int
    supplierId: int = Field(description="The objecting supplier")
    status: ObjectionStatusWord
    awardRound: int = Field(description="The award proposal it objects to (a re-evaluation starts a new one)")
    evidenceHash: str
    responseHash: str | None = Field(description="The Pokja's answer document's hash; null while open")


# Responses of the managed-key routes (app/tenders/managed_bids.py)


class ManagedKey(BaseModel):
    supplierId: int
    address: str = Field(description="The managed key's account")
    registered: bool = Field(description="Whether the registry has it as the supplier's account (usable)")


class ManagedBidCommitted(WriteReceipt):
    """The sealed bid the gateway built and signed: never its price, products or salt."""

    ocid: str
    supplierId: int
    supplier: str = Field(description="The managed key that signed")
    commitment: str = Field(description="The sealed bid")
    commitSeq: int
    replaced: bool = Field(description="Whether it replaced the supplier's earlier bid")
