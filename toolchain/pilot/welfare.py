"""The pilot's welfare period: the committee approves a budget line, the welfare admin defines a PKH
programme for two regencies around IKN, and the enroller enrols a small synthetic population from a
signed social-registry extract (DTSEN-shaped CSV, the registry's Ed25519 signature verified first;
app/welfare/registry_import.py) in batches under deterministic keys. Each family is enrolled under
its household; the gateway keeps only keyed hashes of NIK and name, and the family's number sealed.
Families outside the eligible deciles or without a component are refused with the reason; each
family is told of its enrolment or refusal through the fake SMS/WhatsApp provider; a refused family
checks its status by NIK and name, files a complaint on the public channel, a caseworker registers it
and files it as the family's appeal, the welfare admin decides it and resolves the ticket (anchored
on chain). The first period is disbursed in one batch, the bridge pays each family's line, and each
paid family is told."""

from __future__ import annotations

import base64
import hashlib
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.protocol import welfare as welfarelib
from app.welfare import registry_import
from toolchain.jsonrpc import rpc
from toolchain.pilot.api import Gateway, LocalClock, PilotError, wait_until

REGIONS = (6409, 6402)  # Kab. Penajam Paser Utara and Kab. Kutai Kartanegara (BPS codes)
FAMILIES = 24
ENROLLER_ACCOUNT = 13  # the gateway's enroller key on the local chain (deploy/local.yaml: dev:13)
# The committee's budget line for the pilot: up to Rp1 miliar a quarter, Rp3 juta a family.
BUDGET_LINE = {
    "ceilingPerPeriod": 1_000_000_000,
    "maxBenefit": 3_000_000,
    "periodLength": welfarelib.QUARTER_SECONDS,
}


@dataclass
class WelfareOutcome:
    programme_id: int
    enrolled: int
    refused: dict[str, int]
    batch_id: str
    lines: int
    amount: int
    status: str
    transactions: dict[str, str]
    notices: dict[str, int] = field(default_factory=dict)  # by kind, delivered
    grievance: str = ""  # the refused family's ticket reference


GIVEN = ("Siti", "Nur", "Ahmad", "Dewi", "Budi", "Rina", "Agus", "Sri", "Yusuf", "Wati", "Hendra", "Lina")
FAMILY = ("Rahmawati", "Hidayat", "Lestari", "Saputra", "Wulandari", "Pratama", "Kurniawan", "Anggraini")


def synthetic_families(count: int, seed: int = 2027) -> list[dict]:
    """Made-up families: NIKs with a regency's code and a birth date, the head's made-up name,
    deciles 1-6, PKH components."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, reproducible on purpose)
    families = []
    for n in range(count):
        region = REGIONS[n % len(REGIONS)]
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(60, 99)
        nik = f"{region}{rng.randint(1, 30):02d}{day:02d}{month:02d}{year:02d}{n + 1:04d}"
        components = [0] * len(welfarelib.PKH_COMPONENTS)
        if rng.random() < 0.9:  # one family in ten has no component: refused with its reason
            for _ in range(rng.randint(1, 3)):
                components[rng.randrange(len(components))] += 1
        name = f"{GIVEN[n % len(GIVEN)]} {FAMILY[(n * 5 + 3) % len(FAMILY)]}"
        families.append(
            {
                "household": f"KRT-{region}-{n + 1:05d}",
                "nik": nik,
                "name": name,
                "decile": rng.randint(1, 6),
                "region": region,
                "components": components,
                "phone": f"08120{region}{n + 1:03d}",  # made up: reaches the fake provider only
            }
        )
    return families


def signed_extract(families: list[dict], folder: Path) -> tuple[bytes, bytes, bytes]:
    """The families as the social registry sends them: the CSV, its detached signature (base64) and
    the registry's public key (PEM), signed with a key made here for the pilot."""
    header = [*registry_import.COLUMNS, "no_hp"]
    rows = [
        [f["household"], f["nik"], f["name"], str(f["decile"]), str(f["region"]), *map(str, f["components"])]
        + [f["phone"]]
        for f in families
    ]
    extract = ("\n".join(",".join(row) for row in [header, *rows]) + "\n").encode()
    registry = Ed25519PrivateKey.generate()
    public = registry.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    (folder / "dtsen-pilot.csv").write_bytes(extract)
    return extract, base64.b64encode(registry.sign(extract)), public


def enrol_from_registry(
    api: Gateway, programme: int, families: list[dict], txs: dict[str, str], log
) -> list[dict]:
    """Verifies the signed extract and enrols it in batches; each family's outcome, in file order."""
    with tempfile.TemporaryDirectory(prefix="terang-dtsen-") as folder:
        extract, signature, public = signed_extract(families, Path(folder))
    registry_import.verify(extract, signature, public)
    rows = registry_import.read_families(extract)
    token = api.token("ENROLLER", sub="dinsos-ppu")["Authorization"].removeprefix("Bearer ")
    digest = hashlib.sha256(extract).hexdigest()
    summary = registry_import.enrol_all(api.http, programme, rows, digest, token, batch=10)
    log(f"signed DTSEN extract verified and enrolled in batches of 10: {summary.line()}")
    txs["enrolment"] = summary.transactions[0]
    txs.update({f"enrolment batch {i + 1}": tx for i, tx in enumerate(summary.transactions[1:], start=1)})
    refused_rows = {row: reason for row, _household, reason in summary.refusals}
    return [
        {
            "enrolled": r.row not in refused_rows,
            "reason": refused_rows.get(r.row),
            "beneficiaryKey": summary.keys[r.row],
            "family": f,
        }
        for r, f in zip(rows, families, strict=True)
    ]


def run_welfare(api: Gateway, clock: LocalClock, log) -> WelfareOutcome:
    txs: dict[str, str] = {}
    admin = api.token("WELFARE_ADMIN", sub="kemensos-pkh")
    proposed = api.post("/welfare/budget-lines", BUDGET_LINE, api.committee_members()[0])
    executed = api.committee_act(proposed, clock)
    (line,) = [e["args"]["lineId"] for e in executed["events"] if e["event"] == "BudgetLineApproved"]
    txs["budget line approved"] = executed["transactionHash"]
    log(f"budget line {line} approved by the committee: Rp1 miliar a quarter, at most Rp3 juta a family")
    start = clock.now() + 600
    defined = api.post(
        "/welfare/programmes",
        {
            "budgetLine": line,
            "name": "PKH IKN (pilot)",
            "firstPeriodStart": start,
            "periodLength": welfarelib.QUARTER_SECONDS,
            "rules": {
                "deciles": [1, 2, 3, 4],
                "allRegions": False,
                "regions": list(REGIONS),
                "componentCap": welfarelib.PKH_COMPONENT_CAP,
                "budgetPerPeriod": 500_000_000,
                "componentAmounts": welfarelib.pkh_amounts_per_period(),
            },
        },
        admin,
    )
    programme = defined["programmeId"]
    txs["programme defined"] = defined["transactionHash"]
    enroller = rpc(clock.rpc_url, "eth_accounts")[ENROLLER_ACCOUNT]
    scoped = api.put(
        f"/welfare/programmes/{programme}/enrollers/{enroller}/scope", {"regions": list(REGIONS)}, admin
    )
    txs["enroller scoped"] = scoped["transactionHash"]
    log(f"PKH programme {programme} defined: deciles 1-4, regencies {REGIONS}, quarterly")

    families = synthetic_families(FAMILIES)
    outcomes = enrol_from_registry(api, programme, families, txs, log)
    refused: dict[str, int] = {}
    for outcome in outcomes:
        if not outcome["enrolled"]:
            refused[outcome["reason"]] = refused.get(outcome["reason"], 0) + 1
    keys = [o["beneficiaryKey"] for o in outcomes if o["enrolled"]]
    enrolled_count = len(keys)
    if not keys:
        raise PilotError("no family was enrolled; the synthetic population needs eligible families")
    enroller_token = api.token("ENROLLER", sub="dinsos-ppu")
    told = wait_for_notices(
        api, enroller_token, {"enrolled": enrolled_count, "refused": len(outcomes) - enrolled_count}
    )
    log(f"every family was told through the fake SMS/WhatsApp provider: {told}")
    refused_family = next((o["family"] for o in outcomes if not o["enrolled"]), None)
    reference = ""
    if refused_family is not None:
        checked = api.post(
            "/welfare/status", {"nik": refused_family["nik"], "name": refused_family["name"]}, {}
        )
        standing = next(p for p in checked["programmes"] if p["programmeId"] == programme)
        log(
            f"a refused family checked its status by NIK and name: {standing['status']}, {standing['reason']}"
        )
        reference = handle_grievance(api, programme, refused_family, admin, enroller_token, txs, log)

    for n, key in enumerate(keys):
        account = {
            "channelCode": "ID_BRI",
            "accountNumber": f"7700{n + 1:08d}",
            "accountHolderName": f"KPM {n + 1}",
        }
        api.payout_account(key, account, "kemensos")
    log(
        f"the treasury registered {len(keys)} KKS accounts by beneficiary key, each proposed by one "
        "official and approved by another (encrypted in the gateway)"
    )

    clock.move_past(start)
    paid = api.post(
        f"/welfare/programmes/{programme}/periods/0/disbursements", {"beneficiaryKeys": keys}, admin
    )
    txs["period 0 disbursed"] = paid["transactionHash"]
    batch = paid["paymentInstructionId"]
    log(f"period 0: one batch of {paid['lineCount']} lines, Rp{paid['amount']:,}, instruction {batch[:10]}…")

    def resolved():
        instruction = api.get(f"/instructions/{batch}")
        return instruction if instruction["status"] in ("settled", "failed") else None

    try:
        final = wait_until(resolved, "the welfare batch to be paid and settled", timeout=90)
        status = final["status"]
        log(f"the bridge paid every line and the batch is {status} on chain")
    except PilotError:
        status = api.get(f"/instructions/{batch}")["status"]
        log(f"the batch is still {status} on chain after 90 s (see GET /payments/instructions/{batch})")
    if status == "settled":
        told = wait_for_notices(api, enroller_token, {**told, "paid": paid["lineCount"]})
        log(f"each paid family was told: {told['paid']} payment notices")
    return WelfareOutcome(
        programme,
        enrolled_count,
        refused,
        batch,
        paid["lineCount"],
        paid["amount"],
        status,
        txs,
        notices=told,
        grievance=reference,
    )


def wait_for_notices(api: Gateway, auth: dict, wanted: dict[str, int]) -> dict[str, int]:
    """Waits until the gateway has delivered at least `wanted[kind]` notices of each kind; their counts."""

    def delivered():
        listed = api.get("/welfare/notices", auth, state="sent", limit=500)["notices"]
        counts: dict[str, int] = {}
        for notice in listed:
            counts[notice["kind"]] = counts.get(notice["kind"], 0) + 1
        return counts if all(counts.get(k, 0) >= n for k, n in wanted.items()) else None

    return wait_until(delivered, "the families' notices to be delivered", timeout=90)


def handle_grievance(
    api: Gateway, programme: int, family: dict, admin: dict, enroller: dict, txs: dict, log
) -> str:
    """The refused family objects on the public channel; a caseworker registers the ticket on chain
    and files it as the family's appeal; the welfare admin decides it and resolves the ticket."""
    filed = api.http.post(
        "/welfare/grievances",
        json={
            "programmeId": programme,
            "category": "decision",
            "description": "Keluarga kami ditolak, padahal anak kami baru masuk SD. Mohon ditinjau kembali.",
            "nik": family["nik"],
        },
    )
    if filed.status_code != 201:
        raise PilotError(f"filing the complaint: {filed.status_code} {filed.text[:200]}")
    reference = filed.json()["reference"]
    path = f"/welfare/grievances/{reference}"
    txs["grievance registered"] = api.post(path + "/registration", None, enroller)["transactionHash"]
    txs["grievance appealed"] = api.post(path + "/appeal", None, enroller)["transactionHash"]
    decision = {
        "upheld": False,
        "resolution": "Data DTSEN belum mencatat anak usia sekolah; keluarga diminta memperbarui data "
        "melalui musyawarah desa, lalu diusulkan kembali pada pemutakhiran berikutnya.",
    }
    txs["appeal decided"] = api.post(path + "/decision", decision, admin)["transactionHash"]
    txs["grievance resolved"] = api.post(path + "/resolution", {}, admin)["transactionHash"]
    ticket = api.get(path)
    log(f"the family's complaint {reference} became its appeal, was decided and resolved: {ticket['state']}")
    return reference
