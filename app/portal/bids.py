"""A supplier's own sealed bid from the portal, sealed and signed in its browser, and its opening.

- `GET /portal/tenders/{ocid}/bid`: before the bid deadline, the bid form with what the browser
  needs to seal and sign a commit: the Pokja's envelope keys (Tenders.pokjaOf, in Pokja order) and
  quorum, the sealed bid it replaces (zero for the first), the chain id, the Tenders contract, the
  tender id, the nonce and a deadline. The browser draws the salt, computes the commitment, seals
  the opening in an envelope for the Pokja (app/portal/static/js/bid.js), keeps the opening in the
  browser (and offers it as a file) and sends the commitment, the envelope and the signature only:
  the gateway never sees the price before the opening window. In the opening window, the same page
  opens the bid: the browser signs RevealBid over its kept opening and sends the opening.
- `POST /portal/tenders/{ocid}/bid` and `POST /portal/tenders/{ocid}/opening` (JSON, the API's
  SignedCommit and SignedReveal): relayed as the API's `POST /tenders/{ocid}/bids/commitments` and
  `/bids/reveals` relay them (app/portal/relay.py); a reveal outside the opening window is refused
  before the opening leaves the gateway, as there."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from web3 import Web3

from app.api.deps import ChainDep, ReadSessionsDep
from app.explorer import queries
from app.ledger.clock import chain_now
from app.portal import signin
from app.portal.pages import render
from app.portal.relay import SIGNATURE_SECONDS, SignedActDep, registered_account, sign_in_first
from app.protocol.bids import tender_id
from app.tenders import reads
from app.tenders.reads import Ocid
from app.tenders.routes import relay_commit, relay_reveal
from app.tenders.schemas import SignedCommit, SignedReveal

router = APIRouter(prefix="/portal", tags=["portal"], include_in_schema=False)

COMMIT, REVEAL = "commit", "reveal"


def stage_of(data: dict, now: int) -> str | None:
    """What the supplier may do now: commit (before the bid deadline), reveal (in the opening
    window), or nothing."""
    if data["status"] != reads.OPEN:
        return None
    if now < data["commitDeadline"]:
        return COMMIT
    return REVEAL if now < data["revealDeadline"] else None


@router.get("/tenders/{ocid}/bid", response_class=HTMLResponse)
def bid_page(ocid: Ocid, request: Request, sessions: ReadSessionsDep, chain: ChainDep) -> Response:
    supplier = signin.signed_in(request)
    if supplier is None:
        return sign_in_first(request)
    with sessions() as session:
        view = queries.tender(session, ocid)
    if view is None:
        return render(request, "not_found.html", status=404)
    account = registered_account(chain, supplier.supplier)
    data = reads.tender(chain, ocid)
    now = chain_now(chain)
    stage = stage_of(data, now)
    tenders = chain.contract("Tenders")
    bid = reads.bid(chain, ocid, supplier.supplier)
    signing = None
    if account is not None and stage is not None and data["pokjaQuorum"]:
        signing = {
            "stage": stage,
            "chain-id": chain.manifest.chain_id,
            "verifying-contract": tenders.address,
            "tender-id": "0x" + tender_id(ocid).hex(),
            "account": account,
            "nonce": tenders.functions.nonces(account).call(),
            "deadline": now + SIGNATURE_SECONDS,
        }
        if stage == COMMIT:
            _members, keys = reads.pokja(chain, ocid)
            signing |= {
                "pokja-keys": json.dumps(["0x" + k.hex() for k in keys]),
                "quorum": data["pokjaQuorum"],
                "replaces": Web3.to_hex(bid["sealedBid"]),
                "post": request.url.path,
            }
        elif bid["sealedBid"] != bytes(32) and bid["status"] == reads.SEALED:
            latest = reads.commits(chain, ocid, supplier.supplier)[-1]  # the sealed bid on chain now
            signing |= {
                "commit-seq": latest["commitSeq"],
                "commitment": Web3.to_hex(latest["commitment"]),
                "post": f"/portal/tenders/{ocid}/opening",
            }
        else:
            signing = None  # nothing of this supplier's to open
    return render(
        request,
        "bid.html",
        view=view,
        account=account,
        signing=signing,
        has_bid=bid["sealedBid"] != bytes(32),
        supplier_id=supplier.supplier,
        with_keys=signing is not None,
    )


@router.post("/tenders/{ocid}/bid", status_code=201)
def relay_own_commit(ocid: Ocid, request: Request, body: SignedCommit, act: SignedActDep, chain: ChainDep):
    return relay_commit(request, ocid, body, act.supplier, chain, act.write)


@router.post("/tenders/{ocid}/opening", status_code=201)
def relay_own_reveal(ocid: Ocid, request: Request, body: SignedReveal, act: SignedActDep, chain: ChainDep):
    return relay_reveal(request, ocid, body, act.supplier, chain, act.write)
