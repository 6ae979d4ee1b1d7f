"""The Pokja (kelompok kerja pemilihan) through REST: its appointment, the envelope of each sealed
bid, the quorum opening of a bid its supplier did not open, sealed score sheets (value system),
non-compliance (gugur), preference withdrawal, and the KPA's answer to an appeal (sanggah banding).

Who signs (app/tenders/officers.py): every act here with the calling officer's own key,
`officer:<address>` from the `officer` claim of its token: the appointment by an officer of the
tender's agency, the others only if that officer sits on the tender's Pokja (for the KPA: is an
officer of the agency outside it). Never with a shared key.

Secrets:
- A member's envelope key never reaches the gateway: the member decrypts its own share with
  `python -m app.tenders.pokja share`, and k members' shares are sent to the quorum opening, which
  combines them, decrypts the opening and sends it as the calling member, only after the reveal
  deadline. The opening is checked against the chain's sealed bid first (a bidder's envelope may
  hold another opening than its commitment: nothing is then sent), and is never logged, stored or
  answered before the chain has it. Too few shares, shares that do not open the envelope, or an
  envelope that holds no opening are 422 problems with stable codes; nothing is sent.
- A score sheet's scores and salt are drawn and kept sealed at rest (app/tenders/score_sheets.py)
  until the member opens the sheet after the reveal deadline. The idempotency records of both
  writes fingerprint a keyed HMAC of the body (scores are few and guessable; shares are secrets).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from web3 import Web3

from app.api.deps import ChainDep, SessionsDep, SettingsDep, SignersDep, require_roles
from app.api.errors import ApiError
from app.api.writes import Call, WriterDep
from app.auth.tokens import Principal
from app.ledger.events import event_args
from app.ledger.reverts import ChainRevert
from app.officials.keys import signer_of
from app.protocol import bids
from app.protocol.bids import tender_id
from app.suppliers.managed_keys import keyed_fingerprint
from app.tenders import envelope, officers, reads, score_sheets
from app.tenders.opening_codec import decode_opening
from app.tenders.reads import SEALED, CallWithBeforeSend, Ocid, SupplierIdPath
from app.tenders.schemas import (
    NON_COMPLIANCE,
    OBJECTION,
    BidDeclaredNonCompliant,
    BidEnvelope,
    BidOpenedByPokja,
    NonComplianceDeclaration,
    ObjectionAnswer,
    Pokja,
    PokjaAppointed,
    PokjaAppointment,
    PreferenceWithdrawal,
    PreferenceWithdrawn,
    QuorumOpening,
    ScoreSheet,
    ScoreSheetOpened,
    ScoreSheetSealed,
    TenderAppealAnswered,
)

router = APIRouter(prefix="/tenders", tags=["pokja"])
Officer = Annotated[Principal, Depends(require_roles("AGENCY_OFFICER"))]
ObjectionId = Annotated[int, Path(ge=1, lt=2**16, description="The objection's number within the tender")]
FORBIDDEN_403 = {
    403: {
        "description": "Not a member of the tender's Pokja (`TenderNotPokjaMember`), the "
        "gateway holds no key of the calling officer (`officer_key_unavailable`), the token names no "
        "officer (`officer_claim_missing`) or the directory holds none (`official_not_registered`)"
    }
}


def _hex(value: bytes) -> str:
    return Web3.to_hex(value)


# ------------------------------------------------------------------------------------ the Pokja


@router.post(
    "/{ocid}/pokja",
    status_code=201,
    response_model=PokjaAppointed,
    summary="Appoint the Pokja: members, their envelope keys and the quorum (officer of the agency)",
)
def appoint_pokja(
    request: Request,
    ocid: Ocid,
    body: PokjaAppointment,
    principal: Officer,
    chain: ChainDep,
    write: WriterDep,
):
    signer = signer_of(request, principal, reads.tender(chain, ocid)["agencyId"])
    for position, public in enumerate(body.encryptionKeys, start=1):
        # The chain takes any non-zero bytes32; a key no envelope can be sealed to (a low-order point)
        # would leave every bidder's client unable to seal its bid for this Pokja.
        try:
            envelope.seal(b"", bytes(32), 1, [bytes.fromhex(public[2:])], 1)
        except ValueError:
            raise ApiError(
                422,
                "encryption_key_unusable",
                detail=f"member {position}'s encryption key is not a usable X25519 public key",
            ) from None
    members = [Web3.to_checksum_address(m) for m in body.members]
    args = [tender_id(ocid), members, body.encryptionKeys, body.quorum]
    tenders = chain.contract("Tenders")
    call = Call(tenders, "appointPokja", args, signer)

    def outcome(confirmed) -> dict:
        event = event_args(tenders, "PokjaAppointed", confirmed)
        return {"ocid": ocid, **{k: event[k] for k in ("members", "encryptionKeys", "quorum")}}

    return write(body.model_dump(), call, outcome, 201)


@router.get("/{ocid}/pokja", response_model=Pokja, summary="A tender's Pokja: members in order, keys, quorum")
def get_pokja(ocid: Ocid, chain: ChainDep):
    quorum = reads.tender(chain, ocid)["pokjaQuorum"]
    if quorum == 0:
        raise ApiError(404, "not_found", detail=f"no Pokja has been appointed for {ocid}")
    members, keys = reads.pokja(chain, ocid)
    return {
        "ocid": ocid,
        "quorum": quorum,
        "members": [
            {"index": n, "address": member, "encryptionKey": _hex(key)}
            for n, (member, key) in enumerate(zip(members, keys, strict=True), start=1)
        ],
    }


# ------------------------------------------------------------------------------------ envelopes


def _sealed_bid(chain, ocid: str, supplier_id: int) -> dict:
    bid = reads.bid(chain, ocid, supplier_id)
    if bid["status"] == 0:
        raise ApiError(404, "not_found", detail=f"supplier {supplier_id} has no bid on {ocid}")
    return bid


def _current_commit(chain, ocid: str, supplier_id: int, sealed_bid: bytes) -> dict:
    commit = reads.current_commit(chain, ocid, supplier_id, sealed_bid)
    if commit is None:  # the node's logs lack the commit the state holds (a pruned or lagging node)
        raise ApiError(
            503,
            "envelope_unavailable",
            detail=f"the node's logs hold no commit matching the sealed bid of supplier {supplier_id}",
            headers={"Retry-After": "5"},
        )
    return commit


@router.get(
    "/{ocid}/bids/{supplier_id}/envelope",
    response_model=BidEnvelope,
    summary="The envelope of a bid's last commit (public, as on chain) and the Pokja's k of n",
)
def get_envelope(ocid: Ocid, supplier_id: SupplierIdPath, chain: ChainDep):
    tender = reads.tender(chain, ocid)
    bid = _sealed_bid(chain, ocid, supplier_id)
    commit = _current_commit(chain, ocid, supplier_id, bid["sealedBid"])
    return {
        "ocid": ocid,
        "supplierId": supplier_id,
        "commitSeq": commit["commitSeq"],
        "sealedBid": _hex(bid["sealedBid"]),
        "envelope": _hex(commit["envelope"]),
        "envelopeHash": _hex(bids.envelope_hash(commit["envelope"])),
        "quorum": tender["pokjaQuorum"],
        "members": tender["pokjaSize"],
    }


def _still_sealed(chain, ocid: str, supplier_id: int) -> None:
    status = reads.bid(chain, ocid, supplier_id)["status"]
    if status != SEALED:
        raise ChainRevert(
            "TenderBidAlreadyRevealed", {"tenderId": _hex(tender_id(ocid)), "supplierId": supplier_id}
        )


def _opening_from_shares(envelope_bytes: bytes, ocid: str, supplier_id: int, quorum: int, shares: list):
    """The opening k shares recover from the envelope, decoded; 422 problems for shares that do not
    open it or an envelope that holds no opening. Nothing of the opening goes into a message."""
    distinct = {share.index for share in shares}
    if len(distinct) < quorum:
        raise ApiError(
            422,
            "quorum_shares_too_few",
            detail=f"the envelope opens with {quorum} members' shares; {len(distinct)} given",
        )
    try:
        plain = envelope.open_envelope(
            envelope_bytes,
            tender_id(ocid),
            supplier_id,
            [envelope.Share(share.index, bytes.fromhex(share.value[2:])) for share in shares],
        )
    except envelope.EnvelopeError:
        raise ApiError(
            422,
            "quorum_shares_invalid",
            detail="the shares do not open this bid's envelope: a share is not its member's for this "
            "bid, two differ for one member, or the envelope does not open (then its bid stays unopened)",
        ) from None
    try:
        return decode_opening(plain)
    except ValueError:
        raise ApiError(
            422,
            "envelope_opening_malformed",
            detail="the envelope opens but holds no bid opening: the bid cannot be opened",
        ) from None


@router.post(
    "/{ocid}/bids/{supplier_id}/quorum-opening",
    status_code=201,
    response_model=BidOpenedByPokja,
    responses=FORBIDDEN_403,
    summary="Open a bid its supplier did not open, from k members' shares of its envelope (a Pokja member)",
)
def quorum_opening(
    request: Request,
    ocid: Ocid,
    supplier_id: SupplierIdPath,
    body: QuorumOpening,
    principal: Officer,
    chain: ChainDep,
    signers: SignersDep,
    settings: SettingsDep,
    write: WriterDep,
):
    member = officers.pokja_member(chain, signers, principal, ocid)
    tender = reads.tender(chain, ocid)
    bid = _sealed_bid(chain, ocid, supplier_id)
    # Before the deadline the supplier may still open its bid itself: no share is combined then.
    # (Whether the bid is still sealed is checked right before sending: a retry of a done opening,
    # with its Idempotency-Key, is answered with that opening's outcome.)
    reads.reveal_over(chain, ocid)
    commit = _current_commit(chain, ocid, supplier_id, bid["sealedBid"])
    opening = _opening_from_shares(commit["envelope"], ocid, supplier_id, tender["pokjaQuorum"], body.shares)
    envelope_digest = bids.envelope_hash(commit["envelope"])
    try:
        commitment = bids.commitment(
            tender_id(ocid), supplier_id, opening.price, opening.products, opening.salt, opening.bid_bond_ref
        )
        matches = bids.sealed_bid(commitment, commit["commitSeq"], envelope_digest) == bid["sealedBid"]
    except ValueError:  # a price or products the contract could not take either
        matches = False
    if not matches:
        raise ApiError(
            422,
            "envelope_opening_mismatch",
            detail="the envelope opens to another bid than the one committed: the chain would refuse it "
            "(TenderCommitmentMismatch); nothing was sent",
        )
    args = [
        tender_id(ocid),
        supplier_id,
        bids.opening(
            opening.price,
            opening.products,
            opening.salt,
            commit["commitSeq"],
            envelope_digest,
            opening.bid_bond_ref,
        ),
    ]
    tenders = chain.contract("Tenders")

    def before_send() -> None:  # the opening reaches the node only once the reveal period is over
        reads.reveal_over(chain, ocid)
        _still_sealed(chain, ocid, supplier_id)

    call = CallWithBeforeSend(tenders, "openSealedBid", args, member.signer, before_send=before_send)

    def outcome(confirmed) -> dict:
        revealed = event_args(tenders, "BidRevealed", confirmed)
        by = event_args(tenders, "BidNotOpenedBySupplier", confirmed)
        return {
            "ocid": ocid,
            **{k: revealed[k] for k in ("supplierId", "price", "tkdnBps", "hea")},
            "openedBy": by["openedBy"],
            "bidBondClaimed": by["bidBondClaimed"],
        }

    fingerprinted = {
        "ocid": ocid,
        "supplierId": supplier_id,
        "shares": keyed_fingerprint(settings, body.model_dump()),
    }
    return write(fingerprinted, call, outcome, 201)


# ------------------------------------------------------------------------------------ score sheets


@router.post(
    "/{ocid}/score-sheets",
    status_code=201,
    response_model=ScoreSheetSealed,
    responses=FORBIDDEN_403,
    summary="Seal the calling member's technical score sheet before prices open (value system, Pokja)",
)
def seal_score_sheet(
    request: Request,
    ocid: Ocid,
    body: ScoreSheet,
    principal: Officer,
    chain: ChainDep,
    signers: SignersDep,
    settings: SettingsDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    member = officers.pokja_member(chain, signers, principal, ocid)
    tender = reads.tender(chain, ocid)
    tender_hex = _hex(tender_id(ocid))
    if tender["scoringDeadline"] == 0:
        raise ChainRevert("TenderNotValueSystem", {"tenderId": tender_hex})
    if reads.chain_now(chain) < tender["commitDeadline"]:  # the bidders are not known yet
        raise ChainRevert(
            "TenderNotInScoringPeriod",
            {
                "tenderId": tender_hex,
                "opensAt": tender["commitDeadline"],
                "closesAt": tender["scoringDeadline"],
            },
        )
    # A sheet the chain cannot open would keep every sealed sheet from opening and the tender from
    # its evaluation: it must score exactly the suppliers that committed, each once.
    scored = {score.supplierId: score.scoreBps for score in body.scores}
    bidders = reads.bidders(chain, ocid)
    if sorted(scored) != bidders:
        missing, extra = sorted(set(bidders) - set(scored)), sorted(set(scored) - set(bidders))
        raise ApiError(
            422,
            "score_sheet_incomplete",
            detail=f"a sheet scores every bidder once: missing {missing}, not bidders {extra}",
        )
    tender_bytes = tender_id(ocid)
    scores = tuple(scored[supplier] for supplier in bidders)
    salt = bids.new_salt()
    sealed = score_sheets.sealed_hash(tender_bytes, member.address, bidders, scores, salt)
    sheet = score_sheets.Sheet(tuple(bidders), scores, salt, sealed)
    tenders = chain.contract("Tenders")

    def before_send() -> None:  # kept sealed right before the hash leaves; never a second sheet
        if reads.sealed_sheet_of(chain, ocid, member.address) is not None:
            raise ChainRevert(
                "TenderScoreSheetAlreadySealed", {"tenderId": tender_hex, "member": member.address}
            )
        score_sheets.save(sessions, settings, tender_bytes, member.address, sheet)

    call = CallWithBeforeSend(
        tenders, "sealScoreSheet", [tender_bytes, sealed], member.signer, before_send=before_send
    )

    def outcome(confirmed) -> dict:
        event = event_args(tenders, "ScoreSheetSealed", confirmed)
        return {"ocid": ocid, "member": event["member"], "sealedSheet": event["sealedSheet"]}

    fingerprinted = {"ocid": ocid, "sheet": keyed_fingerprint(settings, body.model_dump())}
    return write(fingerprinted, call, outcome, 201)


@router.post(
    "/{ocid}/score-sheets/open",
    response_model=ScoreSheetOpened,
    responses=FORBIDDEN_403,
    summary="Open the calling member's sealed score sheet after the reveal deadline (a Pokja member)",
)
def open_score_sheet(
    request: Request,
    ocid: Ocid,
    principal: Officer,
    chain: ChainDep,
    signers: SignersDep,
    settings: SettingsDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    member = officers.pokja_member(chain, signers, principal, ocid)
    tender_bytes = tender_id(ocid)
    sealed = reads.sealed_sheet_of(chain, ocid, member.address)
    if sealed is None:
        raise ChainRevert(
            "TenderScoreSheetNotSealed", {"tenderId": _hex(tender_bytes), "member": member.address}
        )
    sheet = score_sheets.find(sessions, settings, tender_bytes, member.address, sealed)
    if sheet is None:
        raise ApiError(
            409,
            "score_sheet_missing",
            detail=f"the gateway holds no score sheet of {member.address} matching the one sealed on chain",
        )
    args = [tender_bytes, list(sheet.supplier_ids), list(sheet.scores_bps), sheet.salt]
    tenders = chain.contract("Tenders")
    # The scores reach the node only after the reveal deadline, when the contract takes them.
    call = CallWithBeforeSend(
        tenders, "openScoreSheet", args, member.signer, before_send=lambda: reads.reveal_over(chain, ocid)
    )

    def outcome(confirmed) -> dict:
        event = event_args(tenders, "ScoreSheetOpened", confirmed)
        return {"ocid": ocid, **{k: event[k] for k in ("member", "supplierIds", "scoresBps")}}

    return write({"ocid": ocid, "member": member.address}, call, outcome)


# ------------------------------------------------------------------------------------ evaluation acts


@router.post(
    "/{ocid}/bids/{supplier_id}/non-compliance",
    response_model=BidDeclaredNonCompliant,
    responses=FORBIDDEN_403,
    summary="Declare an opened bid non-compliant (gugur) with its reason, before evaluation (a Pokja member)",
)
def declare_non_compliant(
    request: Request,
    ocid: Ocid,
    supplier_id: SupplierIdPath,
    body: NonComplianceDeclaration,
    principal: Officer,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    member = officers.pokja_member(chain, signers, principal, ocid)
    args = [tender_id(ocid), supplier_id, NON_COMPLIANCE.code(body.reason), body.evidenceHash]
    tenders = chain.contract("Tenders")
    call = Call(tenders, "declareNonCompliant", args, member.signer)

    def outcome(confirmed) -> dict:
        event = event_args(tenders, "BidDeclaredNonCompliant", confirmed)
        return {
            "ocid": ocid,
            "supplierId": event["supplierId"],
            "reason": NON_COMPLIANCE.word(event["reason"]),
            "officer": event["officer"],
            "evidenceHash": event["evidenceHash"],
        }

    return write({"supplierId": supplier_id, **body.model_dump()}, call, outcome)


@router.post(
    "/{ocid}/bids/{supplier_id}/preference-withdrawal",
    response_model=PreferenceWithdrawn,
    responses=FORBIDDEN_403,
    summary="Withdraw an opened bid's domestic preference, before evaluation (a Pokja member)",
)
def withdraw_preference(
    request: Request,
    ocid: Ocid,
    supplier_id: SupplierIdPath,
    body: PreferenceWithdrawal,
    principal: Officer,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    member = officers.pokja_member(chain, signers, principal, ocid)
    tenders = chain.contract("Tenders")
    call = Call(
        tenders, "withdrawPreference", [tender_id(ocid), supplier_id, body.evidenceHash], member.signer
    )

    def outcome(confirmed) -> dict:
        event = event_args(tenders, "PreferenceWithdrawn", confirmed)
        # the bid's HEA is its price from here on (read at the transaction's block)
        raw = tenders.functions.getBid(tender_id(ocid), supplier_id).call(
            block_identifier=confirmed.block_number
        )
        return {
            "ocid": ocid,
            "supplierId": event["supplierId"],
            "officer": event["officer"],
            "evidenceHash": event["evidenceHash"],
            "hea": raw[2],  # ITenders.Bid.hea
        }

    return write({"supplierId": supplier_id, **body.model_dump()}, call, outcome)


# ------------------------------------------------------------------------------------ appeals


@router.post(
    "/{ocid}/objections/{objection_id}/appeal/answer",
    response_model=TenderAppealAnswered,
    responses={
        403: {
            "description": "A Pokja member (`TenderAppealByPokja`), no key of the calling officer "
            "(`officer_key_unavailable`), no officer named (`officer_claim_missing`) or none in the "
            "directory (`official_not_registered`)"
        }
    },
    summary="Answer an appeal (sanggah banding): the KPA, an officer of the agency outside the Pokja",
)
def answer_appeal(
    request: Request,
    ocid: Ocid,
    objection_id: ObjectionId,
    body: ObjectionAnswer,
    principal: Officer,
    chain: ChainDep,
    signers: SignersDep,
    write: WriterDep,
):
    kpa = officers.kpa(chain, signers, principal, ocid)
    args = [tender_id(ocid), objection_id, OBJECTION.code(body.outcome), body.responseHash]
    tenders = chain.contract("Tenders")
    call = Call(tenders, "resolveAppeal", args, kpa.signer)

    def outcome(confirmed) -> dict:
        event = event_args(tenders, "AppealResolved", confirmed)
        return {
            "ocid": ocid,
            "objectionId": event["objectionId"],
            "outcome": OBJECTION.word(event["outcome"]),
            "officer": event["officer"],
            "bondClaimed": event["bondClaimed"],
        }

    return write(body.model_dump(), call, outcome)


def appeal_filed(tenders, ocid: str):
    """The answer to a filed appeal, from its AppealFiled event."""

    def outcome(confirmed) -> dict:
        event = event_args(tenders, "AppealFiled", confirmed)
        return {"ocid": ocid, **{k: event[k] for k in ("objectionId", "supplierId", "bondRef", "bond")}}

    return outcome
