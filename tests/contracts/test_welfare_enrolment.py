"""Welfare programmes: definition and rule validation, enrolment with every refusal reason, updates
that re-evaluate eligibility, suspension, reinstatement, exit and appeals."""

from __future__ import annotations

import brownie
import pytest

from app.protocol.welfare import DECILES_1_TO_4
from tests.contracts.revert_messages import custom_error
from tests.contracts.welfare_fixtures import (
    A_OPEN,
    A_REJECTED,
    A_UPHELD,
    B_ACTIVE,
    B_EXITED,
    B_NONE,
    B_SUSPENDED,
    PERIOD,
    REASON,
    counts,
    latest_time,
)

GRADUATED = b"GRADUATED".ljust(32, b"\0")
CONDITION = b"PKH_CONDITION_UNMET".ljust(32, b"\0")


@pytest.fixture(scope="module")
def pkh(wkit):
    return wkit.define()


def benefit(welfare, programme, key, period=0) -> tuple[int, int]:
    return tuple(int(value) for value in welfare.benefitOf(programme, key, period))


def refused(tx) -> int:
    return int(tx.events["EnrolmentRefused"]["reason"])


# --- programmes --------------------------------------------------------------------------------


def test_defining_a_programme_records_its_rules_and_schedule(wkit, welfare):
    tx = welfare.defineProgramme(
        wkit.line, "PKH 2026", latest_time() + 60, PERIOD, wkit.rules(), [], {"from": wkit.admin}
    )
    programme = tx.return_value
    event = tx.events["ProgrammeDefined"]
    assert event["programmeId"] == programme and event["name"] == "PKH 2026"
    rules, version = welfare.rulesFor(programme, 0)
    assert version == 1 and rules["decileMask"] == DECILES_1_TO_4 and rules["componentCap"] == 4
    assert welfare.getProgramme(programme)["periodLength"] == PERIOD


@pytest.mark.parametrize(
    "overrides,error",
    [
        ({"deciles": 0}, ("WelfareInvalidDeciles", 0)),
        ({"deciles": 1}, ("WelfareInvalidDeciles", 1)),  # bit 0 is no decile
        ({"deciles": 1 << 11}, ("WelfareInvalidDeciles", 1 << 11)),
        ({"cap": 0}, ("WelfareInvalidComponentCap", 0)),
        ({"budget": 0}, ("WelfareZeroBudget",)),
        ({"amounts": [0] * 8}, ("WelfareNoComponentAmounts",)),
    ],
)
def test_invalid_rules_are_refused(wkit, welfare, overrides, error):
    with brownie.reverts(custom_error(*error)):
        welfare.defineProgramme(
            wkit.line, "X", latest_time() + 60, PERIOD, wkit.rules(**overrides), [], {"from": wkit.admin}
        )


def test_a_programme_cannot_start_in_the_past_or_have_empty_periods(wkit, welfare):
    start = latest_time() - 10
    with brownie.reverts(custom_error("WelfareInvalidSchedule", start, PERIOD)):
        welfare.defineProgramme(wkit.line, "X", start, PERIOD, wkit.rules(), [], {"from": wkit.admin})
    start = latest_time() + 60
    with brownie.reverts(custom_error("WelfareInvalidSchedule", start, 0)):
        welfare.defineProgramme(wkit.line, "X", start, 0, wkit.rules(), [], {"from": wkit.admin})


def test_only_the_welfare_admin_defines_programmes(wkit, welfare, enroller):
    with brownie.reverts(custom_error("AccessManagedUnauthorized", enroller)):
        welfare.defineProgramme(
            wkit.line, "X", latest_time() + 60, PERIOD, wkit.rules(), [], {"from": enroller}
        )


# --- enrolment and reason codes ----------------------------------------------------------------


def test_an_eligible_applicant_is_enrolled_with_its_attributes(wkit, welfare, pkh):
    tx = wkit.enrol(pkh, [wkit.applicant(1, decile=3, region=6302, components=counts(elderly=1))])
    event = tx.events["BeneficiaryEnrolled"]
    assert event["beneficiaryKey"] == "0x" + wkit.key(1).hex() and event["decile"] == 3
    assert tx.return_value == 1
    stored = welfare.getBeneficiary(pkh, wkit.key(1))
    assert stored["status"] == B_ACTIVE and stored["region"] == 6302 and stored["paidThrough"] == 0


@pytest.mark.parametrize("decile", [5, 10, 0, 11])
def test_a_decile_outside_the_programme_is_refused(wkit, welfare, pkh, decile):
    tx = wkit.enrol(pkh, [wkit.applicant(2, decile=decile)])
    assert refused(tx) == REASON["DecileNotEligible"]
    assert welfare.getBeneficiary(pkh, wkit.key(2))["status"] == B_NONE


def test_the_deciles_are_configurable_per_programme(wkit):
    poorest = wkit.define(deciles=1 << 1)
    tx = wkit.enrol(poorest, [wkit.applicant(1, decile=1), wkit.applicant(2, decile=2)])
    assert tx.return_value == 1
    assert refused(tx) == REASON["DecileNotEligible"]


def test_a_region_not_covered_is_refused(wkit, welfare):
    regional = wkit.define(all_regions=False, regions=[6302, 6303])
    tx = wkit.enrol(regional, [wkit.applicant(1, region=6303), wkit.applicant(2, region=3171)])
    assert tx.return_value == 1
    assert refused(tx) == REASON["RegionNotCovered"]
    assert welfare.isRegionCovered(regional, 1, 6302) and not welfare.isRegionCovered(regional, 1, 3171)


def test_an_applicant_already_enrolled_is_refused(wkit, pkh):
    wkit.enrol(pkh, [wkit.applicant(1)])
    assert refused(wkit.enrol(pkh, [wkit.applicant(1, decile=1)])) == REASON["AlreadyEnrolled"]


def test_an_applicant_without_a_component_the_programme_pays_is_refused(wkit, pkh):
    assert refused(wkit.enrol(pkh, [wkit.applicant(1, components=[0] * 8)])) == REASON["NoComponent"]
    # A count in the unused eighth slot is no component either.
    assert refused(wkit.enrol(pkh, [wkit.applicant(2, components=[0] * 7 + [3])])) == REASON["NoComponent"]


def test_a_suspended_or_exited_beneficiary_cannot_enrol_again(wkit, welfare, pkh):
    wkit.enrol_many(pkh, [1, 2])
    welfare.suspend(pkh, wkit.key(1), CONDITION, {"from": wkit.enroller})
    welfare.exitBeneficiary(pkh, wkit.key(2), GRADUATED, {"from": wkit.admin})
    tx = wkit.enrol(pkh, [wkit.applicant(1), wkit.applicant(2)])
    reasons = [int(e["reason"]) for e in tx.events["EnrolmentRefused"]]
    assert reasons == [REASON["Suspended"], REASON["Exited"]]


def test_one_batch_enrols_some_and_tells_the_others_why(wkit, pkh):
    tx = wkit.enrol(
        pkh, [wkit.applicant(1), wkit.applicant(2, decile=7), wkit.applicant(3), wkit.applicant(1)]
    )
    assert tx.return_value == 2
    assert [int(e["reason"]) for e in tx.events["EnrolmentRefused"]] == [
        REASON["DecileNotEligible"],
        REASON["AlreadyEnrolled"],
    ]


def test_a_zero_key_is_malformed(wkit, pkh):
    with brownie.reverts(custom_error("WelfareZeroKey")):
        wkit.enrol(pkh, [(b"\0" * 32, 2, 6302, counts(elderly=1))])


def test_only_an_enroller_enrols(wkit, welfare, pkh):
    with brownie.reverts(custom_error("AccessManagedUnauthorized", wkit.admin)):
        welfare.enrol(pkh, [wkit.applicant(1)], {"from": wkit.admin})


# --- updates and status ------------------------------------------------------------------------


def test_an_update_re_evaluates_eligibility(wkit, welfare, pkh):
    wkit.enrol(pkh, [wkit.applicant(1)])
    tx = welfare.updateBeneficiary(pkh, wkit.applicant(1, decile=6), {"from": wkit.enroller})
    assert tx.events["BeneficiaryUpdated"]["eligibility"] == REASON["DecileNotEligible"]
    assert benefit(welfare, pkh, wkit.key(1)) == (0, REASON["DecileNotEligible"])
    tx = welfare.updateBeneficiary(
        pkh, wkit.applicant(1, decile=2, components=counts(elderly=1)), {"from": wkit.enroller}
    )
    assert tx.events["BeneficiaryUpdated"]["eligibility"] == REASON["None"]
    assert benefit(welfare, pkh, wkit.key(1)) == (600_000, REASON["None"])


def test_an_unknown_or_exited_beneficiary_cannot_be_updated(wkit, welfare, pkh):
    with brownie.reverts(custom_error("WelfareNotEnrolled", pkh, wkit.key(9))):
        welfare.updateBeneficiary(pkh, wkit.applicant(9), {"from": wkit.enroller})
    wkit.enrol(pkh, [wkit.applicant(1)])
    welfare.exitBeneficiary(pkh, wkit.key(1), GRADUATED, {"from": wkit.admin})
    with brownie.reverts(custom_error("WelfareWrongStatus", pkh, wkit.key(1), B_EXITED)):
        welfare.updateBeneficiary(pkh, wkit.applicant(1), {"from": wkit.enroller})


def test_suspension_and_reinstatement_carry_reasons(wkit, welfare, pkh):
    wkit.enrol(pkh, [wkit.applicant(1)])
    tx = welfare.suspend(pkh, wkit.key(1), CONDITION, {"from": wkit.enroller})
    assert tx.events["BeneficiarySuspended"]["reasonCode"] == "0x" + CONDITION.hex()
    assert welfare.getBeneficiary(pkh, wkit.key(1))["status"] == B_SUSPENDED
    with brownie.reverts(custom_error("WelfareWrongStatus", pkh, wkit.key(1), B_SUSPENDED)):
        welfare.suspend(pkh, wkit.key(1), CONDITION, {"from": wkit.enroller})
    welfare.reinstate(pkh, wkit.key(1), b"CONDITION_MET", {"from": wkit.admin})
    assert welfare.getBeneficiary(pkh, wkit.key(1))["status"] == B_ACTIVE
    with brownie.reverts(custom_error("WelfareWrongStatus", pkh, wkit.key(1), B_ACTIVE)):
        welfare.reinstate(pkh, wkit.key(1), b"again", {"from": wkit.admin})


def test_graduation_exits_the_beneficiary(wkit, welfare, pkh):
    wkit.enrol(pkh, [wkit.applicant(1)])
    tx = welfare.exitBeneficiary(pkh, wkit.key(1), GRADUATED, {"from": wkit.admin})
    assert tx.events["BeneficiaryExited"]["reasonCode"] == "0x" + GRADUATED.hex()
    assert benefit(welfare, pkh, wkit.key(1)) == (0, REASON["Exited"])
    with brownie.reverts(custom_error("WelfareWrongStatus", pkh, wkit.key(1), B_EXITED)):
        welfare.exitBeneficiary(pkh, wkit.key(1), GRADUATED, {"from": wkit.admin})


# --- appeals -----------------------------------------------------------------------------------


def test_an_upheld_appeal_reinstates_an_exited_beneficiary(wkit, welfare, pkh):
    wkit.enrol(pkh, [wkit.applicant(1)])
    welfare.exitBeneficiary(pkh, wkit.key(1), GRADUATED, {"from": wkit.admin})
    tx = welfare.fileAppeal(pkh, wkit.key(1), b"surat keberatan", {"from": wkit.enroller})
    assert "AppealFiled" in tx.events and welfare.appealOf(pkh, wkit.key(1)) == A_OPEN
    tx = welfare.resolveAppeal(pkh, wkit.key(1), True, b"putusan", {"from": wkit.admin})
    assert tx.events["AppealResolved"]["upheld"] is True
    assert "BeneficiaryReinstated" in tx.events
    assert welfare.getBeneficiary(pkh, wkit.key(1))["status"] == B_ACTIVE
    assert welfare.appealOf(pkh, wkit.key(1)) == A_UPHELD


def test_a_refused_applicant_can_appeal_and_be_rejected(wkit, welfare, pkh):
    wkit.enrol(pkh, [wkit.applicant(1, decile=8)])
    welfare.fileAppeal(pkh, wkit.key(1), b"desil salah", {"from": wkit.enroller})
    with brownie.reverts(custom_error("WelfareAppealOpen", pkh, wkit.key(1))):
        welfare.fileAppeal(pkh, wkit.key(1), b"lagi", {"from": wkit.enroller})
    tx = welfare.resolveAppeal(pkh, wkit.key(1), False, b"putusan", {"from": wkit.admin})
    assert tx.events["AppealResolved"]["upheld"] is False and "BeneficiaryReinstated" not in tx.events
    assert welfare.appealOf(pkh, wkit.key(1)) == A_REJECTED
    with brownie.reverts(custom_error("WelfareNoOpenAppeal", pkh, wkit.key(1))):
        welfare.resolveAppeal(pkh, wkit.key(1), True, b"putusan", {"from": wkit.admin})


def test_an_appeal_is_recorded_during_a_pause(wkit, welfare, pkh, guardian):
    welfare.pause({"from": guardian})
    welfare.fileAppeal(pkh, wkit.key(1), b"keberatan", {"from": wkit.enroller})
    with brownie.reverts(custom_error("EnforcedPause")):
        wkit.enrol(pkh, [wkit.applicant(1)])
