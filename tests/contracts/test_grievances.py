"""Welfare grievances anchored on chain (contracts/Grievances.sol): a caseworker registers a ticket's
hash with its deadline; a welfare administrator other than the one who registered it resolves it,
once, and the chain says whether that was late. The insider attacks: an outsider or a field officer
resolving, the registering official closing its own ticket, a second resolution rewriting the first,
a ticket registered twice (to move its deadline), or registered as received in the future."""

from __future__ import annotations

import brownie
import pytest
from brownie import accounts, chain, web3

from app.protocol.roles import role_id
from tests.contracts.revert_messages import custom_error, latest_timestamp

WELFARE_ADMIN, ENROLLER = 12, 13  # deploy/local.yaml
DAY = 24 * 3600
TICKET = web3.keccak(text="tiket ADU-7Q2M-K4XP")
RESOLUTION = web3.keccak(text="keputusan: keberatan diterima")


@pytest.fixture(scope="module")
def grievances(suite):
    return suite.contracts["Grievances"]


@pytest.fixture(scope="module")
def enroller():
    return accounts[ENROLLER]


@pytest.fixture(scope="module")
def admin():
    return accounts[WELFARE_ADMIN]


def register(grievances, enroller, ticket=TICKET, days=14):
    received = latest_timestamp() - 60
    return grievances.registerGrievance(ticket, 1, received, received + days * DAY, {"from": enroller})


def test_a_caseworker_registers_and_another_official_resolves(grievances, enroller, admin):
    tx = register(grievances, enroller)
    event = tx.events["GrievanceRegistered"]
    assert event["ticketHash"] == web3.to_hex(TICKET)
    assert (event["programmeId"], event["official"]) == (1, enroller)
    assert event["dueAt"] - event["receivedAt"] == 14 * DAY

    tx = grievances.resolveGrievance(TICKET, RESOLUTION, {"from": admin})
    resolved = tx.events["GrievanceResolved"]
    assert resolved["resolutionHash"] == web3.to_hex(RESOLUTION)
    assert (resolved["late"], resolved["official"]) == (False, admin)
    ticket = grievances.getGrievance(TICKET)
    assert ticket["resolutionHash"] == web3.to_hex(RESOLUTION) and ticket["resolvedAt"] == tx.timestamp
    assert ticket["registeredBy"] == enroller


def test_a_resolution_after_the_deadline_is_marked_late(grievances, enroller, admin):
    register(grievances, enroller, days=1)
    chain.sleep(2 * DAY)
    tx = grievances.resolveGrievance(TICKET, RESOLUTION, {"from": admin})
    assert tx.events["GrievanceResolved"]["late"] is True


def test_only_a_welfare_administrator_resolves(grievances, enroller, outsider):
    register(grievances, enroller)
    for who in (enroller, outsider):
        with brownie.reverts(custom_error("AccessManagedUnauthorized", who)):
            grievances.resolveGrievance(TICKET, RESOLUTION, {"from": who})


def test_only_a_caseworker_registers(grievances, admin):
    received = latest_timestamp() - 60
    with brownie.reverts(custom_error("AccessManagedUnauthorized", admin)):
        grievances.registerGrievance(TICKET, 1, received, received + DAY, {"from": admin})


def test_the_official_who_registered_a_ticket_cannot_close_it(grievances, hub, delayed, committee, admin):
    """An administrator who also holds the caseworker role registers a complaint about itself, then
    tries to close it quietly: refused; another administrator must."""
    delayed(committee, hub, "grantRole", role_id("ENROLLER"), admin, 0)
    register(grievances, admin)
    with brownie.reverts(custom_error("GrievanceOwnTicket", TICKET)):
        grievances.resolveGrievance(TICKET, RESOLUTION, {"from": admin})


def test_a_resolution_is_never_rewritten(grievances, enroller, admin):
    register(grievances, enroller)
    grievances.resolveGrievance(TICKET, RESOLUTION, {"from": admin})
    with brownie.reverts(custom_error("GrievanceAlreadyResolved", TICKET)):
        grievances.resolveGrievance(TICKET, web3.keccak(text="another story"), {"from": admin})
    assert grievances.getGrievance(TICKET)["resolutionHash"] == web3.to_hex(RESOLUTION)


def test_a_ticket_is_registered_once_so_its_deadline_stays(grievances, enroller):
    register(grievances, enroller, days=14)
    with brownie.reverts(custom_error("GrievanceAlreadyRegistered", TICKET)):
        register(grievances, enroller, days=60)


def test_an_unknown_ticket_cannot_be_resolved(grievances, admin):
    with brownie.reverts(custom_error("GrievanceUnknown", TICKET)):
        grievances.resolveGrievance(TICKET, RESOLUTION, {"from": admin})


def test_receipt_in_the_future_or_a_deadline_before_it_is_refused(grievances, enroller):
    now = latest_timestamp()
    for received, due in ((now + 3600, now + 30 * DAY), (now - 60, now - 60), (0, now + DAY)):
        with brownie.reverts(custom_error("GrievanceInvalid")):
            grievances.registerGrievance(TICKET, 1, received, due, {"from": enroller})


def test_a_registrant_cannot_give_itself_a_far_deadline_but_an_old_ticket_is_still_anchored(
    grievances, enroller, admin
):
    """No registrant gives itself more than 90 days to answer (no answer would ever be late). A
    complaint registered long after it came in is anchored all the same, its deadline already
    past: its answer is marked late rather than the ticket left off the ledger."""
    now = latest_timestamp()
    with brownie.reverts(custom_error("GrievanceInvalid")):
        grievances.registerGrievance(TICKET, 1, now - 60, now - 60 + 90 * DAY + 1, {"from": enroller})
    with brownie.reverts(custom_error("GrievanceInvalid")):
        grievances.registerGrievance(b"\0" * 32, 1, now - 60, now + DAY, {"from": enroller})
    received = now - 45 * DAY
    grievances.registerGrievance(TICKET, 1, received, received + 14 * DAY, {"from": enroller})
    tx = grievances.resolveGrievance(TICKET, RESOLUTION, {"from": admin})
    assert tx.events["GrievanceResolved"]["late"] is True
