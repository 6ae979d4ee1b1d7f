"""Tenders: announce, addenda, cancel, relay sealed bids and objections (sanggah) signed by
suppliers (EIP-712), evaluate, answer objections, finalise the award; and read a tender, its bids
and its objections."""

from __future__ import annotations

from enum import IntEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator
from web3 import Web3
from web3.exceptions import ContractCustomError

from app.api.deps import ChainDep, PrincipalDep, officer_of, require_roles
from app.api.errors import ApiError
from app.api.writes import Call, WriterDep
from app.auth.tokens import Principal
from app.ledger.events import event_args, events
from app.ledger.view_calls import named
from app.protocol import bids, vocabulary
from app.protocol.bids import tender_id

router = APIRouter(prefix="/tenders", tags=["tenders"])
Officer = Annotated[Principal, Depends(require_roles("AGENCY_OFFICER"))]
Ocid = Annotated[
    str, Path(min_length=1, max_length=200, description="OCDS id, e.g. ocds-terang-1001-2026-0001")
]
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


def _tender(chain, ocid: str) -> dict:
    try:
        raw = chain.read("Tenders", "getTender", tender_id(ocid))
    except ContractCustomError:  # TenderUnknown
        raise ApiError(404, "not_found", detail=f"no tender {ocid}") from None
    data = named(chain.contract("Tenders"), "getTender", raw)
    if data["status"] == 0:
        raise ApiError(404, "not_found", detail=f"no tender {ocid}")
    return data


def _officer_call(chain, principal: Principal, ocid: str, function: str, args: list) -> Call:
    officer_of(principal, _tender(chain, ocid)["agencyId"])
    return Call(chain.contract("Tenders"), function, args, f"agency:{principal.agency}")


@router.post("", status_code=201, summary="Announce a tender (officer of the tender's agency)")
def announce(request: Request, body: Announcement, principal: Officer, chain: ChainDep, write: WriterDep):
    officer_of(principal, body.agencyId)
    tenders = chain.contract("Tenders")
    params = (
        body.ocid,
        body.title,
        body.documentHash,
        body.agencyId,
        body.hps,
        int(body.category),
        int(body.method),
        int(body.evaluation),
        body.preferenceBps,
        body.domesticOnly,
        body.umkmReserved,
        body.commitDeadline,
        body.revealDeadline,
        body.objectionWindow,
        body.minValidBids,
        body.technicalWeightBps,
    )
    call = Call(tenders, "announceTender", [params], f"agency:{principal.agency}")
    return write(
        body.model_dump(mode="json"),
        call,
        lambda c: {"ocid": body.ocid, "tenderId": Web3.to_hex(tender_id(body.ocid))},
        201,
    )


@router.post("/{ocid}/addenda", summary="Publish an addendum (new document hash)")
def amend(
    request: Request, ocid: Ocid, body: Addendum, principal: Officer, chain: ChainDep, write: WriterDep
):
    call = _officer_call(chain, principal, ocid, "amendTender", [tender_id(ocid), body.documentHash])
    return write(body.model_dump(), call, lambda c: {"ocid": ocid, **_deadlines(chain, ocid)})


@router.post("/{ocid}/cancellation", summary="Cancel a tender with a reason")
def cancel(
    request: Request, ocid: Ocid, body: Cancellation, principal: Officer, chain: ChainDep, write: WriterDep
):
    call = _officer_call(chain, principal, ocid, "cancelTender", [tender_id(ocid), body.reasonHash])
    return write(body.model_dump(), call, lambda c: {"ocid": ocid, "status": "cancelled"})


@router.post("/{ocid}/bids/commitments", summary="Relay a sealed bid the supplier signed (EIP-712 CommitBid)")
def relay_commit(
    request: Request,
    ocid: Ocid,
    body: SignedCommit,
    principal: PrincipalDep,
    chain: ChainDep,
    write: WriterDep,
):
    tenders = chain.contract("Tenders")
    args = [
        Web3.to_checksum_address(body.supplier),
        tender_id(ocid),
        body.commitment,
        body.nonce,
        body.deadline,
        body.signature,
    ]
    call = Call(tenders, "commitBidBySig", args, "relayer")

    def outcome(confirmed):
        event = event_args(tenders, "BidCommitted", confirmed)
        return {"ocid": ocid, "supplierId": event["supplierId"], "commitSeq": event["commitSeq"]}

    return write(body.model_dump(), call, outcome, 201)


@router.post("/{ocid}/bids/reveals", summary="Relay a bid opening the supplier signed (EIP-712 RevealBid)")
def relay_reveal(
    request: Request,
    ocid: Ocid,
    body: SignedReveal,
    principal: PrincipalDep,
    chain: ChainDep,
    write: WriterDep,
):
    tenders = chain.contract("Tenders")
    opening = (body.opening.price, body.opening.productIds, body.opening.salt, body.opening.commitSeq)
    args = [
        Web3.to_checksum_address(body.supplier),
        tender_id(ocid),
        opening,
        body.nonce,
        body.deadline,
        body.signature,
    ]
    call = Call(tenders, "revealBidBySig", args, "relayer")

    def outcome(confirmed):
        event = event_args(tenders, "BidRevealed", confirmed)
        return {
            "ocid": ocid,
            **{k: event[k] for k in ("supplierId", "price", "tkdnBps", "hea") if k in event},
        }

    return write(body.model_dump(), call, outcome, 201)


@router.post(
    "/{ocid}/objections",
    status_code=201,
    summary="Relay an objection (sanggah) a losing bidder signed (EIP-712 FileObjection)",
)
def relay_objection(
    request: Request,
    ocid: Ocid,
    body: SignedObjection,
    principal: PrincipalDep,
    chain: ChainDep,
    write: WriterDep,
):
    tenders = chain.contract("Tenders")
    args = [
        Web3.to_checksum_address(body.supplier),
        tender_id(ocid),
        body.evidenceHash,
        body.nonce,
        body.deadline,
        body.signature,
    ]
    call = Call(tenders, "fileObjectionBySig", args, "relayer")
    outcome = objection_filed(tenders, ocid)
    return write(body.model_dump(), call, outcome, 201)


def objection_filed(tenders, ocid: str):
    """The answer to a filed objection, from its ObjectionFiled event (relayed or managed)."""

    def outcome(confirmed) -> dict:
        event = event_args(tenders, "ObjectionFiled", confirmed)
        return {"ocid": ocid, **{k: event[k] for k in ("objectionId", "supplierId", "evidenceHash")}}

    return outcome


@router.post("/{ocid}/evaluation", summary="Evaluate after the reveal deadline; proposes the winner or fails")
def evaluate(
    request: Request,
    ocid: Ocid,
    body: EvaluationRequest,
    principal: Officer,
    chain: ChainDep,
    write: WriterDep,
):
    call = _officer_call(chain, principal, ocid, "evaluate", [tender_id(ocid), body.bidders])
    tenders = chain.contract("Tenders")

    def outcome(confirmed):
        proposed = events(tenders, "AwardProposed", confirmed)
        failed = events(tenders, "TenderFailed", confirmed)
        return {
            "ocid": ocid,
            "awardProposed": proposed[0] if proposed else None,
            "failed": failed[0] if failed else None,
        }

    return write(body.model_dump(), call, outcome)


@router.post("/{ocid}/objections/{objection_id}/answer", summary="Answer an objection (sanggah)")
def answer_objection(
    request: Request,
    ocid: Ocid,
    objection_id: Annotated[int, Path(ge=0, lt=2**16)],
    body: ObjectionAnswer,
    principal: Officer,
    chain: ChainDep,
    write: WriterDep,
):
    outcome_code = OBJECTION.code(body.outcome)
    call = _officer_call(
        chain,
        principal,
        ocid,
        "resolveObjection",
        [tender_id(ocid), objection_id, outcome_code, body.responseHash],
    )
    return write(
        body.model_dump(),
        call,
        lambda c: {"ocid": ocid, "objectionId": objection_id, "outcome": body.outcome},
    )


@router.post("/{ocid}/award", summary="Make the proposed award final after the objection window")
def finalize(request: Request, ocid: Ocid, principal: Officer, chain: ChainDep, write: WriterDep):
    call = _officer_call(chain, principal, ocid, "finalizeAward", [tender_id(ocid)])
    tenders = chain.contract("Tenders")
    return write(
        {"ocid": ocid},
        call,
        lambda c: {"ocid": ocid, **event_args(tenders, "TenderAwarded", c)},
    )


def _deadlines(chain, ocid: str) -> dict:
    data = _tender(chain, ocid)
    return {"commitDeadline": data["commitDeadline"], "revealDeadline": data["revealDeadline"]}


@router.get(
    "/signing/{supplier}",
    summary="What a supplier's client needs to sign a bid or an objection: EIP-712 domain, types, next nonce",
)
def signing(supplier: Annotated[str, Path(pattern=ADDRESS)], chain: ChainDep):
    tenders = chain.contract("Tenders")
    address = Web3.to_checksum_address(supplier)
    return {
        "domain": {
            "name": bids.DOMAIN_NAME,
            "version": bids.DOMAIN_VERSION,
            "chainId": chain.manifest.chain_id,
            "verifyingContract": tenders.address,
        },
        "primaryTypes": list(bids.SIGNED_FIELD),
        "types": {primary_type: bids.fields(primary_type) for primary_type in bids.SIGNED_FIELD},
        "nonce": tenders.functions.nonces(address).call(),
    }


@router.get("/{ocid}", summary="A tender as recorded on the ledger")
def get_tender(ocid: Ocid, chain: ChainDep):
    data = _tender(chain, ocid)
    return {
        "ocid": ocid,
        "tenderId": Web3.to_hex(tender_id(ocid)),
        "status": STATUS[data["status"]],
        "agencyId": data["agencyId"],
        "hps": data["hps"],
        "category": Category(data["category"]).name,
        "method": Method(data["method"]).name,
        "evaluation": Evaluation(data["evaluation"]).name,
        "preferenceBps": data["preferenceBps"],
        "domesticOnly": data["domesticOnly"],
        "umkmReserved": data["umkmReserved"],
        "commitDeadline": data["commitDeadline"],
        "revealDeadline": data["revealDeadline"],
        "numberOfTenderers": data["bidderCount"],
        "validBids": data["validBids"],
        "addenda": data["addendumCount"],
        "documentHash": Web3.to_hex(data["documentHash"]),
        "winner": data["winner"] or None,
        "objectionDeadline": data["objectionDeadline"] or None,
        "objections": data["objectionCount"],
        "openObjections": data["openObjections"],
    }


@router.get("/{ocid}/bids/{supplier_id}", summary="A bid: only its seal before the reveal")
def get_bid(ocid: Ocid, supplier_id: Annotated[int, Path(ge=1, lt=2**64)], chain: ChainDep):
    _tender(chain, ocid)
    raw = chain.read("Tenders", "getBid", tender_id(ocid), supplier_id)
    bid = named(chain.contract("Tenders"), "getBid", raw)
    sealed, price, hea, tkdn, seq, status = (
        bid[field] for field in ("sealedBid", "price", "hea", "tkdnBps", "commitSeq", "status")
    )
    if status == 0:
        raise ApiError(404, "not_found", detail=f"supplier {supplier_id} has no bid on {ocid}")
    revealed = status in BID.codes("Valid", "Disqualified")
    return {
        "ocid": ocid,
        "supplierId": supplier_id,
        "status": BID_STATUS[status],
        "commitSeq": seq,
        "sealedBid": Web3.to_hex(sealed),
        "price": price if revealed else None,
        "hea": hea if revealed else None,
        "tkdnBps": tkdn if revealed else None,
    }


@router.get("/{ocid}/objections/{objection_id}", summary="An objection (sanggah) and its answer")
def get_objection(ocid: Ocid, objection_id: Annotated[int, Path(ge=1, lt=2**16)], chain: ChainDep):
    _tender(chain, ocid)
    raw = chain.read("Tenders", "getObjection", tender_id(ocid), objection_id)
    data = named(chain.contract("Tenders"), "getObjection", raw)
    if data["status"] == 0:
        raise ApiError(404, "not_found", detail=f"tender {ocid} has no objection {objection_id}")
    return {
        "ocid": ocid,
        "objectionId": objection_id,
        "supplierId": data["supplierId"],
        "status": OBJECTION_STATUS[data["status"]],
        "awardRound": data["awardRound"],
        "evidenceHash": Web3.to_hex(data["evidenceHash"]),
        "responseHash": Web3.to_hex(data["responseHash"]) if any(data["responseHash"]) else None,
    }
