"""The winning supplier's contract (the tender's milestone escrow) in the portal: its terms, each
milestone with its attestations, penalty, dispute and payment (with the bank's reference once the
payment bridge sent it: app/payments/references.py), the advance and the retention, and the
supplier's two acts on it, signed in the browser: the countersignature of its terms while the
contract awaits it, and the dispute of a rejection or a penalty.

- `GET /portal/tenders/{ocid}/contract`: the signed-in supplier's own contract (the escrow id is the
  tender id); another supplier's is the not-found page here (every contract is public in the
  explorer). While the escrow awaits its countersignature the page carries what the browser signs:
  the chain id, the escrow contract, the escrow id, the terms hash, the nonce and a deadline.
- `POST /portal/tenders/{ocid}/contract/countersignature` (JSON, the API's Countersignature):
  relayed as the API's `POST /escrows/{id}/countersignature` relays it (app/portal/relay.py).
- `GET /portal/tenders/{ocid}/contract/milestones/{index}/dispute`: the dispute of a rejected
  milestone, or of the penalty of an approved one (once), with what the browser signs beside the
  hash of the evidence it computes: the chain id, the escrow contract, the escrow id, the milestone,
  the supplier's escrow nonce and a deadline. There is no window on chain: a rejection stays
  disputable while it stands.
- `POST /portal/tenders/{ocid}/contract/milestones/{index}/dispute` (JSON, the API's
  DisputeSignature): relayed as the API's `POST /escrows/{id}/milestones/{index}/dispute` relays it.

The page shows the terms hash the chain holds; a supplier that wants to be sure of what it signs
recomputes it from the terms it agreed to (a gap: the portal does not yet show the terms' text)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.api.deps import ChainDep, ReadSessionsDep
from app.escrows import views
from app.escrows.routes import Index, relay_countersignature, relay_dispute
from app.escrows.schemas import Countersignature, DisputeSignature
from app.ledger.clock import chain_now
from app.payments.references import provider_references
from app.portal import signin
from app.portal.pages import render
from app.portal.relay import SIGNATURE_SECONDS, SignedActDep, sign_in_first
from app.protocol.bids import tender_id
from app.tenders.reads import Ocid

router = APIRouter(prefix="/portal", tags=["portal"], include_in_schema=False)

AWAITING = "awaiting_countersign"


def escrow_id(ocid: str) -> str:
    return "0x" + tender_id(ocid).hex()


def own_contract(chain, ocid: str, supplier: int) -> dict | None:
    """The escrow view of the tender's contract when `supplier` holds it, else None."""
    view = views.escrow_view(chain, escrow_id(ocid))
    return view if view is not None and view["supplierId"] == supplier else None


@router.get("/tenders/{ocid}/contract", response_class=HTMLResponse)
def contract_page(ocid: Ocid, request: Request, chain: ChainDep, sessions: ReadSessionsDep) -> Response:
    supplier = signin.signed_in(request)
    if supplier is None:
        return sign_in_first(request)
    view = own_contract(chain, ocid, supplier.supplier)
    if view is None:
        return render(request, "not_found.html", status=404)
    payments = [m["payment"] for m in view["milestones"]] + [view["advancePayment"], view["retentionPayment"]]
    with sessions() as session:  # the payout id on the supplier's bank statement, once the bridge sent it
        references = provider_references(session, [p["paymentId"] for p in payments if p])
    for payment in payments:
        if payment:
            payment["providerReference"] = references.get(payment["paymentId"].lower())
    for milestone in view["milestones"]:
        milestone["disputable"] = views.disputable(view["status"], milestone)
    signing = None
    if view["status"] == AWAITING:
        signing = {
            "chain-id": chain.manifest.chain_id,
            "verifying-contract": view["contractAddress"],
            "escrow-id": view["escrowId"],
            "terms-hash": view["termsHash"],
            "account": view["supplierAccount"],
            "nonce": view["countersignNonce"],
            "deadline": chain_now(chain) + SIGNATURE_SECONDS,
            "post": request.url.path + "/countersignature",
        }
    return render(
        request,
        "contract.html",
        ocid=ocid,
        escrow=view,
        signing=signing,
        supplier_id=supplier.supplier,
        with_keys=signing is not None,
    )


@router.post("/tenders/{ocid}/contract/countersignature", status_code=201)
def relay_own_countersignature(
    ocid: Ocid, request: Request, body: Countersignature, act: SignedActDep, chain: ChainDep
):
    return relay_countersignature(request, escrow_id(ocid), body, act.supplier, chain, act.write)


@router.get("/tenders/{ocid}/contract/milestones/{index}/dispute", response_class=HTMLResponse)
def dispute_page(ocid: Ocid, index: Index, request: Request, chain: ChainDep) -> Response:
    supplier = signin.signed_in(request)
    if supplier is None:
        return sign_in_first(request)
    view = own_contract(chain, ocid, supplier.supplier)
    if view is None or index >= len(view["milestones"]):
        return render(request, "not_found.html", status=404)
    milestone = view["milestones"][index]
    kind = views.disputable(view["status"], milestone)
    signing = None
    if kind is not None:
        account = view["supplierAccount"]
        escrow = views.holding_contract(chain, view)
        signing = {
            "chain-id": chain.manifest.chain_id,
            "verifying-contract": view["contractAddress"],
            "escrow-id": view["escrowId"],
            "index": index,
            "account": account,
            "nonce": escrow.functions.nonces(account).call(),
            "deadline": chain_now(chain) + SIGNATURE_SECONDS,
            "post": request.url.path,
        }
    return render(
        request,
        "dispute.html",
        ocid=ocid,
        escrow=view,
        milestone=milestone,
        kind=kind,
        signing=signing,
        supplier_id=supplier.supplier,
        with_keys=signing is not None,
    )


@router.post("/tenders/{ocid}/contract/milestones/{index}/dispute", status_code=201)
def relay_own_dispute(
    ocid: Ocid, index: Index, request: Request, body: DisputeSignature, act: SignedActDep, chain: ChainDep
):
    return relay_dispute(request, escrow_id(ocid), index, body, act.supplier, chain, act.write)
