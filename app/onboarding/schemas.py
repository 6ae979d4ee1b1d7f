"""The onboarding endpoints' request body and answers (app/onboarding/routes.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.api.schemas import ADDRESS, WriteReceipt
from app.committee.schemas import DecodedCall

SHA256 = r"^[0-9a-f]{64}$"
EXAMPLE_PLAN = """phase: 3-jawa-timur
agencies:
  - id: 3500
    name: Pemerintah Provinsi Jawa Timur
    kind: province
    region: "35"
    officials:
      - address: "0x976EA74026E726554dB657fA54763abd0C3a0aa9"
        roles: [AGENCY_OFFICER]
      - address: "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"
        roles: [ENROLLER]
        scopes: [{programme: 1, regions: ["35.07"]}]
"""


class PlanSubmission(BaseModel):
    """The plan file's exact text: its SHA-256 becomes the committee proposal's description hash."""

    plan: str = Field(min_length=1, max_length=64_000, description="The onboarding plan (YAML), as written")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"plan": EXAMPLE_PLAN}]})


Stage = Literal["proposed", "approved", "scheduled", "executable", "executed", "vetoed"]


class PlanProposed(WriteReceipt):
    planId: int = Field(description="The plan's id: the id of the committee proposal carrying it")
    proposalId: int
    status: Literal["proposed"]
    phase: str
    planSha256: str = Field(pattern=SHA256, description="SHA-256 of the plan's text: the description hash")
    proposer: str = Field(pattern=ADDRESS)
    agencies: list[int]
    calls: list[DecodedCall]


class ScopeProgress(BaseModel):
    programme: int
    region: str
    inScope: bool = Field(description="Set by the programme's welfare administrator (after execution)")


class OfficialProgress(BaseModel):
    address: str = Field(pattern=ADDRESS)
    assigned: bool = Field(description="The directory holds the official for this agency")
    roles: dict[str, bool] = Field(description="Each planned role: granted in the hub")
    scopes: list[ScopeProgress]


class AgencyProgress(BaseModel):
    agencyId: int
    name: str
    kind: str
    region: str | None
    parent: int | None
    registered: bool
    officials: list[OfficialProgress]


class PlanProgress(BaseModel):
    planId: int
    proposalId: int
    phase: str
    planSha256: str = Field(pattern=SHA256, description="The proposal's description hash, on chain")
    planIntact: bool = Field(description="The gateway's copy of the plan still hashes to it")
    plan: str = Field(description="The plan's text, as proposed")
    stage: Stage
    status: str = Field(description="The Committee's own status of the proposal")
    approvingAgencies: list[int]
    threshold: int
    executableAt: int | None
    executableAtWib: str | None
    executedAt: int | None
    executedAtWib: str | None
    vetoed: bool
    agencies: list[AgencyProgress]
    scopesSet: int
    scopesPlanned: int
    proposer: str = Field(pattern=ADDRESS)


class AgencyListing(BaseModel):
    agencyId: int
    name: str = Field(description="The agency's public name, as the directory holds it")
    kind: str | None = Field(description="ministry, agency, ikn, province or regency; None: at deployment")
    region: str | None = Field(description="Province ('35') or regency ('35.07') code (BPS/Kemendagri)")
    parent: int | None = Field(description="A regency's province agency")
    phase: str | None = Field(description="The rollout phase that onboarded it; None: at deployment")
    planId: int | None
    onboardedAt: int | None = Field(description="UTC seconds of the executing block")
    onboardedAtWib: str | None


class AgencyList(BaseModel):
    agencies: list[AgencyListing]
    pending: list[AgencyListing] = Field(description="Planned agencies whose plan is not executed yet")
