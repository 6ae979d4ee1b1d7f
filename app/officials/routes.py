"""Who the officials are: per agency, and one by address (public reads, from the indexed
AgencyDirectory and hub events; app/officials/directory.py)."""

from __future__ import annotations

from typing import Annotated

from eth_utils import is_address, to_checksum_address
from fastapi import APIRouter, Path

from app.api.deps import ReadSessionsDep
from app.api.errors import ApiError
from app.officials.directory import directory
from app.officials.schemas import AgencyOfficials, OfficialDetail

router = APIRouter(tags=["officials"])
AgencyId = Annotated[
    int, Path(ge=1, lt=2**32, description="The agency's id in the directory", examples=[1001])
]


@router.get(
    "/agencies/{agency_id}/officials",
    response_model=AgencyOfficials,
    responses={404: {"description": "No agency with this id (`not_found`)"}},
    summary="The officials of an agency, with their roles (from the directory's events)",
)
def agency_officials(agency_id: AgencyId, sessions: ReadSessionsDep):
    with sessions() as session:
        book = directory(session)
    if agency_id not in book.agencies:
        raise ApiError(404, "not_found", detail=f"no agency {agency_id} in the directory")
    return {
        "agencyId": agency_id,
        "name": book.agencies[agency_id],
        "officials": [
            {"address": to_checksum_address(o.address), "roles": sorted(o.roles), "sinceBlock": o.since_block}
            for o in book.of_agency(agency_id)
        ],
    }


@router.get(
    "/officials/{address}",
    response_model=OfficialDetail,
    responses={404: {"description": "No official with this account (`not_found`)"}},
    summary="One official: its agency and roles (from the directory's and the hub's events)",
)
def official(address: str, sessions: ReadSessionsDep):
    if not is_address(address):
        raise ApiError(422, "invalid_address", detail="the official is named by its 0x account address")
    with sessions() as session:
        book = directory(session)
    entry = book.official(address)
    if entry is None:
        raise ApiError(404, "not_found", detail=f"no official {to_checksum_address(address)}")
    return {
        "address": to_checksum_address(entry.address),
        "agencyId": entry.agency,
        "agencyName": book.agency_name(entry.agency),
        "roles": sorted(entry.roles),
    }
