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
    """A product's recorded certificate."""

    productId: str = Field(description="keccak256 of the catalogue product code, as asked")
    tkdnBps: int = Field(description="TKDN in basis points (4000 = 40%)")
    bmpBps: int = Field(description="BMP in basis points, before the cap")
    validUntil: int = Field(description="Last second of validity, UTC")
    revoked: bool
    certifier: str = Field(description="The certifier's account that recorded it")
    certificateHash: str = Field(description="Hash of the certificate document")
