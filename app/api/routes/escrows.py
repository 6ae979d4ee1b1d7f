"""Placeholder router: endpoints land with issue #7."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/escrows", tags=["escrows"])
