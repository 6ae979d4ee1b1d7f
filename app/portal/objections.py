"""A losing bidder's objection (sanggah), signed in its browser and relayed by the portal.

- `GET /portal/tenders/{ocid}/sanggah`: the form, with what the browser signs beside the evidence
  hash it computes from the letter: the chain id, the Tenders contract, the tender id, the account's
  nonce (Tenders.nonces) and a deadline ten minutes ahead of the chain. Only a bidder the award
  proposal did not name gets it, within the objection period (app/portal/my_tenders.py).
- `POST /portal/tenders/{ocid}/sanggah` (JSON, the API's SignedObjection): relayed as the API's
  `POST /tenders/{ocid}/objections` relays it (app/portal/relay.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.api.deps import ChainDep, ReadSessionsDep
from app.explorer import queries
from app.ledger.clock import chain_now
from app.portal import my_tenders, search, signin
from app.portal.pages import render
from app.portal.relay import SIGNATURE_SECONDS, SignedActDep, registered_account, sign_in_first
from app.protocol.bids import tender_id
from app.tenders.reads import Ocid
from app.tenders.routes import relay_objection
from app.tenders.schemas import SignedObjection

router = APIRouter(prefix="/portal", tags=["portal"], include_in_schema=False)


@router.get("/tenders/{ocid}/sanggah", response_class=HTMLResponse)
def objection_page(ocid: Ocid, request: Request, sessions: ReadSessionsDep, chain: ChainDep) -> Response:
    supplier = signin.signed_in(request)
    if supplier is None:
        return sign_in_first(request)
    with sessions() as session:
        view = queries.tender(session, ocid)
        at = search.now(session)
        mine = next(
            (m for m in my_tenders.my_tenders(session, supplier.supplier, at) if m.view.ocid == ocid), None
        )
    if view is None:
        return render(request, "not_found.html", status=404)
    account = registered_account(chain, supplier.supplier)
    tenders = chain.contract("Tenders")
    signing = None
    if mine is not None and mine.action == "may_object" and account is not None:
        signing = {
            "chain-id": chain.manifest.chain_id,
            "verifying-contract": tenders.address,
            "tender-id": "0x" + tender_id(ocid).hex(),
            "account": account,
            "nonce": tenders.functions.nonces(account).call(),
            "deadline": chain_now(chain) + SIGNATURE_SECONDS,
            "post": request.url.path,
        }
    return render(
        request,
        "sanggah.html",
        view=view,
        mine=mine,
        now=at,
        account=account,
        signing=signing,
        supplier_id=supplier.supplier,
        with_keys=signing is not None,
    )


@router.post("/tenders/{ocid}/sanggah", status_code=201)
def relay_own_objection(
    ocid: Ocid, request: Request, body: SignedObjection, act: SignedActDep, chain: ChainDep
):
    return relay_objection(request, ocid, body, act.supplier, chain, act.write)
