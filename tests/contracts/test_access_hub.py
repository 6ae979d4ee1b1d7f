"""AccessHub (OpenZeppelin AccessManager): committee members hold their role with an execution delay
and must schedule their calls; the guardian may cancel a scheduled committee operation.

The operation used throughout is a committee act on the agency directory (registering an agency)."""

import brownie
import pytest
from brownie import chain

from tests.contracts.conftest import role_id
from tests.contracts.revert_messages import custom_error, latest_timestamp, selector

BANJARBARU = 6372
NAME = "Pemerintah Kota Banjarbaru"
COMMITTEE_DELAY = 60  # deploy/local.yaml execution_delays.COMMITTEE
WEEK = 7 * 86400


@pytest.fixture
def operation(directory):
    """(target, calldata) of a committee act."""
    return directory, directory.registerAgency.encode_input(BANJARBARU, NAME)


def _wait(seconds):
    chain.sleep(seconds)
    chain.mine()


# --- the execution delay -----------------------------------------------------------------------


def test_a_committee_member_holds_its_role_with_the_configured_delay(hub, committee, committee2):
    assert tuple(hub.hasRole(role_id("COMMITTEE"), committee)) == (True, COMMITTEE_DELAY)
    assert tuple(hub.hasRole(role_id("COMMITTEE"), committee2)) == (True, COMMITTEE_DELAY)


def test_the_hub_tells_a_committee_member_to_wait(hub, directory, committee, operation):
    _, data = operation
    assert tuple(hub.canCall(committee, directory, selector(data))) == (False, COMMITTEE_DELAY)


def test_a_committee_call_made_directly_without_scheduling_is_refused(hub, directory, committee, operation):
    target, data = operation
    operation_id = hub.hashOperation(committee, target, data)
    with brownie.reverts(custom_error("AccessManagerNotScheduled", operation_id)):
        directory.registerAgency(BANJARBARU, NAME, {"from": committee})
    assert not directory.isAgency(BANJARBARU)


def test_scheduling_records_the_operation_for_when_the_delay_has_passed(hub, committee, operation):
    target, data = operation
    tx = hub.schedule(target, data, 0, {"from": committee})

    event = tx.events["OperationScheduled"]
    operation_id = hub.hashOperation(committee, target, data)
    assert event["operationId"] == operation_id
    assert event["schedule"] == chain[tx.block_number].timestamp + COMMITTEE_DELAY
    assert event["caller"] == committee
    assert event["target"] == target
    assert hub.getSchedule(operation_id) == event["schedule"]


def test_executing_before_the_delay_has_passed_is_refused(hub, directory, committee, operation):
    target, data = operation
    hub.schedule(target, data, 0, {"from": committee})
    operation_id = hub.hashOperation(committee, target, data)

    with brownie.reverts(custom_error("AccessManagerNotReady", operation_id)):
        hub.execute(target, data, {"from": committee})
    _wait(COMMITTEE_DELAY // 2)
    with brownie.reverts(custom_error("AccessManagerNotReady", operation_id)):
        hub.execute(target, data, {"from": committee})
    assert not directory.isAgency(BANJARBARU)


def test_executing_after_the_delay_has_passed_performs_the_call(hub, directory, committee, operation):
    target, data = operation
    hub.schedule(target, data, 0, {"from": committee})
    operation_id = hub.hashOperation(committee, target, data)
    _wait(COMMITTEE_DELAY + 1)

    tx = hub.execute(target, data, {"from": committee})

    assert tx.events["OperationExecuted"]["operationId"] == operation_id
    assert tx.events["AgencyRegistered"]["agencyId"] == BANJARBARU
    assert directory.agencyName(BANJARBARU) == NAME
    assert hub.getSchedule(operation_id) == 0


def test_a_scheduled_call_may_also_be_made_directly_once_ready(hub, directory, committee, operation):
    """The target consumes the schedule itself when the member calls it directly after the delay."""
    target, data = operation
    hub.schedule(target, data, 0, {"from": committee})
    _wait(COMMITTEE_DELAY + 1)

    directory.registerAgency(BANJARBARU, NAME, {"from": committee})

    assert directory.isAgency(BANJARBARU)
    assert hub.getSchedule(hub.hashOperation(committee, target, data)) == 0


def test_an_executed_operation_cannot_be_executed_again(hub, committee, operation):
    target, data = operation
    hub.schedule(target, data, 0, {"from": committee})
    _wait(COMMITTEE_DELAY + 1)
    hub.execute(target, data, {"from": committee})

    with brownie.reverts(
        custom_error("AccessManagerNotScheduled", hub.hashOperation(committee, target, data))
    ):
        hub.execute(target, data, {"from": committee})


def test_an_operation_is_executed_only_by_the_member_who_scheduled_it(hub, committee, committee2, operation):
    target, data = operation
    hub.schedule(target, data, 0, {"from": committee})
    _wait(COMMITTEE_DELAY + 1)

    with brownie.reverts(
        custom_error("AccessManagerNotScheduled", hub.hashOperation(committee2, target, data))
    ):
        hub.execute(target, data, {"from": committee2})


def test_an_operation_cannot_be_scheduled_sooner_than_the_delay(hub, directory, committee, operation):
    target, data = operation
    too_soon = latest_timestamp() + COMMITTEE_DELAY // 2
    with brownie.reverts(custom_error("AccessManagerUnauthorizedCall", committee, directory, selector(data))):
        hub.schedule(target, data, too_soon, {"from": committee})


def test_an_operation_cannot_be_scheduled_twice(hub, committee, operation):
    target, data = operation
    hub.schedule(target, data, 0, {"from": committee})
    with brownie.reverts(
        custom_error("AccessManagerAlreadyScheduled", hub.hashOperation(committee, target, data))
    ):
        hub.schedule(target, data, 0, {"from": committee})


def test_a_scheduled_operation_expires_after_a_week(hub, directory, committee, operation):
    target, data = operation
    hub.schedule(target, data, 0, {"from": committee})
    _wait(COMMITTEE_DELAY + WEEK + 1)

    with brownie.reverts(custom_error("AccessManagerExpired", hub.hashOperation(committee, target, data))):
        hub.execute(target, data, {"from": committee})
    assert not directory.isAgency(BANJARBARU)


def test_an_account_without_the_role_cannot_schedule(hub, directory, outsider, operation):
    target, data = operation
    with brownie.reverts(custom_error("AccessManagerUnauthorizedCall", outsider, directory, selector(data))):
        hub.schedule(target, data, 0, {"from": outsider})


def test_an_account_without_the_role_cannot_execute(hub, directory, guardian, operation):
    target, data = operation
    with brownie.reverts(custom_error("AccessManagerUnauthorizedCall", guardian, directory, selector(data))):
        hub.execute(target, data, {"from": guardian})


# --- cancelling --------------------------------------------------------------------------------


def test_the_guardian_cancels_a_scheduled_committee_operation(hub, committee, guardian, operation):
    target, data = operation
    hub.schedule(target, data, 0, {"from": committee})
    operation_id = hub.hashOperation(committee, target, data)

    tx = hub.cancel(committee, target, data, {"from": guardian})

    assert tx.events["OperationCanceled"]["operationId"] == operation_id
    assert hub.getSchedule(operation_id) == 0


def test_a_cancelled_operation_cannot_be_executed(hub, directory, committee, guardian, operation):
    target, data = operation
    hub.schedule(target, data, 0, {"from": committee})
    hub.cancel(committee, target, data, {"from": guardian})
    _wait(COMMITTEE_DELAY + 1)

    with brownie.reverts(
        custom_error("AccessManagerNotScheduled", hub.hashOperation(committee, target, data))
    ):
        hub.execute(target, data, {"from": committee})
    assert not directory.isAgency(BANJARBARU)


def test_the_guardian_cancels_a_committee_operation_on_the_supplier_registry(
    hub, registry, active_supplier, committee, guardian, supplier_keys
):
    supplier_id = active_supplier(supplier_keys[0])
    data = registry.recoverSupplierKey.encode_input(supplier_id, supplier_keys[1])
    hub.schedule(registry, data, 0, {"from": committee})

    hub.cancel(committee, registry, data, {"from": guardian})

    _wait(COMMITTEE_DELAY + 1)
    with brownie.reverts(
        custom_error("AccessManagerNotScheduled", hub.hashOperation(committee, registry, data))
    ):
        hub.execute(registry, data, {"from": committee})
    assert registry.supplierIdOf(supplier_keys[0]) == supplier_id


@pytest.mark.parametrize("who", ["outsider", "officer", "pu_officer"])
def test_an_account_that_is_neither_guardian_nor_admin_cannot_cancel(hub, committee, operation, request, who):
    canceller = request.getfixturevalue(who)
    target, data = operation
    hub.schedule(target, data, 0, {"from": committee})

    with brownie.reverts(
        custom_error("AccessManagerUnauthorizedCancel", canceller, committee, target, selector(data))
    ):
        hub.cancel(committee, target, data, {"from": canceller})
    _wait(COMMITTEE_DELAY + 1)
    hub.execute(target, data, {"from": committee})


def test_a_committee_member_cancels_its_own_operation(hub, committee, operation):
    target, data = operation
    hub.schedule(target, data, 0, {"from": committee})
    hub.cancel(committee, target, data, {"from": committee})
    assert hub.getSchedule(hub.hashOperation(committee, target, data)) == 0


def test_cancelling_an_operation_that_was_never_scheduled_is_refused(hub, committee, guardian, operation):
    target, data = operation
    with brownie.reverts(
        custom_error("AccessManagerNotScheduled", hub.hashOperation(committee, target, data))
    ):
        hub.cancel(committee, target, data, {"from": guardian})


def test_a_cancelled_operation_can_be_scheduled_again(hub, directory, committee, guardian, operation):
    target, data = operation
    hub.schedule(target, data, 0, {"from": committee})
    hub.cancel(committee, target, data, {"from": guardian})

    tx = hub.schedule(target, data, 0, {"from": committee})

    assert tx.events["OperationScheduled"]["nonce"] == 2
    _wait(COMMITTEE_DELAY + 1)
    hub.execute(target, data, {"from": committee})
    assert directory.isAgency(BANJARBARU)


# --- who administers roles ---------------------------------------------------------------------


def test_the_hub_admin_cannot_grant_an_operational_role(hub, deployer, outsider):
    """AGENCY_OFFICER is administered by COMMITTEE, so even the undelayed hub admin (deployer, in
    deploy/local.yaml) cannot grant it."""
    officer_role = role_id("AGENCY_OFFICER")
    with brownie.reverts(custom_error("AccessManagerUnauthorizedAccount", deployer, role_id("COMMITTEE"))):
        hub.grantRole(officer_role, outsider, 0, {"from": deployer})
    assert tuple(hub.hasRole(officer_role, outsider)) == (False, 0)


def test_a_committee_grant_of_an_operational_role_must_wait_the_delay(hub, committee, outsider):
    data = hub.grantRole.encode_input(role_id("AGENCY_OFFICER"), outsider, 0)
    with brownie.reverts(custom_error("AccessManagerNotScheduled", hub.hashOperation(committee, hub, data))):
        hub.grantRole(role_id("AGENCY_OFFICER"), outsider, 0, {"from": committee})


def test_the_committee_grants_an_operational_role_through_the_delay(hub, committee, delayed, outsider):
    officer_role = role_id("AGENCY_OFFICER")
    tx = delayed(committee, hub, "grantRole", officer_role, outsider, 0)

    assert tx.events["RoleGranted"]["roleId"] == officer_role
    assert tx.events["RoleGranted"]["account"] == outsider
    assert tuple(hub.hasRole(officer_role, outsider)) == (True, 0)


def test_the_committee_revokes_an_operational_role_through_the_delay(hub, committee, delayed, officer):
    officer_role = role_id("AGENCY_OFFICER")
    delayed(committee, hub, "revokeRole", officer_role, officer)
    assert tuple(hub.hasRole(officer_role, officer)) == (False, 0)
