"""Request and response models of the tender endpoints (app/tenders/routes.py), of the Pokja's
endpoints (app/tenders/pokja_routes.py) and of the managed bids (app/tenders/managed_bids.py)."""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.api.schemas import WriteReceipt
from app.protocol import vocabulary

BYTES32 = r"^0x[0-9a-fA-F]{64}$"
ADDRESS = r"^0x[0-9a-fA-F]{40}$"
HEX = r"^0x([0-9a-fA-F]{2})*$"
SHARE = r"^0x[0-9a-fA-F]{32}$"  # a 16-byte Shamir share of an envelope's key
RUP_CODE = r"^[0-9A-Za-z.\-]{1,32}$"  # kd_rup (app/plans/importing.py)
QUALIFICATION = r"^(KBLI:\d{5}|SBU:[A-Z]{2}\d{3})$"  # app/sikap/importing.py
EXAMPLE_SIGNATURE = "0x" + "ab" * 65  # 65 bytes: r, s, v
EXAMPLE_PRODUCT = "0x" + "7e" * 32
ZERO32 = "0x" + "00" * 32
MAX_ENVELOPE_BYTES = 4096  # what a commit may carry (Tenders)
MAX_POKJA = 32


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
ANSWERS = OBJECTION_STATUS[OBJECTION.code("Open") + 1 :]  # how the Pokja (or the KPA) can answer
NON_COMPLIANCE = vocabulary.enum("ITenders.NonCompliance")
NON_COMPLIANCE_REASONS = NON_COMPLIANCE.words[1:]  # every reason but None


class Announcement(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ocid": "ocds-terang-1001-2026-0001",
                    "rupCode": "52001001",
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
                    "scoringDeadline": 0,
                    "bidBond": 0,
                    "qualification": "KBLI:35129",
                }
            ]
        }
    )

    ocid: str = Field(min_length=1, max_length=200, examples=["ocds-terang-1001-2026-0001"])
    rupCode: str = Field(
        pattern=RUP_CODE,
        description="The package's code (kd_rup) in the announced procurement plan (RUP, SIRUP): the "
        "gateway refuses a tender outside its agency's plan, above its pagu or by another method",
    )
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
    scoringDeadline: int = Field(
        0,
        ge=0,
        lt=2**40,
        description="Value system: UTC seconds between the commit and the reveal deadline, before which "
        "the Pokja seal their technical score sheets (openings start then); 0 for lowest price",
    )
    bidBond: int = Field(
        0,
        ge=0,
        lt=2**96,
        description="Jaminan penawaran in rupiah each bid must carry: 1-3% of HPS for construction above "
        "the policy's threshold (Rp10 miliar), else 0",
    )
    qualification: str | None = Field(
        None,
        pattern=QUALIFICATION,
        description="A qualification each bidder must hold in the SIKaP extract: a KBLI code "
        "(KBLI:42101) or an SBU certificate valid at the commit (SBU:BG004); none by default",
    )

    @model_validator(mode="after")
    def _deadlines_in_order(self):
        if self.revealDeadline <= self.commitDeadline:
            raise ValueError("revealDeadline must be after commitDeadline")
        if self.scoringDeadline and not self.commitDeadline < self.scoringDeadline < self.revealDeadline:
            raise ValueError("scoringDeadline must be after commitDeadline and before revealDeadline")
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
                    "envelope": "0x0102" + "e0" * 32 + "c1" * 88 + "0a" * 12 + "0b" * 176,
                    "replaces": ZERO32,
                    "nonce": 0,
                    "deadline": 1795000000,
                    "signature": EXAMPLE_SIGNATURE,
                }
            ]
        }
    )

    supplier: str = Field(pattern=ADDRESS, description="The supplier's key that signed")
    commitment: str = Field(pattern=BYTES32)
    envelope: str = Field(
        pattern=HEX,
        min_length=4,
        max_length=2 + 2 * MAX_ENVELOPE_BYTES,
        description="The bid's opening sealed for the tender's Pokja (app/tenders/envelope.py), hex; "
        "its keccak256 is signed as envelopeHash",
    )
    replaces: str = Field(
        ZERO32,
        pattern=BYTES32,
        description="The supplier's sealed bid this commit replaces (GET /tenders/{ocid}/bids/{id} "
        "sealedBid), zero for its first: the signature dies once the supplier's bid changes otherwise",
    )
    nonce: int = Field(ge=0, lt=2**256)
    deadline: int = Field(ge=0, lt=2**256)
    signature: str = Field(pattern=HEX, min_length=132, max_length=132)


class ProductShare(BaseModel):
    """A certified product offered and its share of the bid's value (basis points)."""

    productId: str = Field(pattern=BYTES32, description="The product's id in the TKDN registry")
    shareBps: int = Field(ge=1, le=10_000, description="Its share of the bid's value, basis points")


class Opening(BaseModel):
    price: int = Field(ge=1, lt=2**256)
    products: list[ProductShare] = Field(
        default_factory=list,
        max_length=32,
        description="Ascending product ids, shares summing to at most 10,000 (the rest counts TKDN 0)",
    )
    salt: str = Field(pattern=BYTES32)
    bidBondRef: str = Field(
        ZERO32, pattern=BYTES32, description="Hash of the bid guarantee; 0 if none needed"
    )
    commitSeq: int = Field(ge=0, lt=2**32)
    envelopeHash: str = Field(pattern=BYTES32, description="keccak256 of the commit's envelope")


class SignedReveal(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "supplier": "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4",
                    "opening": {
                        "price": 1800000000,
                        "products": [
                            {
                                "productId": EXAMPLE_PRODUCT,
                                "shareBps": 6000,
                            }
                        ],
                        "salt": "0x5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e",
                        "bidBondRef": ZERO32,
                        "commitSeq": 1,
                        "envelopeHash": "0xe4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4",
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
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"bidders": [1, 2, 3]}, {}]})

    bidders: list[Annotated[int, Field(ge=1, lt=2**64)]] | None = Field(
        None,
        description="Every bidder's supplier id, ascending; omitted: every supplier the chain's "
        "BidCommitted events name",
        max_length=500,
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
                    "products": [
                        {
                            "productId": EXAMPLE_PRODUCT,
                            "shareBps": 6000,
                        }
                    ],
                }
            ]
        },
    )

    price: int = Field(ge=1, lt=2**96, description="The offer in rupiah, at most the tender's HPS")
    products: list[ProductShare] = Field(
        default_factory=list,
        max_length=32,
        description="TKDN-certified products offered (may be empty), each with its share of the bid's "
        "value; distinct, shares summing to at most 10,000 basis points",
    )
    bidBondRef: str = Field(
        ZERO32, pattern=BYTES32, description="Hash of the bid guarantee (jaminan penawaran); 0 if none needed"
    )

    @model_validator(mode="after")
    def _products_as_the_contract_takes_them(self):
        ids = [p.productId.lower() for p in self.products]
        if len(set(ids)) != len(ids):
            raise ValueError("each product may be listed once")
        if sum(p.shareBps for p in self.products) > 10_000:
            raise ValueError("product shares must sum to at most 10,000 basis points")
        return self


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


class ManagedAppeal(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"bondRef": "0xb0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"}]
        },
    )

    bondRef: str = Field(
        pattern=BYTES32,
        description="Hash of the appeal bond (jaminan sanggah banding, 1% of HPS) document; not zero",
    )


# Requests of the Pokja (app/tenders/pokja_routes.py)


class PokjaAppointment(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "members": [
                        "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
                        "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
                        "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
                    ],
                    "encryptionKeys": [
                        "0x8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
                        "0xde9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
                        "0x4ad1d46a92db4f1a0a2e0a2d2c0e8a8f0aa1f7e43bf1f14c1b7f2e1f0a9c8d7e",
                    ],
                    "quorum": 2,
                }
            ]
        },
    )

    members: list[Annotated[str, Field(pattern=ADDRESS)]] = Field(
        min_length=1,
        max_length=MAX_POKJA,
        description="Officers of the tender's agency, in order: member i holds share i of every envelope",
    )
    encryptionKeys: list[Annotated[str, Field(pattern=BYTES32)]] = Field(
        min_length=1,
        max_length=MAX_POKJA,
        description="Each member's X25519 public key (raw, 32 bytes hex), from `python -m "
        "app.tenders.pokja keygen`; the private keys stay with the members",
    )
    quorum: int = Field(ge=1, le=MAX_POKJA, description="k: members needed to open a withheld bid")

    @model_validator(mode="after")
    def _one_key_per_member(self):
        if len(self.encryptionKeys) != len(self.members):
            raise ValueError("give one encryption key per member, in the members' order")
        if len({m.lower() for m in self.members}) != len(self.members):
            raise ValueError("members must be distinct")
        if len({k.lower() for k in self.encryptionKeys}) != len(self.encryptionKeys):
            raise ValueError("encryption keys must be distinct")
        if self.quorum > len(self.members):
            raise ValueError("the quorum cannot exceed the number of members")
        return self


class ShareIn(BaseModel):
    index: int = Field(ge=1, le=MAX_POKJA, description="The member's position in the Pokja, from 1")
    value: str = Field(pattern=SHARE, description="The member's decrypted share (16 bytes hex)")


class QuorumOpening(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "shares": [
                        {"index": 1, "value": "0x5d1f0c3e9a7b2d4c6e8f0a1b3c5d7e9f"},
                        {"index": 3, "value": "0x0a1b2c3d4e5f60718293a4b5c6d7e8f9"},
                    ]
                }
            ]
        },
    )

    shares: list[ShareIn] = Field(
        min_length=1,
        max_length=MAX_POKJA,
        description="At least k members' shares of the bid's envelope, each from `python -m "
        "app.tenders.pokja share` run by the member with its own key",
    )


class Score(BaseModel):
    supplierId: int = Field(ge=1, lt=2**64)
    scoreBps: int = Field(ge=0, le=10_000, description="Technical score in basis points")


class ScoreSheet(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"scores": [{"supplierId": 1, "scoreBps": 8200}, {"supplierId": 2, "scoreBps": 7400}]}
            ]
        },
    )

    scores: list[Score] = Field(
        min_length=1,
        max_length=500,
        description="A technical score for every supplier that committed a bid, each once (any order)",
    )

    @model_validator(mode="after")
    def _each_bidder_once(self):
        ids = [s.supplierId for s in self.scores]
        if len(set(ids)) != len(ids):
            raise ValueError("score each bidder once")
        return self


class NonComplianceDeclaration(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "reason": "technical",
                    "evidenceHash": "0xbabababababababababababababababababababababababababababababababa",
                }
            ]
        },
    )

    reason: str = Field(
        pattern=f"^({'|'.join(NON_COMPLIANCE_REASONS)})$",
        description="Why the bid is gugur (ITenders.NonCompliance): " + ", ".join(NON_COMPLIANCE_REASONS),
    )
    evidenceHash: str = Field(
        pattern=BYTES32, description="keccak256 of the evaluation minutes (berita acara) that say why"
    )


class PreferenceWithdrawal(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"evidenceHash": "0xcececececececececececececececececececececececececececececececece"}
            ]
        },
    )

    evidenceHash: str = Field(
        pattern=BYTES32, description="keccak256 of the finding (e.g. the certificate revoked for fraud)"
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
ReasonWord = Literal[NON_COMPLIANCE_REASONS]
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
    replaced: bool = Field(description="Whether it replaced the supplier's earlier bid")
    envelopeHash: str = Field(description="keccak256 of its envelope: the opening must name it")


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
    notOpened: list[int] = Field(
        description="Bidders whose bids nobody opened, recorded at this evaluation (their bonds claimed)"
    )
    officer: str = Field(description="The Pokja member who ran the evaluation")


class ObjectionAnswered(WriteReceipt):
    ocid: str
    objectionId: int
    outcome: AnswerWord
    officer: str = Field(description="The Pokja member who answered")


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
    commitDeadline: int = Field(description="UTC seconds, a pause's length later for each pause since")
    scoringDeadline: int | None = Field(
        description="Value system: UTC seconds, score sheets sealed before it, openings from it; else null"
    )
    revealDeadline: int = Field(description="UTC seconds")
    bidBond: int = Field(description="Jaminan penawaran each bid carries, rupiah (0: none)")
    pokjaQuorum: int = Field(description="k: Pokja members needed to open a withheld bid (0: no Pokja yet)")
    pokjaSize: int = Field(description="n: Pokja members")
    sealedSheets: int = Field(description="Value system: score sheets sealed")
    scoreSheets: int = Field(description="Value system: score sheets opened")
    numberOfTenderers: int = Field(description="Bidders that committed")
    validBids: int
    addenda: int = Field(description="How many addenda were published")
    documentHash: str = Field(description="The current tender document's hash")
    winner: int | None = Field(description="The proposed or final winner's supplier id; null before")
    objectionDeadline: int | None = Field(description="UTC seconds; null before an award is proposed")
    appealDeadline: int | None = Field(
        description="Construction: UTC seconds, appeals (sanggah banding) until then; null before"
    )
    objections: int = Field(description="Objections filed")
    openObjections: int = Field(description="Objections and appeals not yet answered")
    policyVersion: int = Field(
        description="The version of the money rules (GET /policies/{version}) in force at the announcement: "
        "the tender follows it whatever is published later"
    )


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
    answeredAt: int | None = Field(description="UTC seconds of the Pokja's answer; null while open")
    appealed: bool = Field(description="Construction: the objector appealed the answer (sanggah banding)")
    appealOutcome: AnswerWord | None = Field(description="The KPA's answer to the appeal; null while none")


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
    envelopeHash: str = Field(description="keccak256 of the envelope sealed for the tender's Pokja")


class TenderAppealFiled(WriteReceipt):
    """The AppealFiled event: the objector's sanggah banding and its bond."""

    ocid: str
    objectionId: int
    supplierId: int = Field(description="The appellant (the objector)")
    bondRef: str = Field(description="Hash of the appeal bond document")
    bond: int = Field(description="The appeal bond in rupiah (1% of HPS)")


# Responses of the Pokja's routes (app/tenders/pokja_routes.py)


class PokjaAppointed(WriteReceipt):
    ocid: str
    members: list[str] = Field(description="The members in order: share index = position + 1")
    encryptionKeys: list[str] = Field(description="Each member's X25519 public key")
    quorum: int


class PokjaMember(BaseModel):
    index: int = Field(description="Share index: position in the Pokja, from 1")
    address: str
    encryptionKey: str = Field(description="The member's X25519 public key for envelopes")


class Pokja(BaseModel):
    """A tender's Pokja as the chain holds it."""

    ocid: str
    quorum: int = Field(description="k: members needed to open a withheld bid, and score sheets needed")
    members: list[PokjaMember]


class BidEnvelope(BaseModel):
    """The envelope of a bid's last commit, as public as its BidCommitted event."""

    ocid: str
    supplierId: int
    commitSeq: int
    sealedBid: str = Field(description="What the chain holds: keccak256(commitment, commitSeq, envelopeHash)")
    envelope: str = Field(description="The envelope's bytes, hex")
    envelopeHash: str = Field(description="keccak256 of the envelope")
    quorum: int = Field(description="k: shares it takes to open, as the envelope states it")
    members: int = Field(description="n: members it was sealed for, as the envelope states it")


class BidOpenedByPokja(WriteReceipt):
    """A bid its supplier did not open, opened by the Pokja quorum from its envelope."""

    ocid: str
    supplierId: int
    price: int = Field(description="The offer in rupiah")
    tkdnBps: int
    hea: int
    openedBy: str = Field(description="The Pokja member who sent the opening")
    bidBondClaimed: int = Field(description="The bid bond claimed (dicairkan) in rupiah; 0 if none")


class ScoreSheetSealed(WriteReceipt):
    ocid: str
    member: str
    sealedSheet: str = Field(description="keccak256(tenderId, member, supplierIds, scoresBps, salt)")


class ScoreSheetOpened(WriteReceipt):
    ocid: str
    member: str
    supplierIds: list[int]
    scoresBps: list[int]


class BidDeclaredNonCompliant(WriteReceipt):
    ocid: str
    supplierId: int
    reason: ReasonWord
    officer: str = Field(description="The Pokja member who declared it")
    evidenceHash: str


class PreferenceWithdrawn(WriteReceipt):
    ocid: str
    supplierId: int
    officer: str = Field(description="The Pokja member who withdrew it")
    evidenceHash: str
    hea: int = Field(description="The bid's evaluated price now: its price")


class TenderAppealAnswered(WriteReceipt):
    ocid: str
    objectionId: int
    outcome: AnswerWord
    officer: str = Field(description="The KPA who answered")
    bondClaimed: int = Field(description="The appeal bond claimed in rupiah (a rejected appeal's)")
