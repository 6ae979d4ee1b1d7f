"""TKDN certificates of products (Kemenperin's list), recorded by the TKDN certifier role."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from web3 import Web3

from app.api.deps import ChainDep, require_roles
from app.api.errors import ApiError
from app.api.writes import Call, WriterDep
from app.auth.tokens import Principal

router = APIRouter(prefix="/tkdn/certificates", tags=["tkdn"])
Certifier = Annotated[Principal, Depends(require_roles("TKDN_CERTIFIER"))]
BYTES32 = r"^0x[0-9a-fA-F]{64}$"
ProductId = Annotated[str, Path(pattern=BYTES32, description="keccak256 of the catalogue product code")]


class Certification(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "productId": "0x7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e",
                    "tkdnBps": 6000,
                    "bmpBps": 1000,
                    "validUntil": 1826536000,
                    "certificateHash": "0xc1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1",
                }
            ]
        }
    )

    productId: str = Field(pattern=BYTES32)
    tkdnBps: int = Field(ge=0, le=10_000, description="TKDN in basis points (4000 = 40%)")
    bmpBps: int = Field(ge=0, le=10_000, description="BMP in basis points, before the cap")
    validUntil: int = Field(ge=1, lt=2**40, description="Last second of validity, UTC")
    certificateHash: str = Field(pattern=BYTES32)


@router.post("", status_code=201, summary="Record a product's TKDN certificate (TKDN certifier)")
def certify(request: Request, body: Certification, principal: Certifier, chain: ChainDep, write: WriterDep):
    registry = chain.contract("TkdnRegistry")
    call = Call(
        registry,
        "certifyProduct",
        [body.productId, body.tkdnBps, body.bmpBps, body.validUntil, body.certificateHash],
        "role:TKDN_CERTIFIER",
    )
    return write(body.model_dump(), call, lambda c: body.model_dump(), 201)


@router.get("/{product_id}", summary="A product's recorded certificate")
def certificate(product_id: ProductId, chain: ChainDep):
    tkdn, bmp, valid_until, revoked, certifier, document = (
        chain.contract("TkdnRegistry").functions.certificateOf(product_id).call()
    )
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
