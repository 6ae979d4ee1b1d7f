"""OCDS publication of the pilot tender: releases, the compiled record and the packages validate
against the official OCDS 1.1.5 schema with the bids extension, and say what happened on the chain."""

from __future__ import annotations

import time

import jsonschema
import pytest
from fastapi.testclient import TestClient
from ocdskit.combine import merge as ocdskit_merge
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from app.main import create_app
from app.ocds.packages import record, release_package, releases_for
from app.ocds.schema import RELEASE_SCHEMA_URL, load, release_schema
from tests.gateway import test_indexer as base
from tests.gateway.test_indexer import make_indexer, run_to_head
from tests.support.documented import documented
from tests.support.ocds_pages import all_releases

manifest, scenario, sessions, protocol = base.manifest, base.scenario, base.sessions, base.protocol
OCID = "ocds-terang-1001-2025-ocds1"
PRICES = {16: 1_850_000_000, 17: 1_790_000_000, 18: 1_900_000_000}


def validator(schema: dict) -> jsonschema.Draft4Validator:
    registry = Registry().with_resource(RELEASE_SCHEMA_URL, Resource(release_schema(), DRAFT4))
    return jsonschema.Draft4Validator(
        schema, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def assert_valid(schema: dict, document: dict) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(schema).iter_errors(document)]
    assert errors == []


@pytest.fixture(scope="module")
def pilot(scenario):
    return scenario.tender(OCID, PRICES)


@pytest.fixture()
def published(chain_url, manifest, pilot, sessions):
    run_to_head(make_indexer(chain_url, sessions, manifest))
    with sessions() as session:
        return releases_for(session, OCID)


def test_every_release_is_valid_ocds_with_the_bids_extension(published):
    assert len(published) >= 10
    for release in published:
        assert_valid(release_schema(), release)
    assert_valid(load("release-package-schema.json"), release_package("https://example.test/p", published))


def test_the_record_and_its_compiled_release_are_valid(published):
    compiled = record(OCID, published)["compiledRelease"]
    assert_valid(release_schema(), compiled)
    package = {
        "uri": "https://example.test/r",
        "version": "1.1",
        "publishedDate": "2025-01-01T00:00:00Z",
        "publisher": {"name": "test"},
        "records": [record(OCID, published)],
    }
    assert_valid(load("record-package-schema.json"), package)


def test_the_compiled_release_tells_the_tender_story(published, pilot):
    compiled = record(OCID, published)["compiledRelease"]
    tender = compiled["tender"]
    assert tender["status"] == "complete"
    assert tender["numberOfTenderers"] == 3
    assert tender["value"] == {"amount": 2_000_000_000, "currency": "IDR"}
    assert [a["id"] for a in tender["amendments"]] == ["addendum-1"]
    assert len(tender["documents"]) == 2  # the tender document and the addendum, by hash
    assert {"startDate", "endDate"} <= set(tender["tenderPeriod"]) and "endDate" in tender["awardPeriod"]
    bids = {b["id"]: b for b in compiled["bids"]["details"]}
    assert {b["status"] for b in bids.values()} == {"valid"}
    assert {b["value"]["amount"] for b in bids.values()} == set(PRICES.values())
    (award,) = compiled["awards"]
    assert award["status"] == "active"
    assert award["value"]["amount"] == min(PRICES.values())
    assert award["suppliers"][0]["id"] == f"ID-SUPPLIER-{pilot.winner}"


def test_ocdskit_compiles_the_same_record(published):
    package = release_package("https://example.test/p", published)
    (compiled,) = list(ocdskit_merge([package], schema=release_schema()))
    assert compiled == record(OCID, published)["compiledRelease"]


def test_the_gateway_serves_records_packages_and_json_lines(settings, pilot, tmp_path):
    own = settings.model_copy(
        update={"database_url": f"sqlite:///{tmp_path / 'gw.db'}", "indexer_poll_seconds": 0.05}
    )
    with TestClient(create_app(own)) as client:
        deadline = time.monotonic() + 60
        while (client.get("/health").json().get("indexer") or {}).get("lagBlocks") != 0:
            assert time.monotonic() < deadline, client.get("/health").json()
            time.sleep(0.1)
        metrics = client.get("/metrics").text
        assert "terang_indexer_lag_blocks 0.0" in metrics
        assert "terang_indexer_events_total" in metrics

        records = client.get(f"/ocds/records/{OCID}")
        assert records.status_code == 200
        assert_valid(load("record-package-schema.json"), documented(records))
        releases = documented(client.get(f"/ocds/releases/{OCID}"))
        assert_valid(load("release-package-schema.json"), releases)
        documented(client.get("/ocds/releases"))
        _, everything = all_releases(client)
        assert {r["ocid"] for r in everything} >= {OCID}
        jsonl = client.get("/ocds/releases.jsonl")
        assert jsonl.headers["content-type"] == "application/x-ndjson"
        assert list(
            client.app.openapi()["paths"]["/ocds/releases.jsonl"]["get"]["responses"]["200"]["content"]
        ) == ["application/x-ndjson"]
        lines = jsonl.text.splitlines()
        assert len(lines) == len(everything)
        assert client.get("/ocds/records/ocds-terang-unknown").status_code == 404


def test_the_protocols_steps_reach_the_releases(chain_url, manifest, protocol, sessions):
    """From the chain: who opened each bid, non-compliance, a withdrawn preference, the Pokja,
    objections and the appeal to the KPA, all valid against the schema with Terang's extension."""
    run_to_head(make_indexer(chain_url, sessions, manifest))
    with sessions() as session:
        published = {name: releases_for(session, run.ocid) for name, run in protocol.items()}
    compiled = {}
    for name, releases in published.items():
        for release in releases:
            assert_valid(release_schema(), release)
        compiled[name] = record(protocol[name].ocid, releases)["compiledRelease"]
        assert_valid(release_schema(), compiled[name])

    def bids(name):
        ids = dict(zip((16, 17, 18), protocol[name].supplier_ids, strict=False))
        details = {b["id"]: b for b in compiled[name]["bids"]["details"]}
        return {index: details[f"bid-{supplier}"] for index, supplier in ids.items()}

    withheld = bids("withheld")
    assert withheld[16]["openedBy"] == "tenderer" and withheld[16]["domesticPreferenceWithdrawn"] is True
    assert withheld[17]["openedBy"] == "pokjaQuorum" and withheld[17]["status"] == "valid"
    assert withheld[17]["openedByMember"] == protocol["withheld"].pokja[0].lower()
    assert withheld[18]["openedBy"] == "nobody" and withheld[18]["status"] == "withdrawn"
    (award,) = compiled["withheld"]["awards"]
    assert (
        award["status"] == "active"
        and award["suppliers"][0]["id"] == f"ID-SUPPLIER-{protocol['withheld'].winner}"
    )
    assert award["complaints"][0]["outcome"] == "rejected"
    pokja = compiled["withheld"]["tender"]["pokja"]
    assert [m["address"] for m in pokja["members"]] == [a.lower() for a in protocol["withheld"].pokja]

    gugur = bids("gugur")[17]
    assert gugur["status"] == "disqualified" and gugur["nonCompliance"]["reason"] == "false_documents"
    assert "dokumen atau keterangan palsu" in gugur["statusDetails"]

    value = compiled["value"]["tender"]
    assert value["awardCriteria"] == "ratedCriteria" and value["scoringPeriod"]["endDate"]

    (appealed,) = compiled["appeal"]["awards"]
    appeal = appealed["complaints"][0]["appeal"]
    assert appeal["outcome"] == "rejected" and appeal["bondClaimed"]["amount"] == appeal["bond"]["amount"] > 0
    assert compiled["appeal"]["tender"]["mainProcurementCategory"] == "works"
