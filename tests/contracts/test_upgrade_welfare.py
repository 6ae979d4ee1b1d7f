"""Replacing WelfarePrograms through the committee's act (docs/decisions/0024-upgrades.md): every
write of WelfarePrograms is restricted, so closing it at the hub freezes it whole, no guardian's
pause needed; its programmes and beneficiaries stay readable, its batches in flight still settle,
and the successor, wired by the same act, takes the next period's programmes."""

from __future__ import annotations

import brownie
import pytest
from brownie import WelfarePrograms

from app.protocol.upgrades import upgrade_plan
from scripts.deploy import constructor_args
from tests.contracts.revert_messages import custom_error
from tests.contracts.welfare_fixtures import LINE_CEILING, LINE_MAX_BENEFIT, PERIOD, WelfareKit


@pytest.fixture
def history(wkit):
    programme = wkit.define()
    wkit.start(programme)
    wkit.enrol_many(programme, [1, 2, 3])
    tx = wkit.disburse(programme, [wkit.key(n) for n in (1, 2, 3)])
    return {"programme": programme, "payment": tx.events["PaymentAuthorized"]["id"]}


@pytest.fixture
def successor(suite, welfare, deployer, committee, delayed):
    v2 = WelfarePrograms.deploy(
        *constructor_args("WelfarePrograms", suite.hub, suite.contracts), {"from": deployer}
    )
    plan = upgrade_plan(
        "WelfarePrograms",
        hub=suite.hub.address,
        payments=suite.contracts["Payments"].address,
        old=welfare.address,
        new=v2.address,
        new_abi=v2.abi,
    )
    assert not plan.requires_pause  # no write of WelfarePrograms is open to any caller
    targets = {"AccessHub": suite.hub, "Payments": suite.contracts["Payments"]}
    for call in plan.calls:
        delayed(committee, targets[call.contract], call.function, *call.args)
    return v2


def test_the_frozen_programmes_refuse_every_write_without_a_pause(history, successor, welfare, wkit):
    assert not welfare.paused()
    programme = history["programme"]
    with brownie.reverts(custom_error("AccessManagedUnauthorized", wkit.enroller)):
        wkit.enrol(programme, [wkit.applicant(9)])
    with brownie.reverts(custom_error("AccessManagedUnauthorized", wkit.admin)):
        wkit.define(name="PKH baru")
    with brownie.reverts(custom_error("AccessManagedUnauthorized", wkit.admin)):
        wkit.disburse(programme, [wkit.key(1)])


def test_the_frozen_programmes_stay_readable_and_their_batch_settles(history, successor, welfare, wkit):
    assert welfare.getBeneficiary(history["programme"], wkit.key(1))["status"] != 0
    assert welfare.getProgramme(history["programme"])["versionCount"] == 1
    attempt = wkit.payments.getInstruction(history["payment"])["attempt"]
    wkit.payments.settle(history["payment"], attempt, b"\x01" * 32, {"from": wkit.treasury})
    assert wkit.payments.statusOf(history["payment"]) == 2  # Settled


def test_the_successor_takes_the_next_programmes(
    successor, payments, welfare_admin, enroller, treasury, delayed, committee
):
    """Budget lines do not carry over: the committee approves the successor's own."""
    tx = delayed(committee, successor, "approveBudgetLine", LINE_CEILING, LINE_MAX_BENEFIT, PERIOD, False, 0)
    line = int(tx.events["BudgetLineApproved"]["lineId"])
    kit = WelfareKit(successor, payments, welfare_admin, enroller, treasury, line)
    programme = kit.define(name="PKH 2027")
    kit.start(programme)
    kit.enrol_many(programme, [1, 2])
    tx = kit.disburse(programme, [kit.key(1), kit.key(2)])
    assert payments.getInstruction(tx.events["PaymentAuthorized"]["id"])["source"] == successor.address
