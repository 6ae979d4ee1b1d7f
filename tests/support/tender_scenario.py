"""A tender driven on a local chain from the gateway side (web3.py, the unlocked dev accounts of
deploy/local.yaml): suppliers registered and verified, a tender announced and amended, sealed bids
committed and revealed, evaluation, a sanggah filed and answered (rejected), the final award.
Used by the indexer and OCDS tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from web3 import Web3

from app.protocol import bids as bidlib
from app.protocol import vocabulary
from app.protocol.manifest import Manifest

DAY = 24 * 3600
OFFICER, OFFICER2, ANYONE = 4, 5, 19
SUPPLIERS = (16, 17, 18)
HPS = 2_000_000_000
OBJECTION_REJECTED = vocabulary.enum("ITenders.ObjectionStatus").code("Rejected")


@dataclass
class TenderRun:
    ocid: str
    tender_id: bytes
    supplier_ids: list[int]
    prices: dict[int, int]
    winner: int | None = None
    steps: list[str] = field(default_factory=list)


class Scenario:
    def __init__(self, url: str, manifest: Manifest) -> None:
        self.w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 60}))
        self.accounts = self.w3.eth.accounts
        self.manifest = manifest
        self.tenders = self.contract("Tenders")
        self.registry = self.contract("SupplierRegistry")
        self.hub = self.contract("AccessHub")

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

    # -- suppliers -----------------------------------------------------------------------------
    def supplier(self, index: int, label: str, umkm: bool = False) -> int:
        """Registers (by one officer) and verifies (by another) the supplier at dev:index, once."""
        account = self.accounts[index]
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

    # -- a tender ------------------------------------------------------------------------------
    def tender(
        self,
        ocid: str,
        prices: dict[int, int],
        *,
        amend: bool = True,
        objection: bool = True,
        finalize: bool = True,
        title: str = "Pengadaan panel surya IKN",
    ) -> TenderRun:
        """Runs a lowest-price tender with one sealed bid per dev index in `prices`."""
        ids = self.suppliers()
        start = self.now()
        params = (
            ocid,
            title,
            Web3.keccak(text=f"dokumen pemilihan {ocid}"),
            1001,
            HPS,
            0,
            0,
            0,
            0,
            False,
            False,  # goods, tender, lowest price, no preference, open to all
            start + 7 * DAY,
            start + 9 * DAY,
            3 * DAY,
            1,
            0,
        )
        self.send(self.tenders.functions.announceTender(params), OFFICER)
        tender_id = bidlib.tender_id(ocid)
        run = TenderRun(ocid, tender_id, [ids[i] for i in prices], {ids[i]: p for i, p in prices.items()})
        if amend:
            self.send(
                self.tenders.functions.amendTender(tender_id, Web3.keccak(text=f"addendum 1 {ocid}")), OFFICER
            )
        openings = {}
        for index, price in prices.items():
            salt = bidlib.new_salt()
            commitment = bidlib.commitment(tender_id, ids[index], price, [], salt)
            receipt = self.send(self.tenders.functions.commitBid(tender_id, commitment), index)
            event = self.tenders.events.BidCommitted().process_receipt(receipt)[0]
            openings[index] = (price, [], salt, event["args"]["commitSeq"])
        tender = self.tenders.functions.getTender(tender_id).call()
        commit_deadline, reveal_deadline = tender[8], tender[9]  # ITenders.Tender field order
        self.sleep_until(commit_deadline + 1)
        for index, opening in openings.items():
            self.send(self.tenders.functions.revealBid(tender_id, opening), index)
        self.sleep_until(reveal_deadline + 1)
        self.send(self.tenders.functions.evaluate(tender_id, sorted(run.supplier_ids)), ANYONE)
        run.winner = min(run.prices, key=run.prices.get)
        if objection:
            loser = next(i for i in prices if ids[i] != run.winner)
            self.send(self.tenders.functions.fileObjection(tender_id, Web3.keccak(text="sanggah")), loser)
            answer = self.tenders.functions.resolveObjection(
                tender_id, 1, OBJECTION_REJECTED, Web3.keccak(text="jawaban sanggah")
            )
            self.send(answer, OFFICER2)  # the agency's officer answers; the award stands
        if finalize:
            deadline = self.tenders.functions.getTender(tender_id).call()[23]  # objectionDeadline
            self.sleep_until(deadline + 1)
            self.send(self.tenders.functions.finalizeAward(tender_id), ANYONE)
        return run
