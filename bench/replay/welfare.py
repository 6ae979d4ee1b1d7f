"""A welfare quarter through the real WelfarePrograms and Payments contracts: the committee approves
a budget line, the welfare admin (dev:12) defines PKH and scopes the enroller (dev:13), the synthetic
population of scripts/welfare_families.py is enrolled in batches, period 0 is disbursed in batches
and the treasury (dev:11) settles every batch instruction. Pipelined: many batches are sent before
their receipts are read."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from eth_utils import keccak
from web3 import Web3

from app.protocol import welfare as welfarelib
from app.protocol.manifest import Manifest
from bench.replay.abi import Contract, Events
from bench.replay.sender import Sender, Tx
from scripts.welfare_families import REGIONS, applicant, families
from tests.support.committee import committee_act

ADMIN, ENROLLER, TREASURY = 12, 13, 11  # deploy/local.yaml: WELFARE_ADMIN, ENROLLER, TREASURY
IN_FLIGHT = 40  # batches sent before their receipts are read
ENROLLED = (
    "0x" + keccak(text="BeneficiaryEnrolled(uint32,bytes32,uint8,uint32,uint8[8],uint256,address)").hex()
)
WELFARE_KINDS = ("enrol", "disburse", "settle_batch")


class WelfareQuarter:
    def __init__(self, sender: Sender, manifest: Manifest, dev: list[str], url: str) -> None:
        self.sender = sender
        self.manifest = manifest
        self.dev = dev
        self.url = url
        self.welfare = Contract(manifest, "WelfarePrograms")
        self.payments = Contract(manifest, "Payments")
        self.events = Events(manifest)
        self.programme = self.period = 0
        self.enrolled_topic = self.events.topic("BeneficiaryEnrolled")
        self.applicants = self.enrolled = self.paid = self.total = self.batches = 0

    def define(self, budget: int = 10**16) -> int:
        """Budget line (a committee act, automine on) and the PKH programme; returns its id."""
        w3 = Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 120}))
        data = self.welfare.data("approveBudgetLine", 2**90, 2**62, welfarelib.QUARTER_SECONDS, False, 0)
        executed = committee_act(w3, self.manifest, [(self.welfare.address, data)], "garis anggaran PKH")
        (line,) = [f["lineId"] for f in map(self._fields, executed["logs"]) if f and "lineId" in f]
        self.start = self.sender.now() + 30
        rules = (
            welfarelib.DECILES_1_TO_4,
            True,
            welfarelib.PKH_COMPONENT_CAP,
            budget,
            welfarelib.pkh_amounts_per_period(),
        )
        data = self.welfare.data(
            "defineProgramme", line, "PKH", self.start, welfarelib.QUARTER_SECONDS, rules, []
        )
        receipt = self.sender.one(Tx("programme", self.dev[ADMIN], self.welfare.address, data))
        (defined,) = self.events.named(receipt, "ProgrammeDefined")
        self.programme = defined["programmeId"]
        scope = self.welfare.data("setEnrollerScope", self.dev[ENROLLER], self.programme, list(REGIONS), True)
        self.sender.one(Tx("programme", self.dev[ADMIN], self.welfare.address, scope))
        return self.programme

    def _fields(self, log: dict) -> dict | None:
        try:
            return self.events.decode(
                {**log, "topics": [Web3.to_hex(t) for t in log["topics"]], "data": Web3.to_hex(log["data"])}
            )[1]
        except KeyError:
            return None

    def enrol(self, size: int, seed: int, batch: int, progress: Callable[[int], None]) -> list[bytes]:
        """Enrols `size` families; returns the keys enrolled (the refused are counted, not kept)."""
        secret = secrets.token_bytes(32)  # synthetic run: a fresh HMAC secret, never stored
        keys: list[bytes] = []
        chunk: list[tuple] = []
        txs: list[Tx] = []

        def flush() -> None:
            if not txs:
                return
            for receipt in self.sender.run(txs):
                keys.extend(
                    bytes.fromhex(log["topics"][2][2:])
                    for log in receipt["logs"]
                    if log["topics"][0] == self.enrolled_topic
                )
            progress(self.applicants)
            txs.clear()

        for family in families(size, seed):
            chunk.append(applicant(secret, family))
            self.applicants += 1
            if len(chunk) == batch:
                txs.append(self._enrol_tx(chunk))
                chunk = []
                if len(txs) == IN_FLIGHT:
                    flush()
        if chunk:
            txs.append(self._enrol_tx(chunk))
        flush()
        self.enrolled = len(keys)
        return keys

    def _enrol_tx(self, chunk: list[tuple]) -> Tx:
        return Tx(
            "enrol",
            self.dev[ENROLLER],
            self.welfare.address,
            self.welfare.data("enrol", self.programme, chunk),
        )

    def pay(self, keys: list[bytes], batch: int, progress: Callable[[int], None]) -> None:
        """Disburses the current period (the procurement's time travel may have moved the chain past
        period 0) to `keys` and settles each batch's ledger instruction."""
        self.sender.travel_to(self.start + 1)
        self.period = (self.sender.now() - self.start) // welfarelib.QUARTER_SECONDS
        for first in range(0, len(keys), batch * IN_FLIGHT):
            group = keys[first : first + batch * IN_FLIGHT]
            txs = [
                Tx(
                    "disburse",
                    self.dev[ADMIN],
                    self.welfare.address,
                    self.welfare.data("disburse", self.programme, self.period, group[i : i + batch]),
                )
                for i in range(0, len(group), batch)
            ]
            settle = []
            for receipt in self.sender.run(txs):
                (disbursed,) = self.events.named(receipt, "BatchDisbursed")
                (authorized,) = self.events.named(receipt, "PaymentBatchAuthorized")
                self.paid += disbursed["lineCount"]
                self.total += disbursed["total"]
                self.batches += 1
                data = self.payments.data(
                    "settle", authorized["id"], 0, keccak(text=f"payout batch {self.batches}")
                )
                settle.append(Tx("settle_batch", self.dev[TREASURY], self.payments.address, data))
            self.sender.run(settle)
            progress(self.paid)
