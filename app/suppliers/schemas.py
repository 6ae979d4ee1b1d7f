"""Request and response models of the suppliers endpoints (app/suppliers/routes.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas import ADDRESS, HEX32, WriteReceipt

REASON = "Hash of the decision or document that gives the reason (non-zero)"

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


class BlacklistProposal(BaseModel):
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

    start: int = Field(
        ge=0,
        lt=2**64,
        description="UTC seconds, not before the proposal is mined; the sanction starts at its "
        "confirmation if that is later",
    )
    end: int = Field(
        ge=1,
        lt=2**64,
        description="UTC seconds, excluded: after start and at most 731 days (2 years) after it",
    )
    reasonHash: str = Field(pattern=HEX32, description="Hash of the sanction decision")


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"umkm": False, "regionCode": 6402, "reasonHash": "0x" + "5b" * 32}]}
    )

    umkm: bool
    regionCode: int = Field(ge=1, lt=2**32)
    reasonHash: str = Field(pattern=HEX32, description=REASON)


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
    reasonHash: str = Field(description=REASON)
    verified: Literal[False] = Field(description="A changed profile clears the verification")


class BlacklistProposed(WriteReceipt):
    proposalId: int = Field(description="The proposal's id; a second officer of the agency confirms it")
    supplierId: int
    agencyId: int = Field(description="The proposing officer's agency")
    start: int = Field(description="UTC seconds, as proposed")
    end: int = Field(description="UTC seconds, excluded")
    confirmableUntil: int = Field(description="UTC seconds, excluded: 7 days after the proposal")


class BlacklistPeriod(BaseModel):
    start: int = Field(description="UTC seconds")
    end: int = Field(description="UTC seconds, excluded")
    reasonHash: str = Field(description="Hash of the sanction decision")


class BlacklistConfirmed(WriteReceipt):
    proposalId: int
    supplierId: int
    start: int = Field(description="UTC seconds: the effective start, never before the confirmation")
    end: int = Field(description="UTC seconds, excluded")
    blacklist: BlacklistPeriod = Field(
        description="The supplier's recorded period now: it also covers a period pending or in force "
        "that this one overlaps"
    )


class BlacklistProposalRecord(BaseModel):
    """A blacklist proposal, confirmed or not (public, as its events are)."""

    proposalId: int
    supplierId: int
    agencyId: int = Field(description="The proposing officer's agency")
    officer: str = Field(description="The proposing officer's account")
    start: int = Field(description="UTC seconds, as proposed")
    end: int = Field(description="UTC seconds, excluded")
    reasonHash: str = Field(description="Hash of the sanction decision")
    proposedAt: int = Field(description="UTC seconds")
    confirmableUntil: int = Field(description="UTC seconds, excluded: 7 days after the proposal")
    confirmedAt: int | None = Field(description="UTC seconds; null while unconfirmed")


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


SIGNATURE = r"^0x[0-9a-fA-F]{130}$"


class KeyRotation(BaseModel):
    """RotateKey(current, newAccount, nonce, deadline) signed by both keys (SupplierRegistry)."""

    current: str = Field(pattern=ADDRESS, description="The supplier's registered key, which signed first")
    newAccount: str = Field(pattern=ADDRESS, description="The new key, which signed the same message")
    nonce: int = Field(ge=0, lt=2**256, description="SupplierRegistry.nonces(current)")
    deadline: int = Field(ge=0, lt=2**256, description="UTC seconds")
    currentSignature: str = Field(pattern=SIGNATURE, description="The current key's 65-byte signature")
    newSignature: str = Field(pattern=SIGNATURE, description="The new key's 65-byte signature")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "current": "0x2546BcD3c84621e976D8185a91A922aE77ECEc30",
                    "newAccount": "0xbDA5747bFD65F08deb54cb465eB87D40e51B197E",
                    "nonce": 0,
                    "deadline": 1_780_000_000,
                    "currentSignature": "0x" + "ab" * 65,
                    "newSignature": "0x" + "cd" * 65,
                }
            ]
        }
    )


class KeyRotated(WriteReceipt):
    supplierId: int
    previousAccount: str
    newAccount: str


class RotationField(BaseModel):
    name: str
    type: str


class RotationDomain(BaseModel):
    name: str
    version: str
    chainId: int
    verifyingContract: str


class RotationSigning(BaseModel):
    """What a supplier's client signs a key rotation with."""

    domain: RotationDomain
    primaryType: Literal["RotateKey"]
    fields: list[RotationField]
    nonce: int = Field(description="SupplierRegistry.nonces(address)")
    supplierId: int | None = Field(description="The supplier the address holds now; None if none")
