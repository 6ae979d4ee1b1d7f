"""What every act a signed-in supplier signs in its browser shares on its way to the ledger: the
session's supplier, the check that the post is the portal's own page's fetch, and the write path.

The key is made or imported, kept encrypted and used in the browser (app/portal/static/js); the
gateway receives an address and signatures, never a key or a password. Each act is relayed exactly
as the API relays it (app/tenders/routes.py, app/escrows/routes.py), with the session's supplier as
the caller: a signature by any key but the supplier's registered one is refused there, and the
contract decides who may act and until when.

A cookie session makes a POST a cross-site request forgery target; it is refused unless it is a
same-origin fetch (Sec-Fetch-Site, or Origin, when the browser sends them; one of them always is by
the browsers the portal supports) carrying an Idempotency-Key header, which no form can send."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Header, Request
from fastapi.responses import RedirectResponse

from app.api.errors import ApiError
from app.api.writes import IDEMPOTENCY_KEY, Writer
from app.auth.tokens import Principal
from app.ledger.idempotency import MAX_KEY_LENGTH
from app.ledger.view_calls import named
from app.portal import signin

SIGNATURE_SECONDS = 600  # how long a signature a page asks for stays valid


def sign_in_first(request: Request) -> RedirectResponse:
    return RedirectResponse("/portal/sign-in?" + urlencode({"next": request.url.path}), status_code=303)


def registered_account(chain, supplier_id: int) -> str | None:
    """The account the registry accepts signatures of for this supplier (None: not registered)."""
    registry = chain.contract("SupplierRegistry")
    if supplier_id > registry.functions.supplierCount().call():
        return None
    return named(registry, "getSupplier", registry.functions.getSupplier(supplier_id).call())["account"]


@dataclass(frozen=True)
class SignedAct:
    """A signed act's caller (the session's supplier) and its handle on the write path."""

    supplier: Principal
    write: Writer


def signed_act(
    request: Request,
    idempotency_key: Annotated[str | None, Header(alias=IDEMPOTENCY_KEY, max_length=MAX_KEY_LENGTH)] = None,
    sec_fetch_site: Annotated[str | None, Header()] = None,
    origin: Annotated[str | None, Header()] = None,
) -> SignedAct:
    supplier = signin.signed_in(request)
    if supplier is None:
        raise ApiError(401, "portal_signed_out", detail="sign in to the portal again, then send it once more")
    own = f"{request.url.scheme}://{request.url.netloc}"
    foreign = sec_fetch_site not in (None, "same-origin") or origin not in (None, own)
    if foreign or (sec_fetch_site is None and origin is None):
        raise ApiError(403, "portal_cross_site", detail="signed acts come from the portal's own pages only")
    if not idempotency_key:
        raise ApiError(400, "idempotency_key_required")
    write = Writer(request.app.state.writes, supplier.key, "POST", request.url.path, idempotency_key)
    return SignedAct(supplier, write)


SignedActDep = Annotated[SignedAct, Depends(signed_act)]
