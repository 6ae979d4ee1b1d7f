"""Reads that stay cheap as history grows: the red flags kept as rows by the indexer (process-local
ones batch by batch, the cross-process ones when due) and read one entity at a time without running
app.redflags; the OCDS bulk export streamed a page at a time; and the explorer's event lookups
answered through an index, not a scan of chain_events."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import func, select, text

from app.explorer import queries
from app.explorer import redflags as redflag_rows
from app.explorer.models import RedFlagState
from app.explorer.projection import ReadModels
from app.indexer.models import ChainEvent
from app.ocds import packages as ocds_packages
from app.ocds import routes as ocds_routes
from app.ocds.models import OcdsTender
from app.ocds.packages import (
    array_items,
    package_text,
    record_package,
    record_text,
    stored_page,
    stored_page_text,
    stored_record,
    stored_record_text,
)
from app.officials.directory import directory_events
from app.redflags.results import OCID, TENDERER
from tests.gateway import test_indexer as base
from tests.gateway.test_indexer import make_indexer, run_to_head
from tests.support.pilot_scenario import run_pilot

manifest, scenario, sessions = base.manifest, base.scenario, base.sessions


@pytest.fixture(scope="module")
def pilot(chain_url, manifest):
    return run_pilot(chain_url, manifest, prefix="ocds-terang-1001-rh")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def full_results(sessions) -> dict:
    with sessions() as session:
        results, _ = queries.red_flag_results(session)
    return json.loads(results.to_json())


def stored(sessions) -> dict:
    with sessions() as session:
        return queries.stored_red_flags(session)[0]


def codes(results: dict) -> set[str]:
    return {code for entities in results.values() for flags in entities.values() for code in flags}


def test_the_indexer_keeps_local_flags_per_batch_and_the_cross_process_ones_when_due(
    chain_url, manifest, pilot, sessions, monkeypatch
):
    clock = Clock()
    monkeypatch.setattr(redflag_rows, "clock", clock)
    models = ReadModels(cross_interval=60)
    indexer = make_indexer(
        chain_url, sessions, manifest, batch_blocks=2, max_batch_blocks=2, projections=[models]
    )
    run_to_head(indexer)  # the clock stands still: only the first batch ran the cross-process ones
    expected = full_results(sessions)
    found = stored(sessions)
    local = {
        group: {e: {c: v for c, v in f.items() if c in redflag_rows.LOCAL} for e, f in entities.items()}
        for group, entities in expected.items()
    }
    assert codes(expected) & set(redflag_rows.LOCAL) and codes(expected) & set(redflag_rows.CROSS)
    assert codes(found) <= set(redflag_rows.LOCAL)  # cross-process flags deferred...
    for group, entities in local.items():  # ...while every process-local flag followed its batch
        for entity, flags in entities.items():
            assert {c: v for c, v in found.get(group, {}).get(entity, {}).items()} == flags, entity
    with sessions() as session:
        assert session.get(RedFlagState, redflag_rows.NAME).stale
    indexer.step()  # idle, not due yet
    assert codes(stored(sessions)) <= set(redflag_rows.LOCAL)
    clock.now += 61
    indexer.step()  # idle and due: the indexer settles the projection
    assert stored(sessions) == expected
    with sessions() as session:
        assert not session.get(RedFlagState, redflag_rows.NAME).stale


def test_a_costly_cross_process_run_spaces_the_next_by_four_times_its_duration(
    chain_url, manifest, pilot, sessions, monkeypatch
):
    clock = Clock()
    monkeypatch.setattr(redflag_rows, "clock", clock)
    real = redflag_rows.recompute_cross

    def taking_100_seconds(session):
        clock.now += 100
        return real(session)

    monkeypatch.setattr(redflag_rows, "recompute_cross", taking_100_seconds)
    models = ReadModels(cross_interval=60)
    indexer = make_indexer(
        chain_url, sessions, manifest, batch_blocks=2, max_batch_blocks=2, projections=[models]
    )
    run_to_head(indexer)
    clock.now += 61
    indexer.step()  # the first settle: its cost is now known
    assert models.cross_seconds == 100
    with sessions.begin() as session:
        session.get(RedFlagState, redflag_rows.NAME).stale = True  # tenders changed again
    for waited, due in ((61, False), (339, True)):  # 61 s is the interval, 400 s four times the cost
        clock.now += waited
        with sessions() as session:
            assert models.settle_due(session) is due, waited
    assert ReadModels(cross_interval=0)._cross_gap() == 0  # 0 keeps "after every batch"


def test_a_full_recompute_equals_the_engine_over_every_compiled_release(chain_url, manifest, pilot, sessions):
    run_to_head(make_indexer(chain_url, sessions, manifest, projections=[ReadModels(0)]))
    with sessions.begin() as session:
        session.execute(text("DELETE FROM redflag_flags"))
        assert redflag_rows.recompute_all(session) >= len(pilot.singles)
    assert stored(sessions) == full_results(sessions)


def test_the_pages_read_the_rows_and_never_run_the_engine(chain_url, manifest, pilot, sessions, monkeypatch):
    run_to_head(make_indexer(chain_url, sessions, manifest, projections=[ReadModels(0)]))
    expected = full_results(sessions)

    def refuse(*args, **kwargs):
        raise AssertionError("a read ran app.redflags")

    for module in (redflag_rows, queries):
        monkeypatch.setattr(module, "evaluate", refuse)
    with sessions() as session:
        for ocid, flags in expected[OCID].items():
            assert redflag_rows.flags_of(session, OCID, ocid) == flags
        for tenderer, flags in expected[TENDERER].items():
            assert redflag_rows.flags_of(session, TENDERER, tenderer) == flags
        per_code, per_group = redflag_rows.counts(session)
        assert (per_code, per_group) == tuple(redflag_rows.count_flags(session).values())
        page, after = redflag_rows.entity_page(session, OCID, None, 1)
    assert per_group[OCID] == len(expected[OCID]) and sum(per_code.values()) == sum(
        len(flags) for entities in expected.values() for flags in entities.values()
    )
    assert len(page) == 1 and after == next(iter(page))
    streamed = "".join(redflag_rows.json_chunks(sessions))
    assert json.loads(streamed) == expected


def test_the_red_flag_json_is_streamed_in_bounded_reads(chain_url, manifest, pilot, sessions, monkeypatch):
    run_to_head(make_indexer(chain_url, sessions, manifest, projections=[ReadModels(0)]))
    opened = []

    def counting():
        opened.append(1)
        return sessions()

    monkeypatch.setattr(redflag_rows, "PAGE", 2)
    chunks = list(redflag_rows.json_chunks(counting))
    with sessions() as session:
        rows = session.scalar(text("SELECT count(*) FROM redflag_flags"))
    assert len(opened) >= rows // 2 and len(chunks) > 3
    assert json.loads("".join(chunks)) == full_results(sessions)


def test_the_ocds_export_is_streamed_a_page_of_ocids_at_a_time(
    chain_url, manifest, pilot, sessions, monkeypatch
):
    run_to_head(make_indexer(chain_url, sessions, manifest, projections=[ReadModels(0)]))
    pages = []
    real = ocds_packages.stored_page  # what the stream reads (app/ocds/packages.py release_lines)

    def counted(session, after, limit):
        pages.append(limit)
        return real(session, after, limit)

    monkeypatch.setattr(ocds_packages, "stored_page", counted)
    monkeypatch.setattr(ocds_routes, "PAGE", 1)
    response = ocds_routes.releases_jsonl(sessions)
    assert isinstance(response, ocds_routes.JsonLinesResponse)  # a StreamingResponse
    assert pages == []  # nothing read before the body is iterated
    body = asyncio.run(read_body(response))
    with sessions() as session:
        ocids = session.scalar(text("SELECT count(*) FROM ocds_tenders"))
        everything, _ = real(session, None, 100_000)
    assert len(pages) == ocids and set(pages) == {1}
    assert [json.loads(line) for line in body.splitlines()] == everything


def test_packages_built_as_text_are_the_stored_json(chain_url, manifest, pilot, sessions):
    run_to_head(make_indexer(chain_url, sessions, manifest, projections=[ReadModels(0)]))
    with sessions() as session:
        ocids = list(session.scalars(select(OcdsTender.ocid)))
        for ocid in ocids:
            releases, compiled = stored_record_text(session, ocid)
            package = json.loads(package_text("http://x/", "records", record_text(ocid, releases, compiled)))
            assert package == record_package("http://x/", [stored_record(session, ocid)]) | {
                "publishedDate": package["publishedDate"]
            }
        after, after_text = None, None
        while True:
            found, after = stored_page(session, after, 2)
            texts, after_text = stored_page_text(session, after_text, 2)
            linked = json.loads(package_text("u", "releases", array_items(texts), links={"next": "n"}))
            assert linked["releases"] == found and linked["links"] == {"next": "n"} and after_text == after
            if after is None:
                break
    assert ocids


def test_the_block_list_equals_grouping_every_event_by_block(chain_url, manifest, pilot, sessions):
    run_to_head(make_indexer(chain_url, sessions, manifest))
    grouped = (
        select(ChainEvent.block_number, ChainEvent.block_hash, ChainEvent.block_timestamp, func.count())
        .group_by(ChainEvent.block_number, ChainEvent.block_hash, ChainEvent.block_timestamp)
        .order_by(ChainEvent.block_number.desc())
    )
    with sessions() as session:
        everything = [
            {"number": n, "hash": h, "timestamp": ts, "events": c} for n, h, ts, c in session.execute(grouped)
        ]
        assert queries.blocks(session, limit=10) == everything[:10]
        assert queries.blocks(session, limit=5, before=everything[3]["number"]) == everything[4:9]
    assert len(everything) > 10


async def read_body(response) -> str:
    return "".join([chunk async for chunk in response.body_iterator])


def plan(sessions, statement) -> list[str]:
    with sessions() as session:
        compiled = statement.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return [str(row[-1]) for row in rows]


# What ANALYZE wrote for chain_events on the national replay's database mid-catch-up (457,929
# events, few distinct names): with it, SQLite walked every event in chain order for the directory.
REPLAY_STATISTICS = {
    "ix_chain_events_contract_event": "457929 45793 8641 262 1",
    "ix_chain_events_contract_position": "457929 45793 314 1",
    "ix_chain_events_event": "457929 10177 262 1",
    "ix_chain_events_tx_hash": "457929 2",
    "ix_chain_events_topic1": "457929 10 2",
    "sqlite_autoindex_chain_events_1": "457929 337 1",
}


def with_replay_statistics(sessions) -> None:
    with sessions.begin() as session:
        session.execute(text("ANALYZE"))
        session.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = 'chain_events'"))
        for index, stat in REPLAY_STATISTICS.items():
            session.execute(
                text("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('chain_events', :idx, :stat)"),
                {"idx": index, "stat": stat},
            )
    sessions.kw["bind"].dispose()  # new connections read the statistics


@pytest.mark.parametrize("statistics", ["none", "the replay's"])
@pytest.mark.parametrize(
    "lookup",
    [
        "transaction",
        "directory",
        "contract newest",
        "contract event newest",
    ],
)
def test_the_explorers_event_lookups_use_an_index(sessions, lookup, statistics):
    statements = {
        "transaction": select(ChainEvent).where(ChainEvent.tx_hash == "0x" + "ab" * 32),
        "directory": directory_events(),
        "contract newest": select(ChainEvent)
        .where(ChainEvent.contract == "Tenders")
        .order_by(ChainEvent.block_number.desc(), ChainEvent.log_index.desc())
        .limit(200),
        "contract event newest": select(ChainEvent)
        .where(ChainEvent.contract == "Tenders", ChainEvent.event == "BidCommitted")
        .order_by(ChainEvent.block_number.desc(), ChainEvent.log_index.desc())
        .limit(200),
    }
    if statistics != "none":
        with_replay_statistics(sessions)
    steps = plan(sessions, statements[lookup])
    assert not any(step.startswith("SCAN chain_events") for step in steps), steps  # no scan of every event
    if lookup.startswith("contract"):
        assert not any("TEMP B-TREE" in step for step in steps), steps  # the index gives the order
