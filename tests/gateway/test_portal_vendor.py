"""The portal's in-browser key library loads noble-curves and noble-hashes copied from their pinned
npm packages into app/portal/static/vendor (the gateway serves them; nothing comes from a CDN):

- the copies are byte for byte the files of the packages package-lock.json pins, so an update goes
  through npm and `make vendor`, never by hand;
- every module the library imports, followed to the end, is a file under app/portal/static: relative
  imports, and bare ones (noble-curves' '@noble/hashes/...') through the page's import map only;
- the Content-Security-Policy source admits exactly the import map the pages send."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest

from app.portal import importmap
from tests.support.localchain import ROOT

STATIC = ROOT / "app" / "portal" / "static"
VENDORED = STATIC / "vendor"
PACKAGES = {"noble-curves": "@noble/curves", "noble-hashes": "@noble/hashes"}
ENTRY_POINTS = (
    "noble-curves/secp256k1.js",
    "noble-curves/ed25519.js",
    "noble-hashes/scrypt.js",
    "noble-hashes/sha3.js",
)
# Static imports and re-exports as compiled modules write them, at the start of a line (the examples
# in noble's doc comments are indented inside the comments, so they do not match).
IMPORT = re.compile(
    r"""^(?:import\s*['"]([^'"]+)['"]|(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"])""", re.M
)
DYNAMIC_IMPORT = re.compile(r"\bimport\s*\(")


@pytest.mark.parametrize("folder", sorted(PACKAGES))
def test_the_copies_are_the_pinned_packages_files(folder):
    package = ROOT / "node_modules" / PACKAGES[folder]
    if not package.exists():
        pytest.skip(f"node_modules has no {PACKAGES[folder]} (make setup installs it)")
    lock = json.loads((ROOT / "package-lock.json").read_text())
    pinned = lock["packages"][f"node_modules/{PACKAGES[folder]}"]["version"]
    assert json.loads((VENDORED / folder / "package.json").read_text())["version"] == pinned
    copies = sorted(p for p in (VENDORED / folder).rglob("*") if p.is_file())
    assert {"LICENSE", "package.json"} <= {p.name for p in copies}
    for copy in copies:
        relative = copy.relative_to(VENDORED / folder)
        assert copy.read_bytes() == (package / relative).read_bytes(), relative


def _resolve(specifier: str, importer):
    """The static file a browser loads for `specifier` imported by `importer`, or None."""
    if specifier.startswith(("./", "../")):
        return (importer.parent / specifier).resolve()
    for prefix, target in importmap.IMPORTS.items():
        if specifier.startswith(prefix):
            path = target + specifier[len(prefix) :]
            return STATIC / path.removeprefix(importmap.STATIC_URL + "/")
    return None


def test_every_import_of_the_library_resolves_to_a_served_file():
    # The library's modules, and the vendored modules it is built on.
    pending = sorted((STATIC / "js").glob("*.js")) + [VENDORED / entry for entry in ENTRY_POINTS]
    seen = set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        source = module.read_text()
        assert "require(" not in source and not DYNAMIC_IMPORT.search(source), module
        for match in IMPORT.finditer(source):
            specifier = match.group(1) or match.group(2)
            target = _resolve(specifier, module)
            assert target is not None, f"a browser cannot resolve {specifier!r} in {module}"
            assert target.is_file() and target.is_relative_to(STATIC), f"{specifier} in {module}"
            pending.append(target)


def test_the_csp_source_admits_exactly_the_import_map_tag():
    opening, closing = '<script type="importmap">', "</script>"
    tag = importmap.IMPORT_MAP_TAG
    assert tag.startswith(opening) and tag.endswith(closing)
    text = tag[len(opening) : -len(closing)]
    assert json.loads(text) == {"imports": importmap.IMPORTS}
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == importmap.CSP_SOURCE
