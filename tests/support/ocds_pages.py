"""Reading the whole OCDS publication as a client does: every page of /ocds/releases, following
`links.next` until a page has none."""

from __future__ import annotations

from typing import Any


def all_releases(client) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the first page's package, every release of every page in order)."""
    first = page = client.get("/ocds/releases").json()
    releases = list(page["releases"])
    while "links" in page:
        page = client.get(page["links"]["next"]).json()
        releases += page["releases"]
    return first, releases
