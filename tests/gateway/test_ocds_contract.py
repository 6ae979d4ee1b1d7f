"""The contract and implementation part of the mapping (escrow and payment events), from events as
the indexer stores them: valid OCDS, milestones met and settled payments as transactions."""

from __future__ import annotations

from app.ocds.events import Event
from app.ocds.packages import record
from app.ocds.releases import build_releases
from app.ocds.schema import release_schema
from tests.gateway.test_ocds import assert_valid

OCID = "ocds-terang-1001-2025-kontrak"
H = "0x" + "ab" * 32
PAY = "0x" + "cd" * 32
PARAMS = {
    "ocid": OCID,
    "title": "Jalan IKN",
    "documentHash": H,
    "agencyId": 1001,
    "hps": 900,
    "category": 1,
    "method": 0,
    "evaluation": 0,
    "preferenceBps": 0,
    "domesticOnly": False,
    "umkmReserved": True,
    "commitDeadline": 1_800_000_000,
    "revealDeadline": 1_800_100_000,
    "objectionWindow": 1,
    "minValidBids": 1,
    "technicalWeightBps": 0,
    "scoringDeadline": 0,
    "bidBond": 0,
}


def event(n: int, contract: str, name: str, **args) -> Event:
    return Event(contract, name, args, 100 + n, 0, 1_790_000_000 + n, "0x" + "00" * 32)


STORY = [
    event(0, "Tenders", "TenderAnnounced", agencyId=1001, params=PARAMS),
    event(
        1,
        "Tenders",
        "BidCommitted",
        supplierId=7,
        commitment=H,
        commitSeq=1,
        replaced=False,
        envelopeHash=H,
        envelopeSize=419,
    ),
    event(
        2,
        "Tenders",
        "BidRevealed",
        supplierId=7,
        price=800,
        tkdnBps=0,
        hea=800,
        products=[],
        bidBondRef="0x" + "00" * 32,
    ),
    event(
        3,
        "Tenders",
        "AwardProposed",
        supplierId=7,
        price=800,
        hea=800,
        tkdnBps=0,
        tenderers=1,
        validBids=1,
        objectionDeadline=1,
    ),
    event(
        4,
        "Tenders",
        "TenderAwarded",
        supplierId=7,
        supplier="0x" + "11" * 20,
        value=800,
        agencyId=1001,
        ocid=OCID,
    ),
    event(
        5,
        "MilestoneEscrow",
        "EscrowCreated",
        supplierId=7,
        agencyId=1001,
        officer="0x" + "22" * 20,
        value=800,
        milestoneCount=2,
        termsHash=H,
    ),
    event(
        6,
        "MilestoneEscrow",
        "EscrowCountersigned",
        supplierId=7,
        signer="0x" + "11" * 20,
        bySignature=False,
        advancePaymentId="0x" + "00" * 32,
    ),
    event(
        7,
        "MilestoneEscrow",
        "MilestoneApproved",
        index=0,
        paymentId=PAY,
        gross=400,
        retention=20,
        penalty=0,
        advanceRepaid=0,
        net=380,
        daysLate=0,
    ),
    event(8, "Payments", "PaymentSettled", id=PAY, source="0x" + "33" * 20, amount=380, providerReference=H),
]


def test_contract_milestones_and_payments_are_valid_ocds():
    releases = build_releases(OCID, STORY)
    for release in releases:
        assert_valid(release_schema(), release)
    compiled = record(OCID, releases)["compiledRelease"]
    assert_valid(release_schema(), compiled)
    (contract,) = compiled["contracts"]
    assert contract["status"] == "active" and contract["value"]["amount"] == 800
    assert [m["status"] for m in contract["milestones"]] == ["met", "scheduled"]
    (payment,) = contract["implementation"]["transactions"]
    assert payment["id"] == PAY and payment["value"]["amount"] == 380
    assert payment["payee"]["id"] == "ID-SUPPLIER-7"
    assert compiled["tender"]["mainProcurementCategory"] == "works"
