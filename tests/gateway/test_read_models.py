"""The read models (app/explorer/projection.py) kept by the indexer batch by batch answer exactly
what rebuilding from the whole history answers: OCDS records and packages, the explorer's tender
summaries, supplier rows and supplier histories, and the red flags, after tiny batches, after a
real reorg of the local chain, and after a position the chain no longer has."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select, text

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.explorer import queries
from app.explorer.models import ExplorerTender, ReadModelPosition
from app.explorer.projection import NAME, ReadModels
from app.ocds.events import announced_ocids
from app.ocds.packages import all_releases, record, releases_for, stored_page, stored_record
from tests.gateway import test_indexer as base
from tests.gateway.test_indexer import make_indexer, run_to_head
from tests.support.pilot_scenario import run_pilot
from tests.support.postgres import postgres_bin, postgres_server

manifest, scenario, sessions = base.manifest, base.scenario, base.sessions


def projecting_indexer(chain_url, sessions, manifest):
    """An indexer keeping the read models, in batches of at most two blocks (many small steps), its
    red flags current as of every cursor."""
    return make_indexer(
        chain_url, sessions, manifest, batch_blocks=2, max_batch_blocks=2, projections=[ReadModels(0)]
    )


def assert_read_models_match_the_history(sessions) -> int:
    with sessions() as session:
        ocids = announced_ocids(session)
        for ocid in ocids:
            assert stored_record(session, ocid) == record(ocid, releases_for(session, ocid)), ocid
        assert stored_page(session, None, 100_000) == (list(all_releases(session)), None)
        stored, total = queries.tender_page(session, 1, 100_000)
        rebuilt = [dataclasses.replace(v, steps=[], documents=[]) for v in queries.tenders(session)]
        assert total == len(rebuilt) and stored == rebuilt
        # the supplier portal's search columns say what the summaries say
        fields = ("agency", "category", "evaluation", "method", "status", "commit_deadline")
        columns = {
            r.ocid: tuple(getattr(r, f) for f in fields) for r in session.scalars(select(ExplorerTender))
        }
        assert columns == {v.ocid: tuple(getattr(v, f) for f in fields) for v in rebuilt}
        results, analysed = queries.red_flag_results(session)
        assert queries.stored_welfare_periods(session) == queries.welfare_aggregates(session)
        indexed = queries.indexed_event_counts(session)
        assert queries.counts(session)["events"] == sum(indexed.values())
        for contract in {c for c, _ in indexed}:
            assert queries.event_counts(session, contract) == sorted(
                ((e, n) for (c, e), n in indexed.items() if c == contract), key=lambda x: (-x[1], x[0])
            )
        text, stored = queries.stored_red_flags_json(session)
        assert (json.loads(text), stored) == (json.loads(results.to_json()), analysed)
    assert_supplier_read_models_match_the_history(sessions)
    return len(ocids)


def assert_supplier_read_models_match_the_history(sessions) -> int:
    """The supplier list (every page) and each supplier's page, stored vs rebuilt from the history."""
    with sessions() as session:
        rebuilt = queries.suppliers(session)
        stored, total = queries.supplier_page(session, 1, 100_000)
        assert total == len(rebuilt) and stored == rebuilt
        paged, page = [], 1
        while len(paged) < total:
            rows, _ = queries.supplier_page(session, page, 2)
            assert rows
            paged, page = paged + rows, page + 1
        assert paged == rebuilt
        ids = {e.args["supplierId"] for e in queries.events_where(session) if "supplierId" in e.args}
        for supplier in sorted(ids | {10**9}):
            expected = queries.supplier_history(session, supplier)
            found = queries.stored_supplier_history(session, supplier)
            if expected is None:
                assert found is None, supplier
                continue
            assert found is not None, supplier
            assert [e.id for e in found.pop("events")] == [e.id for e in expected.pop("events")], supplier
            assert found.pop("older") is None, supplier  # the whole history: no page before it
            assert found == expected, supplier
    return len(rebuilt)


@pytest.fixture(scope="module")
def pilot(chain_url, manifest):
    return run_pilot(chain_url, manifest, prefix="ocds-terang-1001-rm")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The read models' sessions on SQLite (the default) and on a real PostgreSQL server."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sessions")
        return
    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)")
    with postgres_server() as url:
        upgrade(url)
        engine = make_engine(url)
        yield make_session_factory(engine)
        engine.dispose()


def test_batch_by_batch_read_models_equal_the_pages_built_from_the_whole_history(
    chain_url, manifest, pilot, database
):
    sessions = database
    indexer = projecting_indexer(chain_url, sessions, manifest)
    run_to_head(indexer)
    assert indexer.status.batches_total > 20  # really incremental
    assert assert_read_models_match_the_history(sessions) >= 3
    with sessions() as session:
        rows, _ = queries.supplier_page(session, 1, 100_000)
    assert len(rows) >= 2 and any(r["bids"] for r in rows) and any(r["wins"] for r in rows)
    with sessions() as session:
        compiled = stored_record(session, pilot.contracted.ocid)["compiledRelease"]
        flags, _ = queries.stored_red_flags(session)
    transactions = compiled["contracts"][0]["implementation"]["transactions"]
    assert sum(t["value"]["amount"] for t in transactions) == pilot.paid  # Payments events linked
    assert flags  # the pilot raises flags; they are read, not recomputed


def test_a_position_the_chain_no_longer_has_rebuilds_everything(chain_url, manifest, sessions):
    run_to_head(projecting_indexer(chain_url, sessions, manifest))
    with sessions.begin() as session:  # as if an indexer without the projection replayed a reorg
        session.get(ReadModelPosition, NAME).block_hash = "0x" + "ab" * 32
        session.execute(
            text("DELETE FROM ocds_tenders WHERE ocid IN (SELECT ocid FROM ocds_tenders LIMIT 1)")
        )
        session.execute(text("DELETE FROM explorer_supplier_events WHERE event_id % 2 = 0"))
        session.execute(
            text(
                "DELETE FROM explorer_suppliers WHERE supplier_id IN"
                " (SELECT supplier_id FROM explorer_suppliers LIMIT 1)"
            )
        )
    with sessions.begin() as session:
        assert ReadModels().catch_up(session) > 0
    assert_read_models_match_the_history(sessions)


def test_the_read_models_follow_a_reorg(chain_url, manifest, scenario, sessions):
    ids = scenario.suppliers()  # dev index -> supplier id
    outer = scenario.rpc("evm_snapshot")
    try:
        indexer = projecting_indexer(chain_url, sessions, manifest)
        fork = scenario.rpc("evm_snapshot")
        head = scenario.w3.eth.block_number
        scenario.tender("ocds-terang-1001-rm-reorg-a", {16: 1_800_000_000, 17: 1_700_000_000})
        run_to_head(indexer)
        with sessions() as session:
            assert stored_record(session, "ocds-terang-1001-rm-reorg-a") is not None
            before = {r["id"]: r for r in queries.supplier_page(session, 1, 100_000)[0]}
        assert before[ids[16]]["bids"] >= 1 and before[ids[17]]["bids"] >= 1
        scenario.rpc("evm_revert", [fork])
        scenario.tender("ocds-terang-1001-rm-reorg-b", {17: 1_750_000_000}, amend=False, objection=False)
        while scenario.w3.eth.block_number < head + 40:  # the new history is the longer one
            scenario.rpc("evm_mine")
        run_to_head(indexer)
        run_to_head(indexer)  # the first call may stop at the rollback
        assert indexer.status.reorgs_total >= 1
        with sessions() as session:
            assert stored_record(session, "ocds-terang-1001-rm-reorg-a") is None
            assert stored_record(session, "ocds-terang-1001-rm-reorg-b") is not None
            after = {r["id"]: r for r in queries.supplier_page(session, 1, 100_000)[0]}
        assert after[ids[16]]["bids"] == before[ids[16]]["bids"] - 1  # tender a's bid went with the reorg
        assert assert_supplier_read_models_match_the_history(sessions) >= 2
        assert_read_models_match_the_history(sessions)
    finally:
        scenario.rpc("evm_revert", [outer])  # leave the shared chain as this test found it


@pytest.mark.parametrize("limit", [1, 2])
def test_release_pages_concatenate_to_every_release(chain_url, manifest, sessions, limit):
    run_to_head(projecting_indexer(chain_url, sessions, manifest))
    pages, after = [], None
    with sessions() as session:
        while True:
            found, after = stored_page(session, after, limit)
            pages.extend(found)
            if after is None:
                break
        assert pages == list(all_releases(session))
