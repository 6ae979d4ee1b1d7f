"""Payments ledger: only registered sources authorise, only the treasury records outcomes, each
instruction settles at most once, retries and cancellations follow the state machine, totals per
source add up, and a pause stops authorisations but never settlement."""

from __future__ import annotations

import brownie
import pytest
from brownie import accounts

from tests.contracts.escrow_fixtures import (
    P_ADVANCE,
    P_WELFARE,
    S_AUTHORIZED,
    S_CANCELLED,
    S_FAILED,
    S_SETTLED,
    h,
    hx,
)
from tests.contracts.revert_messages import custom_error

AMOUNT = 600_000  # Rp600.000, a quarterly Sembako payment


@pytest.fixture(scope="module")
def source(payments, delayed, committee):
    """An account registered as a source (standing in for the welfare contract)."""
    account = accounts[12]
    delayed(committee, payments, "registerSource", account)
    return account


@pytest.fixture
def authorized(payments, source):
    tx = payments.authorize(
        P_WELFARE, h("beneficiary-hmac-1"), AMOUNT, h("periode 2025-Q1 #1"), {"from": source}
    )
    return tx.events["PaymentAuthorized"]["id"]


@pytest.fixture
def failed(payments, authorized, treasury):
    payments.fail(authorized, 0, b"INVALID_DESTINATION".ljust(32, b"\0"), {"from": treasury})
    return authorized


def not_scheduled(hub, caller, contract, data):
    """A committee official acting alone, not through the Committee (k agencies), is refused."""
    return custom_error("AccessManagedUnauthorized", caller)


def test_the_escrow_is_registered_as_a_source_at_deployment(payments, escrow):
    assert payments.isSource(escrow)


def test_a_registered_source_authorises_with_a_deterministic_id(payments, source):
    tx = payments.authorize(P_WELFARE, h("payee"), AMOUNT, h("ref-1"), {"from": source})

    payment_id = tx.return_value
    assert hx(payment_id) == hx(payments.instructionId(source, h("ref-1")))
    event = tx.events["PaymentAuthorized"]
    assert (hx(event["id"]), event["source"], hx(event["payeeKey"])) == (hx(payment_id), source, h("payee"))
    assert (event["purpose"], event["amount"], hx(event["sourceRef"]), event["attempt"]) == (
        P_WELFARE,
        AMOUNT,
        h("ref-1"),
        0,
    )
    instruction = payments.getInstruction(payment_id).dict()
    assert instruction["status"] == S_AUTHORIZED and instruction["amount"] == AMOUNT
    assert payments.totalsOf(source).dict()["authorized"] == AMOUNT


def test_an_unregistered_account_cannot_authorise(payments, outsider):
    with brownie.reverts(custom_error("PaymentUnknownSource", outsider)):
        payments.authorize(P_WELFARE, h("payee"), AMOUNT, h("ref"), {"from": outsider})


def test_the_same_reference_cannot_be_authorised_twice(payments, source, authorized):
    with brownie.reverts(custom_error("PaymentDuplicate", authorized, h("periode 2025-Q1 #1"))):
        payments.authorize(P_WELFARE, h("other"), 1, h("periode 2025-Q1 #1"), {"from": source})


def test_zero_amount_and_zero_payee_are_refused(payments, source):
    with brownie.reverts(custom_error("PaymentZeroAmount")):
        payments.authorize(P_ADVANCE, h("payee"), 0, h("r"), {"from": source})
    with brownie.reverts(custom_error("PaymentZeroPayee")):
        payments.authorize(P_ADVANCE, b"\0" * 32, 1, h("r"), {"from": source})
    with brownie.reverts(custom_error("PaymentAmountTooLarge", 2**72)):
        payments.authorize(P_ADVANCE, h("payee"), 2**72, h("r"), {"from": source})


def test_registering_a_source_needs_the_committee_delay(hub, payments, committee, outsider):
    data = payments.registerSource.encode_input(outsider)
    with brownie.reverts(not_scheduled(hub, committee, payments, data)):
        payments.registerSource(outsider, {"from": committee})


def test_a_source_cannot_be_registered_twice(payments, delayed, committee, source):
    with brownie.reverts():
        delayed(committee, payments, "registerSource", source)
    assert payments.isSource(source)


def test_the_treasury_settles_once_with_the_provider_reference(payments, authorized, treasury, source):
    tx = payments.settle(authorized, 0, h("disb-123"), {"from": treasury})

    assert hx(tx.events["PaymentSettled"]["providerReference"]) == h("disb-123")
    assert payments.statusOf(authorized) == S_SETTLED
    assert payments.totalsOf(source).dict()["settled"] == AMOUNT
    with brownie.reverts(custom_error("PaymentWrongStatus", authorized, S_SETTLED)):
        payments.settle(authorized, 0, h("disb-124"), {"from": treasury})


def test_settling_an_unknown_instruction_is_refused(payments, treasury):
    with brownie.reverts(custom_error("PaymentUnknownInstruction", h("nope"))):
        payments.settle(h("nope"), 0, h("disb"), {"from": treasury})


def test_settlement_needs_the_provider_reference(payments, authorized, treasury):
    with brownie.reverts(custom_error("PaymentMissingProviderData", authorized)):
        payments.settle(authorized, 0, b"\0" * 32, {"from": treasury})


@pytest.mark.parametrize("index", [4, 12, 8, 19])
def test_only_the_treasury_settles_or_fails(payments, authorized, index):
    caller = accounts[index]
    with brownie.reverts(custom_error("AccessManagedUnauthorized", caller)):
        payments.settle(authorized, 0, h("disb"), {"from": caller})
    with brownie.reverts(custom_error("AccessManagedUnauthorized", caller)):
        payments.fail(authorized, 0, h("code"), {"from": caller})


def test_a_failure_is_recorded_with_its_code_and_can_be_retried(payments, failed, source, treasury):
    assert payments.statusOf(failed) == S_FAILED
    tx = payments.reauthorize(failed, {"from": source})

    assert tx.events["PaymentAuthorized"]["attempt"] == 1
    assert payments.statusOf(failed) == S_AUTHORIZED
    tx = payments.fail(failed, 1, h("INSUFFICIENT_BALANCE"), {"from": treasury})
    assert tx.events["PaymentFailed"]["attempt"] == 1
    payments.reauthorize(failed, {"from": source})
    payments.settle(failed, 2, h("disb"), {"from": treasury})
    totals = payments.totalsOf(source).dict()
    assert totals["authorized"] == AMOUNT and totals["settled"] == AMOUNT  # a retry is not a second payment


def test_only_failed_instructions_are_retried_or_cancelled(payments, authorized, source):
    with brownie.reverts(custom_error("PaymentWrongStatus", authorized, S_AUTHORIZED)):
        payments.reauthorize(authorized, {"from": source})
    with brownie.reverts(custom_error("PaymentWrongStatus", authorized, S_AUTHORIZED)):
        payments.cancel(authorized, h("reason"), {"from": source})


def test_only_the_instructions_source_retries_or_cancels(payments, failed, outsider):
    with brownie.reverts(custom_error("PaymentNotSource", failed, outsider)):
        payments.reauthorize(failed, {"from": outsider})
    with brownie.reverts(custom_error("PaymentNotSource", failed, outsider)):
        payments.cancel(failed, h("reason"), {"from": outsider})


def test_a_cancelled_instruction_is_final(payments, failed, source, treasury):
    tx = payments.cancel(failed, h("rekening ditutup"), {"from": source})

    assert tx.events["PaymentCancelled"]["amount"] == AMOUNT
    assert payments.statusOf(failed) == S_CANCELLED
    assert payments.totalsOf(source).dict()["cancelled"] == AMOUNT
    with brownie.reverts(custom_error("PaymentWrongStatus", failed, S_CANCELLED)):
        payments.settle(failed, 0, h("disb"), {"from": treasury})
    with brownie.reverts(custom_error("PaymentWrongStatus", failed, S_CANCELLED)):
        payments.reauthorize(failed, {"from": source})


def test_a_pause_stops_authorisation_but_not_settlement(
    payments, authorized, source, guardian, treasury, delayed, committee
):
    authorized_second = payments.authorize(P_WELFARE, h("payee-2"), AMOUNT, h("ref-2"), {"from": source})
    second = authorized_second.events["PaymentAuthorized"]["id"]
    payments.pause({"from": guardian})

    with brownie.reverts(custom_error("EnforcedPause")):
        payments.authorize(P_WELFARE, h("payee-3"), AMOUNT, h("ref-3"), {"from": source})
    payments.settle(authorized, 0, h("disb-1"), {"from": treasury})
    payments.fail(second, 0, h("INVALID_DESTINATION"), {"from": treasury})
    with brownie.reverts(custom_error("EnforcedPause")):
        payments.reauthorize(second, {"from": source})
    assert payments.statusOf(authorized) == S_SETTLED

    delayed(committee, payments, "unpause")
    payments.reauthorize(second, {"from": source})
    payments.settle(second, 1, h("disb-2"), {"from": treasury})
    assert payments.totalsOf(source).dict()["settled"] == 2 * AMOUNT


def test_a_revoked_source_stops_authorising_but_its_instructions_still_settle(
    payments, authorized, source, delayed, committee, treasury
):
    tx = delayed(committee, payments, "revokeSource", source)

    assert "PaymentSourceRevoked" in tx.events
    with brownie.reverts(custom_error("PaymentUnknownSource", source)):
        payments.authorize(P_WELFARE, h("payee"), AMOUNT, h("ref-9"), {"from": source})
    payments.settle(authorized, 0, h("disb"), {"from": treasury})
    assert payments.statusOf(authorized) == S_SETTLED


def test_a_callback_for_an_earlier_attempt_cannot_settle_or_fail_the_retry(
    payments, failed, source, treasury
):
    # A relayer holds back attempt 0's callback while the source retries (attempt 1).
    payments.reauthorize(failed, {"from": source})

    with brownie.reverts(custom_error("PaymentStaleAttempt", failed, 0, 1)):
        payments.settle(failed, 0, h("disb-old"), {"from": treasury})
    with brownie.reverts(custom_error("PaymentStaleAttempt", failed, 0, 1)):
        payments.fail(failed, 0, h("INVALID_DESTINATION"), {"from": treasury})
    with brownie.reverts(custom_error("PaymentStaleAttempt", failed, 2, 1)):
        payments.settle(failed, 2, h("disb-future"), {"from": treasury})
    payments.settle(failed, 1, h("disb-new"), {"from": treasury})
    assert payments.statusOf(failed) == S_SETTLED
