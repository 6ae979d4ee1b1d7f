"""E-Purchasing from the electronic catalogue (e-Katalog).

LKPP imports a catalogue snapshot (`terang catalogue import <file>` posts it here): the gateway
builds the snapshot's Merkle tree (app/protocol/catalogue.py), publishes its root on chain signed with
the LKPP official's own key and keeps the products to list them and to prove each order. An agency
officer then orders a product by its code: the gateway takes the price, TKDN and provider from the
stored snapshot and sends the order with the product's proof; the chain checks the proof, the
officer's agency and the provider. Refused here first, each with a stable code: an unknown product
(404 `product_not_in_catalogue`), a price other than the catalogue's (409 `price_mismatch`), another
agency's order (403 `wrong_agency`), no catalogue yet (409 `catalogue_not_published`). Every order
cites its agency's RUP package planned for E-Purchasing (`rupCode`), whose pagu bounds the package's
orders together (app/plans/checks.py checked_order: rup_unknown, rup_not_anchored, rup_not_announced,
rup_other_agency, rup_not_e_purchasing, order_above_pagu, rup_pagu_exhausted)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from web3 import Web3

from app.api.deps import ChainDep, ReadSessionsDep, SessionsDep, require_roles
from app.api.errors import ApiError
from app.api.writes import Call, WriterDep
from app.auth.tokens import Principal
from app.catalogue import models
from app.catalogue.schemas import (
    CATEGORY,
    CatalogueProductPage,
    CataloguePublished,
    CatalogueSnapshotIn,
    OrderIn,
    OrderPlaced,
)
from app.ledger.events import event_args
from app.officials.keys import signer_of
from app.plans import checks as plan_checks
from app.protocol.bids import tender_id
from app.protocol.catalogue import CatalogueTree, Listing, product_id_of
from app.tenders import reads
from app.tenders.ocid_prefix import check_ocid_not_archived, check_ocid_prefix

router = APIRouter(prefix="/catalogue", tags=["catalogue"])
Publisher = Annotated[Principal, Depends(require_roles("CATALOGUE_PUBLISHER"))]
Officer = Annotated[Principal, Depends(require_roles("AGENCY_OFFICER"))]


def listing_of(product: models.CatalogueProduct) -> Listing:
    return Listing(
        product_id=bytes.fromhex(product.product_id[2:]),
        supplier_id=product.supplier_id,
        unit_price=product.unit_price,
        tkdn_bps=product.tkdn_bps,
        category=product.category,
        name=product.name,
    )


def snapshot_hash(body: CatalogueSnapshotIn) -> bytes:
    """keccak-256 of the snapshot as published (canonical JSON: sorted keys, no spaces)."""
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return Web3.keccak(text=canonical)


@router.post(
    "/snapshots",
    status_code=201,
    response_model=CataloguePublished,
    summary="Import an e-Katalog snapshot and publish its Merkle root (LKPP catalogue publisher)",
)
def publish(
    request: Request,
    body: CatalogueSnapshotIn,
    principal: Publisher,
    chain: ChainDep,
    sessions: SessionsDep,
    write: WriterDep,
):
    codes = [p.code for p in body.products]
    if len(set(codes)) != len(codes):
        raise ApiError(422, "catalogue_invalid", detail="a product code is listed more than once")
    catalogue_id = int(chain.read("EPurchasing", "currentCatalogue")) + 1
    rows = [
        models.CatalogueProduct(
            catalogue_id=catalogue_id,
            code=p.code,
            product_id=Web3.to_hex(product_id_of(p.code)),
            supplier_id=p.supplierId,
            unit_price=p.unitPrice,
            tkdn_bps=p.tkdnBps,
            category=CATEGORY.code(p.category),
            name=p.name,
        )
        for p in body.products
    ]
    tree = CatalogueTree(catalogue_id, [listing_of(r) for r in rows])
    metadata = snapshot_hash(body)
    epurchasing = chain.contract("EPurchasing")
    call = Call(
        epurchasing, "publishCatalogue", [tree.root, len(rows), metadata], signer_of(request, principal)
    )

    def outcome(confirmed) -> dict:
        event = event_args(epurchasing, "CataloguePublished", confirmed)
        if event["catalogueId"] != catalogue_id:
            # Published meanwhile by another: this root was built for the id it expected.
            raise ApiError(
                409, "catalogue_superseded", detail=f"published as catalogue {event['catalogueId']}"
            )
        with sessions.begin() as session:
            session.add(
                models.CatalogueSnapshot(
                    catalogue_id=catalogue_id,
                    root=Web3.to_hex(tree.root),
                    metadata_hash=Web3.to_hex(metadata),
                    products=len(rows),
                    publisher=event["publisher"],
                )
            )
            session.flush()
            session.add_all(rows)
        return {
            "catalogueId": catalogue_id,
            "root": Web3.to_hex(tree.root),
            "products": len(rows),
            "metadataHash": Web3.to_hex(metadata),
        }

    return write(body.model_dump(mode="json"), call, outcome, 201)


@router.get(
    "/products", response_model=CatalogueProductPage, summary="The products of the catalogue in force"
)
def products(
    sessions: ReadSessionsDep,
    offset: Annotated[int, Query(ge=0, le=10**6)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    supplierId: Annotated[int | None, Query(ge=1, lt=2**64)] = None,  # noqa: N803 (the API's name)
):
    with sessions() as session:
        snapshot = models.current(session)
        if snapshot is None:
            return {"catalogueId": None, "total": 0, "offset": offset, "limit": limit, "items": []}
        listed = models.products_of(session, snapshot.catalogue_id)
    if supplierId is not None:
        listed = [p for p in listed if p.supplier_id == supplierId]
    return {
        "catalogueId": snapshot.catalogue_id,
        "total": len(listed),
        "offset": offset,
        "limit": limit,
        "items": [
            {
                "catalogueId": p.catalogue_id,
                "code": p.code,
                "productId": p.product_id,
                "supplierId": p.supplier_id,
                "unitPrice": p.unit_price,
                "tkdnBps": p.tkdn_bps,
                "category": CATEGORY.word(p.category),
                "name": p.name,
            }
            for p in listed[offset : offset + limit]
        ],
    }


def planned_order(request: Request, chain, body: OrderIn, value: int) -> None:
    """The order's RUP package (E-Purchasing, the agency's, announced, within its pagu with the
    package's other orders), reserved in the same transaction (app/plans/checks.py). An ocid the
    chain already holds keeps its reservation as it is: the write path replays that order's answer or
    the chain refuses the ocid, and a second request with a smaller quantity cannot shrink the
    reservation of a placed order to free its package's pagu."""
    if not request.app.state.settings.plan_check_enabled:  # local or test only
        return
    if _on_chain(chain, body.ocid):
        return
    with request.app.state.sessions.begin() as session:
        fields = {"ocid": body.ocid, "kd_rup": body.rupCode, "agency_id": body.agencyId, "value": value}
        version = plan_checks.checked_order(session, **fields)
        plan_checks.reserve_order(session, ocid=body.ocid, version=version, value=value)


# The tree of the catalogue in force, by (id, root): a snapshot's products never change once stored,
# and building the tree of 5,000 products took 0.27 to 0.46 s, too much to repeat for every order.
_TREES: dict[tuple[int, str], CatalogueTree] = {}


def tree_of(snapshot: models.CatalogueSnapshot, listed: list[models.CatalogueProduct]) -> CatalogueTree:
    key = (snapshot.catalogue_id, snapshot.root)
    tree = _TREES.get(key)
    if tree is None:
        tree = CatalogueTree(snapshot.catalogue_id, [listing_of(p) for p in listed])
        _TREES.clear()  # only the latest catalogue takes orders
        _TREES[key] = tree
    return tree


def _on_chain(chain, ocid: str) -> bool:
    try:
        reads.tender(chain, ocid)
    except ApiError:  # 404: no tender or order under this ocid
        return False
    return True


@router.post(
    "/orders",
    status_code=201,
    response_model=OrderPlaced,
    summary="Order a catalogue product (officer of the ordering agency)",
)
def order(
    request: Request,
    body: OrderIn,
    principal: Officer,
    chain: ChainDep,
    sessions: ReadSessionsDep,
    write: WriterDep,
):
    check_ocid_prefix(request.app.state.settings, body.ocid)  # published as OCDS
    check_ocid_not_archived(sessions, body.ocid)
    signer = signer_of(request, principal, body.agencyId)  # 403 wrong_agency for another agency
    with sessions() as session:
        snapshot = models.current(session)
        if snapshot is None:
            raise ApiError(409, "catalogue_not_published")
        listed = models.products_of(session, snapshot.catalogue_id)
    product = next((p for p in listed if p.code == body.productCode), None)
    if product is None:
        raise ApiError(
            404,
            "product_not_in_catalogue",
            detail=f"catalogue {snapshot.catalogue_id} lists no product {body.productCode}",
        )
    if body.unitPrice != product.unit_price:
        raise ApiError(
            409,
            "price_mismatch",
            detail=f"{body.productCode} is listed at {product.unit_price} rupiah, not {body.unitPrice}",
        )
    listing = listing_of(product)
    proof = tree_of(snapshot, listed).proof(listing)
    planned_order(request, chain, body, product.unit_price * body.quantity)
    args = (
        body.ocid,
        body.agencyId,
        snapshot.catalogue_id,
        listing.product_id,
        listing.supplier_id,
        listing.unit_price,
        listing.tkdn_bps,
        listing.category,
        body.quantity,
        listing.name,
        body.documentHash,
    )
    epurchasing = chain.contract("EPurchasing")
    call = Call(epurchasing, "placeOrder", [args, proof], signer)

    def outcome(confirmed) -> dict:
        event = event_args(epurchasing, "OrderPlaced", confirmed)
        return {
            "ocid": body.ocid,
            "tenderId": Web3.to_hex(tender_id(body.ocid)),
            "catalogueId": event["catalogueId"],
            "productCode": body.productCode,
            "supplierId": event["supplierId"],
            "unitPrice": event["unitPrice"],
            "quantity": event["quantity"],
            "value": event["value"],
            "tkdnBps": event["tkdnBps"],
        }

    return write(body.model_dump(mode="json"), call, outcome, 201)
