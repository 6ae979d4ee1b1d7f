"""Response models of the policy endpoints (app/policies/routes.py)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Rule(BaseModel):
    """One figure of a version, with the regulation's name for it."""

    field: str = Field(description="The field of IPolicyRegistry.Policy, e.g. maxPreferenceBps")
    value: int
    unit: str = Field(description="rupiah, bps (1/10,000), ppm (1/1,000,000) or seconds")
    labelId: str = Field(description="The regulation's name for it, Bahasa Indonesia")
    labelEn: str = Field(description="The same in English")
    basis: str = Field(description="Where the regulation sets it, e.g. Perpres 16/2018 Ps 67")


class PolicyVersion(BaseModel):
    """A version of the money rules: tenders announced and contracts signed while it is in force
    follow it for their whole life."""

    version: int = Field(description="1 for the deployment's, then 2, 3, ...")
    inForce: bool = Field(description="Whether it is the version new tenders and contracts are bound to")
    sourceHash: str = Field(
        description="Hash of the document it implements (regulation or committee decision)"
    )
    publishedAt: int = Field(description="When it was published (block time, UTC seconds)")
    policy: dict[str, int] = Field(description="Every figure by field name")
    rules: list[Rule] = Field(
        description="Every figure with its unit and the regulation's name, in field order"
    )


class PolicyVersions(BaseModel):
    """Every version, oldest first."""

    registry: str = Field(
        description="The PolicyRegistry's address (the target of a committee's publishPolicy)"
    )
    currentVersion: int
    versions: list[PolicyVersion]
