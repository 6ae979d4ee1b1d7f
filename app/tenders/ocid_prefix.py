"""The ocid a new process may take: every contracting process this gateway announces is published as
OCDS under the publisher's registered prefix (Settings.ocid_prefix, TERANG_OCID_PREFIX), so an
announcement whose ocid does not start with "<prefix>-" is refused before it reaches the chain; and
an ocid an imported archive holds (a past process, app/archives) is taken."""

from __future__ import annotations

from typing import Any

from app.api.errors import ApiError
from app.archives.models import archived


def check_ocid_prefix(settings: Any, ocid: str) -> None:
    prefix = settings.ocid_prefix
    if not ocid.startswith(f"{prefix}-"):
        raise ApiError(422, "ocid_prefix_mismatch", detail=f"an ocid announced here starts with {prefix}-")


def check_ocid_not_archived(sessions: Any, ocid: str) -> None:
    with sessions() as session:
        if archived(session, ocid):
            raise ApiError(409, "ocid_archived", detail=f"{ocid} is a past process in an imported archive")
