"""The tender protocol's steps in OCDS, from events as the indexer stores them: the Pokja, who
opened each bid (its bidder, the Pokja quorum, nobody), bid bonds held and claimed, non-compliance
with its reason, a withdrawn preference, objections and appeals with their answers, and pauses that
move the deadlines of a tender in flight. Every release and the compiled record are valid against
OCDS 1.1.5 with the bids extension and Terang's extension (served by the gateway)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.ocds.events import Event
from app.ocds.packages import extensions, record, release_package
from app.ocds.releases import build_releases, iso
from app.ocds.schema import BID_EXTENSION_URL, load, release_schema, terang_extension
from app.protocol import vocabulary
from tests.gateway.test_ocds import assert_valid

OCID = "ocds-terang-1002-2026-jembatan"
ZERO32, ZERO20 = "0x" + "00" * 32, "0x" + "00" * 20
H = {
    name: "0x" + f"{n:02x}" * 32
    for n, name in enumerate(("doc", "bond1", "gugur", "pref", "sanggah", "jawab", "banding", "kpa"), start=1)
}
MEMBERS = ["0x" + f"{n:02x}" * 20 for n in (0xA1, 0xA2, 0xA3)]
KEYS = ["0x" + f"{n:02x}" * 32 for n in (0xB1, 0xB2, 0xB3)]
KPA = "0x" + "c1" * 20
HPS, BOND = 12_000_000_000, 120_000_000  # construction above Rp10 miliar: a 1% bid bond
COMMIT, REVEAL = 1_800_000_000, 1_800_200_000
CATEGORY = vocabulary.enum("ITenders.Category")
REJECT = vocabulary.enum("ITenders.RejectReason")
GUGUR = vocabulary.enum("ITenders.NonCompliance")
OBJECTION = vocabulary.enum("ITenders.ObjectionStatus")
FAIL = vocabulary.enum("ITenders.FailReason")
PARAMS = {
    "ocid": OCID,
    "title": "Jembatan IKN",
    "documentHash": H["doc"],
    "agencyId": 1002,
    "hps": HPS,
    "category": CATEGORY.code("Construction"),
    "method": 0,
    "evaluation": 0,
    "preferenceBps": 0,
    "domesticOnly": False,
    "umkmReserved": False,
    "commitDeadline": COMMIT,
    "revealDeadline": REVEAL,
    "objectionWindow": 3 * 86400,
    "minValidBids": 1,
    "technicalWeightBps": 0,
    "scoringDeadline": 0,
    "bidBond": BOND,
}


def event(n: int, name: str, tx: int | None = None, at: int | None = None, **args) -> Event:
    """Event n of the story (block 100 + n) in transaction `tx` (its own by default), at `at` or else
    before the commit deadline (the first five) or after the reveal deadline (the rest)."""
    tx_hash = "0x" + f"{tx if tx is not None else n:064x}"
    if at is None:
        at = COMMIT - 1000 + n if n < 5 else REVEAL + 100 * n
    return Event("Tenders", name, args, 100 + n, 0, at, tx_hash)


def revealed(n, supplier, price, bond=ZERO32, tx=None, at=None):
    return event(
        n,
        "BidRevealed",
        tx=tx,
        at=at,
        supplierId=supplier,
        price=price,
        tkdnBps=4500,
        hea=price,
        products=[{"productId": "0x" + "77" * 32, "shareBps": 9000}],
        bidBondRef=bond,
    )


def committed(n, supplier, seq):
    return event(
        n,
        "BidCommitted",
        supplierId=supplier,
        commitment=H["doc"],
        commitSeq=seq,
        replaced=False,
        envelopeHash=H["doc"],
        envelopeSize=507,
    )


# Supplier 7 opens its own bid; 8 withholds (the quorum opens it: the lowest); 9's nobody opens.
# 7 is declared non-compliant, 8's preference is withdrawn; 8 is proposed; 7 objects, the Pokja
# rejects; 7 appeals, the KPA upholds it: 8 is out and, with no valid bid left, the tender fails.
STORY = [
    event(0, "TenderAnnounced", agencyId=1002, officer=KPA, params=PARAMS),
    event(1, "PokjaAppointed", officer=KPA, members=MEMBERS, encryptionKeys=KEYS, quorum=2),
    committed(2, 7, 1),
    committed(3, 8, 2),
    committed(4, 9, 3),
    revealed(5, 7, 11_500_000_000, bond=H["bond1"], at=COMMIT + 10),
    revealed(6, 8, 11_000_000_000, bond="0x" + "99" * 32, tx=6, at=REVEAL + 10),
    event(
        7,
        "BidNotOpenedBySupplier",
        tx=6,
        at=REVEAL + 10,
        supplierId=8,
        openedBy=MEMBERS[0],
        bidBondClaimed=BOND,
    ),
    event(
        8,
        "BidDeclaredNonCompliant",
        supplierId=7,
        reason=GUGUR.code("Technical"),
        officer=MEMBERS[1],
        evidenceHash=H["gugur"],
    ),
    event(9, "BidRejected", supplierId=7, reason=REJECT.code("NonCompliant")),
    event(10, "PreferenceWithdrawn", supplierId=8, officer=MEMBERS[1], evidenceHash=H["pref"]),
    event(11, "BidNotOpenedBySupplier", tx=12, supplierId=9, openedBy=ZERO20, bidBondClaimed=BOND),
    event(12, "BidRejected", tx=12, supplierId=9, reason=REJECT.code("Unrevealed")),
    event(
        13,
        "AwardProposed",
        tx=12,
        supplierId=8,
        price=11_000_000_000,
        hea=11_000_000_000,
        tkdnBps=4500,
        tenderers=3,
        validBids=1,
        objectionDeadline=REVEAL + 4 * 86400,
    ),
    event(14, "ObjectionFiled", objectionId=1, supplierId=7, evidenceHash=H["sanggah"]),
    event(
        15,
        "ObjectionResolved",
        objectionId=1,
        outcome=OBJECTION.code("Rejected"),
        officer=MEMBERS[2],
        responseHash=H["jawab"],
    ),
    event(16, "AppealFiled", objectionId=1, supplierId=7, bondRef=H["banding"], bond=HPS // 100),
    event(
        17,
        "AppealResolved",
        tx=17,
        objectionId=1,
        outcome=OBJECTION.code("UpheldReevaluate"),
        officer=KPA,
        responseHash=H["kpa"],
        bondClaimed=0,
    ),
    event(18, "BidRejected", tx=17, supplierId=8, reason=REJECT.code("ObjectionUpheld")),
    event(19, "TenderFailed", reason=FAIL.code("TooFewValidBids"), validBids=0),
]


def compiled(events: list[Event]) -> dict:
    releases = build_releases(OCID, events)
    for release in releases:
        assert_valid(release_schema(), release)
    result = record(OCID, releases)["compiledRelease"]
    assert_valid(release_schema(), result)
    return result


def test_the_pokja_and_the_envelope_procedure_are_published():
    tender = compiled(STORY)["tender"]
    assert tender["pokja"] == {
        "quorum": 2,
        "members": [
            {"id": str(n), "address": address, "encryptionKey": key}
            for n, (address, key) in enumerate(zip(MEMBERS, KEYS, strict=True), start=1)
        ],
    }
    assert "any 2 of its 3 members" in tender["submissionMethodDetails"]
    assert tender["bidBond"] == {"amount": BOND, "currency": "IDR"}


def test_each_bid_says_who_opened_it_and_what_became_of_its_bond():
    bids = {b["id"]: b for b in compiled(STORY)["bids"]["details"]}
    own, withheld, nobody = bids["bid-7"], bids["bid-8"], bids["bid-9"]
    assert own["openedBy"] == "tenderer" and own["bidBond"]["status"] == "submitted"
    assert own["bidBond"]["reference"] == H["bond1"]
    assert H["bond1"] in {d["id"] for d in own["documents"]}
    assert withheld["openedBy"] == "pokjaQuorum" and withheld["openedByMember"] == MEMBERS[0]
    assert withheld["value"]["amount"] == 11_000_000_000  # the quorum's opening is a real price
    assert withheld["bidBond"]["status"] == "claimed" and withheld["bidBond"]["value"]["amount"] == BOND
    assert nobody["openedBy"] == "nobody" and nobody["status"] == "withdrawn" and "value" not in nobody
    assert nobody["bidBond"] == {"value": {"amount": BOND, "currency": "IDR"}, "status": "claimed"}
    assert (
        withheld["products"] == [{"id": "0x" + "77" * 32, "shareBps": 9000}] and withheld["tkdnBps"] == 4500
    )


def test_non_compliance_is_a_disqualified_bid_with_its_reason_and_record():
    bid = {b["id"]: b for b in compiled(STORY)["bids"]["details"]}["bid-7"]
    assert bid["status"] == "disqualified"
    assert bid["nonCompliance"]["reason"] == "technical"
    assert bid["statusDetails"].startswith("Gugur: persyaratan teknis tidak dipenuhi")
    assert "technical requirement not met" in bid["statusDetails"]
    assert H["gugur"] in {d["id"] for d in bid["documents"]}
    assert bid["value"]["amount"] == 11_500_000_000  # the price it was opened with stays on record


def test_a_withdrawn_preference_sets_the_evaluated_price_to_the_price():
    bid = {b["id"]: b for b in compiled(STORY)["bids"]["details"]}["bid-8"]
    assert bid["domesticPreferenceWithdrawn"] is True
    assert bid["evaluatedValue"] == bid["value"]
    assert H["pref"] in {d["id"] for d in bid["documents"]}


def test_objection_and_appeal_are_complaints_on_the_award_they_contest():
    (award,) = compiled(STORY)["awards"]
    assert award["status"] == "cancelled"  # the KPA upheld the appeal
    (complaint,) = award["complaints"]
    assert complaint["id"] == "objection-1" and complaint["author"]["id"] == "ID-SUPPLIER-7"
    assert complaint["status"] == "answered" and complaint["outcome"] == "rejected"
    assert {d["id"] for d in complaint["documents"]} == {H["sanggah"], H["jawab"]}
    appeal = complaint["appeal"]
    assert appeal["outcome"] == "upheld_reevaluate" and appeal["status"] == "answered"
    assert appeal["bond"]["amount"] == HPS // 100 and appeal["bondClaimed"]["amount"] == 0
    assert {d["id"] for d in appeal["documents"]} == {H["banding"], H["kpa"]}
    assert "KPA" in appeal["reviewBody"] and "Pokja" in complaint["reviewBody"]


def test_a_rejected_appeal_claims_its_bond_and_the_award_stands():
    rejected = STORY[:17] + [
        event(
            17,
            "AppealResolved",
            objectionId=1,
            outcome=OBJECTION.code("Rejected"),
            officer=KPA,
            responseHash=H["kpa"],
            bondClaimed=HPS // 100,
        )
    ]
    (award,) = compiled(rejected)["awards"]
    assert award["status"] == "pending"
    assert award["complaints"][0]["appeal"]["bondClaimed"]["amount"] == HPS // 100


def pause(n: int, resumed_at: int, seconds: int) -> Event:
    return event(n, "PauseTimeCredited", at=resumed_at, pausedSeconds=seconds, pausedTotal=seconds)


def test_a_pause_extends_the_windows_still_open_when_it_began():
    hour = 3600
    # Paused an hour before bids close, for two hours: both deadlines move by two hours.
    early = compiled(STORY[:5] + [pause(5, COMMIT + hour, 2 * hour)])["tender"]
    assert early["tenderPeriod"]["endDate"] == iso(COMMIT + 2 * hour)
    assert early["awardPeriod"]["startDate"] == iso(REVEAL + 2 * hour)
    assert [a["id"] for a in early["amendments"]] == ["pause-105-0"]
    # Paused after bids closed: only the reveal deadline, still ahead, moves.
    late = compiled(STORY[:5] + [pause(5, COMMIT + 3 * hour, 2 * hour)])["tender"]
    assert late["tenderPeriod"]["endDate"] == iso(COMMIT)
    assert late["awardPeriod"]["startDate"] == iso(REVEAL + 2 * hour)


def test_a_pause_after_the_tender_is_final_changes_nothing():
    finished = STORY + [pause(20, COMMIT - 10, 60)]  # a clock that moved back: still nothing moves
    assert build_releases(OCID, finished) == build_releases(OCID, STORY)


def test_the_extension_names_the_contracts_states_and_is_served_and_listed():
    schema = terang_extension("release-schema.json")["definitions"]
    reasons = set(schema["NonCompliance"]["properties"]["reason"]["enum"]) - {None}
    assert reasons == set(GUGUR.words) - {"none"}
    outcomes = set(schema["Complaint"]["properties"]["outcome"]["enum"]) - {None}
    assert outcomes == set(OBJECTION.words) - {"none", "open"}
    assert set(schema["Appeal"]["properties"]["outcome"]["enum"]) - {None} == outcomes
    package = release_package("https://terang.example/ocds/releases/x", build_releases(OCID, STORY))
    assert package["extensions"] == [
        "https://terang.example/ocds/extension/bids/extension.json",  # the vendored copy, served here
        "https://terang.example/ocds/extension/extension.json",
    ]
    assert package["extensions"] == extensions(package["uri"])
    assert_valid(load("release-package-schema.json"), package)
    client = TestClient(create_app(Settings(environment="test")))  # no lifespan: static answers only
    metadata = client.get("/ocds/extension/extension.json")
    assert metadata.status_code == 200 and metadata.json()["schemas"] == ["release-schema.json"]
    assert client.get("/ocds/extension/release-schema.json").json() == terang_extension("release-schema.json")
    bids = client.get("/ocds/extension/bids/extension.json").json()
    assert bids["schemas"] == ["release-schema.json"] and BID_EXTENSION_URL in bids["description"]["en"]
    assert client.get("/ocds/extension/bids/release-schema.json").json() == load(
        "bid-extension-release-schema.json"
    )
