"""Drives the synthetic year through the real Tenders, SupplierRegistry, MilestoneEscrow and Payments
contracts, tenders in cohorts that share a timeline: announce, appoint the Pokja (envelope keys per
agency), commit sealed bids (the opening sealed to the Pokja), time travel, reveal, evaluate after the
quorum's opening window (unopened bids recorded), sanggah filed and answered, award, escrow created
and countersigned, milestones attested by two PPHP, approved by the PPK and settled by the treasury."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from eth_utils import keccak

from app.protocol import bids as bidlib
from app.protocol import escrow as escrowlib
from app.protocol import policy as policylib
from app.protocol import vocabulary
from app.protocol.manifest import Manifest
from app.tenders import envelope
from app.tenders.opening_codec import encode_opening
from bench.replay.abi import Contract, Events
from bench.replay.population import REGIONS, Tender, Year
from bench.replay.sender import Sender, Tx

DAY = 24 * 3600
REGISTRAR, SUPPLIER_VERIFIER, ANYONE, TREASURY = 4, 6, 19, 11  # dev indexes (deploy/local.yaml)
QUORUM = 2
CATEGORY = vocabulary.enum("ITenders.Category")
OBJECTION = vocabulary.enum("ITenders.ObjectionStatus")
K_MILESTONE = escrowlib.PAYMENT_KIND.code("Milestone")
TENDER_KINDS = ("announce", "appoint", "evaluate", "objection", "resolve", "finalize")
BID_KINDS = ("commit", "reveal")
ESCROW_KINDS = ("escrow", "countersign", "attest", "approve", "settle")
SUPPLIER_KINDS = ("register", "verify")


def h(label: str) -> bytes:
    return keccak(text=label)


class Procurement:
    def __init__(self, sender: Sender, manifest: Manifest, year: Year, dev: list[str]) -> None:
        self.sender = sender
        self.year = year
        self.dev = dev
        self.tenders = Contract(manifest, "Tenders")
        self.registry = Contract(manifest, "SupplierRegistry")
        self.escrow = Contract(manifest, "MilestoneEscrow")
        self.payments = Contract(manifest, "Payments")
        self.events = Events(manifest)
        # Each agency's Pokja members keep their own X25519 envelope keys (here, for the replay).
        self.member_keys = {a.id: [envelope.generate_member_key() for _ in a.pokja] for a in year.agencies}
        self.supplier_ids: dict[int, int] = {}  # pool index -> registry id
        self.outcomes: Counter = Counter()
        self.escrow_ids: list[bytes] = []
        self.awarded: list[str] = []
        self.policy = policylib.DEFAULTS

    # -- suppliers -----------------------------------------------------------------------------
    def register_suppliers(self) -> None:
        txs = []
        for i, account in enumerate(self.year.suppliers):
            args = (account, h(f"nib:{self.year.seed}:{i}"), h(f"npwp:{self.year.seed}:{i}"), i % 3 == 0)
            data = self.registry.data("registerSupplier", *args, REGIONS[i % len(REGIONS)])
            txs.append(Tx("register", self.dev[REGISTRAR], self.registry.address, data))
        for i, receipt in enumerate(self.sender.run(txs)):
            (registered,) = self.events.named(receipt, "SupplierRegistered")
            self.supplier_ids[i] = registered["supplierId"]
        verify = [
            Tx(
                "verify",
                self.dev[SUPPLIER_VERIFIER],
                self.registry.address,
                self.registry.data("verifySupplier", s),
            )
            for s in self.supplier_ids.values()
        ]
        self.sender.run(verify)

    # -- a cohort ------------------------------------------------------------------------------
    def cohort(self, cohort: list[Tender], phase: Callable[[str], None] = lambda _: None) -> None:
        start = self.sender.now()
        commit_deadline, reveal_deadline = start + 7 * DAY, start + 9 * DAY
        phase("announce")
        self.sender.run([self._announce(t, commit_deadline, reveal_deadline) for t in cohort])
        self.sender.run([self._appoint(t) for t in cohort])
        phase("bids")
        openings = self._commit(cohort)
        self.sender.travel_to(commit_deadline + 1)
        reveals = [
            Tx(
                "reveal",
                self.year.suppliers[b],
                self.tenders.address,
                self.tenders.data("revealBid", tid, op),
            )
            for (tid, b), op in openings.items()
        ]
        self.sender.run(reveals)
        phase("award")
        self.sender.travel_to(reveal_deadline + self.policy["quorumOpeningWindow"] + 1)
        proposed = self._evaluate(cohort)
        upheld = self._objections(cohort, proposed)
        self.sender.travel_to(self.sender.now() + self.policy["appealWindow"] + 60)
        awarded = [t for t in cohort if t.serial in proposed and t.serial not in upheld]
        won = {t.serial for t in awarded}
        self.sender.run(
            [
                Tx(
                    "finalize",
                    self.dev[ANYONE],
                    self.tenders.address,
                    self.tenders.data("finalizeAward", _id(t)),
                )
                for t in awarded
            ]
        )
        for t in cohort:
            t.outcome = "awarded" if t.serial in won else "failed"
            self.outcomes[t.outcome] += 1
        self.awarded += [t.ocid for t in awarded]
        phase("escrow")
        self._escrows(awarded, proposed)

    def _announce(self, t: Tender, commit_deadline: int, reveal_deadline: int) -> Tx:
        params = (
            t.ocid,
            f"Paket {t.category} {t.serial}",
            h(f"dokumen pemilihan {t.ocid}"),
            t.agency.id,
            t.hps,
            CATEGORY.code(t.category),
            0,  # Method.Tender
            0,  # EvaluationMethod.LowestPrice
            0,
            False,
            False,
            commit_deadline,
            reveal_deadline,
            3 * DAY,
            t.min_valid_bids,
            0,
            0,
            0,
        )
        return Tx("announce", t.agency.ppk, self.tenders.address, self.tenders.data("announceTender", params))

    def _appoint(self, t: Tender) -> Tx:
        publics = [public for _, public in self.member_keys[t.agency.id]]
        data = self.tenders.data("appointPokja", _id(t), list(t.agency.pokja), publics, QUORUM)
        return Tx("appoint", t.agency.ppk, self.tenders.address, data)

    def _commit(self, cohort: list[Tender]) -> dict[tuple[bytes, int], tuple]:
        txs, pending = [], []
        for t in cohort:
            tid = _id(t)
            t.supplier_ids = [self.supplier_ids[b] for b in t.bidders]
            publics = [public for _, public in self.member_keys[t.agency.id]]
            for b, supplier_id, price in zip(t.bidders, t.supplier_ids, t.prices, strict=True):
                salt = bidlib.new_salt()
                commitment = bidlib.commitment(tid, supplier_id, price, [], salt)
                sealed = envelope.seal(
                    encode_opening(price, [], salt, bytes(32)), tid, supplier_id, publics, QUORUM
                )
                data = self.tenders.data("commitBid", tid, commitment, sealed)
                txs.append(Tx("commit", self.year.suppliers[b], self.tenders.address, data))
                pending.append((t, b, price, salt, sealed))
        openings = {}
        for receipt, (t, b, price, salt, sealed) in zip(self.sender.run(txs), pending, strict=True):
            (committed,) = self.events.named(receipt, "BidCommitted")
            if t.revealed[t.bidders.index(b)]:
                seq = committed["commitSeq"]
                openings[(_id(t), b)] = bidlib.opening(price, [], salt, seq, bidlib.envelope_hash(sealed))
        return openings

    def _evaluate(self, cohort: list[Tender]) -> dict[int, dict]:
        txs = [
            Tx(
                "evaluate",
                t.agency.pokja[0],
                self.tenders.address,
                self.tenders.data("evaluate", _id(t), sorted(t.supplier_ids)),
            )
            for t in cohort
        ]
        proposed = {}
        for t, receipt in zip(cohort, self.sender.run(txs), strict=True):
            award = self.events.named(receipt, "AwardProposed")
            if award:
                proposed[t.serial] = award[0]
        return proposed

    def _objections(self, cohort: list[Tender], proposed: dict[int, dict]) -> set[int]:
        filed, answers, upheld = [], [], set()
        for t in cohort:
            if t.serial not in proposed or not t.objection:
                continue
            winner = proposed[t.serial]["supplierId"]
            losers = [
                b for b, s, r in zip(t.bidders, t.supplier_ids, t.revealed, strict=True) if r and s != winner
            ]
            if not losers:
                continue
            evidence = h(f"sanggah {t.ocid}")
            filed.append(
                Tx(
                    "objection",
                    self.year.suppliers[losers[0]],
                    self.tenders.address,
                    self.tenders.data("fileObjection", _id(t), evidence),
                )
            )
            outcome = OBJECTION.code("UpheldFail" if t.upheld else "Rejected")
            answer = self.tenders.data("resolveObjection", _id(t), 1, outcome, h(f"jawaban sanggah {t.ocid}"))
            answers.append(Tx("resolve", t.agency.pokja[2], self.tenders.address, answer))
            if t.upheld:
                upheld.add(t.serial)
        self.sender.run(filed)
        self.sender.run(answers)
        return upheld

    def _escrows(self, awarded: list[Tender], proposed: dict[int, dict]) -> None:
        now = self.sender.now()
        created, signed = [], []
        for t in awarded:
            award = proposed[t.serial]
            value, winner = award["price"], award["supplierId"]
            share = value // t.milestones
            amounts = [share] * (t.milestones - 1) + [value - share * (t.milestones - 1)]
            milestones = [
                (a, 0, now + 30 * DAY * (i + 1), h(f"termin {i + 1} {t.ocid}")) for i, a in enumerate(amounts)
            ]
            terms = (
                0,  # no advance
                bytes(32),
                h(f"jaminan pelaksanaan {t.ocid}"),
                0,  # no retention: nothing to release after the maintenance period
                self.policy["penaltyPpmPerDay"],
                self.policy["penaltyCapBps"],
                180 * DAY,
                QUORUM,
                list(t.agency.verifiers),
                False,
            )
            data = self.escrow.data("createEscrow", _id(t), terms, milestones)
            created.append(Tx("escrow", t.agency.ppk, self.escrow.address, data))
            supplier = self.year.suppliers[t.bidders[t.supplier_ids.index(winner)]]
            signed.append(
                Tx("countersign", supplier, self.escrow.address, self.escrow.data("countersign", _id(t)))
            )
        self.sender.run(created)
        self.sender.run(signed)
        self.escrow_ids += [_id(t) for t in awarded]
        treasury = self.dev[TREASURY]
        for index in range(max((t.milestones for t in awarded), default=0)):
            due = [t for t in awarded if t.milestones > index]
            if index:
                self.sender.travel_to(self.sender.now() + 29 * DAY)
            delivered = self.sender.now()
            self.sender.run(
                [
                    Tx(
                        "attest",
                        verifier,
                        self.escrow.address,
                        self.escrow.data("attest", _id(t), index, h(f"BAST {index} {t.ocid}"), delivered),
                    )
                    for t in due
                    for verifier in t.agency.verifiers[:QUORUM]
                ]
            )
            self.sender.run(
                [
                    Tx(
                        "approve",
                        t.agency.ppk,
                        self.escrow.address,
                        self.escrow.data("approveMilestone", _id(t), index),
                    )
                    for t in due
                ]
            )
            self.sender.run(
                [
                    Tx(
                        "settle",
                        treasury,
                        self.payments.address,
                        self.payments.data(
                            "settle",
                            escrowlib.payment_id(self.escrow.address, _id(t), K_MILESTONE, index),
                            0,
                            h(f"payout {t.ocid} {index}"),
                        ),
                    )
                    for t in due
                ]
            )


def _id(t: Tender) -> bytes:
    return bidlib.tender_id(t.ocid)
