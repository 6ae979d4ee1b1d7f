"""TKDN certificates of products (Kemenperin's list), recorded by the TKDN certifier role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from web3 import Web3

from app.api.deps import ChainDep, require_roles
from app.api.errors import ApiError
from app.api.writes import Call, WriterDep
from app.auth.tokens import Principal
from app.ledger.view_calls import named
from app.officials.keys import signer_of
from app.tkdn.schemas import BYTES32, Certificate, CertificateRecorded, CertificateValidity, Certification

router = APIRouter(prefix="/tkdn/certificates", tags=["tkdn"])
Certifier = Annotated[Principal, Depends(require_roles("TKDN_CERTIFIER"))]
ProductId = Annotated[str, Path(pattern=BYTES32, description="keccak256 of the catalogue product code")]
Version = Annotated[int, Path(ge=1, lt=2**32, description="The certificate's version, 1 for the first")]
At = Annotated[
    int,
    Query(ge=0, lt=2**40, description="The moment asked about (unix time), e.g. a tender's commit deadline"),
]


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
        signer_of(request, principal),
    )
    return write(body.model_dump(), call, lambda c: body.model_dump(), 201)


@router.get(
    "/{product_id}", response_model=Certificate, summary="A product's certificate: its latest version"
)
def certificate(product_id: ProductId, chain: ChainDep):
    return _version(chain, product_id, "certificateOf", product_id)


@router.get(
    "/{product_id}/versions/{version}",
    response_model=Certificate,
    summary="One version of a product's certificate (1 = the first certification)",
)
def certificate_version(product_id: ProductId, version: Version, chain: ChainDep):
    return _version(chain, product_id, "certificateVersion", product_id, version)


@router.get(
    "/{product_id}/validity",
    response_model=CertificateValidity,
    summary="Whether a product's certificate was valid at a moment, and its TKDN then",
)
def certificate_validity(product_id: ProductId, at: At, chain: ChainDep):
    valid, tkdn, tkdn_plus_bmp = chain.read("TkdnRegistry", "certificateAt", product_id, at)
    return {
        "productId": product_id,
        "at": at,
        "valid": valid,
        "tkdnBps": tkdn if valid else None,
        "tkdnPlusBmpBps": tkdn_plus_bmp if valid else None,
    }


def _version(chain, product_id: str, function: str, *args) -> dict:
    stored = named(chain.contract("TkdnRegistry"), function, chain.read("TkdnRegistry", function, *args))
    if stored["version"] == 0:
        wanted = f" version {args[1]}" if len(args) > 1 else ""
        raise ApiError(404, "not_found", detail=f"no certificate{wanted} for product {product_id}")
    return {
        "productId": product_id,
        "version": stored["version"],
        "tkdnBps": stored["tkdnBps"],
        "bmpBps": stored["bmpBps"],
        "validUntil": stored["validUntil"],
        "issuedAt": stored["issuedAt"],
        "revokedAt": stored["revokedAt"] or None,
        "certifier": stored["certifier"],
        "certificateHash": Web3.to_hex(stored["certificateHash"]),
    }
