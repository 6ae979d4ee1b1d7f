"""The API docs (/docs, app/api/docs.py) run Swagger UI copied from the pinned npm package
swagger-ui-dist into app/api/static/swagger-ui (the gateway serves it; nothing comes from a CDN):
the copies are byte for byte the files of the version package-lock.json pins, so an update goes
through npm and `make vendor`, never by hand; and the page loads exactly those files."""

from __future__ import annotations

import json

import pytest

from app.api import docs
from tests.support.localchain import ROOT

VENDORED = ROOT / "app" / "api" / "static" / "swagger-ui"
PACKAGE = ROOT / "node_modules" / "swagger-ui-dist"


def test_the_copies_are_the_pinned_packages_files():
    if not PACKAGE.exists():
        pytest.skip("node_modules has no swagger-ui-dist (make setup installs it)")
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/swagger-ui-dist"]["version"]
    assert json.loads((VENDORED / "package.json").read_text())["version"] == pinned
    copies = sorted(p for p in VENDORED.rglob("*") if p.is_file())
    assert {"LICENSE", "NOTICE", "package.json", "swagger-ui-bundle.js", "swagger-ui.css"} <= {
        p.name for p in copies
    }
    for copy in copies:
        relative = copy.relative_to(VENDORED)
        assert copy.read_bytes() == (PACKAGE / relative).read_bytes(), relative


def test_the_page_loads_the_vendored_files_and_our_start_script_only(client):
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for name in ("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "docs.js"):
        url = f"{docs.STATIC_URL}/{name}"
        assert url in page.text
        served = client.get(url)
        assert served.status_code == 200 and served.content == (docs.HERE / "static" / name).read_bytes()
    assert client.get(f"{docs.STATIC_URL}/swagger-ui/LICENSE").status_code == 404  # only what a page loads
    assert client.get(f"{docs.STATIC_URL}/../docs.py").status_code == 404
