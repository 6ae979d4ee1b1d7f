"""A tender driven on a local chain from the gateway side (web3.py, the unlocked dev accounts of
deploy/local.yaml): suppliers registered and verified, a tender announced and amended, its Pokja
appointed (dev:5, dev:20, dev:21, quorum 2, each with an X25519 envelope key kept here), sealed bids
committed with their envelopes and revealed, evaluation by a Pokja member, a sanggah filed and
answered (rejected) by the Pokja, the final award. Used by the indexer, OCDS, explorer and escrow
tests.

Options reach the steps the read side shows: a bid its supplier never opens that the Pokja quorum
opens from its envelope after the reveal deadline (`withheld`), a bid nobody opens (`unopened`), a
bid declared non-compliant (`non_compliant`), a preference withdrawn (`preference_withdrawn`), a
value-system tender with sealed then opened score sheets (`scores`), and on a construction tender
the objector's appeal (sanggah banding) answered by the KPA (`appeal`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from eth_abi import encode
from eth_account import Account
from web3 import Web3
from web3.logs import DISCARD

from app.protocol import bids as bidlib
from app.protocol import vocabulary
from app.protocol.manifest import Manifest
from app.tenders import envelope
from app.tenders.opening_codec import encode_opening

DAY = 24 * 3600
OFFICER, ANYONE = 4, 19  # the PPK of IKN (announces, amends), anyone (finalises)
POKJA = (5, 20, 21)  # IKN officers on every scenario tender's Pokja
QUORUM = 2
KPA = 22  # the IKN officer outside the Pokja who answers appeals
OFFICER2 = POKJA[0]  # a second IKN officer (verifies suppliers)
SUPPLIERS = (16, 17, 18)
HPS = 2_000_000_000
OBJECTION = vocabulary.enum("ITenders.ObjectionStatus")
NON_COMPLIANCE = vocabulary.enum("ITenders.NonCompliance")
CATEGORY = vocabulary.enum("ITenders.Category")
EVALUATION = vocabulary.enum("ITenders.EvaluationMethod")
METHOD = vocabulary.enum("ITenders.Method")
AGENCY_OFFICERS = {1001: OFFICER, 1002: 6}  # who announces for each agency (deploy/local.yaml)


@dataclass
class TenderRun:
    ocid: str
    tender_id: bytes
    supplier_ids: list[int]
    prices: dict[int, int]
    winner: int | None = None
    steps: list[str] = field(default_factory=list)
    pokja: list[str] = field(default_factory=list)  # member addresses, share index = position + 1
    envelopes: dict[int, bytes] = field(default_factory=dict)  # supplier id -> its last envelope


class Scenario:
    def __init__(self, url: str, manifest: Manifest) -> None:
        self.w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))
        self.accounts = self.w3.eth.accounts
        self.manifest = manifest
        self.tenders = self.contract("Tenders")
        self.registry = self.contract("SupplierRegistry")
        self.hub = self.contract("AccessHub")
        # Each Pokja member's envelope key pair (X25519); the private halves stay with the members.
        self.member_keys = {index: envelope.generate_member_key() for index in POKJA}

    def contract(self, name: str):
        deployed = self.manifest.contracts[name]
        return self.w3.eth.contract(address=Web3.to_checksum_address(deployed.address), abi=deployed.abi)

    # -- plumbing ------------------------------------------------------------------------------
    def send(self, fn, sender: int):
        tx_hash = fn.transact({"from": self.accounts[sender]})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash)
        assert receipt["status"] == 1, f"transaction reverted: {fn.fn_name}"
        return receipt

    def rpc(self, method: str, params: list | None = None):
        return self.w3.provider.make_request(method, params or [])["result"]

    def now(self) -> int:
        return self.w3.eth.get_block("latest")["timestamp"]

    def sleep_until(self, timestamp: int) -> None:
        self.rpc("evm_setNextBlockTimestamp", [max(int(timestamp), self.now() + 1)])
        self.rpc("evm_mine")

    def tender_data(self, tender_id: bytes) -> dict:
        """getTender by field name (deadlines as they stand, pauses included)."""
        raw = self.tenders.functions.getTender(tender_id).call()
        outputs = self.tenders.get_function_by_name("getTender").abi["outputs"][0]["components"]
        return dict(zip([c["name"] for c in outputs], raw, strict=True))

    # -- suppliers -----------------------------------------------------------------------------
    def supplier(self, index: int, label: str, umkm: bool = False) -> int:
        """Registers (by one officer) and verifies (by another) the supplier at dev:index, once."""
        return self.register(self.accounts[index], label, umkm)

    def register(self, account: str, label: str, umkm: bool = False) -> int:
        """Registers and verifies the supplier whose key is `account` (any address), once."""
        existing = self.registry.functions.supplierIdOf(account).call()
        if existing:
            return existing
        nib, npwp = Web3.keccak(text=f"nib:{label}"), Web3.keccak(text=f"npwp:{label}")
        self.send(self.registry.functions.registerSupplier(account, nib, npwp, umkm, 6302), OFFICER)
        supplier_id = self.registry.functions.supplierIdOf(account).call()
        self.send(self.registry.functions.verifySupplier(supplier_id), OFFICER2)
        return supplier_id

    def suppliers(self) -> dict[int, int]:
        """dev index -> supplier id for the three bidders."""
        labels = ("pt-surya-nusantara", "pt-energi-kalimantan", "cv-mandiri-balikpapan")
        pairs = zip(SUPPLIERS, labels, strict=True)
        return {i: self.supplier(i, label, umkm=(i == 18)) for i, label in pairs}

    # -- the Pokja's side of an envelope ---------------------------------------------------------
    def quorum_opening(self, run: TenderRun, supplier_id: int, members: tuple[int, ...] = POKJA[:QUORUM]):
        """The opening `members` (dev indices) recover together from the bid's envelope."""
        sealed = run.envelopes[supplier_id]
        shares = [
            envelope.decrypt_share(
                sealed, run.tender_id, supplier_id, POKJA.index(m) + 1, self.member_keys[m][0]
            )
            for m in members
        ]
        return envelope.open_envelope(sealed, run.tender_id, supplier_id, shares)

    # -- a tender ------------------------------------------------------------------------------
    def appoint_pokja(self, tender_id: bytes) -> list[str]:
        """The PPK appoints the scenario's Pokja (its members' envelope keys); their addresses."""
        members = [self.accounts[i] for i in POKJA]
        keys = [self.member_keys[i][1] for i in POKJA]
        self.send(self.tenders.functions.appointPokja(tender_id, members, keys, QUORUM), OFFICER)
        return members

    def commit(self, tender_id: bytes, index: int, supplier_id: int, price: int) -> tuple[tuple, bytes]:
        """Supplier dev:index commits a sealed bid at `price` with its envelope to the Pokja: (its
        opening, the envelope)."""
        keys = [self.member_keys[i][1] for i in POKJA]
        salt = bidlib.new_salt()
        commitment = bidlib.commitment(tender_id, supplier_id, price, [], salt)
        sealed = envelope.seal(
            encode_opening(price, [], salt, bytes(32)), tender_id, supplier_id, keys, QUORUM
        )
        receipt = self.send(self.tenders.functions.commitBid(tender_id, commitment, sealed), index)
        event = self.tenders.events.BidCommitted().process_receipt(receipt, errors=DISCARD)[0]
        seq = event["args"]["commitSeq"]
        return bidlib.opening(price, [], salt, seq, bidlib.envelope_hash(sealed)), sealed

    def commit_by_signature(
        self, tender_id: bytes, key: bytes, supplier_id: int, price: int
    ) -> tuple[bytes, tuple, bytes]:
        """The supplier holding `key` (no ETH) signs CommitBid and anyone (dev:ANYONE) relays it:
        (its commitment, its opening, the envelope)."""
        keys = [self.member_keys[i][1] for i in POKJA]
        salt = bidlib.new_salt()
        commitment = bidlib.commitment(tender_id, supplier_id, price, [], salt)
        sealed = envelope.seal(
            encode_opening(price, [], salt, bytes(32)), tender_id, supplier_id, keys, QUORUM
        )
        signed = bidlib.sign_commit(
            key,
            bid_commitment=commitment,
            envelope_digest=bidlib.envelope_hash(sealed),
            **self._signing(tender_id, key),
        )
        call = self.tenders.functions.commitBidBySig(
            signed.supplier,
            tender_id,
            commitment,
            sealed,
            signed.replaces,
            signed.nonce,
            signed.deadline,
            signed.signature,
        )
        event = self.tenders.events.BidCommitted().process_receipt(self.send(call, ANYONE), errors=DISCARD)[0]
        opening = bidlib.opening(price, [], salt, event["args"]["commitSeq"], bidlib.envelope_hash(sealed))
        return commitment, opening, sealed

    def reveal_by_signature(self, tender_id: bytes, key: bytes, commitment: bytes, opening: tuple) -> None:
        """The supplier holding `key` signs RevealBid; anyone relays it with the opening."""
        signed = bidlib.sign_reveal(key, bid_commitment=commitment, **self._signing(tender_id, key))
        call = self.tenders.functions.revealBidBySig(
            signed.supplier, tender_id, opening, signed.nonce, signed.deadline, signed.signature
        )
        self.send(call, ANYONE)

    def tender_signed_by(
        self, ocid: str, key: bytes, supplier_id: int, price: int, rival: int | None = None
    ) -> bytes:
        """A tender the supplier holding `key` bids in by signature (and supplier dev:16, id `rival`,
        at 1.6 billion, if given), opened and evaluated: the award is proposed. Its id."""
        tender_id = self.announce(ocid, f"Pengadaan {ocid}", commit_days=2)
        self.appoint_pokja(tender_id)
        rival_opening = self.commit(tender_id, 16, rival, 1_600_000_000)[0] if rival else None
        commitment, opening, _ = self.commit_by_signature(tender_id, key, supplier_id, price)
        tender = self.tender_data(tender_id)
        self.sleep_until(tender["commitDeadline"] + 1)
        if rival_opening:
            self.send(self.tenders.functions.revealBid(tender_id, rival_opening), 16)
        self.reveal_by_signature(tender_id, key, commitment, opening)
        self.sleep_until(tender["revealDeadline"] + 1)
        bidders = sorted(b for b in (rival, supplier_id) if b)
        self.send(self.tenders.functions.evaluate(tender_id, bidders), POKJA[0])
        return tender_id

    def _signing(self, tender_id: bytes, key: bytes) -> dict:
        account = Account.from_key(key).address
        return {
            "chain_id": self.w3.eth.chain_id,
            "verifying_contract": self.tenders.address,
            "tender": tender_id,
            "nonce": self.tenders.functions.nonces(account).call(),
            "deadline": self.now() + 3600,
        }

    def announce(
        self,
        ocid: str,
        title: str,
        *,
        agency: int = 1001,
        category: str = "Goods",
        method: str = "Tender",
        evaluation: str = "LowestPrice",
        commit_days: int = 7,
    ) -> bytes:
        """Announces a tender (its bid deadline `commit_days` from now, the opening window two days
        later) by an officer of `agency` (the PPK of IKN, dev:6 for Kementerian PUPR); its id."""
        start = self.now()
        value_system = evaluation == "ValueSystem"
        commit_deadline = start + commit_days * DAY
        params = (
            ocid,
            title,
            Web3.keccak(text=f"dokumen pemilihan {ocid}"),
            agency,
            HPS,
            CATEGORY.code(category),
            METHOD.code(method),
            EVALUATION.code(evaluation),
            0,  # no domestic preference (HPS under the threshold)
            False,
            False,  # open to all
            commit_deadline,
            commit_deadline + 2 * DAY,
            3 * DAY,
            1,
            3000 if value_system else 0,  # technical weight
            commit_deadline + DAY if value_system else 0,  # scoring deadline
            0,  # no bid bond (HPS under the threshold)
        )
        self.send(self.tenders.functions.announceTender(params), AGENCY_OFFICERS[agency])
        return bidlib.tender_id(ocid)

    def tender(
        self,
        ocid: str,
        prices: dict[int, int],
        *,
        amend: bool = True,
        objection: bool = True,
        finalize: bool = True,
        title: str = "Pengadaan panel surya IKN",
        withheld: tuple[int, ...] = (),
        unopened: tuple[int, ...] = (),
        non_compliant: dict[int, str] | None = None,
        preference_withdrawn: tuple[int, ...] = (),
        scores: dict[int, tuple[int, ...]] | None = None,
        appeal: bool = False,
    ) -> TenderRun:
        """Runs a tender with one sealed bid per dev index in `prices` (lowest price, goods; a
        value-system tender when `scores` gives each Pokja member's score (basis points) per bidder
        in the order of `prices`; construction when `appeal`). `withheld` bidders never open their
        bids and the Pokja quorum opens them after the reveal deadline; `unopened` bids nobody opens;
        `non_compliant` maps dev indices to a NonCompliance word (declared gugur before evaluation)."""
        ids = self.suppliers()
        value_system = scores is not None
        self.announce(
            ocid,
            title,
            category="Construction" if appeal else "Goods",
            evaluation="ValueSystem" if value_system else "LowestPrice",
        )
        tender_id = bidlib.tender_id(ocid)
        run = TenderRun(ocid, tender_id, [ids[i] for i in prices], {ids[i]: p for i, p in prices.items()})
        run.pokja = self.appoint_pokja(tender_id)
        if amend:
            self.send(
                self.tenders.functions.amendTender(tender_id, Web3.keccak(text=f"addendum 1 {ocid}")), OFFICER
            )
        openings = {}
        for index, price in prices.items():
            supplier_id = ids[index]
            openings[index], run.envelopes[supplier_id] = self.commit(tender_id, index, supplier_id, price)
        tender = self.tender_data(tender_id)
        bidders = sorted(run.supplier_ids)
        if value_system:
            self.sleep_until(tender["commitDeadline"] + 1)
            sheets = {}
            for position, member in enumerate(POKJA):
                by_id = sorted((ids[i], scores.get(i, (0,) * len(POKJA))[position]) for i in prices)
                sheet = ([s for s, _ in by_id], [score for _, score in by_id], bidlib.new_salt())
                sealed_sheet = Web3.keccak(
                    encode(
                        ["bytes32", "address", "uint64[]", "uint16[]", "bytes32"],
                        [tender_id, self.accounts[member], *sheet],
                    )
                )
                self.send(self.tenders.functions.sealScoreSheet(tender_id, sealed_sheet), member)
                sheets[member] = sheet
            self.sleep_until(tender["scoringDeadline"] + 1)
        else:
            self.sleep_until(tender["commitDeadline"] + 1)
        for index, opening in openings.items():
            if index not in withheld and index not in unopened:
                self.send(self.tenders.functions.revealBid(tender_id, opening), index)
        self.sleep_until(tender["revealDeadline"] + 1)
        for index in withheld:
            supplier_id = ids[index]
            assert self.quorum_opening(run, supplier_id) == encode_opening(*_plain(openings[index]))
            self.send(self.tenders.functions.openSealedBid(tender_id, supplier_id, openings[index]), POKJA[0])
        if value_system:
            for member, sheet in sheets.items():
                self.send(self.tenders.functions.openScoreSheet(tender_id, *sheet), member)
        for index, word in (non_compliant or {}).items():
            evidence = Web3.keccak(text=f"berita acara evaluasi {ocid} {index}")
            self.send(
                self.tenders.functions.declareNonCompliant(
                    tender_id, ids[index], NON_COMPLIANCE.code(word), evidence
                ),
                POKJA[1],
            )
        for index in preference_withdrawn:
            evidence = Web3.keccak(text=f"sertifikat TKDN dicabut {ocid} {index}")
            self.send(self.tenders.functions.withdrawPreference(tender_id, ids[index], evidence), POKJA[1])
        if unopened:  # a bid left sealed: evaluation waits for the quorum's opening window
            window = self.tender_data(tender_id)["quorumOpeningWindow"]
            self.sleep_until(self.tender_data(tender_id)["revealDeadline"] + window + 1)
        receipt = self.send(self.tenders.functions.evaluate(tender_id, bidders), POKJA[0])
        proposed = self.tenders.events.AwardProposed().process_receipt(receipt, errors=DISCARD)
        run.winner = proposed[0]["args"]["supplierId"] if proposed else None
        if objection and run.winner is not None:
            loser = next(i for i in prices if ids[i] != run.winner)
            self.send(self.tenders.functions.fileObjection(tender_id, Web3.keccak(text="sanggah")), loser)
            answer = self.tenders.functions.resolveObjection(
                tender_id, 1, OBJECTION.code("Rejected"), Web3.keccak(text="jawaban sanggah")
            )
            self.send(answer, POKJA[2])  # a Pokja member answers; the award stands
            if appeal:
                self.send(
                    self.tenders.functions.fileAppeal(
                        tender_id, 1, Web3.keccak(text="jaminan sanggah banding")
                    ),
                    loser,
                )
                verdict = self.tenders.functions.resolveAppeal(
                    tender_id, 1, OBJECTION.code("Rejected"), Web3.keccak(text="jawaban sanggah banding KPA")
                )
                self.send(verdict, KPA)  # the KPA, outside the Pokja, upholds the award
        if finalize and run.winner is not None:
            tender = self.tender_data(tender_id)
            self.sleep_until(max(tender["objectionDeadline"], tender["appealDeadline"]) + 1)
            self.send(self.tenders.functions.finalizeAward(tender_id), ANYONE)
        return run


def _plain(opening: tuple) -> tuple:
    """(price, products, salt, bidBondRef) of a BidOpening tuple, as the envelope encodes them."""
    price, products, salt, bond, _seq, _envelope_hash = opening
    return price, products, salt, bond
