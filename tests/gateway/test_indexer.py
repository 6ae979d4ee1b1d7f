"""The indexer follows a real tender on the local chain into the database: every event decoded
with its contract's ABI, in chain order, resumable from its cursor."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.indexer.follower import Indexer
from app.indexer.models import ChainEvent, IndexedBlock
from app.indexer.node import Node
from app.indexer.store import event_count, load_cursor
from app.protocol.bids import tender_id
from app.protocol.manifest import load_manifest, manifest_path
from tests.support.tender_scenario import HPS, Scenario

OCID = "ocds-terang-1001-2025-idx1"
TENDER_STORY = [
    "TenderAnnounced",
    "TenderAmended",
    "BidCommitted",
    "BidCommitted",
    "BidCommitted",
    "BidRevealed",
    "BidRevealed",
    "BidRevealed",
    "AwardProposed",
    "ObjectionFiled",
    "ObjectionResolved",
    "TenderAwarded",
]


@pytest.fixture(scope="module")
def manifest(settings, manifest_dir):
    return load_manifest(manifest_path(manifest_dir, 31337))


@pytest.fixture(scope="module")
def scenario(chain_url, manifest):
    return Scenario(chain_url, manifest)


@pytest.fixture(scope="module")
def pilot(scenario):
    return scenario.tender(OCID, {16: 1_850_000_000, 17: 1_790_000_000, 18: 1_900_000_000})


@pytest.fixture()
def sessions(tmp_path):
    url = f"sqlite:///{tmp_path / 'index.db'}"
    upgrade(url)
    engine = make_engine(url)
    yield make_session_factory(engine)
    engine.dispose()


def make_indexer(chain_url, sessions, manifest, **options) -> Indexer:
    return Indexer(Node(chain_url), sessions, manifest, **options)


def run_to_head(indexer: Indexer, limit: int = 10_000) -> None:
    for _ in range(limit):
        indexer.step()
        if indexer.caught_up():
            return
    raise AssertionError("the indexer did not catch up")


def tender_events(sessions, ocid: str) -> list[ChainEvent]:
    with sessions() as session:
        return list(
            session.scalars(
                select(ChainEvent)
                .where(ChainEvent.topic1 == "0x" + tender_id(ocid).hex(), ChainEvent.contract == "Tenders")
                .order_by(ChainEvent.block_number, ChainEvent.log_index)
            )
        )


def test_a_tender_is_indexed_in_chain_order_with_decoded_arguments(chain_url, manifest, pilot, sessions):
    indexer = make_indexer(chain_url, sessions, manifest)
    run_to_head(indexer)

    events = tender_events(sessions, OCID)
    assert [e.event for e in events] == TENDER_STORY
    announced = events[0].args
    assert announced["params"]["ocid"] == OCID
    assert announced["params"]["hps"] == HPS
    assert announced["agencyId"] == 1001
    awarded = events[-1].args
    assert awarded["supplierId"] == pilot.winner and awarded["value"] == pilot.prices[pilot.winner]
    assert all(e.block_timestamp for e in events)


def test_every_stored_event_belongs_to_a_manifest_contract(chain_url, manifest, pilot, sessions):
    run_to_head(make_indexer(chain_url, sessions, manifest))
    with sessions() as session:
        contracts = set(session.scalars(select(ChainEvent.contract).distinct()))
        names = set(session.scalars(select(ChainEvent.event).distinct()))
    assert contracts <= set(manifest.contracts)
    assert {"SupplierRegistered", "SupplierVerified", "TenderAnnounced"} <= names
    assert "UnknownEvent" not in names


def test_the_cursor_respects_confirmations(chain_url, manifest, pilot, sessions, scenario):
    indexer = make_indexer(chain_url, sessions, manifest, confirmations=3)
    run_to_head(indexer)
    head = scenario.w3.eth.block_number
    with sessions() as session:
        assert load_cursor(session, 31337).block_number == head - 2


def test_a_restarted_indexer_resumes_from_its_cursor_without_duplicates(
    chain_url, manifest, pilot, sessions, tmp_path
):
    first = make_indexer(chain_url, sessions, manifest, batch_blocks=2, max_batch_blocks=2)
    for _ in range(3):
        first.step()
    with sessions() as session:
        partial = event_count(session)

    run_to_head(make_indexer(chain_url, sessions, manifest))  # a new process, same database

    reference_url = f"sqlite:///{tmp_path / 'reference.db'}"
    upgrade(reference_url)
    reference = make_indexer(chain_url, make_session_factory(make_engine(reference_url)), manifest)
    run_to_head(reference)
    assert rows(sessions) == rows(reference.sessions)
    assert 0 < partial < len(rows(sessions))


def rows(sessions) -> list[tuple]:
    with sessions() as session:
        return list(
            session.execute(
                select(
                    ChainEvent.block_number,
                    ChainEvent.log_index,
                    ChainEvent.block_hash,
                    ChainEvent.event,
                    ChainEvent.args,
                ).order_by(ChainEvent.block_number, ChainEvent.log_index)
            )
        )


def test_the_hash_of_every_block_with_events_is_stored(chain_url, manifest, pilot, sessions, scenario):
    run_to_head(make_indexer(chain_url, sessions, manifest))
    with sessions() as session:
        stored = dict(session.execute(select(IndexedBlock.number, IndexedBlock.hash)).all())
        event_blocks = set(session.scalars(select(ChainEvent.block_number)))
    assert event_blocks <= set(stored)
    for number in sorted(event_blocks)[-3:]:
        assert stored[number] == scenario.w3.eth.get_block(number)["hash"].to_0x_hex()
