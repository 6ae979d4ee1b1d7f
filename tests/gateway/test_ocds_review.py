"""What the OCDS Data Review Tool (libcoveocds, the library behind it) says of the publication, read
from a real gateway process over HTTP as a data user reads it: a page of /ocds/releases and pages of
/ocds/records after realistic stories (the pilot carried to a payment, and tenders taking every
step of the protocol: Pokja openings, gugur, a withdrawn preference, a value system, an appeal).

No network: the standard is a ZIP built from the vendored schema (app/ocds/schema/, tag 1__1__5),
and the extensions are the ones the packages list, fetched from this gateway itself (its own and
its served copy of the bids extension). Expected: no schema validation errors, no invalid or failed
extension, no additional-checks findings (empty fields), no bad ocid prefixes.

Codelists: the standard's CSVs are not vendored. With no codelist at all in the ZIP, libcoveocds
0.17.0 does not skip the codelist checks: it fails (`process_codelists` calls `cache_clear` on a
method that has no cache: AttributeError). So the ZIP carries the closed codelists, written from the
`enum` each closed codelist's fields carry in the schema (exactly its codes); the open codelists
(and the bids extension's, whose CSVs are not vendored either) are absent, and libcoveocds silently
skips every field of an absent codelist: open codelist values are NOT checked here
(test_open_codelists_are_not_checked_without_their_csvs shows it).

libcoveocds does not check that every organization reference names a party of the same release:
that is asserted here too (`unresolved_references`).

Then the publication as a data user pages through it: records page by page equal the JSON Lines,
the last page has no links.next, a bad cursor or limit is a 422 problem; the packages' licence and
publication policy (served here, Indonesian then English); and the data users' guide
(docs/guides/open-data.*.md), every block run against the same gateway."""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig
from ocdsextensionregistry.versioned_release_schema import get_versioned_release_schema
from web3 import Web3

from app.ocds.schema import SCHEMA_DIR, load
from app.protocol.manifest import load_manifest, manifest_path
from tests.gateway.test_indexer import protocol  # noqa: F401 (the session's every-step tenders)
from tests.support.gateway_process import gateway_process
from tests.support.guides import GUIDES, every_fence_is_sh, run_guide, same_commands
from tests.support.indexed import wait_until_indexed
from tests.support.localchain import ROOT
from tests.support.pilot_scenario import run_pilot

PREFIX = "ocds-terang-1001-review"
ENGLISH_GUIDE, INDONESIAN_GUIDE = GUIDES / "open-data.en.md", GUIDES / "open-data.id.md"
STANDARD_URL = "https://standard.open-contracting.org/schema/1__1__5/"
STANDARD_FILES = ("release-schema.json", "release-package-schema.json", "record-package-schema.json")
# Where a party is named by reference in a release (OCDS OrganizationReference), as JSON paths.
REFERENCES = (
    ("buyer",),
    ("tender", "procuringEntity"),
    ("tender", "tenderers", "*"),
    ("bids", "details", "*", "tenderers", "*"),
    ("awards", "*", "suppliers", "*"),
    ("awards", "*", "complaints", "*", "author"),
    ("contracts", "*", "implementation", "transactions", "*", "payer"),
    ("contracts", "*", "implementation", "transactions", "*", "payee"),
)


def standard_zip(folder: Path) -> bytes:
    """The OCDS 1.1.5 standard as libcoveocds reads it from a ZIP (ocdsextensionregistry's
    ProfileBuilder: `<first entry>schema/<file>`): the vendored files, the closed codelists, and the
    versioned release schema, not vendored, derived from the release schema as the standard's own
    build does. It is written to `folder` too, and the record package schema names it there by a
    file:// URL: libcoveocds dereferences that schema's `versionedRelease` with jsonref, which would
    fetch it from standard.open-contracting.org."""
    versioned = folder / "versioned-release-validation-schema.json"
    versioned.write_text(json.dumps(get_versioned_release_schema(load("release-schema.json"), "1__1__5")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("standard-1__1__5/", "")
        for name in STANDARD_FILES:
            text = (SCHEMA_DIR / name).read_text()
            if name == "record-package-schema.json":
                text = text.replace(f"{STANDARD_URL}{versioned.name}", versioned.as_uri())
            archive.writestr(f"standard-1__1__5/schema/{name}", text)
        for name, codes in closed_codelists(load("release-schema.json")).items():
            rows = "".join(f"{code}\n" for code in codes)
            archive.writestr(f"standard-1__1__5/schema/codelists/{name}", f"Code\n{rows}")
        archive.writestr(f"standard-1__1__5/schema/{versioned.name}", versioned.read_text())
    return buffer.getvalue()


def closed_codelists(schema: Any) -> dict[str, list[str]]:
    """The closed codelists of a schema, from the `enum` each field carries beside its `codelist`
    (the standard's CSVs are not vendored; a closed codelist's codes are exactly its enum)."""
    found: dict[str, list[str]] = {}
    if isinstance(schema, dict):
        if "codelist" in schema and schema.get("openCodelist") is False and "enum" in schema:
            found[schema["codelist"]] = [code for code in schema["enum"] if code is not None]
        for value in schema.values():
            found |= closed_codelists(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= closed_codelists(value)
    return found


def review(package: dict[str, Any], standard: bytes) -> dict[str, Any]:
    config = LibCoveOCDSConfig({"standard_zip": standard, "context": "api"})
    with tempfile.TemporaryDirectory() as folder:  # where it writes the extended schema
        return ocds_json_output(folder, json_data=package, lib_cove_ocds_config=config)


def _at(value: Any, path: tuple[str, ...]) -> list[Any]:
    if not path:
        return [value]
    head, rest = path[0], path[1:]
    if head == "*":
        return [found for item in value or [] for found in _at(item, rest)]
    return _at(value[head], rest) if isinstance(value, dict) and head in value else []


def unresolved_references(release: dict[str, Any]) -> list[str]:
    """Organization references in `release` whose id is not a party of that release."""
    parties = {party["id"] for party in release.get("parties", [])}
    return [
        f"{release['id']}: {'/'.join(path)} -> {reference['id']}"
        for path in REFERENCES
        for reference in _at(release, path)
        if reference["id"] not in parties
    ]


def assert_clean(result: dict[str, Any]) -> None:
    """libcoveocds's answer (its API context) finds nothing to report."""
    assert result["validation_errors"] == [], result["validation_errors"]
    extensions = result["extensions"]
    assert extensions["invalid_extension"] == {}, extensions["invalid_extension"]
    assert all(not e.get("failed_codelists") for e in extensions["extensions"]), extensions
    assert result["additional_fields"] == [], result["additional_fields"]  # none outside the schema
    assert result["deprecated_fields"] == []
    assert result.get("additional_checks", {}) == {}, result["additional_checks"]  # empty fields
    assert "conformance_errors" not in result  # ocid prefixes
    assert result["additional_closed_codelist_values"] == {}, result["additional_closed_codelist_values"]


@pytest.fixture(scope="module")
def standard(tmp_path_factory) -> bytes:
    return standard_zip(tmp_path_factory.mktemp("standard"))


@pytest.fixture(scope="module")
def gateway(chain_url, manifest_dir, issuer_dir, signers_file, protocol, tmp_path_factory):  # noqa: F811
    """A gateway process of its own over the session's chain, after the pilot (to a payment) and the
    protocol's every-step tenders, indexed to the head."""
    pilot = run_pilot(chain_url, load_manifest(manifest_path(manifest_dir, 31337)), prefix=PREFIX)
    folder = tmp_path_factory.mktemp("review")
    env = {
        "TERANG_RPC_URL": chain_url,
        "TERANG_CHAIN_ID": "31337",
        "TERANG_MANIFEST_DIR": str(manifest_dir),
        "TERANG_DATABASE_URL": f"sqlite:///{folder / 'gateway.db'}",
        "TERANG_SIGNERS_FILE": str(signers_file),
        "TERANG_JWT_PUBLIC_KEY_FILE": str(issuer_dir / "public.pem"),
        "TERANG_KEYRING_FILE": str(folder / "keyring.json"),
        "TERANG_DOCUMENTS_DIR": str(folder / "documents"),
        "TERANG_ENVIRONMENT": "test",
        "TERANG_INDEXER_POLL_SECONDS": "0.2",
        "TERANG_RATE_LIMIT_PER_SECOND": "0",
    }
    with gateway_process(env, folder / "gateway.log") as (base, _):
        head = Web3(Web3.HTTPProvider(chain_url)).eth.block_number
        wait_until_indexed(lambda: httpx.get(base + "/health", timeout=10).json(), head, timeout=120)
        yield base, pilot


def pages(base: str, path: str, key: str) -> list[dict[str, Any]]:
    """Every page of a paginated package, following links.next."""
    found, url = [], f"{base}{path}?limit=3"
    while url:
        package = httpx.get(url, timeout=60).json()
        found.append(package)
        url = package.get("links", {}).get("next")
    assert all(package[key] for package in found)
    return found


def test_a_page_of_releases_passes_the_review_with_the_extensions_from_this_gateway(gateway, standard):
    base, pilot = gateway
    package = httpx.get(f"{base}/ocds/releases?limit=100", timeout=60).json()
    assert package["extensions"] == [
        f"{base}/ocds/extension/bids/extension.json",
        f"{base}/ocds/extension/extension.json",
    ]
    ocids = {release["ocid"] for release in package["releases"]}
    assert pilot.contracted.ocid in ocids
    result = review(package, standard)
    assert_clean(result)
    assert len(result["extensions"]["extensions"]) == len(package["extensions"])
    assert result["extensions"]["is_extended_schema"] is True
    assert [r for release in package["releases"] for r in unresolved_references(release)] == []


def test_every_record_page_passes_the_review(gateway, standard):
    base, pilot = gateway
    records = [record for page in pages(base, "/ocds/records", "records") for record in page["records"]]
    assert pilot.contracted.ocid in {record["ocid"] for record in records}
    package = {**httpx.get(f"{base}/ocds/records?limit=1", timeout=60).json(), "records": records}
    package.pop("links", None)
    result = review(package, standard)
    assert_clean(result)
    for record in records:
        assert [r for release in record["releases"] for r in unresolved_references(release)] == []
        assert unresolved_references({**record["compiledRelease"], "id": "compiled"}) == []


def test_the_pilots_paid_contract_names_its_parties_by_their_public_identifiers(gateway):
    base, pilot = gateway
    (record,) = httpx.get(f"{base}/ocds/records/{pilot.contracted.ocid}", timeout=60).json()["records"]
    parties = {party["id"]: party for party in record["compiledRelease"]["parties"]}
    buyer = parties["ID-AGENCY-1001"]
    assert buyer["identifier"] == {"scheme": "ID-KLPD", "id": "1001"}
    assert not buyer["name"].startswith("Agency "), buyer  # the name AgencyRegistered made public
    assert buyer["roles"] == ["buyer", "procuringEntity", "payer"]
    winner = parties[f"ID-SUPPLIER-{pilot.contracted.winner}"]
    assert winner["identifier"] == {"scheme": "ID-TERANG", "id": str(pilot.contracted.winner)}
    assert winner["roles"] == ["tenderer", "supplier", "payee"]


def test_open_codelists_are_not_checked_without_their_csvs(gateway, standard):
    """What the docstring says: a code no open codelist has passes unnoticed, while a closed
    codelist's field is still held to its codes (from the CSVs written from the enums)."""
    base, _ = gateway
    package = httpx.get(f"{base}/ocds/releases?limit=1", timeout=60).json()
    package["releases"][0]["tender"]["submissionMethod"] = ["carrierPigeon"]  # open codelist
    result = review(package, standard)
    assert result["validation_errors"] == []
    assert result.get("additional_open_codelist_values", {}) == {}
    package["releases"][0]["tender"]["status"] = "finished"  # closed codelist tenderStatus
    refused = review(package, standard)
    assert list(refused["additional_closed_codelist_values"]) == ["releases/tender/status"], refused


# -- paging, as a data user pages ------------------------------------------------------------------
def test_records_page_by_page_are_the_json_lines_and_the_last_page_has_no_next(gateway):
    base, pilot = gateway
    paged = pages(base, "/ocds/records", "records")
    assert len(paged) > 1 and all("next" in page["links"] for page in paged[:-1])
    assert "links" not in paged[-1]  # the last page
    ocids = [record["ocid"] for page in paged for record in page["records"]]
    assert len(ocids) == len(set(ocids)) and pilot.contracted.ocid in ocids
    streamed = httpx.get(f"{base}/ocds/records.jsonl", timeout=60)
    assert streamed.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in streamed.text.splitlines()]
    assert [record["ocid"] for record in lines] == ocids  # one record per line, in announcement order
    (single,) = httpx.get(f"{base}/ocds/records/{pilot.contracted.ocid}", timeout=60).json()["records"]
    assert lines[ocids.index(pilot.contracted.ocid)] == single
    releases = [r for page in pages(base, "/ocds/releases", "releases") for r in page["releases"]]
    assert releases == [release for record in lines for release in record["releases"]]


@pytest.mark.parametrize("path", ["/ocds/records", "/ocds/releases"])
@pytest.mark.parametrize(
    "query",
    ["cursor=abc", "cursor=-1", f"cursor={2**63}", "cursor=99999999999999999999", "limit=0", "limit=101"],
)
def test_a_bad_cursor_or_limit_is_a_problem_not_a_server_error(gateway, path, query):
    base, _ = gateway
    answer = httpx.get(f"{base}{path}?{query}", timeout=60)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "invalid_request"


def test_a_cursor_past_the_last_ocid_is_an_empty_last_page(gateway):
    base, _ = gateway
    package = httpx.get(f"{base}/ocds/records?cursor={2**63 - 1}", timeout=60).json()
    assert package["records"] == [] and "links" not in package


# -- package metadata --------------------------------------------------------------------------------
def test_packages_carry_the_licence_and_the_policy_this_gateway_serves_in_both_languages(gateway):
    base, pilot = gateway
    for path in ("/ocds/releases", "/ocds/records", f"/ocds/records/{pilot.contracted.ocid}"):
        package = httpx.get(f"{base}{path}", timeout=60).json()
        assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
        assert package["publicationPolicy"] == f"{base}/ocds/publication-policy"
        assert package["publisher"] == {"name": "Terang (ledger of Indonesian public procurement)"}
    policy = httpx.get(f"{base}/ocds/publication-policy", timeout=60)
    assert policy.status_code == 200 and policy.headers["content-type"].startswith("text/html")
    page = policy.text
    assert "Kebijakan publikasi" in page and "Publication policy" in page
    assert page.index('lang="id"') < page.index('lang="en"')  # Indonesian first
    assert "ocds-terang-" in page and "NIK" in page  # the prefix, and what is withheld
    assert "<code>https://creativecommons.org/licenses/by/4.0/</code>" in page
    assert "href=" not in page  # the licence is text, never a link out (air-gapped readers)


def test_the_publisher_identifier_appears_only_when_both_parts_are_configured():
    from app.config import Settings
    from app.ocds.packages import Publication

    both = Settings(environment="test", ocds_publisher_scheme="ID-KMH", ocds_publisher_uid="AHU-0001")
    assert Publication.of(both).publisher() == {
        "name": "Terang (ledger of Indonesian public procurement)",
        "scheme": "ID-KMH",
        "uid": "AHU-0001",
    }
    half = Settings(environment="test", ocds_publisher_uid="AHU-0001")
    assert set(Publication.of(half).publisher()) == {"name"}
    unlicensed = Settings(environment="test", ocds_license="", ocds_publication_policy="")
    assert Publication.of(unlicensed).metadata("https://x.example/ocds/releases") == {}


# -- the data users' guide (docs/guides/open-data.*.md) -------------------------------------------
def test_the_indonesian_guide_carries_the_english_guides_commands():
    assert len(same_commands(ENGLISH_GUIDE, INDONESIAN_GUIDE)) == 4


@pytest.mark.parametrize("guide", [ENGLISH_GUIDE, INDONESIAN_GUIDE], ids=["en", "id"])
def test_every_command_of_the_guides_is_in_a_sh_block_the_test_runs(guide):
    assert every_fence_is_sh(guide), f"{guide.name}: a fence that is not ```sh"


def test_the_guides_commands_page_stream_and_review_the_publication(gateway, standard, tmp_path):
    """Every block of the English guide, in order, as its reader runs it (curl, jq, libcoveocds on
    PATH), against the real gateway; the ZIP of the standard is the offline one above."""
    base, _ = gateway
    zipped = tmp_path / "standard-1__1__5.zip"
    zipped.write_bytes(standard)
    environment = {
        "TERANG_URL": base,
        "OCDS_STANDARD_ZIP": str(zipped),
        "PATH": f"{ROOT / '.venv-app' / 'bin'}:{os.environ['PATH']}",
    }
    ran = run_guide(ENGLISH_GUIDE, environment, tmp_path, timeout=300)
    first, paged, streamed, head, *reviews = ran.stdout.splitlines()
    assert json.loads(first)["next"].startswith(f"{base}/ocds/releases?")
    releases = int(paged.split("releases: ")[1])
    assert f"releases.jsonl: {releases} lines" in streamed
    assert json.loads(head)["releases"] >= 1
    assert [json.loads(line) for line in reviews] == [
        {"errors": 0, "invalid_extensions": 0, "empty_fields": 0}
    ] * 2
