"""The pilot's tender: an IKN agency buys distribution transformers at the lowest evaluated price.

The PPK announces it and appoints a Pokja of three officers (quorum two), each with an envelope key
made by the member tool. Three suppliers bid through the gateway, each client sealing its own
opening in an envelope for the Pokja and signing its own commit (EIP-712), without holding any ETH:
a small local business (UMKM), a manufacturer whose offer is mostly TKDN-certified products (each
with its share of the bid's value) and an importer with the lowest price. The UMKM "forgets" to open
its bid; after the reveal deadline two Pokja members decrypt their shares of its envelope and the
quorum opening puts it in the evaluation anyway. The TKDN preference makes the manufacturer's
evaluated price (HEA) the lowest; a Pokja member runs the evaluation; the importer files a sanggah
(signed by its own key, relayed like its bid), a Pokja member answers it, and after the sanggah
window the PPK makes the award final."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from toolchain.pilot import supplier_client as client
from toolchain.pilot.api import Gateway, LocalClock, PilotError
from toolchain.pilot.plans import announce_planned
from toolchain.pilot.pokja import Member, Pokja

DAY = 86_400
AGENCY, CROSS_CHECKING_AGENCY = 1001, 1002  # OIKN; a second agency verifies (four eyes)
HPS = 2_000_000_000
PREFERENCE_BPS = 2_500  # the maximum domestic price preference (Perpres 16/2018 art. 67)


@dataclass
class Bidder:
    name: str
    umkm: bool
    price: int
    products: list[tuple[str, int]]  # (productId, shareBps): certified products and their value shares
    opens_own_bid: bool = True
    account: LocalAccount = field(default_factory=Account.create)
    supplier_id: int = 0
    salt: bytes = b""
    commit_seq: int = 0
    commitment: bytes = b""
    envelope_hash: str = ""
    bid_bond_ref: bytes = bytes(32)  # the bid guarantee's document hash (none needed here)


@dataclass
class Sanggah:
    objection_id: int
    objector: Bidder
    evidence_hash: str
    outcome: str
    response_hash: str
    member: int  # the Pokja member who answered
    answered_by: str  # its account, as the chain recorded it


@dataclass
class QuorumOpening:
    bidder: Bidder
    members: tuple[int, ...]  # the members who decrypted their shares
    sender: int  # the member who sent the opening
    opened_by: str  # its account, as the chain recorded it
    price: int
    hea: int


@dataclass
class TenderOutcome:
    ocid: str
    tender_id: str
    winner: Bidder
    bidders: list[Bidder]
    heas: dict[str, int]
    tkdn: dict[str, int]
    transactions: dict[str, str]
    pokja: list[Member]
    quorum: int
    sanggah: Sanggah | None = None
    withheld: QuorumOpening | None = None


def bidders(trafo: str, panel: str) -> list[Bidder]:
    return [
        Bidder(
            "CV Karya Borneo (UMKM)",
            umkm=True,
            price=1_880_000_000,
            products=[(panel, 3_000)],
            opens_own_bid=False,
        ),
        Bidder(
            "PT Trafo Nusantara (TKDN)",
            umkm=False,
            price=1_800_000_000,
            products=[(trafo, 7_000), (panel, 2_000)],
        ),
        Bidder("PT Global Impor", umkm=False, price=1_700_000_000, products=[]),
    ]


def run_tender(api: Gateway, clock: LocalClock, pokja: Pokja, ocid: str, log) -> TenderOutcome:
    txs: dict[str, str] = {}
    ppk = api.token("AGENCY_OFFICER", agency=AGENCY, sub="ppk-oikn")

    certifier = api.token("TKDN_CERTIFIER", sub="kemenperin")
    trafo = certify(api, clock, certifier, f"ecatalogue:{ocid}:trafo-20kV", 6_000, 1_000, txs)
    panel = certify(api, clock, certifier, f"ecatalogue:{ocid}:panel-TM", 4_500, 800, txs)
    log(f"TKDN certificates recorded: trafo 20 kV {trafo[:10]}… TKDN 60%, panel TM {panel[:10]}… TKDN 45%")

    field_bidders = bidders(trafo, panel)
    register(api, field_bidders, ppk, txs, log)

    start = clock.now()
    announced = announce_planned(
        api,
        {
            "ocid": ocid,
            "title": "Pengadaan trafo distribusi 20 kV untuk kawasan inti IKN",
            "documentHash": _hash(f"dokumen pemilihan {ocid}"),
            "agencyId": AGENCY,
            "hps": HPS,
            "category": 0,
            "preferenceBps": PREFERENCE_BPS,
            "commitDeadline": start + 7 * DAY,
            "revealDeadline": start + 8 * DAY,
            "objectionWindow": 5 * DAY,
            "minValidBids": 2,
        },
        ppk,
        pagu=HPS + HPS // 10,  # the RUP package's ceiling, above the HPS
    )
    txs["announce"] = announced["transactionHash"]
    tender = announced["tenderId"]
    log(f"tender {ocid} announced by the PPK: HPS Rp{HPS:,}, preference 25%")

    txs["pokja appointed"] = pokja.appoint(ocid, ppk)
    log(
        f"Pokja appointed: {len(pokja.members)} IKN officers, quorum {pokja.quorum}; each made its "
        "envelope key with the member tool and only its public key went on chain"
    )

    commit_all(api, clock, ocid, tender, field_bidders, txs)
    log(
        f"{len(field_bidders)} sealed bids, each with an envelope for the Pokja, relayed; "
        "the suppliers paid no gas"
    )

    clock.move_past(start + 7 * DAY)
    heas, tkdn = {}, {}
    for bidder in field_bidders:
        if bidder.opens_own_bid:
            opened = reveal(api, clock, ocid, tender, bidder)
            heas[bidder.name], tkdn[bidder.name] = opened["hea"], opened["tkdnBps"]
            txs[f"opening {bidder.supplier_id}"] = opened["transactionHash"]
    forgetful = next(b for b in field_bidders if not b.opens_own_bid)
    log(
        "bids opened by their suppliers after the commit deadline: "
        + ", ".join(f"{n} HEA Rp{h:,}" for n, h in heas.items())
        + f"; {forgetful.name} did not open its bid"
    )

    clock.move_past(start + 8 * DAY)
    members, sender = (1, 3), 1
    opened = pokja.open_withheld(ocid, forgetful.supplier_id, members, sender)
    heas[forgetful.name], tkdn[forgetful.name] = opened["hea"], opened["tkdnBps"]
    txs["quorum opening"] = opened["transactionHash"]
    withheld = QuorumOpening(forgetful, members, sender, opened["openedBy"], opened["price"], opened["hea"])
    log(
        f"after the reveal deadline Pokja members {members[0]} and {members[1]} decrypted their shares "
        f"of {forgetful.name}'s envelope and member {sender} sent the quorum opening: "
        f"Rp{opened['price']:,}, in the evaluation like any other bid"
    )

    chair = pokja.member(1).auth
    evaluated = api.post(f"/tenders/{ocid}/evaluation", {}, chair)
    txs["evaluation"] = evaluated["transactionHash"]
    if evaluated["awardProposed"] is None:
        raise PilotError(f"the evaluation of {ocid} proposed no award: {evaluated['failed']}")
    proposed = evaluated["awardProposed"]["supplierId"]
    winner = next(b for b in field_bidders if b.supplier_id == proposed)
    deadline = api.get(f"/tenders/{ocid}")["objectionDeadline"]
    log(
        f"Pokja member 1 evaluated: award proposed to {winner.name}; sanggah window open until {deadline} "
        "(UTC seconds)"
    )

    cheapest = min(field_bidders, key=lambda b: b.price)
    sanggah = _sanggah(api, clock, ocid, tender, cheapest, pokja.member(2), txs)
    log(
        f"sanggah {sanggah.objection_id} by {sanggah.objector.name} (lowest price, lost on the preference): "
        f"answered {sanggah.outcome} by Pokja member 2"
    )

    clock.move_past(deadline)
    awarded = api.post(f"/tenders/{ocid}/award", None, ppk)
    txs["award"] = awarded["transactionHash"]
    log(f"award final: {winner.name} for Rp{awarded['value']:,}")
    return TenderOutcome(
        ocid,
        tender,
        winner,
        field_bidders,
        heas,
        tkdn,
        txs,
        pokja.members,
        pokja.quorum,
        sanggah,
        withheld,
    )


def certify(
    api: Gateway, clock: LocalClock, certifier: dict, code: str, tkdn_bps: int, bmp_bps: int, txs
) -> str:
    """Kemenperin records a product's TKDN certificate (valid for a year); answers its product id."""
    product = _hash(code)
    recorded = api.post(
        "/tkdn/certificates",
        {
            "productId": product,
            "tkdnBps": tkdn_bps,
            "bmpBps": bmp_bps,
            "validUntil": clock.now() + 365 * DAY,
            "certificateHash": _hash(f"sertifikat TKDN {code}"),
        },
        certifier,
    )
    txs[f"tkdn {code.rsplit(':', 1)[-1]}"] = recorded["transactionHash"]
    return product


def register(api: Gateway, field_bidders: list, registrar: dict, txs: dict, log) -> None:
    """The agency registers each supplier with its own account; a second agency verifies it."""
    checker = api.token("AGENCY_OFFICER", agency=CROSS_CHECKING_AGENCY, sub="pokja-pupr")
    for n, bidder in enumerate(field_bidders):
        registered = api.post(
            "/suppliers",
            {
                "account": bidder.account.address,
                "nib": f"{secrets.randbelow(10**13):013d}",
                "npwp": f"{secrets.randbelow(10**15):015d}",
                "umkm": bidder.umkm,
                "regionCode": 6409 if bidder.umkm else 3171 + n,
            },
            registrar,
        )
        bidder.supplier_id = registered["supplierId"]
        api.post(f"/suppliers/{bidder.supplier_id}/verification", None, checker)
        txs[f"supplier {bidder.supplier_id}"] = registered["transactionHash"]
        log(f"supplier {bidder.supplier_id} registered by OIKN and verified by PUPR: {bidder.name}")


def commit_all(api: Gateway, clock: LocalClock, ocid: str, tender: str, field_bidders: list, txs) -> None:
    """Each supplier's own client seals and signs its bid; the gateway relays it."""
    for bidder in field_bidders:
        relayed = client.commit(api, clock, ocid, tender, bidder, supplier_auth(api, bidder))
        txs[f"sealed bid {bidder.supplier_id}"] = relayed["transactionHash"]


def reveal(api: Gateway, clock: LocalClock, ocid: str, tender: str, bidder: Bidder) -> dict:
    """The supplier opens its own bid in the reveal period: it signs RevealBid, the gateway relays."""
    return client.reveal(api, clock, ocid, tender, bidder, supplier_auth(api, bidder))


def _sanggah(
    api: Gateway, clock: LocalClock, ocid: str, tender: str, objector: Bidder, member, txs
) -> Sanggah:
    """The objector's client hashes its objection letter and signs FileObjection; the gateway relays
    it; a Pokja member answers with the hash of its reasoned reply (both documents stay off chain)."""
    letter = f"Sanggah {objector.name} atas {ocid}: penawaran kami terendah; mohon preferensi TKDN ditinjau."
    evidence = _hash(letter)
    filed = client.file_objection(api, clock, ocid, tender, objector, evidence, supplier_auth(api, objector))
    txs["sanggah"] = filed["transactionHash"]
    reply = "Jawaban Pokja: preferensi harga 25% untuk TKDN sesuai Perpres 16/2018 pasal 66-67."
    response = _hash(reply)
    answered = api.post(
        f"/tenders/{ocid}/objections/{filed['objectionId']}/answer",
        {"outcome": "rejected", "responseHash": response},
        member.auth,
    )
    txs["sanggah answer"] = answered["transactionHash"]
    return Sanggah(
        filed["objectionId"],
        objector,
        evidence,
        answered["outcome"],
        response,
        member.index,
        answered["officer"],
    )


def supplier_auth(api: Gateway, bidder: Bidder) -> dict:
    return api.token(supplier=bidder.supplier_id, sub=f"supplier-{bidder.supplier_id}")


def _hash(text: str) -> str:
    return Web3.to_hex(Web3.keccak(text=text))
