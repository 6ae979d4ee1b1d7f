"""The key page (`GET /portal/key`): the supplier's signing key made, imported, backed up and kept
encrypted in its browser (app/portal/static/js/key-page.js); the page shows the account the
registry holds for the signed-in supplier, so the browser can tell whether its key is the one the
chain accepts. Making, importing and backing up a key sends nothing to the gateway.

Changing the registered key (`POST /portal/key/rotation`, JSON, the API's KeyRotation): the browser
makes the new key, offers its encrypted backup, and signs RotateKey with the registered key and the
new one; the portal relays the two signatures as the API's `POST /suppliers/{id}/key-rotation`
relays them (app/suppliers/key_rotation.py). The page carries what both sign: the chain id, the
registry, the registered key's nonce and a deadline."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.api.deps import ChainDep
from app.ledger.clock import chain_now
from app.portal import signin
from app.portal.pages import render
from app.portal.relay import SIGNATURE_SECONDS, SignedActDep, registered_account, sign_in_first
from app.suppliers.key_rotation import relay_key_rotation
from app.suppliers.schemas import KeyRotation

router = APIRouter(prefix="/portal", tags=["portal"], include_in_schema=False)


@router.get("/key", response_class=HTMLResponse)
def key_page(request: Request, chain: ChainDep) -> Response:
    supplier = signin.signed_in(request)
    if supplier is None:
        return sign_in_first(request)
    account = registered_account(chain, supplier.supplier)
    rotation = None
    if account is not None:
        registry = chain.contract("SupplierRegistry")
        rotation = {
            "chain-id": chain.manifest.chain_id,
            "verifying-contract": registry.address,
            "nonce": registry.functions.nonces(account).call(),
            "deadline": chain_now(chain) + SIGNATURE_SECONDS,
            "post": request.url.path + "/rotation",
        }
    return render(
        request,
        "key.html",
        supplier_id=supplier.supplier,
        account=account,
        rotation=rotation,
        with_keys=True,
    )


@router.post("/key/rotation", status_code=201)
def relay_own_rotation(request: Request, body: KeyRotation, act: SignedActDep, chain: ChainDep):
    return relay_key_rotation(request, act.supplier.supplier, body, act.supplier, chain, act.write)
