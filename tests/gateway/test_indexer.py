"""The indexer follows real tenders on the local chain into the database: every event decoded with
its contract's ABI, in chain order, resumable from its cursor; the tender protocol's every step (the
Pokja, sealed bids with their envelopes, openings by the supplier and by the Pokja quorum, bids
nobody opened, non-compliance, a withdrawn preference, sealed and opened score sheets, objections
and appeals) decoded as the read side needs it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.indexer.follower import Indexer
from app.indexer.models import ChainEvent, IndexedBlock
from app.indexer.node import Node
from app.indexer.store import event_count, load_cursor
from app.protocol import policy as policy_rules
from app.protocol import vocabulary
from app.protocol.bids import envelope_hash, tender_id
from app.protocol.manifest import load_manifest, manifest_path
from app.tenders import envelope
from tests.support.tender_scenario import HPS, POKJA, QUORUM, Scenario

OCID = "ocds-terang-1001-2025-idx1"
TENDER_STORY = [
    "TenderAnnounced",
    "TenderPolicyBound",
    "PokjaAppointed",
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


@pytest.fixture(scope="session")
def protocol(chain_url, manifest_dir):
    """Tenders that take every step of the protocol the read side shows (shared by the indexer, OCDS
    and explorer tests of this session): `withheld`, a bid its supplier never opens (the Pokja quorum
    opens it: the lowest, it wins) beside one nobody opens and a preference withdrawn; `gugur`, the
    lowest bid declared non-compliant; `value`, a value-system tender with score sheets; `appeal`, a
    construction tender whose objector appeals to the KPA."""
    if chain_url in _PROTOCOL_RUNS:  # imported by other modules: pytest would run it once per module
        return _PROTOCOL_RUNS[chain_url]
    scenario = Scenario(chain_url, load_manifest(manifest_path(manifest_dir, 31337)))
    prices = {16: 1_850_000_000, 17: 1_700_000_000, 18: 1_900_000_000}
    _PROTOCOL_RUNS[chain_url] = {
        "withheld": scenario.tender(
            f"{PROTOCOL}-withheld", prices, withheld=(17,), unopened=(18,), preference_withdrawn=(16,)
        ),
        "gugur": scenario.tender(f"{PROTOCOL}-gugur", prices, non_compliant={17: "false_documents"}),
        "value": scenario.tender(
            f"{PROTOCOL}-value",
            prices,
            amend=False,
            objection=False,
            scores={16: (9000, 8500, 8800), 17: (6000, 6500, 6200), 18: (7000, 7000, 7000)},
        ),
        "appeal": scenario.tender(f"{PROTOCOL}-appeal", {16: 1_800_000_000, 17: 1_750_000_000}, appeal=True),
    }
    return _PROTOCOL_RUNS[chain_url]


_PROTOCOL_RUNS: dict[str, dict] = {}  # chain url -> the protocol's tenders on that chain


PROTOCOL = "ocds-terang-1001-2025-protocol"
REJECT_REASON = vocabulary.enum("ITenders.RejectReason")


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


def test_every_step_of_the_protocol_is_decoded(chain_url, manifest, protocol, sessions):
    run_to_head(make_indexer(chain_url, sessions, manifest))
    withheld = tender_events_args(sessions, protocol["withheld"].ocid)
    names = [name for name, _ in withheld]
    assert names[:4] == ["TenderAnnounced", "TenderPolicyBound", "PokjaAppointed", "TenderAmended"]
    assert withheld[1][1]["policyVersion"] == 1
    pokja = withheld[2][1]
    assert pokja["members"] == [a.lower() for a in protocol["withheld"].pokja] and pokja["quorum"] == QUORUM
    assert all(len(key) == 66 for key in pokja["encryptionKeys"])

    ids = {run: dict(zip((16, 17, 18), protocol[run].supplier_ids, strict=False)) for run in protocol}
    w = ids["withheld"]
    opened = [args for name, args in withheld if name == "BidNotOpenedBySupplier"]
    # The quorum's opening names the member who sent it; the bid nobody opened, nobody.
    assert [(a["supplierId"], a["openedBy"]) for a in opened] == [
        (w[17], protocol["withheld"].pokja[0].lower()),
        (w[18], "0x" + "00" * 20),
    ]
    revealed = {a["supplierId"]: a for name, a in withheld if name == "BidRevealed"}
    assert set(revealed) == {w[16], w[17]} and revealed[w[17]]["price"] == 1_700_000_000
    assert revealed[w[17]]["products"] == [] and revealed[w[17]]["bidBondRef"] == "0x" + "00" * 32
    rejected = [(a["supplierId"], a["reason"]) for name, a in withheld if name == "BidRejected"]
    assert rejected == [(w[18], REJECT_REASON.code("Unrevealed"))]
    (withdrawn,) = [a for name, a in withheld if name == "PreferenceWithdrawn"]
    assert withdrawn["supplierId"] == w[16]
    assert names[-1] == "TenderAwarded" and withheld[-1][1]["supplierId"] == w[17]  # the quorum's opening won

    gugur = tender_events_args(sessions, protocol["gugur"].ocid)
    (declared,) = [a for name, a in gugur if name == "BidDeclaredNonCompliant"]
    assert (
        declared["supplierId"] == ids["gugur"][17]
        and declared["officer"] == protocol["gugur"].pokja[1].lower()
    )
    value = [name for name, _ in tender_events_args(sessions, protocol["value"].ocid)]
    assert value.count("ScoreSheetSealed") == len(POKJA) == value.count("ScoreSheetOpened")
    appeal = [name for name, _ in tender_events_args(sessions, protocol["appeal"].ocid)]
    assert appeal[-4:] == ["ObjectionResolved", "AppealFiled", "AppealResolved", "TenderAwarded"]


def test_the_policy_versions_are_indexed_with_every_figure(chain_url, manifest, sessions):
    """PolicyPublished: version 1 from the deployment, its source document's hash, every figure."""
    run_to_head(make_indexer(chain_url, sessions, manifest))
    with sessions() as session:
        published = list(
            session.scalars(
                select(ChainEvent)
                .where(ChainEvent.contract == "PolicyRegistry", ChainEvent.event == "PolicyPublished")
                .order_by(ChainEvent.block_number, ChainEvent.log_index)
            )
        )
    first = published[0].args
    assert first["version"] == 1 and len(first["sourceHash"]) == 66
    assert first["policy"] == policy_rules.DEFAULTS


def tender_events_args(sessions, ocid: str) -> list[tuple[str, dict]]:
    return [(e.event, e.args) for e in tender_events(sessions, ocid)]


def test_an_envelope_is_indexed_as_its_hash_and_size(chain_url, manifest, protocol, sessions):
    """A commit's envelope (up to 4 KiB) is indexed as its keccak-256, which the sealed bid binds,
    and its size; the bytes stay in the node's logs, where the Pokja's tools read them."""
    run_to_head(make_indexer(chain_url, sessions, manifest))
    run = protocol["withheld"]
    commits = [e for e in tender_events(sessions, run.ocid) if e.event == "BidCommitted"]
    assert len(commits) == 3
    no_products = 160  # abi.encode(price, [], salt, bidBondRef)
    for commit in commits:
        sealed = run.envelopes[commit.args["supplierId"]]
        assert "envelope" not in commit.args
        assert commit.args["envelopeHash"] == "0x" + envelope_hash(sealed).hex()
        assert commit.args["envelopeSize"] == len(sealed) == envelope.envelope_size(len(POKJA), no_products)


def test_upgrading_to_the_tender_protocol_rebuilds_the_read_models(chain_url, manifest, protocol, tmp_path):
    """Migration 0010: read models built by older code (summaries without the Pokja) are rebuilt
    from chain_events at the next catch-up after the upgrade."""
    from alembic import command

    from app.db.migrate import alembic_config
    from app.explorer.models import ExplorerTender
    from app.explorer.projection import ReadModels

    url = f"sqlite:///{tmp_path / 'older.db'}"
    upgrade(url)
    engine = make_engine(url)
    older = make_session_factory(engine)
    run_to_head(make_indexer(chain_url, older, manifest, projections=[ReadModels()]))
    ocid = protocol["withheld"].ocid
    with older.begin() as session:
        row = session.get(ExplorerTender, ocid)
        row.summary = {k: v for k, v in row.summary.items() if k not in ("pokja", "bid_details")}
    command.downgrade(alembic_config(url), "0009")  # the database as the older code left it
    upgrade(url)
    with older.begin() as session:
        assert ReadModels().catch_up(session) >= len(protocol)
    with older() as session:
        summary = session.get(ExplorerTender, ocid).summary
    engine.dispose()
    assert summary["pokja"] == [a.lower() for a in protocol["withheld"].pokja]
    assert [b["opened_by"] for b in summary["bid_details"]] == ["supplier", "pokja", "nobody"]
