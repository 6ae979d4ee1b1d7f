"""The import map that lets the portal's signing library (app/portal/static/js) load noble-curves as
npm publishes it, and the Content-Security-Policy source that admits that map.

noble-curves imports its hashes by bare specifier (`import { sha256 } from '@noble/hashes/sha2.js'`).
A browser resolves a bare specifier only through an import map, and the vendored files stay byte for
byte the package's (tests/gateway/test_portal_vendor.py), so they are not rewritten: the page maps
`@noble/hashes/` to the portal's vendored copy instead. An import map must be inline (browsers load
no external maps), and the strict CSP forbids inline scripts, so the policy of a page that carries
the map adds this map's own hash to `script-src`: only this exact text runs, nothing else inline.

A page puts `IMPORT_MAP_TAG` in its <head> before any module script (markup, not escaped: in Jinja
`{{ import_map_tag | safe }}`, or Markup) and answers with `script-src 'self' {CSP_SOURCE}`. Any
change to the map's bytes changes the hash, so both come from here."""

from __future__ import annotations

import base64
import hashlib
import json

STATIC_URL = "/portal/static"
IMPORTS = {"@noble/hashes/": f"{STATIC_URL}/vendor/noble-hashes/"}

# Compact, key-sorted JSON: the hash covers these exact bytes.
IMPORT_MAP = json.dumps({"imports": IMPORTS}, separators=(",", ":"), sort_keys=True)
IMPORT_MAP_TAG = f'<script type="importmap">{IMPORT_MAP}</script>'
_DIGEST = base64.b64encode(hashlib.sha256(IMPORT_MAP.encode()).digest()).decode()
CSP_SOURCE = f"'sha256-{_DIGEST}'"
