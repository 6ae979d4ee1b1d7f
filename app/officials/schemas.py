"""Response models of the officials endpoints (app/officials/routes.py)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class OfficialEntry(BaseModel):
    address: str = Field(description="The official's own account (checksum address)")
    roles: list[str] = Field(description="The hub roles it holds (app/protocol/roles.py names)")
    sinceBlock: int | None = Field(description="The block of its assignment to the agency")


class AgencyOfficials(BaseModel):
    agencyId: int
    name: str
    officials: list[OfficialEntry]


class OfficialDetail(BaseModel):
    address: str
    agencyId: int | None = Field(description="Its agency in the directory; null once removed")
    agencyName: str | None
    roles: list[str]
