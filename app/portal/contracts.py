"""The winning supplier's contract (the tender's milestone escrow) in the portal: its terms, each
milestone with its attestations, penalty and payment, the advance and the retention, and, while the
contract awaits it, the countersignature of its terms signed in the browser.

- `GET /portal/tenders/{ocid}/contract`: the signed-in supplier's own contract (the escrow id is the
  tender id); another supplier's is the not-found page here (every contract is public in the
  explorer). While the escrow awaits its countersignature the page carries what the browser signs:
  the chain id, the escrow contract, the escrow id, the terms hash, the nonce and a deadline.
- `POST /portal/tenders/{ocid}/contract/countersignature` (JSON, the API's Countersignature):
  relayed as the API's `POST /escrows/{id}/countersignature` relays it (app/portal/relay.py).

The page shows the terms hash the chain holds; a supplier that wants to be sure of what it signs
recomputes it from the terms it agreed to (a gap: the portal does not yet show the terms' text)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.api.deps import ChainDep
from app.escrows import views
from app.escrows.routes import relay_countersignature
from app.escrows.schemas import Countersignature
from app.portal import signin
from app.portal.pages import render
from app.portal.relay import SIGNATURE_SECONDS, SignedActDep, sign_in_first
from app.protocol.bids import tender_id
from app.tenders.reads import Ocid, chain_now

router = APIRouter(prefix="/portal", tags=["portal"], include_in_schema=False)

AWAITING = "awaiting_countersign"


def escrow_id(ocid: str) -> str:
    return "0x" + tender_id(ocid).hex()


@router.get("/tenders/{ocid}/contract", response_class=HTMLResponse)
def contract_page(ocid: Ocid, request: Request, chain: ChainDep) -> Response:
    supplier = signin.signed_in(request)
    if supplier is None:
        return sign_in_first(request)
    view = views.escrow_view(chain, escrow_id(ocid))
    if view is None or view["supplierId"] != supplier.supplier:
        return render(request, "not_found.html", status=404)
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
