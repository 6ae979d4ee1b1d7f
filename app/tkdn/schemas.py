"""Request and response models of the TKDN certificate endpoints (app/tkdn/routes.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas import WriteReceipt

BYTES32 = r"^0x[0-9a-fA-F]{64}$"

# Requests


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


# Responses


class CertificateRecorded(WriteReceipt):
    """The certificate as recorded: the request's fields."""

    productId: str = Field(description="keccak256 of the catalogue product code")
    tkdnBps: int = Field(description="TKDN in basis points (4000 = 40%)")
    bmpBps: int = Field(description="BMP in basis points, before the cap")
    validUntil: int = Field(description="Last second of validity, UTC")
    certificateHash: str = Field(description="Hash of the certificate document")


class Certificate(BaseModel):
    """One version of a product's certificate. Re-certifying adds a version; earlier versions stay
    in force over the times before the next one was issued."""

    productId: str = Field(description="keccak256 of the catalogue product code, as asked")
    version: int = Field(description="1 for the product's first certificate, then 2, 3, ...")
    tkdnBps: int = Field(description="TKDN in basis points (4000 = 40%)")
    bmpBps: int = Field(description="BMP in basis points, before the cap")
    validUntil: int = Field(description="Last second of validity, UTC")
    issuedAt: int = Field(description="When this version was recorded (block time); in force from then")
    revokedAt: int | None = Field(
        description="When it was revoked (block time), invalid from then on; null if not"
    )
    certifier: str = Field(description="The certifier's account that recorded it")
    certificateHash: str = Field(description="Hash of the certificate document")


class CertificateValidity(BaseModel):
    """The certificate in force at a moment: the latest version issued at or before it, valid if not
    expired and not revoked at that moment. Nothing recorded later changes the answer."""

    productId: str = Field(description="keccak256 of the catalogue product code, as asked")
    at: int = Field(description="The moment asked about (unix time), as asked")
    valid: bool = Field(description="False for an unknown product, one certified later, expired or revoked")
    tkdnBps: int | None = Field(description="TKDN in basis points then; null when not valid")
    tkdnPlusBmpBps: int | None = Field(
        description="TKDN + BMP (BMP up to the cap, sum up to 100%) then; null when not valid"
    )
