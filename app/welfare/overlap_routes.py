"""`GET /welfare/overlaps`: families enrolled in several of the given programmes (public: keys name
no one; rules in app/welfare/overlaps.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from app.api.deps import ReadSessionsDep
from app.api.errors import ApiError
from app.welfare.overlaps import overlaps

router = APIRouter(prefix="/welfare", tags=["welfare"])
MAX_PROGRAMMES = 20


class Overlap(BaseModel):
    beneficiaryKey: str
    programmes: list[int] = Field(description="The programmes asked about that the family is in")


class Overlaps(BaseModel):
    programmes: list[int]
    count: int
    families: list[Overlap]


@router.get(
    "/overlaps",
    response_model=Overlaps,
    summary="Families enrolled in two or more of the given programmes (public; as of the indexer)",
)
def programme_overlaps(
    sessions: ReadSessionsDep,
    programme: Annotated[list[int], Query(description="Programme ids, two or more", examples=[[1, 2]])],
):
    asked = sorted(set(programme))
    if not 2 <= len(asked) <= MAX_PROGRAMMES or any(not 1 <= p < 2**32 for p in asked):
        raise ApiError(
            422, "invalid_request", detail=f"programme: give 2 to {MAX_PROGRAMMES} programme ids (1 or more)"
        )
    with sessions() as session:
        found = overlaps(session, asked)
    return {
        "programmes": asked,
        "count": len(found),
        "families": [{"beneficiaryKey": k, "programmes": p} for k, p in found.items()],
    }
