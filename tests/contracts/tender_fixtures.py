"""Fixtures and helpers for the tender and TKDN tests (imported by tests/contracts/conftest.py).

`kit` drives a tender through its life as the agency, its Pokja and the suppliers' clients would:

- `announce(**overrides)` publishes TenderParams with sensible defaults (a value-system tender gets a
  scoring deadline halfway between its commit and reveal deadlines; a construction tender above the
  policy's threshold a 1% bid bond) and then, unless `pokja=False`, has the announcing officer appoint
  the agency's Pokja: three officers with quorum 2 (`kit.pokja[tender_id]`, `kit.quorum[tender_id]`).
  For IKN the Pokja is officer2 (dev:5) and two officers added here; the PPK (`officer`, dev:4)
  stays outside it, so it can answer appeals as the KPA.
- `commit` / `commit_by_sig` seal bids with an envelope and remember each opening (SealedBid), as a
  supplier's client would; `reveal`, `relay_reveal` open them; `open_by_quorum` has a Pokja member
  open a bid its supplier withheld (the opening the quorum decrypted from the envelope).
- `seal_scores` / `open_scores` run a member's value-system score sheet; `evaluate` runs the
  evaluation as a Pokja member with the complete bidder list; `answer` answers an objection.
- `to_scoring`, `to_reveal`, `to_evaluation`, `to_openings_closed`, `to_award` move the chain's clock
  past a deadline (evaluation with bids still sealed waits for the quorum's opening window).

Products of a bid: a list of (label or product id, shareBps) pairs, e.g. [("P50", 6000), ("P30", 4000)],
or bare labels / ids, which split 10,000 basis points equally (the first takes any remainder): so
["P50"] is one product worth the whole bid. `product_shares` turns either form into pairs.

Envelopes are opaque bytes here (the contracts environment has no `cryptography`; the real
threshold envelope is app/tenders/envelope.py): by default b"\\x01" + keccak(tender, supplier,
commitment), 33 bytes, distinct per bid.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest
from brownie import PolicyRegistry, accounts, chain, web3
from eth_abi import encode

from app.protocol import bids as bidlib
from app.protocol import vocabulary
from app.protocol.roles import role_id

DAY = 24 * 3600
CERTIFIER_INDEX = 15  # deploy/local.yaml: TKDN_CERTIFIER is dev:15
IKN_AGENCY = 1001
BPS = 10_000
ZERO32 = bytes(32)

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
R_NONE, R_UNREVEALED, R_OBJECTION_UPHELD, R_NON_COMPLIANT = vocabulary.enum("ITenders.RejectReason").codes(
    "None", "Unrevealed", "ObjectionUpheld", "NonCompliant"
)
(
    NC_NONE,
    NC_ADMINISTRATIVE,
    NC_TECHNICAL,
    NC_QUALIFICATION,
    NC_BELOW_TECHNICAL_THRESHOLD,
    NC_FALSE_DOCUMENTS,
    NC_COLLUSION,
) = vocabulary.enum("ITenders.NonCompliance").codes(
    "None",
    "Administrative",
    "Technical",
    "Qualification",
    "BelowTechnicalThreshold",
    "FalseDocuments",
    "Collusion",
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
    "scoringDeadline",
    "bidBond",
)

# The extra IKN officers that sit on the default Pokja with officer2 (funded and appointed here).
POKJA_KEYS = ("0x" + "a1" * 32, "0x" + "a2" * 32)


def product_id(label: str) -> bytes:
    """A product id as the TKDN registry keys it (hash of the Kemenperin certificate number)."""
    return web3.keccak(text=f"tkdn:{label}")


# label -> (TKDN bps, BMP bps). TKDN + capped BMP: P50 60%, P30 45%, P20 25%, P10 25%.
PRODUCTS = {"P50": (5000, 1000), "P30": (3000, 1500), "P20": (2000, 500), "P10": (1000, 2500)}


def _product_ref(product) -> bytes:
    """A product label ("P50"), a 0x hex id or id bytes, as the 32-byte id."""
    if isinstance(product, str):
        return bytes.fromhex(product[2:]) if product.startswith("0x") else bytes(product_id(product))
    return bytes(product)


def product_shares(products) -> list[tuple[bytes, int]]:
    """Products as (product id, shareBps) pairs, in the order given (not sorted, not checked).

    Each item is a (label or id, shareBps) pair, or a bare label or id; the bare items split
    10,000 basis points equally, the first taking any remainder (["P50"] is the whole bid)."""
    products = list(products)
    pairs = [p for p in products if isinstance(p, tuple)]
    bare = [p for p in products if not isinstance(p, tuple)]
    if pairs and bare:
        raise ValueError("give every product as a bare label or every product as a (label, shareBps) pair")
    if pairs:
        return [(_product_ref(p), int(share)) for p, share in pairs]
    if not bare:
        return []
    each, rest = divmod(BPS, len(bare))
    return [(_product_ref(p), each + (rest if i == 0 else 0)) for i, p in enumerate(bare)]


def raw_commitment(tender_id, supplier_id, price, shares, salt, bid_bond_ref=ZERO32) -> bytes:
    """The commitment exactly as given (no sorting or checks), for bids the contract must refuse."""
    encoded = encode(
        ["bytes32", "uint64", "uint256", "(bytes32,uint16)[]", "bytes32", "bytes32"],
        [
            bytes(tender_id),
            supplier_id,
            price,
            [(bytes(p), s) for p, s in shares],
            bytes(salt),
            bytes(bid_bond_ref),
        ],
    )
    return bytes(web3.keccak(encoded))


def score_sheet_hash(tender_id, member, supplier_ids, scores_bps, salt) -> bytes:
    """keccak256(abi.encode(tenderId, member, supplierIds, scoresBps, salt)), the sealed score sheet."""
    encoded = encode(
        ["bytes32", "address", "uint64[]", "uint16[]", "bytes32"],
        [bytes(tender_id), str(member), list(supplier_ids), list(scores_bps), bytes(salt)],
    )
    return bytes(web3.keccak(encoded))


def fake_envelope(tender_id, supplier_id, commitment) -> bytes:
    """A stand-in envelope: distinct per bid, deterministic, opaque to the contract."""
    return b"\x01" + bytes(web3.keccak(bytes(tender_id) + supplier_id.to_bytes(8, "big") + bytes(commitment)))


def encryption_key(member) -> bytes:
    """A stand-in X25519 public key for a Pokja member (non-zero, distinct per member)."""
    return bytes(web3.keccak(text=f"x25519:{member}"))


@dataclass
class SealedBid:
    account: object
    supplier_id: int
    price: int
    products: list  # (product id, shareBps) pairs as committed (ascending ids unless normalise=False)
    salt: bytes
    commitment: bytes
    commit_seq: int
    envelope: bytes
    bid_bond_ref: bytes = ZERO32

    @property
    def product_ids(self) -> list:
        return [p for p, _ in self.products]

    @property
    def envelope_hash(self) -> bytes:
        return bidlib.envelope_hash(self.envelope)

    @property
    def sealed_bid(self) -> bytes:
        return bidlib.sealed_bid(self.commitment, self.commit_seq, self.envelope_hash)

    def opening(self) -> tuple:
        """The 6-field BidOpening (price, products, salt, bidBondRef, commitSeq, envelopeHash)."""
        return (
            self.price,
            [(bytes(p), s) for p, s in self.products],
            bytes(self.salt),
            bytes(self.bid_bond_ref),
            self.commit_seq,
            self.envelope_hash,
        )


@dataclass
class ScoreSheet:
    member: object
    supplier_ids: list
    scores_bps: list
    salt: bytes
    sealed: bytes


@dataclass
class TenderKit:
    tenders: object
    officer: object
    agency_id: int
    pokja_by_agency: dict = field(default_factory=dict)  # agencyId -> default Pokja (accounts)
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    bidders: dict = field(default_factory=dict)  # tenderId -> {supplierId: SealedBid}
    announced: dict = field(default_factory=dict)  # tenderId -> the TenderParams as a dict
    pokja: dict = field(default_factory=dict)  # tenderId -> Pokja members (accounts), in order
    quorum: dict = field(default_factory=dict)  # tenderId -> quorum k

    # -- announcement and Pokja -------------------------------------------------------------
    def params(self, **overrides) -> tuple:
        return tuple(self._param_values(**overrides)[name] for name in PARAM_FIELDS)

    def _param_values(self, **overrides) -> dict:
        now = chain.time()
        commit_in = overrides.pop("commit_in", 7 * DAY)
        commit_deadline = overrides.pop("commitDeadline", now + commit_in)
        reveal_deadline = overrides.pop("revealDeadline", commit_deadline + 2 * DAY)
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
            "revealDeadline": reveal_deadline,
            "objectionWindow": 3 * DAY,
            "minValidBids": 1,
            "technicalWeightBps": 0,
        }
        values.update(overrides)
        if "scoringDeadline" not in values:
            # Value system: the Pokja seal their scores between the commit and the scoring deadline.
            values["scoringDeadline"] = (
                commit_deadline + (reveal_deadline - commit_deadline) // 2
                if values["evaluation"] == VALUE_SYSTEM
                else 0
            )
        if "bidBond" not in values:
            policies = PolicyRegistry.at(self.tenders.policies())
            policy = policies.policyOf(policies.currentVersion()).dict()
            big_construction = (
                values["category"] == CONSTRUCTION and values["hps"] > policy["bidBondHpsThreshold"]
            )
            values["bidBond"] = values["hps"] // 100 if big_construction else 0
        return values

    def announce(self, **overrides) -> bytes:
        """Announces (by `by`, default the PPK) and appoints the Pokja: `pokja=True` (the agency's
        default three, quorum 2), False (none), or a list of accounts; `quorum=` overrides k."""
        by = overrides.pop("by", self.officer)
        pokja = overrides.pop("pokja", True)
        quorum = overrides.pop("quorum", None)
        values = self._param_values(**overrides)
        tx = self.tenders.announceTender(tuple(values[name] for name in PARAM_FIELDS), {"from": by})
        tender_id = tx.events["TenderAnnounced"]["tenderId"]
        key = bytes(tender_id)
        self.bidders[key] = {}
        self.announced[key] = values
        if pokja is True:
            pokja = self.pokja_by_agency.get(values["agencyId"])
        if pokja:
            self.appoint_pokja(tender_id, pokja, quorum if quorum is not None else min(2, len(pokja)), by=by)
        return tender_id

    def appoint_pokja(self, tender_id, members, quorum=2, by=None, keys=None):
        members = list(members)
        keys = keys if keys is not None else [encryption_key(m) for m in members]
        tx = self.tenders.appointPokja(tender_id, members, keys, quorum, {"from": by or self.officer})
        self.pokja[bytes(tender_id)] = members
        self.quorum[bytes(tender_id)] = quorum
        return tx

    def member(self, tender_id, index=0):
        """The Pokja member at `index` (default the first: the one who acts for the Pokja)."""
        return self.pokja[bytes(tender_id)][index]

    def tender(self, tender_id):
        return self.tenders.getTender(tender_id).dict()

    # -- bids -------------------------------------------------------------------------------
    def _seal(self, tender_id, supplier_id, price, products, salt, bid_bond_ref, normalise):
        salt = salt or bidlib.new_salt()
        if bid_bond_ref is None:
            needs_bond = self.announced.get(bytes(tender_id), {}).get("bidBond", 0)
            bid_bond_ref = web3.keccak(text=f"jaminan:{supplier_id}") if needs_bond else ZERO32
        shares = product_shares(products)
        if normalise:
            shares = bidlib.normalise_products(shares)
            commitment = bidlib.commitment(tender_id, supplier_id, price, shares, salt, bid_bond_ref)
        else:
            commitment = raw_commitment(tender_id, supplier_id, price, shares, salt, bid_bond_ref)
        return shares, bytes(salt), bytes(bid_bond_ref), commitment

    def commit(
        self,
        account,
        supplier_id,
        tender_id,
        price,
        products=(),
        salt=None,
        envelope=None,
        bid_bond_ref=None,
        normalise=True,
    ) -> SealedBid:
        """Commits a sealed bid from the supplier's key. `bid_bond_ref` defaults to a reference when
        the tender needs a bond (else zero); `normalise=False` commits the products exactly as given
        (unsorted, zero or excess shares) for bids the contract must refuse at opening."""
        shares, salt, bond, commitment = self._seal(
            tender_id, supplier_id, price, products, salt, bid_bond_ref, normalise
        )
        envelope = envelope if envelope is not None else fake_envelope(tender_id, supplier_id, commitment)
        tx = self.tenders.commitBid(tender_id, commitment, envelope, {"from": account})
        return self._remember(
            tx, account, supplier_id, tender_id, price, shares, salt, commitment, envelope, bond
        )

    def _remember(self, tx, account, supplier_id, tender_id, price, shares, salt, commitment, envelope, bond):
        seq = tx.events["BidCommitted"]["commitSeq"]
        bid = SealedBid(account, supplier_id, price, shares, salt, commitment, seq, bytes(envelope), bond)
        self.bidders.setdefault(bytes(tender_id), {})[supplier_id] = bid
        return bid

    def reveal(self, tender_id, bid: SealedBid, sender=None):
        return self.tenders.revealBid(tender_id, bid.opening(), {"from": sender or bid.account})

    def open_by_quorum(self, tender_id, bid: SealedBid, member=None):
        """A Pokja member opens a bid its supplier withheld, after the reveal deadline, with the
        opening k members decrypted from the envelope (here: the one the kit remembered)."""
        sender = member or self.member(tender_id)
        return self.tenders.openSealedBid(tender_id, bid.supplier_id, bid.opening(), {"from": sender})

    def current_sealed_bid(self, tender_id, supplier_id) -> bytes:
        return bytes.fromhex(str(self.tenders.getBid(tender_id, supplier_id)["sealedBid"])[2:])

    def commit_by_sig(
        self,
        signer,
        supplier_id,
        tender_id,
        price,
        products=(),
        relayer=None,
        replaces=None,
        envelope=None,
        salt=None,
        bid_bond_ref=None,
        **sig,
    ) -> SealedBid:
        """Signs a CommitBid with the supplier's key and relays it. `replaces` defaults to the
        supplier's sealed bid on chain now (zero before its first commit)."""
        shares, salt, bond, commitment = self._seal(
            tender_id, supplier_id, price, products, salt, bid_bond_ref, True
        )
        envelope = envelope if envelope is not None else fake_envelope(tender_id, supplier_id, commitment)
        if replaces is None:
            replaces = self.current_sealed_bid(tender_id, supplier_id)
        signed = self.sign(
            "commit",
            signer,
            tender_id,
            commitment,
            envelope_digest=bidlib.envelope_hash(envelope),
            replaces=replaces,
            **sig,
        )
        tx = self.relay_commit(signed, envelope, relayer)
        return self._remember(
            tx, signer, supplier_id, tender_id, price, shares, salt, commitment, envelope, bond
        )

    def sign(
        self,
        kind,
        signer,
        tender_id,
        commitment,
        nonce=None,
        deadline=None,
        chain_id=None,
        contract=None,
        envelope_digest=None,
        replaces=ZERO32,
    ):
        """Signs a CommitBid (kind "commit": needs `envelope_digest`; `replaces` the sealed bid it
        replaces, zero for the first) or a RevealBid (kind "reveal")."""
        common = {
            "chain_id": chain_id if chain_id is not None else web3.eth.chain_id,
            "verifying_contract": contract or self.tenders.address,
            "tender": tender_id,
            "bid_commitment": commitment,
            "nonce": self.tenders.nonces(signer) if nonce is None else nonce,
            "deadline": deadline if deadline is not None else chain.time() + DAY,
        }
        if kind == "commit":
            return bidlib.sign_commit(
                signer.private_key, envelope_digest=envelope_digest, replaces=replaces, **common
            )
        return bidlib.sign_reveal(signer.private_key, **common)

    def relay_commit(self, signed, envelope, relayer=None):
        return self.tenders.commitBidBySig(
            signed.supplier,
            signed.tender_id,
            signed.commitment,
            envelope,
            signed.replaces,
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

    # -- time -------------------------------------------------------------------------------
    def sleep_until(self, timestamp: int):
        """Mines a block stamped at `timestamp` or later."""
        gap = int(timestamp) - chain.time()
        if gap > 0:
            chain.sleep(gap)
        chain.mine()
        # brownie's clock can run ahead of the chain's (seen on anvil under a full suite's load): it
        # then saw no gap to sleep, and the block came before `timestamp`. The chain's own latest
        # block decides.
        behind = int(timestamp) - chain[-1].timestamp
        if behind > 0:
            chain.sleep(behind)
            chain.mine()
        assert chain[-1].timestamp >= timestamp, (chain[-1].timestamp, timestamp)

    def to_scoring(self, tender_id):
        """Past the commit deadline: the value system's scoring period (lowest price: reveals)."""
        self.sleep_until(self.tender(tender_id)["commitDeadline"] + 1)

    def to_reveal(self, tender_id):
        """Into the reveal period: past the scoring deadline (value system) or the commit deadline."""
        tender = self.tender(tender_id)
        self.sleep_until((tender["scoringDeadline"] or tender["commitDeadline"]) + 1)

    def to_evaluation(self, tender_id):
        """Past the reveal deadline: the Pokja may open withheld bids, and evaluate once none is
        left sealed."""
        self.sleep_until(self.tender(tender_id)["revealDeadline"] + 1)

    def openings_close_at(self, tender_id) -> int:
        """When the quorum's opening window closes: evaluation with bids still sealed waits for it."""
        return self.tender(tender_id)["revealDeadline"] + self.tender(tender_id)["quorumOpeningWindow"]

    def to_openings_closed(self, tender_id):
        """Past the quorum's opening window: evaluation may record bids nobody opened."""
        self.sleep_until(self.openings_close_at(tender_id) + 1)

    def to_award(self, tender_id):
        tender = self.tender(tender_id)
        self.sleep_until(max(tender["objectionDeadline"], tender["appealDeadline"]) + 1)

    # -- Pokja: scores, evaluation, objections ----------------------------------------------
    def bidder_ids(self, tender_id) -> list[int]:
        return sorted(self.bidders.get(bytes(tender_id), {}))

    def seal_scores(self, tender_id, member, scores, salt=None) -> ScoreSheet:
        """Seals `member`'s technical score sheet (in the scoring period). `scores` maps supplier id
        -> basis points, or lists them in ascending supplier id order (kit.bidder_ids). Returns the
        sheet to pass to `open_scores` after the reveal deadline."""
        if isinstance(scores, dict):
            supplier_ids = sorted(scores)
            values = [scores[s] for s in supplier_ids]
        else:
            supplier_ids, values = self.bidder_ids(tender_id), list(scores)
        salt = bytes(salt or bidlib.new_salt())
        sealed = score_sheet_hash(tender_id, member, supplier_ids, values, salt)
        self.tenders.sealScoreSheet(tender_id, sealed, {"from": member})
        return ScoreSheet(member, supplier_ids, values, salt, sealed)

    def open_scores(self, tender_id, sheet: ScoreSheet, sender=None):
        return self.tenders.openScoreSheet(
            tender_id, sheet.supplier_ids, sheet.scores_bps, sheet.salt, {"from": sender or sheet.member}
        )

    def evaluate(self, tender_id, by=None, sender=None):
        """Evaluates with the complete bidder list, as a Pokja member (default the first)."""
        caller = by or sender or self.member(tender_id)
        return self.tenders.evaluate(tender_id, self.bidder_ids(tender_id), {"from": caller})

    def answer(self, tender_id, objection_id, outcome, response_hash=None, by=None):
        """A Pokja member (default the first) answers an objection."""
        return self.tenders.resolveObjection(
            tender_id,
            objection_id,
            outcome,
            response_hash or web3.keccak(text=f"jawaban sanggah {objection_id}"),
            {"from": by or self.member(tender_id)},
        )


@pytest.fixture(scope="module")
def pokja_officers(hub, directory, committee_act, officer2, deployer):
    """Three IKN officers for the default Pokja: officer2 (dev:5) and two more, funded, granted
    AGENCY_OFFICER and assigned to IKN by the committee (through the hub's delay)."""
    extra = []
    for key in POKJA_KEYS:
        account = accounts.add(key)
        deployer.transfer(account, "10 ether")
        committee_act(
            [
                (hub, hub.grantRole.encode_input(role_id("AGENCY_OFFICER"), account, 0)),
                (directory, directory.assignOfficer.encode_input(account, IKN_AGENCY)),
            ]
        )
        extra.append(account)
    return [officer2, *extra]


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
def kit(tenders, officer, pokja_officers):
    """The tender kit for IKN tenders announced by the PPK (officer), Pokja `pokja_officers`."""
    return TenderKit(
        tenders=tenders, officer=officer, agency_id=IKN_AGENCY, pokja_by_agency={IKN_AGENCY: pokja_officers}
    )


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
