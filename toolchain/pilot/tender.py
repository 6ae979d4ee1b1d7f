"""The pilot's tender: an IKN agency buys distribution transformers. Three suppliers bid through the
gateway, signing their sealed bids themselves (EIP-712) without holding any ETH: a small local
business (UMKM), a manufacturer offering a TKDN-certified product and an importer with the lowest
price. The TKDN preference makes the manufacturer's evaluated price (HEA) the lowest; the importer
files a sanggah against the proposed award (signed by its own key, relayed like its bid), the Pokja
answers it, and after the sanggah window the award is final."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from app.protocol import bids
from toolchain.pilot.api import Gateway, LocalClock

DAY = 86_400
AGENCY, CROSS_CHECKING_AGENCY = 1001, 1002  # OIKN; a second agency verifies (four eyes)
HPS = 2_000_000_000
PREFERENCE_BPS = 2_500  # the maximum domestic price preference (Perpres 16/2018 art. 67)


@dataclass
class Bidder:
    name: str
    umkm: bool
    price: int
    products: list[str]
    account: LocalAccount = field(default_factory=Account.create)
    supplier_id: int = 0
    salt: bytes = b""
    commit_seq: int = 0
    commitment: bytes = b""


@dataclass
class Sanggah:
    objection_id: int
    objector: Bidder
    evidence_hash: str
    outcome: str
    response_hash: str


@dataclass
class TenderOutcome:
    ocid: str
    tender_id: str
    winner: Bidder
    bidders: list[Bidder]
    heas: dict[str, int]
    transactions: dict[str, str]
    sanggah: Sanggah | None = None


def bidders(product_id: str) -> list[Bidder]:
    return [
        Bidder("CV Karya Borneo (UMKM)", umkm=True, price=1_880_000_000, products=[]),
        Bidder("PT Trafo Nusantara (TKDN 60%)", umkm=False, price=1_800_000_000, products=[product_id]),
        Bidder("PT Global Impor", umkm=False, price=1_700_000_000, products=[]),
    ]


def run_tender(api: Gateway, clock: LocalClock, ocid: str, log) -> TenderOutcome:
    txs: dict[str, str] = {}
    officer = api.token("AGENCY_OFFICER", agency=AGENCY, sub="ppk-oikn")
    checker = api.token("AGENCY_OFFICER", agency=CROSS_CHECKING_AGENCY, sub="pokja-pupr")

    product = Web3.to_hex(Web3.keccak(text=f"ecatalogue:{ocid}:trafo-20kV"))
    certificate = api.post(
        "/tkdn/certificates",
        {
            "productId": product,
            "tkdnBps": 6_000,
            "bmpBps": 1_000,
            "validUntil": clock.now() + 365 * DAY,
            "certificateHash": Web3.to_hex(Web3.keccak(text=f"sertifikat TKDN {ocid}")),
        },
        api.token("TKDN_CERTIFIER", sub="kemenperin"),
    )
    txs["tkdn certificate"] = certificate["transactionHash"]
    log(f"TKDN certificate recorded: product {product[:10]}… TKDN 60%, BMP 10%")

    field_bidders = bidders(product)
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
            officer,
        )
        bidder.supplier_id = registered["supplierId"]
        api.post(f"/suppliers/{bidder.supplier_id}/verification", None, checker)
        txs[f"supplier {bidder.supplier_id}"] = registered["transactionHash"]
        log(f"supplier {bidder.supplier_id} registered by OIKN and verified by PUPR: {bidder.name}")

    start = clock.now()
    announced = api.post(
        "/tenders",
        {
            "ocid": ocid,
            "title": "Pengadaan trafo distribusi 20 kV untuk kawasan inti IKN",
            "documentHash": Web3.to_hex(Web3.keccak(text=f"dokumen pemilihan {ocid}")),
            "agencyId": AGENCY,
            "hps": HPS,
            "category": 0,
            "preferenceBps": PREFERENCE_BPS,
            "commitDeadline": start + 7 * DAY,
            "revealDeadline": start + 8 * DAY,
            "objectionWindow": 5 * DAY,
            "minValidBids": 2,
        },
        officer,
    )
    txs["announce"] = announced["transactionHash"]
    tender = announced["tenderId"]
    log(f"tender {ocid} announced: HPS Rp{HPS:,}, preference 25%")

    for bidder in field_bidders:
        bidder.salt = bids.new_salt()
        bidder.commitment = bids.commitment(
            tender, bidder.supplier_id, bidder.price, bidder.products, bidder.salt
        )
        signed = _sign(api, clock, bids.sign_commit, bidder, tender)
        relayed = api.post(
            f"/tenders/{ocid}/bids/commitments",
            {
                "supplier": signed.supplier,
                "commitment": Web3.to_hex(bidder.commitment),
                "nonce": signed.nonce,
                "deadline": signed.deadline,
                "signature": Web3.to_hex(signed.signature),
            },
            _supplier(api, bidder),
        )
        bidder.commit_seq = relayed["commitSeq"]
        txs[f"sealed bid {bidder.supplier_id}"] = relayed["transactionHash"]
    log(f"{len(field_bidders)} sealed bids relayed; the suppliers paid no gas")

    clock.move_past(start + 7 * DAY)
    heas = {}
    for bidder in field_bidders:
        signed = _sign(api, clock, bids.sign_reveal, bidder, tender)
        opened = api.post(
            f"/tenders/{ocid}/bids/reveals",
            {
                "supplier": signed.supplier,
                "nonce": signed.nonce,
                "deadline": signed.deadline,
                "signature": Web3.to_hex(signed.signature),
                "opening": {
                    "price": bidder.price,
                    "productIds": bidder.products,
                    "salt": Web3.to_hex(bidder.salt),
                    "commitSeq": bidder.commit_seq,
                },
            },
            _supplier(api, bidder),
        )
        heas[bidder.name] = opened["hea"]
        txs[f"opening {bidder.supplier_id}"] = opened["transactionHash"]
    log("bids opened after the commit deadline: " + ", ".join(f"{n} HEA Rp{h:,}" for n, h in heas.items()))

    clock.move_past(start + 8 * DAY)
    evaluated = api.post(
        f"/tenders/{ocid}/evaluation", {"bidders": sorted(b.supplier_id for b in field_bidders)}, officer
    )
    txs["evaluation"] = evaluated["transactionHash"]
    proposed = evaluated["awardProposed"]["supplierId"]
    winner = next(b for b in field_bidders if b.supplier_id == proposed)
    deadline = api.get(f"/tenders/{ocid}")["objectionDeadline"]
    log(f"award proposed to {winner.name}; sanggah window open until {deadline} (UTC seconds)")

    sanggah = _sanggah(api, clock, ocid, tender, min(field_bidders, key=lambda b: b.price), officer, txs)
    log(
        f"sanggah {sanggah.objection_id} by {sanggah.objector.name} (lowest price, lost on the preference): "
        f"answered {sanggah.outcome} by the Pokja"
    )

    clock.move_past(deadline)
    awarded = api.post(f"/tenders/{ocid}/award", None, officer)
    txs["award"] = awarded["transactionHash"]
    log(f"award final: {winner.name} for Rp{awarded['value']:,}")
    return TenderOutcome(ocid, tender, winner, field_bidders, heas, txs, sanggah)


def _sanggah(
    api: Gateway, clock: LocalClock, ocid: str, tender: str, objector: Bidder, pokja, txs
) -> Sanggah:
    """The objector's client hashes its objection letter and signs FileObjection; the gateway relays
    it; the Pokja answers with the hash of its reasoned reply (both documents stay off chain)."""
    letter = f"Sanggah {objector.name} atas {ocid}: penawaran kami terendah; mohon preferensi TKDN ditinjau."
    evidence = Web3.to_hex(Web3.keccak(text=letter))
    signing = api.get(f"/tenders/signing/{objector.account.address}")
    signed = bids.sign_objection(
        objector.account.key,
        chain_id=signing["domain"]["chainId"],
        verifying_contract=signing["domain"]["verifyingContract"],
        tender=tender,
        evidence_hash=evidence,
        nonce=signing["nonce"],
        deadline=clock.now() + 3_600,
    )
    filed = api.post(
        f"/tenders/{ocid}/objections",
        {
            "supplier": signed.supplier,
            "evidenceHash": evidence,
            "nonce": signed.nonce,
            "deadline": signed.deadline,
            "signature": Web3.to_hex(signed.signature),
        },
        _supplier(api, objector),
    )
    txs["sanggah"] = filed["transactionHash"]
    reply = "Jawaban Pokja: preferensi harga 25% untuk TKDN 60% sesuai Perpres 16/2018 pasal 66-67."
    response = Web3.to_hex(Web3.keccak(text=reply))
    answered = api.post(
        f"/tenders/{ocid}/objections/{filed['objectionId']}/answer",
        {"outcome": "rejected", "responseHash": response},
        pokja,
    )
    txs["sanggah answer"] = answered["transactionHash"]
    return Sanggah(filed["objectionId"], objector, evidence, answered["outcome"], response)


def _supplier(api: Gateway, bidder: Bidder) -> dict:
    return api.token(supplier=bidder.supplier_id, sub=f"supplier-{bidder.supplier_id}")


def _sign(api: Gateway, clock: LocalClock, sign, bidder: Bidder, tender: str) -> bids.SignedBidMessage:
    """What a supplier's own client does: read the domain and its nonce, then sign locally."""
    signing = api.get(f"/tenders/signing/{bidder.account.address}")
    return sign(
        bidder.account.key,
        chain_id=signing["domain"]["chainId"],
        verifying_contract=signing["domain"]["verifyingContract"],
        tender=tender,
        bid_commitment=bidder.commitment,
        nonce=signing["nonce"],
        deadline=clock.now() + 3_600,
    )
