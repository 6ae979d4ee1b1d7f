"""Fixtures for the welfare tests (imported by tests/contracts/conftest.py).

`wkit` defines programmes (PKH by default, figures of docs/domain.md), builds applicants from synthetic
NIKs through the same keyed hash the gateway uses, enrols, disburses and reads batches back as lines
with Merkle proofs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from brownie import accounts, chain, web3

from app.protocol import vocabulary
from app.protocol import welfare as welfarelib
from app.protocol.welfare import REASON, Line

WELFARE_ADMIN_INDEX, ENROLLER_INDEX = 12, 13  # deploy/local.yaml
SECRET = b"terang-test-hmac-secret-not-for-production"
PERIOD = welfarelib.QUARTER_SECONDS
PKH_AMOUNTS = welfarelib.pkh_amounts_per_period()
SEMBAKO_AMOUNTS = welfarelib.sembako_amounts_per_period()
BIG_BUDGET = 10**15
# The budget line the tests' programmes draw on unless told otherwise (approved by the committee once
# per module): room for many programmes, any PKH or Sembako benefit, quarterly periods.
LINE_CEILING = 2**95
LINE_MAX_BENEFIT = 2**63
# Regions the enroller is scoped to in every programme `wkit.define` makes (unless told otherwise).
SCOPED_REGIONS = (6302, 6303, 6371, 3171)
# IWelfarePrograms enums, looked up by name in the contracts' vocabulary
B_NONE, B_ACTIVE, B_SUSPENDED, B_EXITED = vocabulary.enum("IWelfarePrograms.BeneficiaryStatus").codes(
    "None", "Active", "Suspended", "Exited"
)
A_NONE, A_OPEN, A_UPHELD, A_REJECTED = vocabulary.enum("IWelfarePrograms.AppealStatus").codes(
    "None", "Open", "Upheld", "Rejected"
)
P_WELFARE_BATCH = vocabulary.enum("IPayments.Purpose").code("WelfareBatch")


def nik(n: int) -> str:
    """A synthetic 16-digit NIK (region 6302, fake birth date, serial n)."""
    return f"630201010190{n:04d}"


def counts(**named) -> list[int]:
    """Component counts by PKH component name, e.g. counts(primary_school=2, elderly=1)."""
    values = [0] * welfarelib.COMPONENTS
    for name, count in named.items():
        values[welfarelib.PKH_COMPONENTS.index(name)] = count
    return values


def latest_time() -> int:
    return int(web3.eth.get_block("latest")["timestamp"])


@dataclass
class WelfareKit:
    welfare: object
    payments: object
    admin: object
    enroller: object
    treasury: object
    line: int = 0

    def rules(
        self, deciles=welfarelib.DECILES_1_TO_4, all_regions=True, cap=4, budget=BIG_BUDGET, amounts=None
    ):
        return (deciles, all_regions, cap, budget, list(amounts or PKH_AMOUNTS))

    def define(
        self,
        name="PKH",
        regions=(),
        start_in=60,
        length=PERIOD,
        line=None,
        scope=SCOPED_REGIONS,
        start=None,
        **rule_overrides,
    ) -> int:
        """Defines a programme on `line` (the module's default line) and scopes the enroller to
        `scope` in it."""
        tx = self.welfare.defineProgramme(
            self.line if line is None else line,
            name,
            latest_time() + start_in if start is None else start,
            length,
            self.rules(**rule_overrides),
            list(regions),
            {"from": self.admin},
        )
        programme = tx.events["ProgrammeDefined"]["programmeId"]
        if scope:
            self.welfare.setEnrollerScope(self.enroller, programme, list(scope), True, {"from": self.admin})
        return programme

    def suspend(self, programme, key, reason=b"S", confirm=True):
        """The enroller suspends; with `confirm` the welfare admin confirms, so it cuts the current period."""
        tx = self.welfare.suspend(programme, key, reason, {"from": self.enroller})
        if confirm:
            self.welfare.confirmSuspension(programme, key, {"from": self.admin})
        return tx

    def start(self, programme):
        """Moves the chain into the programme's first period."""
        self.sleep_until(self.welfare.getProgramme(programme)["firstPeriodStart"] + 5)

    def next_period(self, programme):
        p = self.welfare.getProgramme(programme)
        current = self.welfare.currentPeriod(programme)
        self.sleep_until(p["firstPeriodStart"] + (current + 1) * p["periodLength"] + 5)

    @staticmethod
    def sleep_until(timestamp):
        gap = int(timestamp) - latest_time()
        if gap > 0:
            chain.sleep(gap)
        chain.mine()

    @staticmethod
    def key(n: int) -> bytes:
        return welfarelib.beneficiary_key(SECRET, nik(n))

    def applicant(self, n: int, decile=2, region=6302, components=None) -> tuple:
        return (
            self.key(n),
            decile,
            region,
            list(components if components is not None else counts(primary_school=1)),
        )

    def enrol(self, programme, applicants):
        return self.welfare.enrol(programme, list(applicants), {"from": self.enroller})

    def enrol_many(self, programme, numbers, **attributes):
        return self.enrol(programme, [self.applicant(n, **attributes) for n in numbers])

    def disburse(self, programme, keys, period=None):
        if period is None:
            period = self.welfare.currentPeriod(programme)
        return self.welfare.disburse(programme, period, list(keys), {"from": self.admin})

    @staticmethod
    def lines(tx) -> list[Line]:
        if "BenefitAuthorized" not in tx.events:
            return []
        return [
            Line(int(e["lineIndex"]), bytes(web3.to_bytes(hexstr=str(e["beneficiaryKey"]))), int(e["amount"]))
            for e in tx.events["BenefitAuthorized"]
        ]

    @staticmethod
    def skipped(tx) -> dict[bytes, int]:
        if "BenefitSkipped" not in tx.events:
            return {}
        return {
            bytes(web3.to_bytes(hexstr=str(e["beneficiaryKey"]))): int(e["reason"])
            for e in tx.events["BenefitSkipped"]
        }

    @staticmethod
    def batch_id(tx) -> bytes:
        return bytes(web3.to_bytes(hexstr=str(tx.events["BatchDisbursed"]["batchId"])))

    def fail_lines(self, batch_id, lines, chosen, code=b"INVALID_DESTINATION", attempt=0):
        """The treasury reports lines[chosen] failed, with proofs, for `attempt` of the instruction."""
        picked = [lines[i] for i in chosen]
        proofs = [welfarelib.line_proof(lines, i) for i in chosen]
        return self.payments.failLines(
            batch_id,
            attempt,
            [line.as_tuple() for line in picked],
            proofs,
            code.ljust(32, b"\0"),
            {"from": self.treasury},
        )

    def repay(self, batch_id, lines, chosen):
        picked = [lines[i] for i in chosen]
        proofs = [welfarelib.line_proof(lines, i) for i in chosen]
        return self.welfare.repayFailedLines(
            batch_id, [line.as_tuple() for line in picked], proofs, {"from": self.admin}
        )


@pytest.fixture(scope="module")
def welfare(suite):
    return suite.contracts["WelfarePrograms"]


@pytest.fixture(scope="session")
def welfare_admin():
    return accounts[WELFARE_ADMIN_INDEX]


@pytest.fixture(scope="session")
def enroller():
    return accounts[ENROLLER_INDEX]


@pytest.fixture(scope="module")
def wkit(welfare, payments, welfare_admin, enroller, treasury, delayed, committee):
    tx = delayed(committee, welfare, "approveBudgetLine", LINE_CEILING, LINE_MAX_BENEFIT, PERIOD, False, 0)
    line = int(tx.events["BudgetLineApproved"]["lineId"])
    return WelfareKit(welfare, payments, welfare_admin, enroller, treasury, line)


__all__ = [
    "A_NONE",
    "A_OPEN",
    "A_REJECTED",
    "A_UPHELD",
    "BIG_BUDGET",
    "LINE_CEILING",
    "LINE_MAX_BENEFIT",
    "SCOPED_REGIONS",
    "B_ACTIVE",
    "B_EXITED",
    "B_NONE",
    "B_SUSPENDED",
    "PERIOD",
    "P_WELFARE_BATCH",
    "PKH_AMOUNTS",
    "REASON",
    "SECRET",
    "SEMBAKO_AMOUNTS",
    "WelfareKit",
    "counts",
    "enroller",
    "latest_time",
    "nik",
    "welfare",
    "welfare_admin",
    "wkit",
]
