"""scripts/deploy.py (deploy_suite) wires the hub as app/protocol/roles.py and the deploy config say:
grants with their execution delays, role admins and guardians, bootstrapped agencies, and the
hand-over of the hub admin role."""

import pytest
from brownie import accounts, web3

from app.protocol.roles import ADMIN_ROLE, ROLES, role_id
from scripts.deploy import deploy_suite
from tests.contracts.conftest import ROOT
from toolchain.deploy_config import DeployConfigError, load_deploy_config


def test_every_grant_of_the_deploy_config_holds_with_its_execution_delay(hub, deploy_config):
    for grant in deploy_config.admins + deploy_config.grants:
        assert tuple(hub.hasRole(role_id(grant.role), grant.account)) == (True, grant.execution_delay), grant


def test_every_role_has_the_admin_declared_in_roles_py(hub):
    for role in ROLES.values():
        assert hub.getRoleAdmin(role.id) == role_id(role.admin), role.name


def test_every_role_has_the_guardian_declared_in_roles_py(hub):
    for role in ROLES.values():
        expected = role_id(role.guardian) if role.guardian else ADMIN_ROLE
        assert hub.getRoleGuardian(role.id) == expected, role.name


def test_the_deployer_gives_up_the_committee_role_after_bootstrapping(hub, deployer):
    assert tuple(hub.hasRole(role_id("COMMITTEE"), deployer)) == (False, 0)


def test_locally_the_deployer_stays_hub_admin_without_delay(hub, deployer, deploy_config):
    assert not deploy_config.renounce_deployer_admin
    assert tuple(hub.hasRole(ADMIN_ROLE, deployer)) == (True, 0)


def test_the_guardians_hold_no_committee_or_officer_power(hub, guardian, guardian2):
    for account in (guardian, guardian2):
        assert hub.hasRole(role_id("GUARDIAN"), account)[0]
        for name in ("ADMIN", "COMMITTEE", "AGENCY_OFFICER"):
            assert not hub.hasRole(role_id(name), account)[0], name


# --- a consortium-shaped deployment ------------------------------------------------------------


@pytest.fixture(scope="module")
def consortium():
    """deploy/consortium.example.yaml deployed on the local chain: long delays, a committee grant
    delay and the deployer renouncing the hub admin role."""
    config = load_deploy_config(ROOT / "deploy" / "consortium.example.yaml", [str(a) for a in accounts])
    return config, deploy_suite(accounts[0], config)


def test_a_consortium_deployment_bootstraps_its_agencies_and_officers(consortium):
    config, suite = consortium
    directory = suite.contracts["AgencyDirectory"]
    for agency in config.agencies:
        assert directory.agencyName(agency.id) == agency.name
    for assignment in config.officers:
        assert directory.agencyOf(assignment.account) == assignment.agency


def test_a_consortium_deployment_leaves_the_deployer_without_any_role(consortium, deployer):
    _, suite = consortium
    for role in ROLES.values():
        assert not suite.hub.hasRole(role.id, deployer)[0], role.name


def test_a_consortium_deployment_hands_the_hub_to_the_delayed_committee_alone(consortium):
    config, suite = consortium
    hub, council = suite.hub, suite.contracts["Committee"]
    assert tuple(hub.hasRole(ADMIN_ROLE, council)) == (True, 7 * 86400)
    assert tuple(hub.hasRole(role_id("COMMITTEE"), council)) == (True, 2 * 86400)
    for member in config.committee_members:
        for official in member.officials:
            for name in ("ADMIN", "COMMITTEE"):
                assert not hub.hasRole(role_id(name), official)[0], (name, official)


def test_a_consortium_deployment_seats_the_committee_three_of_four(consortium):
    config, suite = consortium
    council = suite.contracts["Committee"]
    assert council.threshold() == 3
    assert list(council.memberAgencies()) == [m.agency for m in config.committee_members]
    for member in config.committee_members:
        assert tuple(council.memberAgency(member.agency)) == (True, member.guardian)
        for official in member.officials:
            assert council.agencyOf(official) == member.agency


# --- the committee role belongs to the Committee contract --------------------------------------


def test_the_committee_contract_alone_holds_committee_and_admin_with_their_delays(
    hub, council, deploy_config
):
    delays = deploy_config.execution_delays
    assert tuple(hub.hasRole(role_id("COMMITTEE"), council)) == (True, delays["COMMITTEE"])
    assert tuple(hub.hasRole(ADMIN_ROLE, council)) == (True, delays["ADMIN"])


def test_no_committee_official_holds_a_hub_committee_or_admin_role(hub, deploy_config):
    for member in deploy_config.committee_members:
        for official in member.officials:
            for name in ("ADMIN", "COMMITTEE"):
                assert not hub.hasRole(role_id(name), official)[0], (name, official)


def test_a_config_granting_committee_to_a_person_is_refused(tmp_path, deployer):
    path = tmp_path / "bad.yaml"
    path.write_text(f"grants:\n  COMMITTEE: [{deployer}]\n")
    with pytest.raises(DeployConfigError, match="only the Committee contract holds COMMITTEE"):
        load_deploy_config(path, [str(a) for a in accounts])


def test_the_local_committee_needs_two_of_four_agencies(council):
    assert council.threshold() == 2
    assert len(council.memberAgencies()) == 4


# --- linked libraries --------------------------------------------------------------------------


def test_tenders_is_linked_to_its_three_phase_libraries(suite):
    """Tenders runs its set-up, evaluation and objection phases in linked libraries deployed first;
    its runtime code calls each at the address deployed with the suite (TenderRanking is internal)."""
    assert set(suite.libraries) == {
        "TenderSetup",
        "TenderEvaluation",
        "TenderObjections",
        "EscrowPolicy",
        "WelfareBudget",
    }
    code = bytes(web3.eth.get_code(suite.contracts["Tenders"].address))
    for name in ("TenderSetup", "TenderEvaluation", "TenderObjections"):
        assert bytes.fromhex(suite.libraries[name].address[2:]) in code, f"Tenders is not linked to {name}"


def test_welfare_programs_is_linked_to_its_budget_library(suite):
    """WelfarePrograms keeps its budget lines and batch cancellation in a linked library (size limit)."""
    code = bytes(web3.eth.get_code(suite.contracts["WelfarePrograms"].address))
    assert bytes.fromhex(suite.libraries["WelfareBudget"].address[2:]) in code


def test_milestone_escrow_is_linked_to_its_policy_library(suite):
    """MilestoneEscrow reads the policy registry through a linked library (size limit)."""
    code = bytes(web3.eth.get_code(suite.contracts["MilestoneEscrow"].address))
    assert bytes.fromhex(suite.libraries["EscrowPolicy"].address[2:]) in code
