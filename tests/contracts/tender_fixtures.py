"""Fixtures and helpers for the tender and TKDN tests (imported by tests/contracts/conftest.py).

`kit` drives a tender through its life: announce with sensible defaults (overridable per test),
commit and reveal bids (remembering each opening, as a supplier's client would), move the chain's
clock past a deadline, evaluate with the complete bidder list, and sign EIP-712 messages for relay.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest
from brownie import accounts, chain, web3

from app.protocol import bids as bidlib
from app.protocol import vocabulary

DAY = 24 * 3600
CERTIFIER_INDEX = 15  # deploy/local.yaml: TKDN_CERTIFIER is dev:15

# Tender enums (ITenders), looked up by name in the contracts' vocabulary.
GOODS, CONSTRUCTION, CONSULTANCY, OTHER_SERVICES = vocabulary.enum("ITenders.Category").codes(
    "Goods", "Construction", "Consultancy", "OtherServices"
)
TENDER, TENDER_CEPAT, SELEKSI = vocabulary.enum("ITenders.Method").codes("Tender", "TenderCepat", "Seleksi")
LOWEST_PRICE, VALUE_SYSTEM = vocabulary.enum("ITenders.EvaluationMethod").codes("LowestPrice", "ValueSystem")
T_NONE, T_OPEN, T_AWARD_PROPOSED, T_AWARDED, T_FAILED, T_CANCELLED = vocabulary.enum(
    "ITenders.TenderStatus"
).codes("None", "Open", "AwardProposed", "Awarded", "Failed", "Cancelled")
B_NONE, B_SEALED, B_VALID, B_UNREVEALED, B_DISQUALIFIED = vocabulary.enum("ITenders.BidStatus").codes(
    "None", "Sealed", "Valid", "Unrevealed", "Disqualified"
)
R_NONE, R_UNREVEALED, R_OBJECTION_UPHELD = vocabulary.enum("ITenders.RejectReason").codes(
    "None", "Unrevealed", "ObjectionUpheld"
)
F_NONE, F_TOO_FEW_VALID_BIDS, F_OBJECTION_UPHELD = vocabulary.enum("ITenders.FailReason").codes(
    "None", "TooFewValidBids", "ObjectionUpheld"
)
O_NONE, O_OPEN, O_REJECTED, O_UPHELD_REEVALUATE, O_UPHELD_FAIL = vocabulary.enum(
    "ITenders.ObjectionStatus"
).codes("None", "Open", "Rejected", "UpheldReevaluate", "UpheldFail")

PARAM_FIELDS = (
    "ocid",
    "title",
    "documentHash",
    "agencyId",
    "hps",
    "category",
    "method",
    "evaluation",
    "preferenceBps",
    "domesticOnly",
    "umkmReserved",
    "commitDeadline",
    "revealDeadline",
    "objectionWindow",
    "minValidBids",
    "technicalWeightBps",
)


def product_id(label: str) -> bytes:
    """A product id as the TKDN registry keys it (hash of the Kemenperin certificate number)."""
    return web3.keccak(text=f"tkdn:{label}")


# label -> (TKDN bps, BMP bps). TKDN + capped BMP: P50 60%, P30 45%, P20 25%, P10 25%.
PRODUCTS = {"P50": (5000, 1000), "P30": (3000, 1500), "P20": (2000, 500), "P10": (1000, 2500)}


@dataclass
class SealedBid:
    account: object
    supplier_id: int
    price: int
    product_ids: list
    salt: bytes
    commitment: bytes
    commit_seq: int

    def opening(self):
        return (self.price, self.product_ids, self.salt, self.commit_seq)


@dataclass
class TenderKit:
    tenders: object
    officer: object
    agency_id: int
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    bidders: dict = field(default_factory=dict)  # tenderId -> {supplierId: SealedBid}

    # -- announcement ---------------------------------------------------------------------
    def params(self, **overrides) -> tuple:
        now = chain.time()
        commit_deadline = overrides.pop("commit_in", 7 * DAY) + now
        values = {
            "ocid": f"ocds-terang-{self.agency_id}-test-{next(self._counter)}",
            "title": "Pengadaan panel surya IKN",
            "documentHash": web3.keccak(text="dokumen pemilihan v1"),
            "agencyId": self.agency_id,
            "hps": 2_000_000_000,
            "category": GOODS,
            "method": TENDER,
            "evaluation": LOWEST_PRICE,
            "preferenceBps": 0,
            "domesticOnly": False,
            "umkmReserved": False,
            "commitDeadline": commit_deadline,
            "revealDeadline": commit_deadline + 2 * DAY,
            "objectionWindow": 3 * DAY,
            "minValidBids": 1,
            "technicalWeightBps": 0,
        }
        values.update(overrides)
        return tuple(values[name] for name in PARAM_FIELDS)

    def announce(self, **overrides) -> bytes:
        by = overrides.pop("by", self.officer)
        params = self.params(**overrides)
        tx = self.tenders.announceTender(params, {"from": by})
        tender_id = tx.return_value
        self.bidders[bytes(tender_id)] = {}
        return tender_id

    def tender(self, tender_id):
        return self.tenders.getTender(tender_id).dict()

    # -- bids -------------------------------------------------------------------------------
    def commit(self, account, supplier_id, tender_id, price, products=(), salt=None) -> SealedBid:
        salt = salt or bidlib.new_salt()
        product_ids = [product_id(p) if isinstance(p, str) else p for p in products]
        commitment = bidlib.commitment(tender_id, supplier_id, price, product_ids, salt)
        tx = self.tenders.commitBid(tender_id, commitment, {"from": account})
        return self._remember(tx, account, supplier_id, tender_id, price, product_ids, salt, commitment)

    def _remember(self, tx, account, supplier_id, tender_id, price, product_ids, salt, commitment):
        seq = tx.events["BidCommitted"]["commitSeq"]
        bid = SealedBid(account, supplier_id, price, product_ids, salt, commitment, seq)
        self.bidders.setdefault(bytes(tender_id), {})[supplier_id] = bid
        return bid

    def reveal(self, tender_id, bid: SealedBid, sender=None):
        return self.tenders.revealBid(tender_id, bid.opening(), {"from": sender or bid.account})

    def commit_by_sig(self, signer, supplier_id, tender_id, price, products=(), relayer=None, **sig):
        salt = bidlib.new_salt()
        product_ids = [product_id(p) if isinstance(p, str) else p for p in products]
        commitment = bidlib.commitment(tender_id, supplier_id, price, product_ids, salt)
        signed = self.sign("commit", signer, tender_id, commitment, **sig)
        tx = self.relay_commit(signed, relayer)
        return self._remember(tx, signer, supplier_id, tender_id, price, product_ids, salt, commitment)

    def sign(
        self, kind, signer, tender_id, commitment, nonce=None, deadline=None, chain_id=None, contract=None
    ):
        sign = bidlib.sign_commit if kind == "commit" else bidlib.sign_reveal
        return sign(
            signer.private_key,
            chain_id=chain_id if chain_id is not None else web3.eth.chain_id,
            verifying_contract=contract or self.tenders.address,
            tender=tender_id,
            bid_commitment=commitment,
            nonce=self.tenders.nonces(signer) if nonce is None else nonce,
            deadline=deadline if deadline is not None else chain.time() + DAY,
        )

    def relay_commit(self, signed, relayer=None):
        return self.tenders.commitBidBySig(
            signed.supplier,
            signed.tender_id,
            signed.commitment,
            signed.nonce,
            signed.deadline,
            signed.signature,
            {"from": relayer or accounts[19]},
        )

    def relay_reveal(self, signed, bid: SealedBid, relayer=None):
        return self.tenders.revealBidBySig(
            signed.supplier,
            signed.tender_id,
            bid.opening(),
            signed.nonce,
            signed.deadline,
            signed.signature,
            {"from": relayer or accounts[19]},
        )

    def sign_objection(self, signer, tender_id, evidence_hash, nonce=None, deadline=None):
        return bidlib.sign_objection(
            signer.private_key,
            chain_id=web3.eth.chain_id,
            verifying_contract=self.tenders.address,
            tender=tender_id,
            evidence_hash=evidence_hash,
            nonce=self.tenders.nonces(signer) if nonce is None else nonce,
            deadline=deadline if deadline is not None else chain.time() + DAY,
        )

    def relay_objection(self, signed, relayer=None):
        return self.tenders.fileObjectionBySig(
            signed.supplier,
            signed.tender_id,
            signed.evidence_hash,
            signed.nonce,
            signed.deadline,
            signed.signature,
            {"from": relayer or accounts[19]},
        )

    # -- time and evaluation ----------------------------------------------------------------
    def sleep_until(self, timestamp: int):
        gap = int(timestamp) - chain.time()
        if gap > 0:
            chain.sleep(gap)
        chain.mine()

    def to_reveal(self, tender_id):
        self.sleep_until(self.tender(tender_id)["commitDeadline"] + 1)

    def to_evaluation(self, tender_id):
        self.sleep_until(self.tender(tender_id)["revealDeadline"] + 1)

    def to_award(self, tender_id):
        self.sleep_until(self.tender(tender_id)["objectionDeadline"] + 1)

    def bidder_ids(self, tender_id) -> list[int]:
        return sorted(self.bidders.get(bytes(tender_id), {}))

    def evaluate(self, tender_id, sender=None):
        return self.tenders.evaluate(tender_id, self.bidder_ids(tender_id), {"from": sender or accounts[19]})


@pytest.fixture(scope="module")
def tenders(suite):
    return suite.contracts["Tenders"]


@pytest.fixture(scope="module")
def tkdn(suite):
    return suite.contracts["TkdnRegistry"]


@pytest.fixture(scope="session")
def certifier():
    return accounts[CERTIFIER_INDEX]


@pytest.fixture(scope="module")
def products(tkdn, certifier):
    """The PRODUCTS certified for a year; returns label -> product id."""
    valid_until = chain.time() + 365 * DAY
    for label, (tkdn_bps, bmp_bps) in PRODUCTS.items():
        tkdn.certifyProduct(
            product_id(label),
            tkdn_bps,
            bmp_bps,
            valid_until,
            web3.keccak(text=f"cert:{label}"),
            {"from": certifier},
        )
    return {label: product_id(label) for label in PRODUCTS}


@pytest.fixture(scope="module")
def kit(tenders, officer):
    return TenderKit(tenders=tenders, officer=officer, agency_id=1001)


@pytest.fixture(scope="module")
def bidders(active_supplier, supplier_keys):
    """Three verified suppliers (dev:16-18): list of (account, supplier id); the third is UMKM."""
    return [
        (supplier_keys[0], active_supplier(supplier_keys[0], "pt-surya-nusantara")),
        (supplier_keys[1], active_supplier(supplier_keys[1], "pt-energi-kalimantan")),
        (supplier_keys[2], active_supplier(supplier_keys[2], "cv-mandiri-balikpapan", umkm=True)),
    ]


@pytest.fixture(scope="module")
def signer_supplier(active_supplier):
    """A verified supplier whose key holds no ETH (it only signs; a relayer sends): (account, id)."""
    account = accounts.add("0x" + "5a" * 32)
    return account, active_supplier(account, "cv-tanpa-eth")


def error(name: str, *args) -> str:
    """The revert message brownie reports for custom error `name(args)` ("Name: a, b")."""

    def fmt(value):
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int):
            return str(int(value))
        if isinstance(value, (bytes, bytearray)):
            return str(bytes(value))
        if hasattr(value, "address"):
            return str(value.address).lower()
        if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
            return value.lower()
        if isinstance(value, str) and value.startswith("0x"):
            return str(bytes.fromhex(value[2:]))
        raise TypeError(f"no revert-message format for {value!r}")

    return f"{name}: " + ", ".join(fmt(arg) for arg in args)


def hx(value) -> str:
    """A bytes value (HexBytes, brownie HexString, bytes) as 0x hex, for comparisons."""
    if isinstance(value, str):
        return value.lower() if value.startswith("0x") else "0x" + value.lower()
    return "0x" + bytes(value).hex()
