"""The pilot's value-system tender: a Seleksi for the detailed engineering design (DED) of an IKN
office building, evaluated on quality and price (sistem nilai: 70% technical, 30% price).

Three consulting firms bid through the gateway as the suppliers of the first tender do (their own
envelopes and signatures, no ETH). After the commit deadline the Pokja read the technical offers and
each member seals its score sheet (the gateway draws the salt and keeps the sheet sealed at rest)
before the scoring deadline, when no price is open yet. Then the firms open their bids; after the
reveal deadline each member opens its sheet, a member evaluates, and the best combined score wins,
not the lowest price. No sanggah is filed; the PPK makes the award final after the window."""

from __future__ import annotations

from dataclasses import dataclass, field

from toolchain.pilot.api import Gateway, LocalClock, PilotError
from toolchain.pilot.plans import announce_planned
from toolchain.pilot.pokja import Pokja
from toolchain.pilot.tender import AGENCY, DAY, Bidder, _hash, commit_all, register, reveal

HPS = 4_500_000_000
TECHNICAL_WEIGHT_BPS = 7_000  # the price weighs the rest, 3,000
CONSULTANCY, SELEKSI, VALUE_SYSTEM = 2, 2, 1  # ITenders.Category, Method, EvaluationMethod codes


@dataclass
class Consultant(Bidder):
    scores: tuple[int, ...] = ()  # each Pokja member's technical score (basis points), in member order
    combined: float = 0.0  # the combined score in points (0-100), for the summary


@dataclass
class SeleksiOutcome:
    ocid: str
    tender_id: str
    winner: Consultant
    consultants: list[Consultant]
    sealed_sheets: int
    opened_sheets: int
    transactions: dict[str, str] = field(default_factory=dict)


def consultants() -> list[Consultant]:
    return [
        Consultant(
            "PT Rancang Nusantara", umkm=False, price=4_200_000_000, products=[], scores=(8_600, 8_800, 8_400)
        ),
        Consultant(
            "PT Desain Borneo", umkm=False, price=3_900_000_000, products=[], scores=(7_800, 8_000, 7_600)
        ),
        Consultant(
            "CV Arsitek Ibu Kota", umkm=True, price=3_600_000_000, products=[], scores=(7_000, 7_200, 6_800)
        ),
    ]


def run_seleksi(api: Gateway, clock: LocalClock, pokja: Pokja, ocid: str, log) -> SeleksiOutcome:
    txs: dict[str, str] = {}
    ppk = api.token("AGENCY_OFFICER", agency=AGENCY, sub="ppk-oikn")
    firms = consultants()
    register(api, firms, ppk, txs, log)

    start = clock.now()
    commit_deadline, scoring_deadline, reveal_deadline = start + 7 * DAY, start + 9 * DAY, start + 10 * DAY
    announced = announce_planned(
        api,
        {
            "ocid": ocid,
            "title": "Jasa konsultansi perencanaan teknis (DED) gedung kantor Kemenko di IKN",
            "documentHash": _hash(f"dokumen pemilihan {ocid}"),
            "agencyId": AGENCY,
            "hps": HPS,
            "category": CONSULTANCY,
            "method": SELEKSI,
            "evaluation": VALUE_SYSTEM,
            "technicalWeightBps": TECHNICAL_WEIGHT_BPS,
            "commitDeadline": commit_deadline,
            "scoringDeadline": scoring_deadline,
            "revealDeadline": reveal_deadline,
            "objectionWindow": 5 * DAY,
            "minValidBids": 2,
        },
        ppk,
        pagu=HPS + HPS // 10,  # the RUP package's ceiling, above the HPS
    )
    tender = announced["tenderId"]
    txs["announce"] = announced["transactionHash"]
    txs["pokja appointed"] = pokja.appoint(ocid, ppk)
    log(f"Seleksi {ocid} announced (sistem nilai: 70% technical, 30% price) and its Pokja appointed")

    commit_all(api, clock, ocid, tender, firms, txs)
    log(f"{len(firms)} consulting firms committed sealed bids with envelopes for the Pokja")

    clock.move_past(commit_deadline)
    for member in pokja.members:
        sheet = {
            "scores": [{"supplierId": f.supplier_id, "scoreBps": f.scores[member.index - 1]} for f in firms]
        }
        sealed = api.post(f"/tenders/{ocid}/score-sheets", sheet, member.auth)
        txs[f"score sheet {member.index} sealed"] = sealed["transactionHash"]
    log(
        f"each of the {len(pokja.members)} Pokja members sealed its technical score sheet; "
        "no price is open yet"
    )

    clock.move_past(scoring_deadline)
    for firm in firms:
        txs[f"opening {firm.supplier_id}"] = reveal(api, clock, ocid, tender, firm)["transactionHash"]
    log(
        "after the scoring deadline the firms opened their bids: "
        + ", ".join(f"{f.name} Rp{f.price:,}" for f in firms)
    )

    clock.move_past(reveal_deadline)
    for member in pokja.members:
        opened = api.post(f"/tenders/{ocid}/score-sheets/open", None, member.auth)
        if opened["scoresBps"] != [
            f.scores[member.index - 1] for f in sorted(firms, key=lambda f: f.supplier_id)
        ]:
            raise PilotError(f"member {member.index}'s opened sheet is not the sheet it sealed")
        txs[f"score sheet {member.index} opened"] = opened["transactionHash"]
    log("after the reveal deadline each member opened its sealed sheet on chain")

    evaluated = api.post(f"/tenders/{ocid}/evaluation", {}, pokja.member(1).auth)
    txs["evaluation"] = evaluated["transactionHash"]
    if evaluated["awardProposed"] is None:
        raise PilotError(f"the evaluation of {ocid} proposed no award: {evaluated['failed']}")
    winner = next(f for f in firms if f.supplier_id == evaluated["awardProposed"]["supplierId"])
    lowest = min(f.price for f in firms)
    for firm in firms:
        technical = sum(firm.scores) / len(firm.scores) / 100
        price_score = 100 * lowest / firm.price
        firm.combined = (
            TECHNICAL_WEIGHT_BPS * technical + (10_000 - TECHNICAL_WEIGHT_BPS) * price_score
        ) / 10_000
    log(
        f"Pokja member 1 evaluated: award proposed to {winner.name} (score {winner.combined:.2f}), "
        "not the cheapest"
    )

    clock.move_past(evaluated["awardProposed"]["objectionDeadline"])
    awarded = api.post(f"/tenders/{ocid}/award", None, ppk)
    txs["award"] = awarded["transactionHash"]
    log(f"award final: {winner.name} for Rp{awarded['value']:,}")
    state = api.get(f"/tenders/{ocid}")
    return SeleksiOutcome(ocid, tender, winner, firms, state["sealedSheets"], state["scoreSheets"], txs)
