"""Suppliers' names in the OCDS parties: a supplier is published by its on-chain id until an award
names it; from that release on it carries its business name from the SIKaP extract, as the award
announcement makes it public. A bidder no award names stays an id in every release."""

from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.db.models import Base
from app.ocds.events import Event
from app.ocds.packages import record
from app.ocds.releases import build_releases
from app.ocds.schema import release_schema
from app.ocds.supplier_names import supplier_names
from app.sikap import models
from tests.gateway.test_ocds import assert_valid
from tests.gateway.test_ocds_contract import OCID, STORY, H

WINNER, LOSER = 7, 8
NAMES = {WINNER: "PT Karya Nusantara", LOSER: "CV Kalah Tender"}
# The contract story with a second bidder, who commits before the award and is never named by it.
LOSING_BID = Event(
    "Tenders",
    "BidCommitted",
    {
        "supplierId": LOSER,
        "commitment": H,
        "commitSeq": 2,
        "replaced": False,
        "envelopeHash": H,
        "envelopeSize": 419,
    },
    101,
    1,
    1_790_000_001,
    "0x" + "00" * 32,
)
EVENTS = [*STORY[:2], LOSING_BID, *STORY[2:]]


def party_names(release: dict) -> dict[str, str]:
    return {party["id"]: party["name"] for party in release.get("parties", [])}


def test_the_winner_is_named_from_the_award_on_and_the_other_bidder_never():
    releases = build_releases(OCID, EVENTS, supplier_names=NAMES)
    award_at = next(i for i, r in enumerate(releases) if "award" in r["tag"])
    for position, release in enumerate(releases):
        names = party_names(release)
        if "ID-SUPPLIER-7" in names:
            expected = NAMES[WINNER] if position >= award_at else f"Supplier {WINNER}"
            assert names["ID-SUPPLIER-7"] == expected, release["tag"]
        assert names.get("ID-SUPPLIER-8", "Supplier 8") == "Supplier 8", release["tag"]
        assert NAMES[LOSER] not in str(release)
    compiled = record(OCID, releases)["compiledRelease"]
    assert party_names(compiled)["ID-SUPPLIER-7"] == NAMES[WINNER]
    assert compiled["awards"][-1]["suppliers"] == [{"id": "ID-SUPPLIER-7", "name": NAMES[WINNER]}]
    for release in releases:
        assert_valid(release_schema(), release)


def test_without_a_name_in_the_extract_the_winner_stays_its_id():
    releases = build_releases(OCID, EVENTS, supplier_names={})
    assert all(
        name.startswith(("Supplier ", "Agency ")) for r in releases for name in party_names(r).values()
    )


def test_only_the_suppliers_an_award_names_are_looked_up(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'sikap.db'}")
    tables = [models.SikapBusiness.__table__, models.SikapSupplier.__table__]
    Base.metadata.create_all(engine, tables=tables)
    with Session(engine) as session, session.begin():
        for supplier, name in NAMES.items():
            session.add(models.SikapBusiness(nib_hash=f"0x{supplier:064x}", name=name))
            models.remember_supplier(session, supplier, f"0x{supplier:064x}")
    with Session(engine) as session:
        assert supplier_names(session, EVENTS) == {WINNER: NAMES[WINNER]}
        assert supplier_names(session, EVENTS[:3]) == {}  # before the award, nobody
