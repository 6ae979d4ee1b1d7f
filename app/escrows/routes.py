"""Contracts (kontrak termin) of awarded tenders: the MilestoneEscrow through REST.

Who acts, and with which key (app/ledger/signers.py):
- The PPK (an AGENCY_OFFICER of the escrow's agency) creates the escrow, approves or rejects
  milestones, releases the retention and retries failed payments, signing with its own key
  (`officer:<address>`, app/officials/keys.py).
- The supplier countersigns with an EIP-712 `Countersign` signature that anyone relays (`relayer`),
  like sealed bids: the supplier needs no ETH.
- A VERIFIER attests a milestone with the BAST's hash. The contract checks `msg.sender` against the
  escrow's own k-of-n verifier addresses: the gateway signs with the verifier's own key, the
  official its token names (`officer:<address>`; never a shared key). It must be one of the escrow's
  verifiers, else 403 `EscrowNotVerifier`.
- A dispute is the supplier's own act, in one of two forms. Usually an EIP-712 `OpenDispute`
  signature that anyone relays (`relayer`, to `openDisputeBySig`), like the countersignature: the
  supplier needs no ETH. Or the supplier's own signed `openDispute` transaction, whose exact bytes the
  gateway checks and broadcasts through the one write path (the supplier pays its gas). Like every
  write it takes an Idempotency-Key; the same signed bytes are one transaction whatever the key.
- A verifier's evidence date (`deliveredAt`, the BAST's date) is what lateness runs from, so a
  verifier who attests late does not make the supplier late; an official who is a verifier of the
  escrow never approves or rejects its milestones (403 `EscrowVerifierCannotDecide`).
- Dispute resolution, verifier replacement and termination are committee acts: their URLs open a
  proposal through the Committee, which k member agencies approve and which executes after the
  hub's delay (app/committee/routes.py, where those routes live).

Contracts are public information in Indonesian procurement, so every read is public."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from hexbytes import HexBytes
from web3 import Web3

from app.api.deps import ChainDep, SignersDep, require_roles
from app.api.errors import ApiError
from app.api.relayers import Relayer, own_supplier_id
from app.api.writes import Call, WriterDep
from app.auth.tokens import Principal
from app.escrows import views
from app.escrows.schemas import (
    ADDRESS,
    BYTES32,
    Attestation,
    Countersignature,
    CountersignSigning,
    DisputeOpened,
    DisputeSignature,
    Escrow,
    EscrowCountersigned,
    EscrowCreated,
    EscrowCreation,
    EscrowMilestone,
    MilestoneApproved,
    MilestoneAttested,
    MilestoneRejected,
    PaymentRetried,
    PaymentRetry,
    Rejection,
    RetentionReleased,
    SignedDispute,
)
from app.ledger.events import event_args, events
from app.ledger.signed import SignedTransaction
from app.officials.keys import own_key, signer_of
from app.protocol import escrow as escrowlib

router = APIRouter(prefix="/escrows", tags=["escrows"])
Officer = Annotated[Principal, Depends(require_roles("AGENCY_OFFICER"))]
Verifier = Annotated[Principal, Depends(require_roles("VERIFIER"))]
EscrowId = Annotated[
    str, Path(pattern=BYTES32, description="The escrow id: the awarded tender's id, keccak256(ocid)")
]
Index = Annotated[int, Path(ge=0, lt=64, description="Milestone index (termin), from 0")]


# ------------------------------------------------------------------------------------ helpers


def _escrow(chain, escrow_id: str) -> dict:
    data = views.raw_escrow(chain, escrow_id)
    if data is None:
        raise ApiError(404, "not_found", detail=f"no escrow {escrow_id}")
    return data


def _with_milestone(chain, escrow_id: str, index: int) -> dict:
    """The stored escrow, once milestone `index` is known to exist (else 404)."""
    data = _escrow(chain, escrow_id)
    if index >= data["milestoneCount"]:
        raise ApiError(404, "not_found", detail=f"escrow {escrow_id} has {data['milestoneCount']} milestones")
    return data


def _milestone(chain, escrow_id: str, index: int) -> dict:
    return views.milestone_view(chain, escrow_id, _with_milestone(chain, escrow_id, index), index)


def _ppk_call(request: Request, principal: Principal, escrow_id: str, function: str, args: list) -> Call:
    chain = request.app.state.chain
    signer = signer_of(request, principal, _escrow(chain, escrow_id)["agencyId"])
    return Call(chain.contract("MilestoneEscrow"), function, args, signer)


def _escrow_events(chain, name: str, confirmed) -> list[dict]:
    return events(chain.contract("MilestoneEscrow"), name, confirmed)


# ------------------------------------------------------------------------------------ signing


@router.post(
    "",
    status_code=201,
    response_model=EscrowCreated,
    responses={404: {"description": "No tender with the body's ocid (`not_found`)"}},
    summary="Create the contract of an awarded tender (its agency's PPK)",
)
def create_escrow(
    request: Request, body: EscrowCreation, principal: Officer, chain: ChainDep, write: WriterDep
):
    tender = body.tender()
    agency = views.tender_agency(chain, tender)
    if agency is None:
        raise ApiError(404, "not_found", detail=f"no tender {body.ocid or tender}")
    signer = signer_of(request, principal, agency)
    terms = body.terms
    terms_tuple = (
        terms.advanceAmount,
        terms.advanceGuaranteeRef,
        terms.performanceBondRef,
        terms.retentionBps,
        terms.penaltyPpmPerDay,
        terms.penaltyCapBps,
        terms.maintenancePeriod,
        terms.quorum,
        [Web3.to_checksum_address(v) for v in terms.verifiers],
        terms.multiYear,
    )
    milestones = [(m.amount, m.shareBps, m.dueDate, m.deliverableHash) for m in body.milestones]
    escrow = chain.contract("MilestoneEscrow")
    call = Call(escrow, "createEscrow", [tender, terms_tuple, milestones], signer)

    def outcome(confirmed):
        event = event_args(escrow, "EscrowCreated", confirmed)
        return {
            "escrowId": event["escrowId"],
            "ocid": body.ocid,
            "status": "awaiting_countersign",
            "supplierId": event["supplierId"],
            "agencyId": event["agencyId"],
            "value": event["value"],
            "milestoneCount": event["milestoneCount"],
            "termsHash": event["termsHash"],
        }

    return write(body.model_dump(), call, outcome, 201)


@router.post(
    "/{escrow_id}/countersignature",
    status_code=201,
    response_model=EscrowCountersigned,
    summary="Relay the winning supplier's EIP-712 Countersign of the terms hash",
)
def relay_countersignature(
    request: Request,
    escrow_id: EscrowId,
    body: Countersignature,
    principal: Relayer,
    chain: ChainDep,
    write: WriterDep,
):
    data = _escrow(chain, escrow_id)
    own_supplier_id(principal, data["supplierId"])
    account = views.supplier_account(chain, data["supplierId"])
    if Web3.to_checksum_address(body.supplier) != account:
        raise ApiError(
            403, "EscrowNotSupplier", detail=f"{body.supplier} is not the winning supplier's key {account}"
        )
    escrow = chain.contract("MilestoneEscrow")
    args = [escrow_id, body.nonce, body.deadline, body.signature]
    call = Call(escrow, "countersignBySig", args, "relayer")

    def outcome(confirmed):
        event = event_args(escrow, "EscrowCountersigned", confirmed)
        advance = event["advancePaymentId"]
        return {
            "escrowId": escrow_id.lower(),
            "status": "active",
            "supplierId": event["supplierId"],
            "signer": event["signer"],
            "advancePaymentId": None if advance == views.ZERO32 else advance,
        }

    return write(body.model_dump(), call, outcome, 201)


# ------------------------------------------------------------------------------------ delivery


@router.post(
    "/{escrow_id}/milestones/{index}/attestations",
    status_code=201,
    response_model=MilestoneAttested,
    summary="Attest delivery of a milestone with the BAST's hash (one of the escrow's verifiers)",
)
def attest(
    request: Request,
    escrow_id: EscrowId,
    index: Index,
    body: Attestation,
    principal: Verifier,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    _with_milestone(chain, escrow_id, index)
    acting = own_key(chain, signers, principal)
    signer, address = acting.signer, acting.address
    escrow = chain.contract("MilestoneEscrow")
    if address not in escrow.functions.verifiersOf(escrow_id).call():
        raise ApiError(
            403, "EscrowNotVerifier", detail=f"your key {address} is not a verifier of escrow {escrow_id}"
        )
    call = Call(escrow, "attest", [escrow_id, index, body.evidenceHash, body.deliveredAt], signer)

    def outcome(confirmed):
        event = event_args(escrow, "MilestoneAttested", confirmed)
        attested = event["attestations"] >= event["quorum"]
        return {
            "escrowId": escrow_id.lower(),
            "index": index,
            "verifier": event["verifier"],
            "evidenceHash": event["evidenceHash"],
            "deliveredAt": event["deliveredAt"],
            "attestations": event["attestations"],
            "quorum": event["quorum"],
            "status": "attested" if attested else "pending",
        }

    return write(body.model_dump(), call, outcome, 201)


@router.post(
    "/{escrow_id}/milestones/{index}/approval",
    response_model=MilestoneApproved,
    summary="Approve an attested milestone and authorise its net payment (PPK)",
)
def approve(
    request: Request, escrow_id: EscrowId, index: Index, principal: Officer, chain: ChainDep, write: WriterDep
):
    _with_milestone(chain, escrow_id, index)
    call = _ppk_call(request, principal, escrow_id, "approveMilestone", [escrow_id, index])

    def outcome(confirmed):
        event = _escrow_events(chain, "MilestoneApproved", confirmed)[0]
        payment = event["paymentId"]
        return {
            "escrowId": escrow_id.lower(),
            "index": index,
            "status": "approved",
            "paymentId": None if payment == views.ZERO32 else payment,
            **{k: event[k] for k in ("gross", "retention", "penalty", "advanceRepaid", "net", "daysLate")},
            "escrowCompleted": bool(_escrow_events(chain, "EscrowCompleted", confirmed)),
        }

    body = {"escrowId": escrow_id.lower(), "index": index}
    return write(body, call, outcome)


@router.post(
    "/{escrow_id}/milestones/{index}/rejection",
    response_model=MilestoneRejected,
    summary="Reject an attested milestone with a reason (PPK)",
)
def reject(
    request: Request,
    escrow_id: EscrowId,
    index: Index,
    body: Rejection,
    principal: Officer,
    chain: ChainDep,
    write: WriterDep,
):
    _with_milestone(chain, escrow_id, index)
    call = _ppk_call(request, principal, escrow_id, "rejectMilestone", [escrow_id, index, body.reasonHash])
    return write(
        body.model_dump(),
        call,
        lambda c: {"escrowId": escrow_id.lower(), "index": index, "status": "rejected", **body.model_dump()},
    )


# ------------------------------------------------------------------------------------ disputes


@router.post(
    "/{escrow_id}/milestones/{index}/dispute",
    status_code=201,
    response_model=DisputeOpened,
    summary="Relay the supplier's dispute of a rejection or a penalty: its EIP-712 OpenDispute signature "
    "or its own signed openDispute transaction",
)
def relay_dispute(
    request: Request,
    escrow_id: EscrowId,
    index: Index,
    body: DisputeSignature | SignedDispute,
    principal: Relayer,
    chain: ChainDep,
    write: WriterDep,
):
    data = _with_milestone(chain, escrow_id, index)
    own_supplier_id(principal, data["supplierId"])
    escrow = chain.contract("MilestoneEscrow")
    account = views.supplier_account(chain, data["supplierId"])

    def outcome(confirmed):
        event = event_args(escrow, "DisputeOpened", confirmed)
        return {
            "escrowId": escrow_id.lower(),
            "index": index,
            "kind": views.DISPUTE_KIND[event["kind"]],
            "evidenceHash": event["evidenceHash"],
        }

    if isinstance(body, DisputeSignature):
        if Web3.to_checksum_address(body.supplier) != account:
            raise ApiError(
                403,
                "EscrowNotSupplier",
                detail=f"{body.supplier} is not the winning supplier's key {account}",
            )
        args = [escrow_id, index, body.evidenceHash, body.nonce, body.deadline, body.signature]
        call = Call(escrow, "openDisputeBySig", args, "relayer")
        return write(body.model_dump(), call, outcome, 201)
    signed = _own_dispute_transaction(chain, escrow, escrow_id, index, body, account)
    return write({"escrowId": escrow_id.lower(), "index": index, **body.model_dump()}, signed, outcome, 201)


def _own_dispute_transaction(chain, escrow, escrow_id: str, index: int, body: SignedDispute, account: str):
    """The supplier's signed openDispute transaction, once it is known to be exactly that: this
    milestone of this escrow, on this chain, from the supplier's current key."""
    try:
        signed = SignedTransaction.from_raw(bytes(HexBytes(body.signedTransaction)))
        function, args = escrow.decode_function_input(signed.data)
    except Exception as exc:  # not a decodable signed transaction calling the escrow
        raise ApiError(422, "invalid_signed_transaction", detail=str(exc) or type(exc).__name__) from None
    wanted = (chain.web3.eth.chain_id, escrow.address, "openDispute", escrow_id.lower(), index)
    found = (
        signed.chain_id,
        signed.to,
        function.fn_name,
        Web3.to_hex(args.get("escrowId", b"")),
        args.get("index"),
    )
    if found != wanted:
        raise ApiError(
            422,
            "signed_transaction_mismatch",
            detail="expected openDispute of this escrow and milestone, for this chain and escrow contract",
        )
    if signed.sender != account:
        raise ApiError(
            403, "EscrowNotSupplier", detail=f"signed by {signed.sender}, not the supplier's key {account}"
        )
    return signed


# ------------------------------------------------------------------------------------ payments


@router.post(
    "/{escrow_id}/retention-release",
    response_model=RetentionReleased,
    summary="Release the retention after the maintenance period (PPK)",
)
def release_retention(
    request: Request, escrow_id: EscrowId, principal: Officer, chain: ChainDep, write: WriterDep
):
    call = _ppk_call(request, principal, escrow_id, "releaseRetention", [escrow_id])

    def outcome(confirmed):
        event = _escrow_events(chain, "RetentionReleased", confirmed)[0]
        return {"escrowId": escrow_id.lower(), "paymentId": event["paymentId"], "amount": event["amount"]}

    return write({"escrowId": escrow_id.lower()}, call, outcome)


@router.post(
    "/{escrow_id}/payment-retries",
    response_model=PaymentRetried,
    summary="Re-authorise a failed payment of this contract (PPK)",
)
def retry_payment(
    request: Request,
    escrow_id: EscrowId,
    body: PaymentRetry,
    principal: Officer,
    chain: ChainDep,
    write: WriterDep,
):
    kind = views.PAYMENT_KINDS[body.kind]
    call = _ppk_call(request, principal, escrow_id, "retryPayment", [escrow_id, kind, body.index])

    def outcome(confirmed):
        return {
            "escrowId": escrow_id.lower(),
            **body.model_dump(),
            **views.payment_view(chain, escrow_id, kind, body.index),
        }

    return write(body.model_dump(), call, outcome)


# ------------------------------------------------------------------------------------ reads


@router.get(
    "/signing/{supplier}",
    response_model=CountersignSigning,
    summary="What a supplier's client needs to countersign or dispute: the EIP-712 domain, the acts' "
    "fields and its next nonce",
)
def countersign_signing(supplier: Annotated[str, Path(pattern=ADDRESS)], chain: ChainDep):
    escrow = chain.contract("MilestoneEscrow")
    return {
        "domain": {
            "name": escrowlib.DOMAIN_NAME,
            "version": escrowlib.DOMAIN_VERSION,
            "chainId": chain.manifest.chain_id,
            "verifyingContract": escrow.address,
        },
        "primaryType": escrowlib.COUNTERSIGN_TYPE,
        "types": escrowlib.FIELDS,
        "nonce": escrow.functions.nonces(Web3.to_checksum_address(supplier)).call(),
    }


@router.get(
    "/{escrow_id}",
    response_model=Escrow,
    summary="A contract: terms, ledger totals, payments and every milestone",
)
def get_escrow(escrow_id: EscrowId, chain: ChainDep):
    view = views.escrow_view(chain, escrow_id)
    if view is None:
        raise ApiError(404, "not_found", detail=f"no escrow {escrow_id}")
    return view


@router.get(
    "/{escrow_id}/milestones/{index}",
    response_model=EscrowMilestone,
    summary="A milestone: status, attestations and its payment",
)
def get_milestone(escrow_id: EscrowId, index: Index, chain: ChainDep):
    return {"escrowId": escrow_id.lower(), **_milestone(chain, escrow_id, index)}
