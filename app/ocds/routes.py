"""OCDS 1.1 publication (public, read-only): releases and records per ocid, a release package of
everything, and the same releases as JSON Lines for bulk tools (ocdskit, Cardinal)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from app.api.deps import ReadSessionsDep
from app.ocds.packages import record_package, release_package, stored_page, stored_record
from app.ocds.schema import terang_extension
from app.ocds.schemas import JsonLinesResponse, RecordPackage, ReleasePackage

router = APIRouter(prefix="/ocds", tags=["ocds"])
PAGE, MAX_PAGE = 100, 1000  # ocids per page of /ocds/releases


@router.get(
    "/releases",
    response_model=ReleasePackage,
    response_model_exclude_unset=True,  # `links` only when there is a next page
    summary="Release package of every ocid, a page of ocids at a time (links.next for the rest)",
)
def releases(
    request: Request,
    sessions: ReadSessionsDep,
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE, description="Contracting processes (ocids) per page", examples=[100])
    ] = PAGE,
    cursor: Annotated[
        str | None,
        Query(pattern=r"^[0-9]{1,20}$", description="The cursor of `links.next`", examples=["1234000005"]),
    ] = None,
) -> dict:
    with sessions() as session:
        found, after = stored_page(session, int(cursor) if cursor else None, limit)
    package = release_package(str(request.url), found)
    if after is not None:
        package["links"] = {"next": str(request.url.include_query_params(cursor=str(after), limit=limit))}
    return package


@router.get(
    "/releases.jsonl",
    response_class=JsonLinesResponse,
    summary="Every release, one JSON object per line",
    response_description="JSON Lines: every release of every ocid, one OCDS release per line",
)
def releases_jsonl(sessions: ReadSessionsDep) -> JsonLinesResponse:
    def lines() -> Iterator[str]:
        after = None
        while True:
            with sessions() as session:  # a short read per page: the stream holds no transaction
                found, after = stored_page(session, after, PAGE)
            yield "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in found)
            if after is None:
                return

    return JsonLinesResponse(lines())


@router.get(
    "/releases/{ocid}",
    response_model=ReleasePackage,
    response_model_exclude_unset=True,
    summary="Release package of one ocid",
)
def releases_of(ocid: str, request: Request, sessions: ReadSessionsDep) -> dict:
    with sessions() as session:
        found = stored_record(session, ocid)
    if found is None:
        raise HTTPException(404)
    return release_package(str(request.url), found["releases"])


@router.get(
    "/records/{ocid}",
    response_model=RecordPackage,
    summary="Record package of one ocid (with its compiled release)",
)
def record_of(ocid: str, request: Request, sessions: ReadSessionsDep) -> dict:
    with sessions() as session:
        found = stored_record(session, ocid)
    if found is None:
        raise HTTPException(404)
    return record_package(str(request.url), [found])


@router.get(
    "/extension/extension.json",
    summary="Terang's OCDS extension: its extension.json (the packages list it under `extensions`)",
)
def extension_metadata() -> dict[str, Any]:
    return terang_extension("extension.json")


@router.get(
    "/extension/release-schema.json",
    summary="Terang's OCDS extension: its release schema patch (Pokja, openings, gugur, bonds, sanggah)",
)
def extension_release_schema() -> dict[str, Any]:
    return terang_extension("release-schema.json")
