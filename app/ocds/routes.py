"""OCDS 1.1 publication (public, read-only): releases and records per ocid, a release package of
everything, and the same releases as JSON Lines for bulk tools (ocdskit, Cardinal)."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request

from app.api.deps import ReadSessionsDep
from app.ocds.packages import all_releases, record, record_package, release_package, releases_for
from app.ocds.schemas import JsonLinesResponse, RecordPackage, ReleasePackage

router = APIRouter(prefix="/ocds", tags=["ocds"])


@router.get("/releases", response_model=ReleasePackage, summary="Release package of every ocid")
def releases(request: Request, sessions: ReadSessionsDep) -> dict:
    with sessions() as session:
        return release_package(str(request.url), list(all_releases(session)))


@router.get(
    "/releases.jsonl",
    response_class=JsonLinesResponse,
    summary="Every release, one JSON object per line",
    response_description="JSON Lines: every release of every ocid, one OCDS release per line",
)
def releases_jsonl(sessions: ReadSessionsDep) -> JsonLinesResponse:
    with sessions() as session:
        lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in all_releases(session)]
    return JsonLinesResponse(iter(lines))


@router.get("/releases/{ocid}", response_model=ReleasePackage, summary="Release package of one ocid")
def releases_of(ocid: str, request: Request, sessions: ReadSessionsDep) -> dict:
    with sessions() as session:
        found = releases_for(session, ocid)
    if not found:
        raise HTTPException(404)
    return release_package(str(request.url), found)


@router.get(
    "/records/{ocid}",
    response_model=RecordPackage,
    summary="Record package of one ocid (with its compiled release)",
)
def record_of(ocid: str, request: Request, sessions: ReadSessionsDep) -> dict:
    with sessions() as session:
        found = releases_for(session, ocid)
    if not found:
        raise HTTPException(404)
    return record_package(str(request.url), [record(ocid, found)])
