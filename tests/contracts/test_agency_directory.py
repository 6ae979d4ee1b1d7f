"""AgencyDirectory: which agency (K/L/PD) each officer acts for. Agencies and assignments are
committee acts, so every change here goes through the hub's execution delay (`delayed`)."""

from pathlib import Path

import brownie
from brownie import interface

from tests.contracts.conftest import IKN, PU
from tests.contracts.revert_messages import ZERO_ADDRESS, custom_error

KEMENSOS = 2001
BANJARBARU = 6372  # a municipal government, not in deploy/local.yaml


def test_every_custom_error_of_IAgencyDirectory_is_expected_by_a_test_in_this_module():
    source = Path(__file__).read_text()
    errors = [entry["name"] for entry in interface.IAgencyDirectory.abi if entry["type"] == "error"]
    assert errors
    assert [name for name in errors if f'custom_error("{name}"' not in source] == []


# --- the state deploy/local.yaml bootstraps ----------------------------------------------------


def test_the_agencies_of_the_deploy_config_are_registered(directory, deploy_config):
    for agency in deploy_config.agencies:
        assert directory.isAgency(agency.id)
        assert directory.agencyName(agency.id) == agency.name


def test_the_officers_of_the_deploy_config_act_for_their_agencies(directory, deploy_config):
    for assignment in deploy_config.officers:
        assert directory.agencyOf(assignment.account) == assignment.agency


def test_an_unknown_agency_is_no_agency_and_has_no_name(directory):
    assert not directory.isAgency(BANJARBARU)
    assert directory.agencyName(BANJARBARU) == ""


# --- registering agencies ----------------------------------------------------------------------


def test_the_committee_registers_an_agency(directory, committee, delayed):
    tx = delayed(committee, directory, "registerAgency", BANJARBARU, "Pemerintah Kota Banjarbaru")

    assert tx.events["AgencyRegistered"]["agencyId"] == BANJARBARU
    assert tx.events["AgencyRegistered"]["name"] == "Pemerintah Kota Banjarbaru"
    assert directory.isAgency(BANJARBARU)
    assert directory.agencyName(BANJARBARU) == "Pemerintah Kota Banjarbaru"


def test_agency_id_zero_is_reserved(directory, committee, delayed):
    with brownie.reverts(custom_error("AgencyInvalidId")):
        delayed(committee, directory, "registerAgency", 0, "Tanpa kode")


def test_an_agency_needs_a_name(directory, committee, delayed):
    with brownie.reverts(custom_error("AgencyInvalidName")):
        delayed(committee, directory, "registerAgency", BANJARBARU, "")


def test_an_agency_id_cannot_be_registered_twice(directory, committee, delayed):
    with brownie.reverts(custom_error("AgencyAlreadyRegistered", IKN)):
        delayed(committee, directory, "registerAgency", IKN, "Nama lain")
    assert directory.agencyName(IKN) == "Otorita Ibu Kota Nusantara"


# --- assigning and removing officers -----------------------------------------------------------


def test_the_committee_assigns_a_new_officer(directory, committee, delayed, outsider):
    tx = delayed(committee, directory, "assignOfficer", outsider, PU)

    assert tx.events["OfficerAssigned"]["officer"] == outsider
    assert tx.events["OfficerAssigned"]["agencyId"] == PU
    assert "OfficerRemoved" not in tx.events
    assert directory.agencyOf(outsider) == PU


def test_reassigning_an_officer_moves_it_from_its_previous_agency(directory, committee, delayed, officer):
    tx = delayed(committee, directory, "assignOfficer", officer, PU)

    assert tx.events["OfficerRemoved"]["officer"] == officer
    assert tx.events["OfficerRemoved"]["agencyId"] == IKN
    assert tx.events["OfficerAssigned"]["agencyId"] == PU
    assert directory.agencyOf(officer) == PU
    with brownie.reverts(custom_error("AgencyOfficerMismatch", officer, IKN, PU)):
        directory.requireOfficerOf(officer, IKN)


def test_the_zero_address_cannot_be_an_officer(directory, committee, delayed):
    with brownie.reverts(custom_error("AgencyInvalidOfficer", ZERO_ADDRESS)):
        delayed(committee, directory, "assignOfficer", ZERO_ADDRESS, IKN)


def test_an_officer_cannot_be_assigned_to_an_unknown_agency(directory, committee, delayed, outsider):
    with brownie.reverts(custom_error("AgencyUnknown", BANJARBARU)):
        delayed(committee, directory, "assignOfficer", outsider, BANJARBARU)


def test_the_committee_removes_an_officer(directory, committee, delayed, officer2):
    tx = delayed(committee, directory, "removeOfficer", officer2)

    assert tx.events["OfficerRemoved"]["officer"] == officer2
    assert tx.events["OfficerRemoved"]["agencyId"] == IKN
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", officer2)):
        directory.agencyOf(officer2)


def test_removing_an_unassigned_officer_is_refused(directory, committee, delayed, outsider):
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", outsider)):
        delayed(committee, directory, "removeOfficer", outsider)


# --- the views other contracts rely on ---------------------------------------------------------


def test_agency_of_an_unassigned_account_reverts(directory, outsider):
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", outsider)):
        directory.agencyOf(outsider)


def test_require_officer_of_passes_for_the_officers_own_agency(directory, officer, pu_officer):
    directory.requireOfficerOf(officer, IKN)
    directory.requireOfficerOf(pu_officer, PU)


def test_require_officer_of_refuses_another_agency(directory, officer):
    with brownie.reverts(custom_error("AgencyOfficerMismatch", officer, PU, IKN)):
        directory.requireOfficerOf(officer, PU)


def test_require_officer_of_refuses_an_unassigned_account(directory, outsider):
    with brownie.reverts(custom_error("AgencyOfficerUnassigned", outsider)):
        directory.requireOfficerOf(outsider, KEMENSOS)
