"""OCDS 1.1 publication (public, read-only): releases and records per ocid, a release package of
everything, and the same releases as JSON Lines for bulk tools (ocdskit, Cardinal)."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import StreamingResponse

from app.api.deps import SessionsDep
from app.ocds.packages import all_releases, record, record_package, release_package, releases_for

router = APIRouter(prefix="/ocds", tags=["ocds"])


@router.get("/releases", summary="Release package of every ocid")
def releases(request: Request, sessions: SessionsDep) -> dict:
    with sessions() as session:
        return release_package(str(request.url), list(all_releases(session)))


@router.get("/releases.jsonl", summary="Every release, one JSON object per line")
def releases_jsonl(sessions: SessionsDep) -> StreamingResponse:
    with sessions() as session:
        lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in all_releases(session)]
    return StreamingResponse(iter(lines), media_type="application/x-ndjson")


@router.get("/releases/{ocid}", summary="Release package of one ocid")
def releases_of(ocid: str, request: Request, sessions: SessionsDep) -> dict:
    with sessions() as session:
        found = releases_for(session, ocid)
    if not found:
        raise HTTPException(404)
    return release_package(str(request.url), found)


@router.get("/records/{ocid}", summary="Record package of one ocid (with its compiled release)")
def record_of(ocid: str, request: Request, sessions: SessionsDep) -> dict:
    with sessions() as session:
        found = releases_for(session, ocid)
    if not found:
        raise HTTPException(404)
    return record_package(str(request.url), [record(ocid, found)])
