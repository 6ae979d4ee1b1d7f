"""OCDS 1.1 publication (public, read-only): releases and records per ocid, release and record
packages of everything a page of ocids at a time, the same as JSON Lines for bulk tools (ocdskit,
Cardinal), both extensions the packages list (Terang's and the bids extension's served copy), and
the publication policy the packages name."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse

from app.api.deps import ReadSessionsDep, SettingsDep
from app.ocds.packages import (
    Publication,
    array_items,
    package_text,
    record_lines,
    record_text,
    release_lines,
    stored_page_text,
    stored_record_text,
    stored_records_page_text,
)
from app.ocds.policy import policy_page
from app.ocds.schema import bid_extension, terang_extension
from app.ocds.schemas import JsonLinesResponse, PagedRecordPackage, RecordPackage, ReleasePackage

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
# A cursor is the position of the last ocid of the page before (app/ocds/models.py position_of): a
# signed 64-bit column, so anything larger is refused as a bad request before any query.
Cursor = Annotated[
    int | None,
    Query(ge=0, le=2**63 - 1, description="The cursor of `links.next`", examples=[1234000005]),
]
Limit = Annotated[
    int, Query(ge=1, le=MAX_PAGE, description="Contracting processes (ocids) per page", examples=[20])
]


def publication(request: Request) -> Publication:
    """The package metadata of this gateway's settings (set at start)."""
    return Publication.of(request.app.state.settings)


def _next(request: Request, after: int | None, limit: int) -> dict[str, Any]:
    """`links.next` when more ocids follow (after: the last position of this page)."""
    if after is None:
        return {}
    return {"links": {"next": str(request.url.include_query_params(cursor=str(after), limit=limit))}}


@router.get(
    "/releases",
    response_model=ReleasePackage,
    response_model_exclude_unset=True,  # `links` only when there is a next page
    summary="Release package of every ocid, a page of ocids at a time (links.next for the rest)",
)
def releases(
    request: Request, sessions: ReadSessionsDep, limit: Limit = PAGE, cursor: Cursor = None
) -> Response:
    with sessions() as session:
        found, after = stored_page_text(session, cursor, limit)
    links = _next(request, after, limit)
    return JSONText(
        package_text(str(request.url), "releases", array_items(found), publication(request), **links)
    )


@router.get(
    "/releases.jsonl",
    response_class=JsonLinesResponse,
    summary="Every release, one JSON object per line",
    response_description="JSON Lines: every release of every ocid, one OCDS release per line",
)
def releases_jsonl(sessions: ReadSessionsDep) -> JsonLinesResponse:
    return JsonLinesResponse(release_lines(sessions, PAGE))


@router.get(
    "/records",
    response_model=PagedRecordPackage,
    response_model_exclude_unset=True,  # `links` only when there is a next page
    summary="Record package of every ocid, a page of ocids at a time (links.next for the rest)",
)
def records(
    request: Request, sessions: ReadSessionsDep, limit: Limit = PAGE, cursor: Cursor = None
) -> Response:
    with sessions() as session:
        found, after = stored_records_page_text(session, cursor, limit)
    links = _next(request, after, limit)
    return JSONText(package_text(str(request.url), "records", ",".join(found), publication(request), **links))


@router.get(
    "/records.jsonl",
    response_class=JsonLinesResponse,
    summary="Every record (its releases and compiled release), one JSON object per line",
    response_description="JSON Lines: one OCDS record per ocid, in announcement order",
)
def records_jsonl(sessions: ReadSessionsDep) -> JsonLinesResponse:
    return JsonLinesResponse(record_lines(sessions, PAGE))


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
    return JSONText(package_text(str(request.url), "releases", array_items([found[0]]), publication(request)))


@router.get(
    "/records/{ocid}",
    response_model=RecordPackage,
    response_model_exclude_unset=True,  # the publisher's scheme and uid only when configured
    summary="Record package of one ocid (with its compiled release)",
)
def record_of(ocid: str, request: Request, sessions: ReadSessionsDep) -> Response:
    with sessions() as session:
        found = stored_record_text(session, ocid)
    if found is None:
        raise HTTPException(404)
    return JSONText(
        package_text(str(request.url), "records", record_text(ocid, *found), publication(request))
    )


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


@router.get(
    "/extension/bids/extension.json",
    summary="The OCDS bids extension (v1.1.5, vendored): its extension.json, served for air-gapped readers",
)
def bid_extension_metadata() -> dict[str, Any]:
    return bid_extension("extension.json")


@router.get(
    "/extension/bids/release-schema.json",
    summary="The OCDS bids extension (v1.1.5, vendored): its release schema patch",
)
def bid_extension_release_schema() -> dict[str, Any]:
    return bid_extension("release-schema.json")


@router.get(
    "/publication-policy",
    response_class=HTMLResponse,
    summary="The publication policy of this OCDS data (Indonesian, then English)",
)
def publication_policy(request: Request, settings: SettingsDep) -> HTMLResponse:
    return HTMLResponse(
        policy_page(settings.ocid_prefix, Publication.of(settings).metadata(str(request.url)))
    )
