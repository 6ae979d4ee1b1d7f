"""Response models of the SIKaP endpoints (app/sikap/routes.py)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class NationalBlacklistMatch(BaseModel):
    supplierId: int
    start: int = Field(description="The national entry's start, UTC seconds")
    end: int = Field(description="The national entry's end (excluded), UTC seconds")
    reasonHash: str = Field(description="keccak-256 of the entry's reason text, for the proposal")
    onChain: bool = Field(description="The registry's blacklist already covers the entry's remaining period")
    proposal: dict | None = Field(
        description="What to propose (start, end, reasonHash) with POST /suppliers/{id}/blacklist-proposals; "
        "none when on chain already"
    )


class NationalBlacklistMatches(BaseModel):
    asOf: int = Field(description="Chain time of the comparison, UTC seconds")
    matches: list[NationalBlacklistMatch]
