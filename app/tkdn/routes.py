"""TKDN certificates of products (Kemenperin's list), recorded by the TKDN certifier role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from web3 import Web3

from app.api.deps import ChainDep, require_roles
from app.api.errors import ApiError
from app.api.writes import Call, WriterDep
from app.auth.tokens import Principal
from app.ledger.view_calls import named
from app.tkdn.schemas import BYTES32, Certificate, CertificateRecorded, Certification

router = APIRouter(prefix="/tkdn/certificates", tags=["tkdn"])
Certifier = Annotated[Principal, Depends(require_roles("TKDN_CERTIFIER"))]
ProductId = Annotated[str, Path(pattern=BYTES32, description="keccak256 of the catalogue product code")]


@router.post(
    "",
    status_code=201,
    response_model=CertificateRecorded,
    summary="Record a product's TKDN certificate (TKDN certifier)",
)
def certify(request: Request, body: Certification, principal: Certifier, chain: ChainDep, write: WriterDep):
    registry = chain.contract("TkdnRegistry")
    call = Call(
        registry,
        "certifyProduct",
        [body.productId, body.tkdnBps, body.bmpBps, body.validUntil, body.certificateHash],
        "role:TKDN_CERTIFIER",
    )
    return write(body.model_dump(), call, lambda c: body.model_dump(), 201)


@router.get("/{product_id}", response_model=Certificate, summary="A product's recorded certificate")
def certificate(product_id: ProductId, chain: ChainDep):
    registry = chain.contract("TkdnRegistry")
    stored = named(registry, "certificateOf", registry.functions.certificateOf(product_id).call())
    fields = ("tkdnBps", "bmpBps", "validUntil", "revoked", "certifier", "certificateHash")
    tkdn, bmp, valid_until, revoked, certifier, document = (stored[field] for field in fields)
    if certifier == "0x0000000000000000000000000000000000000000":
        raise ApiError(404, "not_found", detail=f"no certificate for product {product_id}")
    return {
        "productId": product_id,
        "tkdnBps": tkdn,
        "bmpBps": bmp,
        "validUntil": valid_until,
        "revoked": revoked,
        "certifier": certifier,
        "certificateHash": Web3.to_hex(document),
    }
