"""Request and response models of the suppliers endpoints (app/suppliers/routes.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas import ADDRESS, WriteReceipt

# Requests


class SupplierRegistration(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "account": "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4",
                    "nib": "9120001234567",
                    "npwp": "012345678901000",
                    "umkm": True,
                    "regionCode": 6409,
                }
            ]
        }
    )

    account: str = Field(pattern=ADDRESS, description="The supplier's signing account (its key)")
    nib: str = Field(min_length=13, max_length=20, examples=["9120001234567"])
    npwp: str = Field(min_length=15, max_length=24, examples=["01.234.567.8-901.000"])
    umkm: bool = False
    regionCode: int = Field(ge=1, lt=2**32, description="Kemendagri region code, e.g. 6302", examples=[6302])


class Blacklisting(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "start": 1795000000,
                    "end": 1826536000,
                    "reasonHash": "0x5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a",
                }
            ]
        }
    )

    start: int = Field(ge=0, lt=2**64, description="UTC seconds")
    end: int = Field(ge=1, lt=2**64, description="UTC seconds, after start")
    reasonHash: str = Field(pattern=r"^0x[0-9a-fA-F]{64}$", description="Hash of the sanction decision")


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"umkm": False, "regionCode": 6402}]})

    umkm: bool
    regionCode: int = Field(ge=1, lt=2**32)


# Responses


class SupplierRegistered(WriteReceipt):
    supplierId: int = Field(description="The registry id given to the supplier")
    account: str = Field(description="The supplier's signing account, checksummed")
    agencyId: int = Field(description="The registering officer's agency")


class SupplierVerified(WriteReceipt):
    supplierId: int
    verified: Literal[True] = Field(description="The supplier is now verified")


class ProfileUpdated(WriteReceipt):
    supplierId: int
    umkm: bool
    regionCode: int
    verified: Literal[False] = Field(description="A changed profile clears the verification")


class SupplierBlacklisted(WriteReceipt):
    supplierId: int
    start: int = Field(description="UTC seconds")
    end: int = Field(description="UTC seconds, excluded")


class BlacklistPeriod(BaseModel):
    start: int = Field(description="UTC seconds")
    end: int = Field(description="UTC seconds, excluded")
    reasonHash: str = Field(description="Hash of the sanction decision")


class Supplier(BaseModel):
    """A supplier's public record. Its business identifiers are on chain only as keyed hashes and are
    not shown."""

    supplierId: int
    account: str = Field(description="The supplier's current signing account")
    umkm: bool = Field(description="A micro or small business")
    regionCode: int = Field(description="Kemendagri region code of the registered office")
    registeredBy: int = Field(description="The agency that registered it")
    verifiedBy: int | None = Field(description="The agency that verified it; null while unverified")
    registeredAt: int = Field(description="UTC seconds")
    verifiedAt: int | None = Field(description="UTC seconds; null while unverified")
    blacklist: BlacklistPeriod | None = Field(description="The sanction period; null when never blacklisted")
