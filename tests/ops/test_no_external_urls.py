"""No page the gateway serves makes a browser load anything from another origin (air-gapped networks
have no way out, and a government page must not tell a third party who reads it).

The crawl starts from the app's own GET routes (app.routes: every page, static file and API read
without a path parameter) over a real story (the explorer's pilot on a local chain, indexed: tenders
to payment, blocks, transactions, suppliers; and a rejected milestone, a committee proposal, a
tender taking bids, a payee's account), anonymously and signed in to the portal as the pilot's
winning supplier, and follows every same-origin reference it finds (a redirect's too):

- in HTML: src, href, srcset, action, formaction, poster, ping, <object data>, <meta refresh>, the
  import map, url() in style attributes and <style>;
- in CSS: url() and @import;
- in JavaScript: the strings given to fetch(), import(), import/export ... from, importScripts(),
  new (Shared)Worker(), EventSource, WebSocket and sendBeacon;
- in the OpenAPI document the docs page renders: every $ref is local, and every absolute URL in it
  (Swagger UI shows them, linkified) is in READER_LINKS.

Anything with a scheme and host other than the gateway's own, protocol-relative `//host` included,
fails the test with the page it was found on. Every page and static route must be reached with a
successful answer (except NOT_CRAWLED, with the reason), and no answer may be a server error."""

from __future__ import annotations

import json
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import compile_path

from app.ocds.schema import BID_EXTENSION_URL, RELEASE_SCHEMA_URL
from app.portal.signin import SESSION_COOKIE
from app.protocol.committee import description_hash
from app.protocol.manifest import load_manifest, manifest_path
from tests.gateway.conftest import (
    app,
    chain_url,
    dev_config,
    issuer_dir,
    manifest_dir,
    settings,
    signers_file,
    token,
)
from tests.support.committee import PROPOSER
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import rpc
from tests.support.pilot_scenario import Pilot, deliver_and_reject, run_pilot
from tests.support.tender_scenario import Scenario

# The gateway tests' real chain, deployment and app, as fixtures of this module.
GATEWAY_FIXTURES = (app, chain_url, dev_config, issuer_dir, manifest_dir, settings, signers_file, token)
PREFIX = "ocds-terang-1001-ops"
ORIGIN = "http://testserver"  # the TestClient's origin: the gateway's own
# Absolute URLs a page may show a reader but never loads, with the reason. Only the OpenAPI document
# has any: Swagger UI renders its descriptions (and examples) as text and links.
READER_LINKS = {
    RELEASE_SCHEMA_URL: "OCDS names the release schema a release follows by this URL (app/ocds/schema.py)",
    BID_EXTENSION_URL: "OCDS packages name the extensions they use by URL (app/ocds/packages.py)",
    "https://terang.example/problems/wrong_agency": "the example of a problem's `type`, an RFC 9457 "
    "identifier (app/api/problems.py PROBLEM_TYPE_BASE), shown as text",
}
# Page and static routes the crawl does not reach with a success, and why that is right.
NOT_CRAWLED = {
    "/portal/signed-in": "the identity provider's redirect back (OIDC callback): it answers only a "
    "sign-in this browser started, with its state and code (tests/gateway/test_portal_sign_in.py)",
}
PER_ROUTE = 4  # concrete URLs fetched per route and set of query keys: the same template renders them
SCHEMES = ("http", "https", "ws", "wss", "ftp")

URL_ATTRIBUTES = {"src", "href", "xlink:href", "action", "formaction", "poster", "ping", "background"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.I)
_STRING = r"""\s*(['"`])([^'"`]*)"""
JS_LOADS = re.compile(
    r"(?:\bfetch|\bimport|\bimportScripts|\bnew\s+(?:Shared)?Worker|\bnew\s+EventSource|\bnew\s+WebSocket"
    r"|\bsendBeacon)\s*\("
    + _STRING
    + r"""|^\s*(?:import|export)\b[^'"`;]*?\bfrom"""
    + _STRING
    + r"|^\s*import"
    + _STRING,
    re.M,
)


class _References(HTMLParser):
    """Every URL an HTML document references, with what references it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name in URL_ATTRIBUTES:
                for url in value.split() if name == "ping" else [value]:
                    self.found.append((url, f"<{tag} {name}>"))
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    if candidate.strip():
                        self.found.append((candidate.split()[0], f"<{tag} {name}>"))
            elif name == "style":
                self.found.extend((url, f"<{tag} style>") for url in css_urls(value))
        if tag == "object" and "data" in values:
            self.found.append((values["data"], "<object data>"))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            target = re.search(r"url\s*=\s*(\S+)", values.get("content", ""), re.I)
            if target:
                self.found.append((target.group(1).strip("'\""), "<meta refresh>"))
        self._in = "importmap" if tag == "script" and values.get("type") == "importmap" else tag

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.found.extend((url, "<style>") for url in css_urls(data))
        elif self._in == "importmap":
            imports = json.loads(data)
            for mapping in (imports.get("imports", {}), *imports.get("scopes", {}).values()):
                self.found.extend((url, "import map") for url in mapping.values())

    def handle_endtag(self, tag: str) -> None:
        self._in = None


def css_urls(text: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in CSS_URL.finditer(text) if (m.group(2) or m.group(4))]


def js_urls(text: str) -> list[str]:
    return [next(g for g in m.groups()[1::2] if g is not None) for m in JS_LOADS.finditer(text)]


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in SCHEMES and f"{parts.scheme}://{parts.netloc}" != ORIGIN


def references(media_type: str, text: str) -> list[tuple[str, str]]:
    """(URL as written, what references it) in a body a browser would load further."""
    if media_type in ("text/html", "image/svg+xml"):
        parser = _References()
        parser.feed(text)
        return parser.found
    if media_type == "text/css":
        return [(url, "CSS") for url in css_urls(text)]
    if media_type in ("text/javascript", "application/javascript"):
        return [(url, "JavaScript") for url in js_urls(text) if "${" not in url]
    return []


def external_references(media_type: str, text: str, base: str) -> list[str]:
    return [written for written, _ in references(media_type, text) if is_external(urljoin(base, written))]


def route_patterns(app) -> tuple[list[str], dict[str, re.Pattern[str]]]:
    """The GET routes to start from (no path parameter), and each page or static route (not in the
    OpenAPI document) as a pattern over paths."""
    seeds, pages = [], {}
    for context in iter_route_contexts(app.routes):
        if "GET" not in (context.methods or ()):
            continue
        path = context.path  # with its convertors: {name:path} spans folders
        if "{" not in path:
            seeds.append(path)
        if not context.include_in_schema:
            pages[path] = compile_path(path)[0]
    for path in ("/openapi.json", "/docs", "/docs/oauth2-redirect"):  # FastAPI's own, and ours
        assert path in seeds
    return seeds, pages


def crawl(
    client: TestClient, seeds: list[str], pages: dict[str, re.Pattern[str]], avoid: tuple[str, ...] = ()
) -> dict:
    """Fetches the seeds and every same-origin URL referenced from them, onward (not into `avoid`)."""
    pending = [(seed, "the app's routes") for seed in seeds]
    seen: set[str] = set()
    per_route: dict[tuple[str, frozenset[str]], int] = defaultdict(int)
    external: list[tuple[str, str, str]] = []
    statuses: dict[str, set[int]] = defaultdict(set)
    errors: list[str] = []
    while pending:
        url, referrer = pending.pop(0)
        parts = urlsplit(url)
        route = next((path for path, pattern in pages.items() if pattern.match(parts.path)), parts.path)
        variant = (route, frozenset(name for name, _ in parse_qsl(parts.query)))
        if url in seen or per_route[variant] >= PER_ROUTE or parts.path.startswith(avoid):
            continue
        seen.add(url)
        per_route[variant] += 1
        answer = client.get(url, follow_redirects=False)
        if answer.status_code >= 500:
            errors.append(f"{answer.status_code} {url} (from {referrer})")
        statuses[route].add(answer.status_code)
        media_type = answer.headers.get("content-type", "").split(";")[0].strip()
        found = references(media_type, answer.text if media_type.startswith(("text/", "image/svg")) else "")
        if answer.is_redirect:
            found.append((answer.headers["location"], "redirect"))
        for written, where in found:
            absolute = urljoin(ORIGIN + url, written)
            if is_external(absolute):  # protocol-relative //host included: it joins to http://host
                external.append((written, where, url))
            elif urlsplit(absolute).scheme in SCHEMES and where not in (
                "<form action>",
                "<button formaction>",
            ):
                target = urlsplit(absolute)
                pending.append((target.path + (f"?{target.query}" if target.query else ""), url))
    return {"external": external, "statuses": statuses, "errors": errors, "fetched": len(seen)}


@dataclass
class Story:
    pilot: Pilot
    open_ocid: str  # a tender taking bids, its Pokja appointed
    payee_key: str  # a payee with a payout account (two treasury officials)


@pytest.fixture(scope="module")
def story(chain_url, manifest_dir) -> Story:
    """The explorer's pilot, and what it leaves out that has a page: its contract's second milestone
    rejected (the supplier may dispute it), a committee proposal, and a tender still taking bids."""
    manifest = load_manifest(manifest_path(manifest_dir, 31337))
    pilot = run_pilot(chain_url, manifest, prefix=PREFIX)
    scenario = Scenario(chain_url, manifest)
    deliver_and_reject(scenario, pilot.contracted.tender_id, "panel surya belum terpasang")
    council = scenario.contract("Committee")
    unpause = (scenario.tenders.address, bytes.fromhex(scenario.tenders.encode_abi("unpause", [])[2:]))
    scenario.send(council.functions.propose([unpause], description_hash("tindakan komite")), PROPOSER)
    open_ocid = f"{PREFIX}-open"
    scenario.appoint_pokja(scenario.announce(open_ocid, "Pengadaan lampu jalan IKN"))
    return Story(pilot, open_ocid, "0x" + secrets.token_hex(32))


@pytest.fixture(scope="module")
def gateway(app, story, chain_url, token):
    """A client of the gateway whose indexer has caught up with the story; the payee's first payout
    account proposed and approved by two treasury officials."""
    head = int(rpc(chain_url, "eth_blockNumber"), 16)
    with TestClient(app) as client:
        wait_until_indexed(lambda: client.get("/health").json(), head, what=" with the story")
        url = f"/payments/accounts/{story.payee_key}/versions"
        account = {
            "channelCode": "ID_BRI",
            "accountNumber": "002101000123456",
            "accountHolderName": "CV Maju",
        }
        proposer, approver = (token("TREASURY", sub=f"bendahara-{n}", officer="0x" + n * 40) for n in "12")
        assert client.post(url, json=account, headers=proposer).status_code == 201
        assert client.post(f"{url}/1/approval", headers=approver).status_code == 200
        yield client


def test_no_page_references_another_origin(app, gateway, story, token):
    seeds, pages = route_patterns(app)
    # Pages no other page links to: the supplier's acts on a tender (reached from the browser's own
    # state or a notice), and a payee's accounts (from the payments API).
    contracted = story.pilot.contracted.ocid
    seeds += [
        f"/portal/tenders/{contracted}/contract",
        f"/portal/tenders/{contracted}/sanggah",
        f"/portal/tenders/{contracted}/contract/milestones/1/dispute",
        f"/portal/tenders/{story.open_ocid}/bid",
        f"/explorer/payees/{story.payee_key}/accounts",
    ]
    anonymous = crawl(gateway, seeds, pages)
    bearer = token(supplier=story.pilot.contracted.winner, sub="ops-crawl")["Authorization"]
    gateway.cookies.clear()
    gateway.cookies.set(SESSION_COOKIE, bearer.removeprefix("Bearer "))
    # signed in, the crawl keeps out of the sign-in flow (which would replace the session)
    signed_in = crawl(gateway, seeds, pages, avoid=("/portal/sign-in", "/portal/signed-in", "/dev-issuer/"))
    gateway.cookies.clear()

    external = sorted(set(anonymous["external"] + signed_in["external"]))
    assert external == [], "\n".join(f"{url} ({where} on {page})" for url, where, page in external)
    assert anonymous["errors"] + signed_in["errors"] == []
    reached = {
        route
        for crawled in (anonymous, signed_in)
        for route, codes in crawled["statuses"].items()
        if any(code < 400 for code in codes)
    }
    missing = {
        route: sorted(anonymous["statuses"].get(route, set()) | signed_in["statuses"].get(route, set()))
        for route in sorted(set(pages) - reached - set(NOT_CRAWLED))
    }
    assert missing == {}, f"page routes the crawl did not reach with a success (statuses seen): {missing}"
    assert set(NOT_CRAWLED) <= set(pages) - reached
    assert anonymous["fetched"] > 50 and signed_in["fetched"] > 50, (
        anonymous["fetched"],
        signed_in["fetched"],
    )


def test_the_openapi_document_loads_nothing_and_links_only_reader_data(gateway):
    document = gateway.get("/openapi.json").json()
    refs, urls = [], set()

    def walk(value) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                if name == "$ref":
                    refs.append(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            urls.update(re.findall(r"(?:[a-z][a-z0-9+.-]*:)?//[^\s\"'()<>\]]+", value, re.I))

    walk(document)
    assert refs and all(ref.startswith("#/") for ref in refs), [r for r in refs if not r.startswith("#/")]
    assert urls - set(READER_LINKS) == set()


SAMPLES = [
    ("text/html", '<script src="https://cdn.example/ui.js"></script>', ["https://cdn.example/ui.js"]),
    ("text/html", '<link rel="stylesheet" href="//cdn.example/ui.css">', ["//cdn.example/ui.css"]),
    ("text/html", '<img srcset="/a.png 1x, https://img.example/b.png 2x">', ["https://img.example/b.png"]),
    ("text/html", '<form action="https://forms.example/post"></form>', ["https://forms.example/post"]),
    (
        "text/html",
        "<p style=\"background: url('https://img.example/c.png')\">",
        ["https://img.example/c.png"],
    ),
    ("text/html", '<style>@import "https://fonts.example/f.css";</style>', ["https://fonts.example/f.css"]),
    (
        "text/html",
        '<script type="importmap">{"imports": {"x/": "https://esm.example/x/"}}</script>',
        ["https://esm.example/x/"],
    ),
    (
        "text/html",
        '<meta http-equiv="refresh" content="0; url=https://elsewhere.example/">',
        ["https://elsewhere.example/"],
    ),
    (
        "text/html",
        '<a href="https://elsewhere.example/" ping="https://track.example/p">',
        ["https://elsewhere.example/", "https://track.example/p"],
    ),
    ("text/css", '@import url(https://fonts.example/f.css); b { src: url("//fonts.example/f.woff2") }', None),
    ("text/javascript", 'fetch("https://api.example/x"); import("https://esm.example/y.js");', None),
    (
        "text/javascript",
        'import { a } from "https://esm.example/z.js";\nnew Worker(`wss://w.example/w.js`)',
        None,
    ),
    # the gateway's own, inline data, and what no browser loads
    (
        "text/html",
        '<a href="/explorer/"></a><img src="http://testserver/x.png"><img src="data:image/png;base64,AA==">'
        '<a href="mailto:helpdesk@lkpp.example">',
        [],
    ),
    ("text/javascript", 'fetch("/health"); import("./sha3.js"); const u = "https://not-loaded.example";', []),
]


@pytest.mark.parametrize(("media_type", "body", "expected"), SAMPLES)
def test_the_crawl_sees_each_kind_of_reference(media_type, body, expected):
    found = external_references(media_type, body, ORIGIN + "/page")
    if expected is None:  # every URL in the body written as a string
        expected = re.findall(r"""(?:[a-z]+:)?//[^'"`)\s]+""", body)
        assert len(expected) == 2
    assert found == expected
