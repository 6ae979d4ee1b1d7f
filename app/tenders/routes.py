"""Tenders: announce, addenda, cancel, relay sealed bids (with their envelopes) and objections
(sanggah) signed by suppliers (EIP-712), evaluate and answer objections (a Pokja member, with its
own key: app/tenders/officers.py), finalise the award; and read a tender, its bids and its
objections. The Pokja's own acts (appointment, quorum openings, score sheets, non-compliance,
preference withdrawal, appeals) are in app/tenders/pokja_routes.py."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.concurrency import run_in_threadpool
from web3 import Web3

from app.api.deps import ChainDep, SessionsDep, SettingsDep, SignersDep, require_roles
from app.api.errors import ApiError
from app.api.relayers import Relayer, own_supplier_account
from app.api.writes import Call, WriterDep
from app.auth.tokens import Principal
from app.ledger.events import event_args, events
from app.ledger.view_calls import named
from app.officials.keys import signer_of
from app.plans import checks as plan_checks
from app.protocol import bids
from app.protocol.bids import tender_id
from app.tenders import officers, qualification, reads
from app.tenders.ocid_prefix import check_ocid_not_archived, check_ocid_prefix
from app.tenders.reads import CallWithBeforeSend, Ocid, in_reveal_period
from app.tenders.schemas import (
    ADDRESS,
    BID,
    BID_STATUS,
    OBJECTION,
    OBJECTION_STATUS,
    STATUS,
    Addendum,
    Announcement,
    Bid,
    BidCommitted,
    BidRevealed,
    BidSigning,
    Cancellation,
    Category,
    Evaluation,
    EvaluationRequest,
    Method,
    Objection,
    ObjectionAnswer,
    ObjectionAnswered,
    ObjectionFiled,
    SignedCommit,
    SignedObjection,
    SignedReveal,
    Tender,
    TenderAmended,
    TenderAnnounced,
    TenderAwarded,
    TenderCancelled,
    TenderEvaluated,
)

router = APIRouter(prefix="/tenders", tags=["tenders"])
Officer = Annotated[Principal, Depends(require_roles("AGENCY_OFFICER"))]
ZERO = "0x" + "00" * 20


def _officer_call(request: Request, principal: Principal, ocid: str, function: str, args: list) -> Call:
    """An act any officer of the tender's agency may do, signed with that officer's own key."""
    chain = request.app.state.chain
    signer = signer_of(request, principal, reads.tender(chain, ocid)["agencyId"])
    return Call(chain.contract("Tenders"), function, args, signer)


def _member_call(chain, signers, principal: Principal, ocid: str, function: str, args: list) -> Call:
    """A Pokja act, signed with the calling member's own key (app/tenders/officers.py)."""
    member = officers.pokja_member(chain, signers, principal, ocid)
    return Call(chain.contract("Tenders"), function, args, member.signer)


@router.post(
    "",
    status_code=201,
    response_model=TenderAnnounced,
    summary="Announce a tender (officer of the tender's agency)",
)
def announce(
    request: Request,
    body: Announcement,
    principal: Officer,
    chain: ChainDep,
    settings: SettingsDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    check_ocid_prefix(request.app.state.settings, body.ocid)  # published as OCDS (app/tenders/ocid_prefix.py)
    check_ocid_not_archived(sessions, body.ocid)
    signer = signer_of(request, principal, body.agencyId)
    plan_of_tender(chain, settings, sessions, body)
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
        body.scoringDeadline,
        body.bidBond,
    )
    call = Call(tenders, "announceTender", [params], signer)
    return write(
        body.model_dump(mode="json"),
        call,
        lambda c: {"ocid": body.ocid, "tenderId": Web3.to_hex(tender_id(body.ocid))},
        201,
    )


def plan_of_tender(chain, settings, sessions, body: Announcement) -> None:
    """Checks the announcement against its procurement plan (app/plans/checks.py) unless the check is
    off (local or test only), and records the package the tender cites with its qualification."""

    def status_of(ocid: str) -> str:
        try:
            return STATUS[reads.tender(chain, ocid)["status"]]
        except ApiError:
            return "none"

    fields = {"ocid": body.ocid, "kd_rup": body.rupCode, "agency_id": body.agencyId, "hps": body.hps}
    with sessions.begin() as session:
        version = None
        if settings.plan_check_enabled:
            version = plan_checks.checked_plan(
                session, **fields, method=Method(body.method).name, status_of=status_of
            )
        plan_checks.reserve(
            session,
            **fields,
            qualification=body.qualification,
            status_of=status_of,
            version_id=version.id if version is not None else None,
        )


@router.post(
    "/{ocid}/addenda", response_model=TenderAmended, summary="Publish an addendum (new document hash)"
)
def amend(
    request: Request, ocid: Ocid, body: Addendum, principal: Officer, chain: ChainDep, write: WriterDep
):
    call = _officer_call(request, principal, ocid, "amendTender", [tender_id(ocid), body.documentHash])
    return write(body.model_dump(), call, lambda c: {"ocid": ocid, **_deadlines(chain, ocid)})


@router.post("/{ocid}/cancellation", response_model=TenderCancelled, summary="Cancel a tender with a reason")
def cancel(
    request: Request, ocid: Ocid, body: Cancellation, principal: Officer, chain: ChainDep, write: WriterDep
):
    call = _officer_call(request, principal, ocid, "cancelTender", [tender_id(ocid), body.reasonHash])
    return write(body.model_dump(), call, lambda c: {"ocid": ocid, "status": "cancelled"})


@router.post(
    "/{ocid}/bids/commitments",
    status_code=201,
    response_model=BidCommitted,
    summary="Relay a sealed bid and its envelope the supplier signed (EIP-712 CommitBid)",
)
def relay_commit(
    request: Request,
    ocid: Ocid,
    body: SignedCommit,
    principal: Relayer,
    chain: ChainDep,
    write: WriterDep,
):
    own_supplier_account(chain, principal, body.supplier)
    qualification.require(chain, request.app.state.sessions, ocid, account=body.supplier)
    tenders = chain.contract("Tenders")
    args = [
        Web3.to_checksum_address(body.supplier),
        tender_id(ocid),
        body.commitment,
        body.envelope,
        body.replaces,
        body.nonce,
        body.deadline,
        body.signature,
    ]
    call = Call(tenders, "commitBidBySig", args, "relayer")
    return write(body.model_dump(), call, bid_committed(tenders, ocid), 201)


def bid_committed(tenders, ocid: str):
    """The answer to a commit, from its BidCommitted event (relayed or managed)."""

    def outcome(confirmed) -> dict:
        event = event_args(tenders, "BidCommitted", confirmed)
        digest = Web3.to_hex(bids.envelope_hash(bytes.fromhex(event["envelope"].removeprefix("0x"))))
        return {
            "ocid": ocid,
            **{k: event[k] for k in ("supplierId", "commitSeq", "replaced")},
            "envelopeHash": digest,
        }

    return outcome


@router.post(
    "/{ocid}/bids/reveals",
    status_code=201,
    response_model=BidRevealed,
    summary="Relay a bid opening the supplier signed (EIP-712 RevealBid)",
)
def relay_reveal(
    request: Request,
    ocid: Ocid,
    body: SignedReveal,
    principal: Relayer,
    chain: ChainDep,
    write: WriterDep,
):
    own_supplier_account(chain, principal, body.supplier)
    tenders = chain.contract("Tenders")
    opening = (
        body.opening.price,
        [(p.productId, p.shareBps) for p in body.opening.products],
        body.opening.salt,
        body.opening.bidBondRef,
        body.opening.commitSeq,
        body.opening.envelopeHash,
    )
    args = [
        Web3.to_checksum_address(body.supplier),
        tender_id(ocid),
        opening,
        body.nonce,
        body.deadline,
        body.signature,
    ]
    call = CallWithBeforeSend(
        tenders, "revealBidBySig", args, "relayer", before_send=lambda: in_reveal_period(chain, ocid)
    )

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
    response_model=ObjectionFiled,
    summary="Relay an objection (sanggah) a losing bidder signed (EIP-712 FileObjection)",
)
def relay_objection(
    request: Request,
    ocid: Ocid,
    body: SignedObjection,
    principal: Relayer,
    chain: ChainDep,
    write: WriterDep,
):
    own_supplier_account(chain, principal, body.supplier)
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


@router.post(
    "/{ocid}/evaluation",
    response_model=TenderEvaluated,
    summary="Evaluate after the reveal deadline (a Pokja member); proposes the winner or fails",
)
def evaluate(
    request: Request,
    ocid: Ocid,
    body: EvaluationRequest,
    principal: Officer,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    member = officers.pokja_member(chain, signers, principal, ocid)
    bidders = reads.bidders(chain, ocid) if body.bidders is None else body.bidders
    tenders = chain.contract("Tenders")
    call = Call(tenders, "evaluate", [tender_id(ocid), bidders], member.signer)

    def outcome(confirmed):
        proposed = events(tenders, "AwardProposed", confirmed)
        failed = events(tenders, "TenderFailed", confirmed)
        unopened = events(tenders, "BidNotOpenedBySupplier", confirmed)
        return {
            "ocid": ocid,
            "awardProposed": proposed[0] if proposed else None,
            "failed": failed[0] if failed else None,
            "notOpened": [e["supplierId"] for e in unopened if e["openedBy"] == ZERO],
            "officer": member.address,
        }

    return write({**body.model_dump(), "bidders": bidders}, call, outcome)


@router.post(
    "/{ocid}/objections/{objection_id}/answer",
    response_model=ObjectionAnswered,
    summary="Answer an objection (sanggah): a Pokja member",
)
def answer_objection(
    request: Request,
    ocid: Ocid,
    objection_id: Annotated[int, Path(ge=0, lt=2**16)],
    body: ObjectionAnswer,
    principal: Officer,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    member = officers.pokja_member(chain, signers, principal, ocid)
    args = [tender_id(ocid), objection_id, OBJECTION.code(body.outcome), body.responseHash]
    call = Call(chain.contract("Tenders"), "resolveObjection", args, member.signer)
    return write(
        body.model_dump(),
        call,
        lambda c: {
            "ocid": ocid,
            "objectionId": objection_id,
            "outcome": body.outcome,
            "officer": member.address,
        },
    )


@router.post(
    "/{ocid}/award",
    response_model=TenderAwarded,
    summary="Make the proposed award final after the objection (and appeal) windows",
)
def finalize(request: Request, ocid: Ocid, principal: Officer, chain: ChainDep, write: WriterDep):
    call = _officer_call(request, principal, ocid, "finalizeAward", [tender_id(ocid)])
    tenders = chain.contract("Tenders")
    return write(
        {"ocid": ocid},
        call,
        lambda c: {"ocid": ocid, **event_args(tenders, "TenderAwarded", c)},
    )


def _deadlines(chain, ocid: str) -> dict:
    data = reads.tender(chain, ocid)
    return {"commitDeadline": data["commitDeadline"], "revealDeadline": data["revealDeadline"]}


@router.get(
    "/signing/{supplier}",
    response_model=BidSigning,
    summary="What a supplier's client needs to sign a bid or an objection: EIP-712 domain, types, next nonce",
)
def bid_signing(supplier: Annotated[str, Path(pattern=ADDRESS)], chain: ChainDep):
    tenders = chain.contract("Tenders")
    address = Web3.to_checksum_address(supplier)
    return {
        "domain": {
            "name": bids.DOMAIN_NAME,
            "version": bids.DOMAIN_VERSION,
            "chainId": chain.manifest.chain_id,
            "verifyingContract": tenders.address,
        },
        "primaryTypes": list(bids.PRIMARY_TYPES),
        "types": {primary_type: bids.fields(primary_type) for primary_type in bids.PRIMARY_TYPES},
        "nonce": tenders.functions.nonces(address).call(),
    }


@router.get("/{ocid}", response_model=Tender, summary="A tender as recorded on the ledger")
async def get_tender(ocid: Ocid, chain: ChainDep):
    # A hot read, declared async for the reason given at GET /suppliers/{id} (app/suppliers/routes.py):
    # the chain reads in the threadpool, the answer checked against Tender on the event loop.
    return await run_in_threadpool(tender_record, chain, ocid)


def tender_record(chain, ocid: str) -> dict:
    data = reads.tender(chain, ocid)
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
        "scoringDeadline": data["scoringDeadline"] or None,
        "revealDeadline": data["revealDeadline"],
        "bidBond": data["bidBond"],
        "pokjaQuorum": data["pokjaQuorum"],
        "pokjaSize": data["pokjaSize"],
        "sealedSheets": data["sealedSheets"],
        "scoreSheets": data["scoreSheets"],
        "numberOfTenderers": data["bidderCount"],
        "validBids": data["validBids"],
        "addenda": data["addendumCount"],
        "documentHash": Web3.to_hex(data["documentHash"]),
        "winner": data["winner"] or None,
        "objectionDeadline": data["objectionDeadline"] or None,
        "appealDeadline": data["appealDeadline"] or None,
        "objections": data["objectionCount"],
        "openObjections": data["openObjections"],
        "policyVersion": data["policyVersion"],
    }


@router.get(
    "/{ocid}/bids/{supplier_id}", response_model=Bid, summary="A bid: only its seal before the reveal"
)
def get_bid(ocid: Ocid, supplier_id: Annotated[int, Path(ge=1, lt=2**64)], chain: ChainDep):
    reads.tender(chain, ocid)
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


@router.get(
    "/{ocid}/objections/{objection_id}",
    response_model=Objection,
    summary="An objection (sanggah) and its answer",
)
def get_objection(ocid: Ocid, objection_id: Annotated[int, Path(ge=1, lt=2**16)], chain: ChainDep):
    reads.tender(chain, ocid)
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
        "answeredAt": data["answeredAt"] or None,
        "appealed": data["appealed"],
        "appealOutcome": OBJECTION_STATUS[data["appealOutcome"]] if data["appealOutcome"] else None,
    }
