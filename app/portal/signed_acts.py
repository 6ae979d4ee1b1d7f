"""What a signed-in supplier signs in its own browser, and the portal relays: its key page and its
objection (sanggah). The key is made or imported, kept encrypted and used in the browser
(app/portal/static/js); the gateway receives an address and signatures, never a key or a password.

- `GET /portal/key`: the key page. It shows the account the registry holds for the signed-in
  supplier, so the page can tell whether the browser's key is the one the chain accepts.
- `GET /portal/tenders/{ocid}/sanggah`: the objection form, with what the browser signs beside the
  evidence hash it computes from the letter: the chain id, the Tenders contract, the tender id, the
  account's nonce (Tenders.nonces) and a deadline ten minutes ahead of the chain.
- `POST /portal/tenders/{ocid}/sanggah` (JSON, the API's SignedObjection): relayed exactly as the
  API's `POST /tenders/{ocid}/objections` relays it, with the session's supplier as the caller, so a
  signature by any key but the supplier's registered one is 403 `relay_not_own_supplier` and the
  contract decides who may object and until when.

A cookie session makes the POST a cross-site request forgery target; it is refused unless it is a
same-origin fetch (Sec-Fetch-Site, or Origin, when the browser sends them; one of them always is by
the browsers the portal supports) carrying an Idempotency-Key header, which no form can send."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.api.deps import ChainDep, ReadSessionsDep
from app.api.errors import ApiError
from app.api.writes import IDEMPOTENCY_KEY, Writer
from app.auth.tokens import Principal
from app.explorer import queries
from app.ledger.idempotency import MAX_KEY_LENGTH
from app.ledger.view_calls import named
from app.portal import my_tenders, search, signin
from app.portal.pages import render
from app.protocol.bids import tender_id
from app.tenders.reads import Ocid, chain_now
from app.tenders.routes import relay_objection
from app.tenders.schemas import SignedObjection

SIGNATURE_SECONDS = 600  # how long a signature the page asks for stays valid

router = APIRouter(prefix="/portal", tags=["portal"], include_in_schema=False)


def _sign_in_first(request: Request) -> RedirectResponse:
    return RedirectResponse("/portal/sign-in?" + urlencode({"next": request.url.path}), status_code=303)


def registered_account(chain, supplier_id: int) -> str | None:
    """The account the registry accepts signatures of for this supplier (None: not registered)."""
    registry = chain.contract("SupplierRegistry")
    if supplier_id > registry.functions.supplierCount().call():
        return None
    return named(registry, "getSupplier", registry.functions.getSupplier(supplier_id).call())["account"]


@router.get("/key", response_class=HTMLResponse)
def key_page(request: Request, chain: ChainDep) -> Response:
    supplier = signin.signed_in(request)
    if supplier is None:
        return _sign_in_first(request)
    account = registered_account(chain, supplier.supplier)
    return render(request, "key.html", supplier_id=supplier.supplier, account=account, with_keys=True)


@router.get("/tenders/{ocid}/sanggah", response_class=HTMLResponse)
def objection_page(ocid: Ocid, request: Request, sessions: ReadSessionsDep, chain: ChainDep) -> Response:
    supplier = signin.signed_in(request)
    if supplier is None:
        return _sign_in_first(request)
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
        with_keys=True,
    )


@router.post("/tenders/{ocid}/sanggah", status_code=201)
def relay_own_objection(
    ocid: Ocid,
    request: Request,
    body: SignedObjection,
    chain: ChainDep,
    idempotency_key: Annotated[str | None, Header(alias=IDEMPOTENCY_KEY, max_length=MAX_KEY_LENGTH)] = None,
    sec_fetch_site: Annotated[str | None, Header()] = None,
    origin: Annotated[str | None, Header()] = None,
):
    supplier = _session_supplier(request)
    _same_origin_fetch(request, idempotency_key, sec_fetch_site, origin)
    assert idempotency_key is not None  # checked above
    write = Writer(request.app.state.writes, supplier.key, "POST", request.url.path, idempotency_key)
    return relay_objection(request, ocid, body, supplier, chain, write)


def _session_supplier(request: Request) -> Principal:
    supplier = signin.signed_in(request)
    if supplier is None:
        raise ApiError(401, "portal_signed_out", detail="sign in to the portal again, then send it once more")
    return supplier


def _same_origin_fetch(request: Request, key: str | None, fetch_site: str | None, origin: str | None) -> None:
    own = f"{request.url.scheme}://{request.url.netloc}"
    foreign = (fetch_site is not None and fetch_site != "same-origin") or (
        origin is not None and origin != own
    )
    if foreign or (fetch_site is None and origin is None):
        raise ApiError(
            403, "portal_cross_site", detail="the portal takes signed acts from its own pages only"
        )
    if not key:
        raise ApiError(400, "idempotency_key_required")
