"""OCDS 1.1 publication (public, read-only): releases and records per ocid, a release package of
everything, and the same releases as JSON Lines for bulk tools (ocdskit, Cardinal)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response

from app.api.deps import ReadSessionsDep
from app.ocds.packages import (
    array_items,
    package_text,
    record_text,
    stored_page,
    stored_page_text,
    stored_record_text,
)
from app.ocds.schema import terang_extension
from app.ocds.schemas import JsonLinesResponse, RecordPackage, ReleasePackage

router = APIRouter(prefix="/ocds", tags=["ocds"])


class JSONText(Response):
    """A package built as text from the stored JSON (app/ocds/packages.py): the read model is
    written from validated releases, so the answer is not parsed and re-serialised per request
    (what a response_model would do, at a cost growing with the package); the response_model
    still documents it."""

    media_type = "application/json"


# ocids per page of /ocds/releases. A process's releases average about 14 KiB in the national replay
# (bench/national_replay.py), so a default page is about 280 KiB and the largest about 1.4 MiB: small
# enough for a phone on a slow link and for 32 readers at once (at 100 ocids a page, 1.4 MiB, the
# gateway served 117 pages/s, p99 470 ms). Bulk readers take /ocds/releases.jsonl, streamed.
PAGE, MAX_PAGE = 20, 100


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
        int, Query(ge=1, le=MAX_PAGE, description="Contracting processes (ocids) per page", examples=[20])
    ] = PAGE,
    cursor: Annotated[
        str | None,
        Query(pattern=r"^[0-9]{1,20}$", description="The cursor of `links.next`", examples=["1234000005"]),
    ] = None,
) -> Response:
    with sessions() as session:
        found, after = stored_page_text(session, int(cursor) if cursor else None, limit)
    links = (
        {"links": {"next": str(request.url.include_query_params(cursor=str(after), limit=limit))}}
        if after is not None
        else {}
    )
    return JSONText(package_text(str(request.url), "releases", array_items(found), **links))


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
def releases_of(ocid: str, request: Request, sessions: ReadSessionsDep) -> Response:
    with sessions() as session:
        found = stored_record_text(session, ocid)
    if found is None:
        raise HTTPException(404)
    return JSONText(package_text(str(request.url), "releases", array_items([found[0]])))


@router.get(
    "/records/{ocid}",
    response_model=RecordPackage,
    summary="Record package of one ocid (with its compiled release)",
)
def record_of(ocid: str, request: Request, sessions: ReadSessionsDep) -> Response:
    with sessions() as session:
        found = stored_record_text(session, ocid)
    if found is None:
        raise HTTPException(404)
    return JSONText(package_text(str(request.url), "records", record_text(ocid, *found)))


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
