"""The pilot's welfare period: the welfare admin defines a PKH programme for two regencies around IKN,
the enroller enrols a small synthetic population by NIK and name (the gateway keys each NIK, keeps
only a keyed hash of NIK and name for the families' status check; the chain sees only the key),
families outside the eligible deciles or without a component are refused with the reason, and
such a family checks its status by NIK and name and reads why; the first period is disbursed in
one batch and the bridge pays each family's line."""

from __future__ import annotations

import random
from dataclasses import dataclass

from app.protocol import welfare as welfarelib
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
                "nik": nik,
                "name": name,
                "decile": rng.randint(1, 6),
                "region": region,
                "components": components,
            }
        )
    return families


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
    enrolled = api.post(
        f"/welfare/programmes/{programme}/enrolments",
        {"applicants": families},
        api.token("ENROLLER", sub="dinsos-ppu"),
    )
    txs["enrolment"] = enrolled["transactionHash"]
    refused: dict[str, int] = {}
    for applicant in enrolled["applicants"]:
        if not applicant["enrolled"]:
            refused[applicant["reason"]] = refused.get(applicant["reason"], 0) + 1
    keys = [a["beneficiaryKey"] for a in enrolled["applicants"] if a["enrolled"]]
    log(f"{FAMILIES} synthetic families: {enrolled['enrolled']} enrolled, refused {refused or 'none'}")
    if not keys:
        raise PilotError("no family was enrolled; the synthetic population needs eligible families")
    refused_family = next(
        (f for f, a in zip(families, enrolled["applicants"], strict=True) if not a["enrolled"]), None
    )
    if refused_family is not None:
        checked = api.post(
            "/welfare/status", {"nik": refused_family["nik"], "name": refused_family["name"]}, {}
        )
        standing = next(p for p in checked["programmes"] if p["programmeId"] == programme)
        log(
            f"a refused family checked its status by NIK and name: {standing['status']}, {standing['reason']}"
        )

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
    return WelfareOutcome(
        programme, enrolled["enrolled"], refused, batch, paid["lineCount"], paid["amount"], status, txs
    )
