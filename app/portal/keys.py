"""The key page (`GET /portal/key`): the supplier's signing key made, imported, backed up and kept
encrypted in its browser (app/portal/static/js/key-page.js); the page shows the account the
registry holds for the signed-in supplier, so the browser can tell whether its key is the one the
chain accepts. Nothing the page does is sent to the gateway."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.api.deps import ChainDep
from app.portal import signin
from app.portal.pages import render
from app.portal.relay import registered_account, sign_in_first

router = APIRouter(prefix="/portal", tags=["portal"], include_in_schema=False)


@router.get("/key", response_class=HTMLResponse)
def key_page(request: Request, chain: ChainDep) -> Response:
    supplier = signin.signed_in(request)
    if supplier is None:
        return sign_in_first(request)
    account = registered_account(chain, supplier.supplier)
    return render(request, "key.html", supplier_id=supplier.supplier, account=account, with_keys=True)
