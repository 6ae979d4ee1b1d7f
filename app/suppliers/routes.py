"""Suppliers (penyedia): register, verify, update, blacklist, read. Business identifiers arrive in
clear over TLS and leave for the chain only as keyed hashes (app/protocol/identity.py).

Who signs: an officer's act is signed with the officer's own key, `officer:<address>` (the account its
token names in the `officer` claim), never with a shared key (app/officials/keys.py). The registry
asks for two officers where one could harm a supplier alone: a blacklisting proposed by one officer
takes effect only when another officer of the same agency confirms it (and an officer may not verify
a supplier it registered or last changed); the contract compares officials, not their agency. The
contract is the authority on every rule: its refusals come back as problems named after its errors
(e.g. `SupplierBlacklistSameOfficer`, `AgencyOfficerMismatch`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.concurrency import run_in_threadpool
from web3 import Web3

from app.api.deps import ChainDep, SessionsDep, SettingsDep, SignersDep, require_roles
from app.api.errors import ApiError
from app.api.writes import Call, WriterDep
from app.auth.tokens import Principal
from app.ledger.clock import chain_now
from app.ledger.events import event_args
from app.ledger.signers import SignerRegistry
from app.ledger.view_calls import named
from app.officials.keys import own_key
from app.protocol.identity import InvalidIdentifier, keyed_hash
from app.sikap import checks as sikap_checks
from app.sikap import models as sikap_models
from app.suppliers.schemas import (
    BlacklistConfirmed,
    BlacklistProposal,
    BlacklistProposalRecord,
    BlacklistProposed,
    ProfileUpdate,
    ProfileUpdated,
    Supplier,
    SupplierRegistered,
    SupplierRegistration,
    SupplierVerified,
)

router = APIRouter(prefix="/suppliers", tags=["suppliers"])
Officer = Annotated[Principal, Depends(require_roles("AGENCY_OFFICER"))]
SupplierId = Annotated[int, Path(ge=1, lt=2**64, description="The supplier's registry id")]
ProposalId = Annotated[int, Path(ge=1, lt=2**64, description="The blacklist proposal's id")]
# SupplierRegistry's confirmation window: a proposal not confirmed within it must be made again.
CONFIRMATION_WINDOW = 7 * 86400


def _officer_signer(chain, signers: SignerRegistry, principal: Principal) -> str:
    """The calling officer's own key; the registry scopes by the officer's agency in the directory."""
    if principal.agency is None:
        raise ApiError(403, "wrong_agency", detail="an officer's token must name its agency")
    return own_key(chain, signers, principal, principal.agency).signer


@router.post(
    "",
    status_code=201,
    response_model=SupplierRegistered,
    summary="Register a supplier (agency officer)",
)
def register_supplier(
    request: Request,
    body: SupplierRegistration,
    principal: Officer,
    chain: ChainDep,
    settings: SettingsDep,
    signers: SignersDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    key = settings.identity_hmac_key.get_secret_value().encode()
    try:
        nib_hash, npwp_hash = keyed_hash(key, "nib", body.nib), keyed_hash(key, "npwp", body.npwp)
    except InvalidIdentifier as exc:
        raise ApiError(422, "invalid_identifier", detail=str(exc)) from None
    if sikap_checks.enforced(settings):  # the business is in SIKaP and not blacklisted nationally now
        with sessions() as session:
            sikap_checks.require_registrable(session, Web3.to_hex(nib_hash), chain_now(chain))
    registry = chain.contract("SupplierRegistry")
    call = Call(
        registry,
        "registerSupplier",
        [Web3.to_checksum_address(body.account), nib_hash, npwp_hash, body.umkm, body.regionCode],
        _officer_signer(chain, signers, principal),
    )

    def outcome(confirmed):
        event = event_args(registry, "SupplierRegistered", confirmed)
        with sessions.begin() as session:  # its business name, for awards that name it (OCDS parties)
            sikap_models.remember_supplier(session, event["supplierId"], Web3.to_hex(nib_hash))
        return {"supplierId": event["supplierId"], "account": event["account"], "agencyId": event["agencyId"]}

    # The idempotency record fingerprints the keyed hashes, never NIB/NPWP (nor a plain hash of
    # them, which enumerating the small NIB and NPWP spaces would reverse).
    fingerprinted = {
        **body.model_dump(exclude={"nib", "npwp"}),
        "nibHash": Web3.to_hex(nib_hash),
        "npwpHash": Web3.to_hex(npwp_hash),
    }
    return write(fingerprinted, call, outcome, status_code=201)


@router.post(
    "/{supplier_id}/verification",
    response_model=SupplierVerified,
    summary="Verify a supplier (an officer other than its registrar)",
)
def verify_supplier(
    request: Request,
    supplier_id: SupplierId,
    principal: Officer,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    registry = chain.contract("SupplierRegistry")
    call = Call(registry, "verifySupplier", [supplier_id], _officer_signer(chain, signers, principal))
    return write(
        {"supplierId": supplier_id},
        call,
        lambda c: {"supplierId": supplier_id, "verified": True},
    )


@router.put(
    "/{supplier_id}/profile",
    response_model=ProfileUpdated,
    summary="Change UMKM flag and region, with a reason (an officer of the registering agency; "
    "clears verification)",
)
def update_profile(
    request: Request,
    supplier_id: SupplierId,
    body: ProfileUpdate,
    principal: Officer,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    registry = chain.contract("SupplierRegistry")
    call = Call(
        registry,
        "updateSupplierProfile",
        [supplier_id, body.umkm, body.regionCode, body.reasonHash],
        _officer_signer(chain, signers, principal),
    )
    return write(
        body.model_dump(),
        call,
        lambda c: {"supplierId": supplier_id, **body.model_dump(), "verified": False},
    )


@router.post(
    "/{supplier_id}/blacklist-proposals",
    status_code=201,
    response_model=BlacklistProposed,
    summary="Propose to blacklist a supplier for [start, end) (agency officer; a second officer of the "
    "agency confirms)",
)
def propose_blacklist(
    request: Request,
    supplier_id: SupplierId,
    body: BlacklistProposal,
    principal: Officer,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    registry = chain.contract("SupplierRegistry")
    call = Call(
        registry,
        "proposeBlacklist",
        [supplier_id, body.start, body.end, body.reasonHash],
        _officer_signer(chain, signers, principal),
    )

    def outcome(confirmed):
        event = event_args(registry, "SupplierBlacklistProposed", confirmed)
        stored = registry.functions.getBlacklistProposal(event["proposalId"]).call(
            block_identifier=confirmed.block_number
        )
        proposed_at = named(registry, "getBlacklistProposal", stored)["proposedAt"]
        return {
            "proposalId": event["proposalId"],
            "supplierId": supplier_id,
            "agencyId": event["agencyId"],
            "start": event["start"],
            "end": event["end"],
            "confirmableUntil": proposed_at + CONFIRMATION_WINDOW,
        }

    return write(body.model_dump(), call, outcome, status_code=201)


@router.post(
    "/{supplier_id}/blacklist-proposals/{proposal_id}/confirmation",
    response_model=BlacklistConfirmed,
    responses={404: {"description": "No such proposal for this supplier (`not_found`)"}},
    summary="Confirm a blacklist proposal (another officer of the proposing agency, within 7 days)",
)
def confirm_blacklist(
    request: Request,
    supplier_id: SupplierId,
    proposal_id: ProposalId,
    principal: Officer,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    _proposal(chain, supplier_id, proposal_id)  # 404 unless it is this supplier's
    registry = chain.contract("SupplierRegistry")
    call = Call(registry, "confirmBlacklist", [proposal_id], _officer_signer(chain, signers, principal))

    def outcome(confirmed):
        event = event_args(registry, "SupplierBlacklisted", confirmed)
        stored = registry.functions.getSupplier(supplier_id).call(block_identifier=confirmed.block_number)
        record = named(registry, "getSupplier", stored)
        return {
            "proposalId": proposal_id,
            "supplierId": supplier_id,
            "start": event["start"],
            "end": event["end"],
            "blacklist": {
                "start": record["blacklistStart"],
                "end": record["blacklistEnd"],
                "reasonHash": Web3.to_hex(record["blacklistReason"]),
            },
        }

    return write({"supplierId": supplier_id, "proposalId": proposal_id}, call, outcome)


@router.get(
    "/{supplier_id}/blacklist-proposals/{proposal_id}",
    response_model=BlacklistProposalRecord,
    summary="A blacklist proposal, confirmed or not",
)
def get_blacklist_proposal(supplier_id: SupplierId, proposal_id: ProposalId, chain: ChainDep):
    data = _proposal(chain, supplier_id, proposal_id)
    return {
        "proposalId": proposal_id,
        "supplierId": supplier_id,
        "agencyId": data["agencyId"],
        "officer": data["officer"],
        "start": data["start"],
        "end": data["end"],
        "reasonHash": Web3.to_hex(data["reasonHash"]),
        "proposedAt": data["proposedAt"],
        "confirmableUntil": data["proposedAt"] + CONFIRMATION_WINDOW,
        "confirmedAt": data["confirmedAt"] or None,
    }


def _proposal(chain, supplier_id: int, proposal_id: int) -> dict:
    """The stored proposal, once it is known to be this supplier's (else 404)."""
    if proposal_id > chain.read("SupplierRegistry", "blacklistProposalCount"):
        raise ApiError(404, "not_found", detail=f"no blacklist proposal {proposal_id}")
    stored = chain.read("SupplierRegistry", "getBlacklistProposal", proposal_id)
    data = named(chain.contract("SupplierRegistry"), "getBlacklistProposal", stored)
    if data["supplierId"] != supplier_id:
        raise ApiError(
            404, "not_found", detail=f"blacklist proposal {proposal_id} is not supplier {supplier_id}'s"
        )
    return data


@router.get("/{supplier_id}", response_model=Supplier, summary="A supplier's public record")
async def get_supplier(supplier_id: SupplierId, chain: ChainDep):
    # A hot read. Its chain reads run in the threadpool, as a sync endpoint's would; declared async,
    # its answer is then checked against Supplier on the event loop (microseconds) rather than in a
    # second trip to the threadpool, which FastAPI takes for a sync endpoint's answer and which cost
    # this read 13% of its throughput.
    return await run_in_threadpool(supplier_record, chain, supplier_id)


def supplier_record(chain, supplier_id: int) -> dict:
    if supplier_id > chain.read("SupplierRegistry", "supplierCount"):
        raise ApiError(404, "not_found", detail=f"no supplier {supplier_id}")
    record = chain.read("SupplierRegistry", "getSupplier", supplier_id)
    data = named(chain.contract("SupplierRegistry"), "getSupplier", record)
    return {
        "supplierId": supplier_id,
        "account": data["account"],
        "umkm": data["umkm"],
        "regionCode": data["regionCode"],
        "registeredBy": data["registeredBy"],
        "verifiedBy": data["verifiedBy"] or None,
        "registeredAt": data["registeredAt"],
        "verifiedAt": data["verifiedAt"] or None,
        "blacklist": (
            {
                "start": data["blacklistStart"],
                "end": data["blacklistEnd"],
                "reasonHash": Web3.to_hex(data["blacklistReason"]),
            }
            if data["blacklistEnd"]
            else None
        ),
    }
