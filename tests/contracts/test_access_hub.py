"""AccessHub (OpenZeppelin AccessManager): the Committee contract alone holds COMMITTEE (and ADMIN),
each with an execution delay, so every committee act is scheduled in the hub and waits; no official,
and no holder of the hub's GUARDIAN role, can make, schedule, execute or cancel one alone (the
guardian agencies veto through the Committee: tests/contracts/test_committee.py).

The operation used throughout is a committee act on the agency directory (registering an agency)."""

import brownie
import pytest
from brownie import chain, web3

from tests.contracts.conftest import role_id
from tests.contracts.revert_messages import custom_error, selector

BANJARBARU = 6372
NAME = "Pemerintah Kota Banjarbaru"
COMMITTEE_DELAY = 60  # deploy/local.yaml execution_delays.COMMITTEE
ADMIN_DELAY = 120  # deploy/local.yaml execution_delays.ADMIN
WEEK = 7 * 86400


@pytest.fixture
def operation(directory):
    """(target, calldata) of a committee act."""
    return directory, directory.registerAgency.encode_input(BANJARBARU, NAME)


@pytest.fixture
def scheduled(council, committee, committee2, operation):
    """The operation proposed, approved by two agencies and scheduled in the hub by the Committee."""
    target, data = operation
    proposed = council.propose([(target, data)], web3.keccak(text="daftar"), {"from": committee})
    proposal = proposed.events["Proposed"]["proposalId"]
    council.approve(proposal, {"from": committee2})
    council.schedule(proposal, {"from": committee})
    return proposal


def _wait(seconds):
    chain.sleep(seconds)
    chain.mine()


# --- the execution delay -----------------------------------------------------------------------


def test_the_committee_holds_its_roles_with_the_configured_delays(hub, council):
    assert tuple(hub.hasRole(role_id("COMMITTEE"), council)) == (True, COMMITTEE_DELAY)
    assert tuple(hub.hasRole(role_id("ADMIN"), council)) == (True, ADMIN_DELAY)


def test_the_hub_tells_the_committee_to_wait(hub, council, directory, operation):
    _, data = operation
    assert tuple(hub.canCall(council, directory, selector(data))) == (False, COMMITTEE_DELAY)


def test_a_committee_official_calling_directly_is_refused(directory, committee, committee2):
    for official in (committee, committee2):
        with brownie.reverts(custom_error("AccessManagedUnauthorized", official)):
            directory.registerAgency(BANJARBARU, NAME, {"from": official})
    assert not directory.isAgency(BANJARBARU)


def test_a_committee_official_cannot_schedule_at_the_hub(hub, committee, operation):
    target, data = operation
    with brownie.reverts(custom_error("AccessManagerUnauthorizedCall", committee, target, selector(data))):
        hub.schedule(target, data, 0, {"from": committee})


def test_scheduling_records_the_committee_as_caller_and_the_delay(
    hub, council, committee, committee2, operation
):
    target, data = operation
    proposed = council.propose([(target, data)], web3.keccak(text="daftar"), {"from": committee})
    proposal = proposed.events["Proposed"]["proposalId"]
    council.approve(proposal, {"from": committee2})
    tx = council.schedule(proposal, {"from": committee})

    event = tx.events["OperationScheduled"]
    assert event["operationId"] == hub.hashOperation(council, target, data)
    assert event["schedule"] == chain[tx.block_number].timestamp + COMMITTEE_DELAY
    assert event["caller"] == council
    assert event["target"] == target


def test_no_official_can_execute_the_committees_operation_at_the_hub(
    hub, directory, committee, guardian, scheduled, operation
):
    target, data = operation
    _wait(COMMITTEE_DELAY + 1)
    for account in (committee, guardian):
        with brownie.reverts(custom_error("AccessManagerUnauthorizedCall", account, target, selector(data))):
            hub.execute(target, data, {"from": account})
    assert not directory.isAgency(BANJARBARU)


def test_a_scheduled_committee_operation_expires_after_a_week(
    hub, council, directory, committee, scheduled, operation
):
    target, data = operation
    _wait(COMMITTEE_DELAY + WEEK + 1)
    operation_id = hub.hashOperation(council, target, data)
    with brownie.reverts(custom_error("AccessManagerExpired", operation_id)):
        council.execute(scheduled, {"from": committee})
    assert not directory.isAgency(BANJARBARU)


# --- no hub-level guardian over the committee --------------------------------------------------


def test_the_hub_guardian_role_cannot_cancel_a_committee_operation(
    hub, council, guardian, guardian2, scheduled, operation
):
    """The guardian agencies veto through the Committee, bounded once per act; a GUARDIAN key at the
    hub could cancel every re-proposal for ever, so COMMITTEE has no guardian role at the hub."""
    target, data = operation
    for account in (guardian, guardian2):
        with brownie.reverts(
            custom_error("AccessManagerUnauthorizedCancel", account, council, target, selector(data))
        ):
            hub.cancel(council, target, data, {"from": account})
    assert hub.getSchedule(hub.hashOperation(council, target, data)) != 0


def test_a_committee_official_cannot_cancel_a_committee_operation(
    hub, council, committee, scheduled, operation
):
    target, data = operation
    with brownie.reverts(
        custom_error("AccessManagerUnauthorizedCancel", committee, council, target, selector(data))
    ):
        hub.cancel(council, target, data, {"from": committee})


# --- who administers roles ---------------------------------------------------------------------


def test_the_hub_admin_cannot_grant_an_operational_role(hub, deployer, outsider):
    """AGENCY_OFFICER is administered by COMMITTEE, so even the undelayed hub admin (deployer, in
    deploy/local.yaml) cannot grant it."""
    officer_role = role_id("AGENCY_OFFICER")
    with brownie.reverts(custom_error("AccessManagerUnauthorizedAccount", deployer, role_id("COMMITTEE"))):
        hub.grantRole(officer_role, outsider, 0, {"from": deployer})
    assert tuple(hub.hasRole(officer_role, outsider)) == (False, 0)


def test_a_committee_official_alone_cannot_grant_an_operational_role(hub, committee, outsider):
    with brownie.reverts(custom_error("AccessManagerUnauthorizedAccount", committee, role_id("COMMITTEE"))):
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
