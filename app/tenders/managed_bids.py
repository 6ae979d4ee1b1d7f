"""Bids for suppliers whose key the gateway holds: a small supplier without a wallet asks
the gateway for a managed key, and the gateway then builds, signs and relays its sealed bids and
its objections (sanggah).

- `POST /suppliers/{id}/managed-key` (the supplier's own token: claim `supplier` = id) makes the key,
  sealed at rest (app/suppliers/managed_keys.py), and answers its address; one key per supplier, a
  second request answers the same address. `GET` tells whether the registry has bound it yet.
- Binding is the registry's: the key is used only while `SupplierRegistry.getSupplier(id).account`
  is the managed address, so a key cannot sign for any supplier but its own whatever the table
  says. The simplest path that works is to **register the supplier with the managed address**
  (an officer's `POST /suppliers` with `account` = that address). Rotating an existing supplier to
  it is not open to a supplier without a wallet: `rotateKey` must be sent by the current key, with
  gas; the other way is the COMMITTEE's `recoverSupplierKey(id, address)` through the hub's delay
  (not exposed here).
- `POST /tenders/{ocid}/bids/managed` {price, products, bidBondRef}: the gateway draws the salt,
  computes the commitment locally (app/protocol/bids.py; never through a node), seals the opening
  in an envelope for the tender's Pokja (app/tenders/envelope.py, the members' keys and quorum as
  `pokjaOf` gives them: any k of them can open the bid should it never be revealed), signs
  `CommitBid` with the managed key (nonce from `Tenders.nonces`, `replaces` the supplier's sealed bid
  now) and relays `commitBidBySig` with its relayer key. The opening is stored sealed
  (app/tenders/managed_openings.py) right before the transaction is signed and sent: the write path
  builds the call data only when it sends, so a replayed retry stores nothing. A re-bid is a new
  commitment that replaces the previous one on chain (Tenders._commit).
- `POST /tenders/{ocid}/objections/managed` {evidenceHash}: the supplier's sanggah against a proposed
  award, signed as `FileObjection` with the managed key and relayed (`fileObjectionBySig`); the
  contract decides who may object and until when, as for a supplier that signs itself.
- `POST /tenders/{ocid}/bids/managed/reveal`: the opening whose commitment, commitSeq and envelope
  hash to the sealed bid the chain holds now (so the latest re-bid, never an opening a retry left
  behind) is signed as `RevealBid` and relayed. Outside the reveal period the gateway refuses with
  the contract's own `TenderNotInRevealPeriod` before the opening leaves it: an `eth_call` would
  hand the salt to the node before the reveal period, or after it, when only the Pokja quorum may
  open a bid.
- `POST /tenders/{ocid}/objections/{id}/appeal/managed` {bondRef}: the objector's appeal (sanggah
  banding) against the Pokja's answer on a construction tender, signed as `FileAppeal` with the
  managed key and relayed (`fileAppealBySig`): like an objection, it costs the supplier no gas.

Secrets: the price, products and salt are never in a response, a log or a clear DB column before
the reveal. The idempotency record fingerprints a keyed HMAC of the bid instead of the body (a plain
hash of price and products could be tested against guesses). Only the supplier itself may create or
use its managed key: an officer's token, or another supplier's, is 403 `wrong_supplier`.

Concurrency: one supplier's managed writes are serialised in this process (its EIP-712 nonce is
read, signed and used in order); two gateway processes signing for the same supplier at the same
instant may see one write refused by the contract (`InvalidAccountNonce`), which a retry fixes.
"""

from __future__ import annotations

import threading
from typing import Annotated

from eth_utils import to_bytes
from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from web3 import Web3
from web3.exceptions import ContractCustomError

from app.api.deps import ChainDep, PrincipalDep, SessionsDep, SettingsDep
from app.api.errors import ApiError
from app.api.writes import Call, WriterDep
from app.auth.tokens import Principal
from app.ledger.clock import chain_now
from app.ledger.events import event_args
from app.ledger.view_calls import named
from app.protocol import bids
from app.suppliers import managed_keys
from app.tenders import envelope, managed_openings, qualification, reads
from app.tenders.opening_codec import encode_opening
from app.tenders.pokja_routes import appeal_filed
from app.tenders.reads import CallWithBeforeSend
from app.tenders.routes import objection_filed
from app.tenders.schemas import (
    BidRevealed,
    ManagedAppeal,
    ManagedBid,
    ManagedBidCommitted,
    ManagedKey,
    ManagedObjection,
    ObjectionFiled,
    TenderAppealFiled,
)

router = APIRouter(tags=["managed bids"])
Ocid = Annotated[
    str, Path(min_length=1, max_length=200, description="OCDS id, e.g. ocds-terang-1001-2026-0001")
]
SupplierId = Annotated[int, Path(ge=1, lt=2**63, description="The supplier's registry id")]
MAX_SUPPLIER_ID = 2**63  # registry ids are counted from 1; the database keeps them as BIGINT
SIGNATURE_SECONDS = 600  # how long a signature the gateway makes for a supplier stays valid

_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock(supplier_id: int) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(supplier_id, threading.Lock())


def _own_supplier(principal: Principal, supplier_id: int | None = None) -> int:
    """The supplier the token speaks for; refused unless it is `supplier_id` (when given)."""
    if principal.supplier is None:
        raise ApiError(
            403,
            "wrong_supplier",
            detail="only the supplier's own token (claim 'supplier') may use its managed key; "
            "an officer may not act for a supplier",
        )
    if supplier_id is not None and principal.supplier != supplier_id:
        raise ApiError(
            403,
            "wrong_supplier",
            detail=f"this token speaks for supplier {principal.supplier}, not {supplier_id}",
        )
    if principal.supplier >= MAX_SUPPLIER_ID:
        raise ApiError(403, "wrong_supplier", detail=f"no supplier {principal.supplier} can be registered")
    return principal.supplier


def _registered_account(chain, supplier_id: int) -> str | None:
    registry = chain.contract("SupplierRegistry")
    if supplier_id > registry.functions.supplierCount().call():
        return None
    return named(registry, "getSupplier", registry.functions.getSupplier(supplier_id).call())["account"]


def _key_view(chain, row) -> dict:
    return {
        "supplierId": row.supplier_id,
        "address": row.address,
        "registered": _registered_account(chain, row.supplier_id) == row.address,
    }


def _managed_account(request: Request, chain, supplier_id: int):
    settings, sessions = request.app.state.settings, request.app.state.sessions
    row = managed_keys.find(sessions, supplier_id)
    if row is None:
        raise ApiError(
            409,
            "managed_key_missing",
            detail=f"supplier {supplier_id} has no managed key: POST /suppliers/{supplier_id}/managed-key",
        )
    if _registered_account(chain, supplier_id) != row.address:
        raise ApiError(
            409,
            "managed_key_not_registered",
            detail=f"the registry's account of supplier {supplier_id} is not its managed key {row.address}",
        )
    return managed_keys.signer(settings, row)


def _tender(chain, tender: bytes, ocid: str) -> dict:
    tenders = chain.contract("Tenders")
    try:
        data = named(tenders, "getTender", tenders.functions.getTender(tender).call())
    except ContractCustomError:  # TenderUnknown
        raise ApiError(404, "not_found", detail=f"no tender {ocid}") from None
    if data["status"] == 0:
        raise ApiError(404, "not_found", detail=f"no tender {ocid}")
    return data


@router.post(
    "/suppliers/{supplier_id}/managed-key",
    status_code=201,
    response_model=ManagedKey,
    responses={200: {"model": ManagedKey, "description": "The supplier already had a key: its address"}},
    summary="Make the supplier's gateway-held signing key (the supplier itself); answers its address",
)
def create_managed_key(
    supplier_id: SupplierId,
    principal: PrincipalDep,
    chain: ChainDep,
    settings: SettingsDep,
    sessions: SessionsDep,
):
    _own_supplier(principal, supplier_id)
    row, created = managed_keys.create(sessions, settings, supplier_id, principal.key)
    return JSONResponse(status_code=201 if created else 200, content=_key_view(chain, row))


@router.get(
    "/suppliers/{supplier_id}/managed-key",
    response_model=ManagedKey,
    summary="The supplier's managed key address and whether the registry has it as its account",
)
def get_managed_key(supplier_id: SupplierId, principal: PrincipalDep, chain: ChainDep, sessions: SessionsDep):
    _own_supplier(principal, supplier_id)
    row = managed_keys.find(sessions, supplier_id)
    if row is None:
        raise ApiError(404, "not_found", detail=f"supplier {supplier_id} has no managed key")
    return _key_view(chain, row)


@router.post(
    "/tenders/{ocid}/bids/managed",
    status_code=201,
    response_model=ManagedBidCommitted,
    summary="Commit a sealed bid built and signed with the supplier's managed key (the supplier itself)",
)
def commit_managed_bid(
    request: Request,
    ocid: Ocid,
    body: ManagedBid,
    principal: PrincipalDep,
    chain: ChainDep,
    settings: SettingsDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    supplier_id = _own_supplier(principal)
    tender = bids.tender_id(ocid)
    data = _tender(chain, tender, ocid)
    hps = data["hps"]
    if body.price > hps:  # the reveal would be refused: say so before the bid is sealed
        raise ApiError(
            422, "TenderPriceAboveHps", detail=f"the price is above the tender's HPS ({hps} rupiah)"
        )
    if data["bidBond"] and not int(body.bidBondRef, 16):  # the opening would be refused
        raise ApiError(
            422,
            "TenderBidBondMissing",
            detail=f"the tender needs a bid bond of {data['bidBond']} rupiah: give its document's hash "
            "as bidBondRef",
        )
    account = _managed_account(request, chain, supplier_id)
    qualification.require(chain, sessions, ocid, supplier_id=supplier_id)
    if data["pokjaQuorum"] == 0:  # no keys to seal the envelope for (and the commit would be refused)
        raise ApiError(409, "TenderPokjaNotAppointed", detail=f"no Pokja has been appointed for {ocid}")
    tenders = chain.contract("Tenders")
    products = bids.normalise_products([(to_bytes(hexstr=p.productId), p.shareBps) for p in body.products])
    bond = to_bytes(hexstr=body.bidBondRef)
    salt = bids.new_salt()
    commitment = bids.commitment(tender, supplier_id, body.price, products, salt, bond)
    _members, keys = reads.pokja(chain, ocid)
    try:
        sealed = envelope.seal(
            encode_opening(body.price, products, salt, bond), tender, supplier_id, keys, data["pokjaQuorum"]
        )
    except ValueError as error:  # a Pokja key appointed straight on chain that no envelope can use
        raise ApiError(409, "encryption_key_unusable", detail=str(error)) from None
    envelope_digest = bids.envelope_hash(sealed)

    def store_opening() -> None:
        managed_openings.save(
            sessions,
            settings,
            supplier_id=supplier_id,
            tender=tender,
            commitment=commitment,
            price=body.price,
            products=products,
            salt=salt,
            bid_bond_ref=bond,
            envelope_hash=envelope_digest,
        )

    def outcome(confirmed):
        event = event_args(tenders, "BidCommitted", confirmed)
        managed_openings.record_commit_seq(sessions, event["commitment"], event["commitSeq"])
        return {
            "ocid": ocid,
            "supplierId": event["supplierId"],
            "supplier": account.address,
            "commitment": event["commitment"],
            "commitSeq": event["commitSeq"],
            "replaced": event["replaced"],
            "envelopeHash": Web3.to_hex(envelope_digest),
        }

    with _lock(supplier_id):
        current = named(tenders, "getBid", tenders.functions.getBid(tender, supplier_id).call())["sealedBid"]
        signed = bids.sign_commit(
            account.key,
            chain_id=chain.manifest.chain_id,
            verifying_contract=tenders.address,
            tender=tender,
            bid_commitment=commitment,
            envelope_digest=envelope_digest,
            replaces=current,
            nonce=tenders.functions.nonces(account.address).call(),
            deadline=chain_now(chain) + SIGNATURE_SECONDS,
        )
        args = [
            account.address,
            tender,
            commitment,
            sealed,
            signed.replaces,
            signed.nonce,
            signed.deadline,
            signed.signature,
        ]
        call = CallWithBeforeSend(tenders, "commitBidBySig", args, "relayer", before_send=store_opening)
        fingerprinted = {"ocid": ocid, "bid": managed_keys.keyed_fingerprint(settings, body.model_dump())}
        return write(fingerprinted, call, outcome, 201)


@router.post(
    "/tenders/{ocid}/bids/managed/reveal",
    status_code=201,
    response_model=BidRevealed,
    summary="Reveal the supplier's latest managed bid in the reveal period, signed with its managed key",
)
def reveal_managed_bid(
    request: Request,
    ocid: Ocid,
    principal: PrincipalDep,
    chain: ChainDep,
    settings: SettingsDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    supplier_id = _own_supplier(principal)
    tender = bids.tender_id(ocid)
    data = _tender(chain, tender, ocid)
    account = _managed_account(request, chain, supplier_id)
    tenders = chain.contract("Tenders")
    sealed_bid = named(tenders, "getBid", tenders.functions.getBid(tender, supplier_id).call())["sealedBid"]
    if sealed_bid == bytes(32):
        raise ApiError(409, "TenderNoBid", detail=f"supplier {supplier_id} has no sealed bid on {ocid}")
    opening = managed_openings.current(
        sessions,
        settings,
        supplier_id=supplier_id,
        tender=tender,
        sealed_bid=sealed_bid,
        last_seq=data["commitSeq"],
    )
    if opening is None:
        raise ApiError(
            409,
            "managed_opening_missing",
            detail=f"the sealed bid of supplier {supplier_id} on {ocid} was not made by the gateway",
        )

    def in_reveal_period() -> None:
        # The opening goes to the node (simulation, then the transaction) only inside the period.
        reads.in_reveal_period(chain, ocid)

    def outcome(confirmed):
        event = event_args(tenders, "BidRevealed", confirmed)
        return {"ocid": ocid, **{k: event[k] for k in ("supplierId", "price", "tkdnBps", "hea")}}

    with _lock(supplier_id):
        signed = bids.sign_reveal(
            account.key,
            chain_id=chain.manifest.chain_id,
            verifying_contract=tenders.address,
            tender=tender,
            bid_commitment=opening.commitment,
            nonce=tenders.functions.nonces(account.address).call(),
            deadline=chain_now(chain) + SIGNATURE_SECONDS,
        )
        args = [account.address, tender, opening.as_tuple(), signed.nonce, signed.deadline, signed.signature]
        call = CallWithBeforeSend(tenders, "revealBidBySig", args, "relayer", before_send=in_reveal_period)
        return write({"ocid": ocid}, call, outcome, 201)


@router.post(
    "/tenders/{ocid}/objections/managed",
    status_code=201,
    response_model=ObjectionFiled,
    summary="File the supplier's objection (sanggah), signed with its managed key (the supplier itself)",
)
def file_managed_objection(
    request: Request,
    ocid: Ocid,
    body: ManagedObjection,
    principal: PrincipalDep,
    chain: ChainDep,
    write: WriterDep,
):
    def sign(key: bytes, tender: bytes, **message) -> tuple[str, list]:
        signed = bids.sign_objection(key, tender=tender, evidence_hash=body.evidenceHash, **message)
        return "fileObjectionBySig", [signed.evidence_hash, signed.nonce, signed.deadline, signed.signature]

    return _relay_signed_act(
        request, ocid, principal, chain, write, sign, objection_filed, {"ocid": ocid, **body.model_dump()}
    )


@router.post(
    "/tenders/{ocid}/objections/{objection_id}/appeal/managed",
    status_code=201,
    response_model=TenderAppealFiled,
    summary="File the supplier's appeal (sanggah banding), a transaction signed with its managed key",
)
def file_managed_appeal(
    request: Request,
    ocid: Ocid,
    objection_id: Annotated[int, Path(ge=1, lt=2**16, description="The rejected objection appealed")],
    body: ManagedAppeal,
    principal: PrincipalDep,
    chain: ChainDep,
    write: WriterDep,
):
    def sign(key: bytes, tender: bytes, **message) -> tuple[str, list]:
        signed = bids.sign_appeal(
            key, tender=tender, objection_id=objection_id, bond_ref=body.bondRef, **message
        )
        rest = [objection_id, signed.bond_ref, signed.nonce, signed.deadline, signed.signature]
        return "fileAppealBySig", rest

    request_body = {"ocid": ocid, "objectionId": objection_id, **body.model_dump()}
    return _relay_signed_act(request, ocid, principal, chain, write, sign, appeal_filed, request_body)


def _relay_signed_act(
    request: Request, ocid: str, principal, chain, write, sign, outcome_of, request_body: dict
):
    """A supplier's act signed with its managed key and relayed (it pays no gas): `sign(key, tender,
    chain_id=, verifying_contract=, nonce=, deadline=)` answers the contract function and its
    arguments after the supplier and the tender."""
    supplier_id = _own_supplier(principal)
    tender = bids.tender_id(ocid)
    _tender(chain, tender, ocid)
    account = _managed_account(request, chain, supplier_id)
    tenders = chain.contract("Tenders")
    outcome = outcome_of(tenders, ocid)
    with _lock(supplier_id):
        function, rest = sign(
            account.key,
            tender,
            chain_id=chain.manifest.chain_id,
            verifying_contract=tenders.address,
            nonce=tenders.functions.nonces(account.address).call(),
            deadline=chain_now(chain) + SIGNATURE_SECONDS,
        )
        call = Call(tenders, function, [account.address, tender, *rest], "relayer")
        return write(request_body, call, outcome, 201)
