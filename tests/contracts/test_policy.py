"""Money rules by versioned policy (PolicyRegistry, docs/decisions/0021-versioned-policy.md).

Version 1 comes with the deployment (deploy/local.yaml's `policy:` block). A later version is the
committee's alone, through the hub's delay, during which the guardian may cancel it; an officer, the
hub admin, the guardian or a committee member who skips the delay is refused. Every version is
checked against the regulation's bounds (docs/domain.md): a figure outside them is refused with the
rule's own error, so the committee cannot publish what the Perpres does not allow. Versions are
never changed: every one stays readable.

A tender is bound to the version in force when it is announced. A version published later applies
to tenders announced afterwards and never to one in flight, whichever rule it changes.
"""

import brownie
import pytest
from brownie import PolicyRegistry, accounts, chain, web3

from app.protocol import policy as rules
from tests.contracts.revert_messages import custom_error
from tests.contracts.tender_attacks import hea
from tests.contracts.tender_fixtures import CONSTRUCTION, O_REJECTED, error, hx
from toolchain.deploy_config import DeployConfigError, load_deploy_config

DAY = 24 * 3600
RP_MILIAR = 1_000_000_000
DECISION = web3.keccak(text="Keputusan Komite Pengadaan No. 1/2026")
PRICE = 1_500_000_000


def policy(**changes) -> tuple:
    """The default policy (the regulation's figures) with `changes`, as the contract takes it."""
    return rules.policy_tuple({**rules.DEFAULTS, **changes})


def publish(delayed, committee, policies, **changes):
    """The committee publishes a version through the hub's delay; returns the receipt."""
    return delayed(committee, policies, "publishPolicy", policy(**changes), DECISION)


# -- version 1 -------------------------------------------------------------------------------------
def test_version_one_is_the_deploy_configs_policy(policies, deploy_config):
    assert policies.currentVersion() == 1
    assert policies.policyOf(1).dict() == deploy_config.policy == rules.DEFAULTS
    source_hash, published_at = policies.publicationOf(1)
    assert hx(source_hash) == hx(web3.keccak(text=deploy_config.policy_source))
    assert published_at > 0


def test_the_python_rules_describe_every_field_of_the_contracts_policy():
    assert tuple(rules.RULES) == rules.POLICY.names


# -- the regulation's bounds -----------------------------------------------------------------------
OUT_OF_BOUNDS = [
    ({"preferenceHpsThreshold": RP_MILIAR - 1}, "PolicyPreferenceThresholdTooLow", (RP_MILIAR - 1,)),
    ({"preferenceMinTkdnBps": 2_499}, "PolicyPreferenceMinTkdnOutOfBounds", (2_499,)),
    ({"preferenceMinTkdnBps": 10_001}, "PolicyPreferenceMinTkdnOutOfBounds", (10_001,)),
    ({"maxPreferenceBps": 0}, "PolicyPreferenceCapOutOfBounds", (0,)),
    ({"maxPreferenceBps": 2_501}, "PolicyPreferenceCapOutOfBounds", (2_501,)),
    ({"maxPreferenceBps": 10_000}, "PolicyPreferenceCapOutOfBounds", (10_000,)),
    ({"domesticOnlyMinBps": 2_499}, "PolicyDomesticOnlyMinOutOfBounds", (2_499,)),
    ({"domesticOnlyMinBps": 10_001}, "PolicyDomesticOnlyMinOutOfBounds", (10_001,)),
    ({"umkmReservationCeiling": 0}, "PolicyReservationCeilingOutOfBounds", (0,)),
    (
        {"umkmReservationCeiling": 15 * RP_MILIAR + 1},
        "PolicyReservationCeilingOutOfBounds",
        (15 * RP_MILIAR + 1,),
    ),
    ({"bidBondHpsThreshold": 10 * RP_MILIAR - 1}, "PolicyBidBondThresholdTooLow", (10 * RP_MILIAR - 1,)),
    ({"bidBondMinBps": 99}, "PolicyBidBondRangeOutOfBounds", (99, 300)),
    ({"bidBondMinBps": 250, "bidBondMaxBps": 200}, "PolicyBidBondRangeOutOfBounds", (250, 200)),
    ({"bidBondMaxBps": 301}, "PolicyBidBondRangeOutOfBounds", (100, 301)),
    ({"addendumNotice": 0}, "PolicyAddendumNoticeOutOfBounds", (0,)),
    ({"addendumNotice": 30 * DAY + 1}, "PolicyAddendumNoticeOutOfBounds", (30 * DAY + 1,)),
    ({"appealWindow": 5 * DAY - 1}, "PolicyAppealWindowOutOfBounds", (5 * DAY - 1,)),
    ({"appealWindow": 30 * DAY + 1}, "PolicyAppealWindowOutOfBounds", (30 * DAY + 1,)),
    ({"quorumOpeningWindow": 0}, "PolicyQuorumOpeningWindowOutOfBounds", (0,)),
    ({"quorumOpeningWindow": 30 * DAY + 1}, "PolicyQuorumOpeningWindowOutOfBounds", (30 * DAY + 1,)),
    ({"advanceSmallBusinessBps": 3_001}, "PolicyAdvanceCapsOutOfBounds", (3_001, 2_000, 1_500)),
    ({"advanceOtherBps": 2_001}, "PolicyAdvanceCapsOutOfBounds", (3_000, 2_001, 1_500)),
    ({"advanceMultiYearBps": 1_501}, "PolicyAdvanceCapsOutOfBounds", (3_000, 2_000, 1_501)),
    ({"advanceOtherBps": 1_000}, "PolicyAdvanceCapsOutOfBounds", (3_000, 1_000, 1_500)),
    ({"advanceSmallBusinessBps": 1_500}, "PolicyAdvanceCapsOutOfBounds", (1_500, 2_000, 1_500)),
    ({"amendmentCapBps": 1_001}, "PolicyAmendmentCapOutOfBounds", (1_001,)),
    ({"retentionBps": 501}, "PolicyRetentionOutOfBounds", (501,)),
    ({"penaltyPpmPerDay": 0}, "PolicyPenaltyRateOutOfBounds", (0,)),
    ({"penaltyPpmPerDay": 1_001}, "PolicyPenaltyRateOutOfBounds", (1_001,)),
    ({"penaltyCapBps": 0}, "PolicyPenaltyCapOutOfBounds", (0,)),
    ({"penaltyCapBps": 10_001}, "PolicyPenaltyCapOutOfBounds", (10_001,)),
    ({"performanceBondThreshold": 0}, "PolicyPerformanceBondOutOfBounds", (0, 500)),
    ({"performanceBondThreshold": 200_000_001}, "PolicyPerformanceBondOutOfBounds", (200_000_001, 500)),
    ({"performanceBondBps": 0}, "PolicyPerformanceBondOutOfBounds", (200_000_000, 0)),
    ({"performanceBondBps": 501}, "PolicyPerformanceBondOutOfBounds", (200_000_000, 501)),
]


def _case_id(case) -> str:
    changes = case[0]
    return "-".join(f"{name}={value}" for name, value in changes.items())


@pytest.mark.parametrize("changes, name, args", OUT_OF_BOUNDS, ids=[_case_id(c) for c in OUT_OF_BOUNDS])
def test_a_version_outside_the_regulations_bounds_is_refused(hub, deployer, changes, name, args):
    """Checked where every version enters: at deployment (version 1) as at each publication."""
    with brownie.reverts(custom_error(name, *args)):
        PolicyRegistry.deploy(hub, policy(**changes), DECISION, {"from": deployer})


@pytest.mark.parametrize(
    "changes, name, args",
    [
        ({"amendmentCapBps": 2_000}, "PolicyAmendmentCapOutOfBounds", (2_000,)),
        ({"maxPreferenceBps": 10_000}, "PolicyPreferenceCapOutOfBounds", (10_000,)),
        ({"advanceOtherBps": 10_000}, "PolicyAdvanceCapsOutOfBounds", (3_000, 10_000, 1_500)),
    ],
    ids=["adendum-20-percent", "preference-100-percent", "advance-whole-contract"],
)
def test_even_the_committee_cannot_publish_a_version_outside_the_bounds(
    policies, delayed, committee, changes, name, args
):
    with brownie.reverts(custom_error(name, *args)):
        publish(delayed, committee, policies, **changes)
    assert policies.currentVersion() == 1


def test_a_version_needs_its_source_document(policies, delayed, committee):
    with brownie.reverts(custom_error("PolicyMissingSource")):
        delayed(committee, policies, "publishPolicy", policy(), b"\x00" * 32)


def test_a_version_at_the_edge_of_every_bound_is_accepted(policies, delayed, committee):
    edge = {
        "preferenceHpsThreshold": RP_MILIAR,
        "preferenceMinTkdnBps": 10_000,
        "maxPreferenceBps": 1,
        "domesticOnlyMinBps": 2_500,
        "umkmReservationCeiling": 15 * RP_MILIAR,
        "bidBondHpsThreshold": 10 * RP_MILIAR,
        "bidBondMinBps": 300,
        "bidBondMaxBps": 300,
        "addendumNotice": 30 * DAY,
        "appealWindow": 5 * DAY,
        "quorumOpeningWindow": 1,
        "advanceSmallBusinessBps": 0,
        "advanceOtherBps": 0,
        "advanceMultiYearBps": 0,
        "amendmentCapBps": 1_000,
        "retentionBps": 0,
        "penaltyPpmPerDay": 1,
        "penaltyCapBps": 10_000,
        "performanceBondThreshold": 1,
        "performanceBondBps": 1,
    }
    assert set(edge) == set(rules.RULES)
    publish(delayed, committee, policies, **edge)
    assert policies.policyOf(2).dict() == edge


# -- only the committee, through the delay ---------------------------------------------------------
def test_the_committee_publishes_through_the_hubs_delay(policies, hub, council, committee_act, committee):
    """Two member agencies approve, the Committee schedules it in the hub, executes after the delay:
    the hub makes the call (the event's `officer`), the Committee's events name the officials."""
    data = policies.publishPolicy.encode_input(policy(maxPreferenceBps=1_500), DECISION)
    _, delay = hub.canCall(council, policies, data[:10])
    assert delay > 0
    tx = committee_act([(policies, data)])
    event = tx.events["PolicyPublished"]
    assert event["version"] == 2 and hx(event["sourceHash"]) == hx(DECISION)
    assert event["officer"] == hub and tx.events["Executed"]["official"] == committee
    assert dict(zip(rules.POLICY.names, event["policy"], strict=True))["maxPreferenceBps"] == 1_500
    assert policies.currentVersion() == 2
    version, current = policies.currentPolicy()
    assert version == 2 and current.dict() == {**rules.DEFAULTS, "maxPreferenceBps": 1_500}
    source_hash, published_at = policies.publicationOf(2)
    assert (hx(source_hash), published_at) == (hx(DECISION), tx.timestamp)


def test_a_committee_member_alone_cannot_publish(policies, council, committee):
    """Not directly (only the Committee holds COMMITTEE), and not with its own agency's approval alone."""
    with brownie.reverts(custom_error("AccessManagedUnauthorized", committee)):
        policies.publishPolicy(policy(), DECISION, {"from": committee})
    data = policies.publishPolicy.encode_input(policy(), DECISION)
    proposal = council.propose([(str(policies), data)], DECISION, {"from": committee}).events["Proposed"][
        "proposalId"
    ]
    with brownie.reverts(custom_error("CommitteeNotEnoughApprovals", proposal, 1, 2)):
        council.schedule(proposal, {"from": committee})
    assert policies.currentVersion() == 1


@pytest.mark.parametrize("who", ["deployer", "officer", "guardian", "outsider"])
def test_no_one_outside_the_committee_publishes(request, policies, who):
    """Not an agency officer, not the hub admin (the deployer, locally), not the guardian."""
    account = request.getfixturevalue(who)
    with brownie.reverts(custom_error("AccessManagedUnauthorized", account)):
        policies.publishPolicy(policy(maxPreferenceBps=1_000), DECISION, {"from": account})
    assert policies.currentVersion() == 1


def test_a_guardian_agency_vetoes_a_publication_during_the_delay(
    policies, council, committee, committee2, guardian
):
    data = policies.publishPolicy.encode_input(policy(appealWindow=30 * DAY), DECISION)
    proposal = council.propose([(str(policies), data)], DECISION, {"from": committee}).events["Proposed"][
        "proposalId"
    ]
    council.approve(proposal, {"from": committee2})
    council.schedule(proposal, {"from": committee})
    council.veto(proposal, web3.keccak(text="alasan BPK"), {"from": guardian})
    chain.sleep(3600)
    chain.mine()
    with brownie.reverts():
        council.execute(proposal, {"from": committee})
    assert policies.currentVersion() == 1


def test_a_paused_registry_publishes_nothing(policies, delayed, committee, guardian):
    policies.pause({"from": guardian})
    with brownie.reverts(custom_error("EnforcedPause")):
        publish(delayed, committee, policies, maxPreferenceBps=1_000)


# -- history ---------------------------------------------------------------------------------------
def test_every_version_stays_readable(policies, delayed, committee):
    publish(delayed, committee, policies, maxPreferenceBps=2_000)
    publish(delayed, committee, policies, maxPreferenceBps=1_000, appealWindow=7 * DAY)
    assert policies.currentVersion() == 3
    assert policies.policyOf(1).dict() == rules.DEFAULTS
    assert policies.policyOf(2).dict() == {**rules.DEFAULTS, "maxPreferenceBps": 2_000}
    assert policies.policyOf(3).dict() == {
        **rules.DEFAULTS,
        "maxPreferenceBps": 1_000,
        "appealWindow": 7 * DAY,
    }
    for unknown in (0, 4):
        with brownie.reverts(custom_error("PolicyUnknownVersion", unknown)):
            policies.policyOf(unknown)
        with brownie.reverts(custom_error("PolicyUnknownVersion", unknown)):
            policies.publicationOf(unknown)


# -- tenders are bound to the version in force at announcement -------------------------------------
def test_a_tender_records_the_version_in_force_at_announcement(kit, tenders, policies, officer):
    assert tenders.policies() == policies
    tx = tenders.announceTender(kit.params(), {"from": officer})
    tender_id = tx.return_value
    assert tx.events["TenderPolicyBound"]["tenderId"] == tender_id
    assert tx.events["TenderPolicyBound"]["policyVersion"] == 1
    tender = kit.tender(tender_id)
    assert tender["policyVersion"] == 1
    for rule in (
        "preferenceMinTkdnBps",
        "domesticOnlyMinBps",
        "addendumNotice",
        "appealWindow",
        "quorumOpeningWindow",
    ):
        assert tender[rule] == rules.DEFAULTS[rule]


def test_a_lower_preference_cap_applies_to_tenders_announced_afterwards_not_to_one_in_flight(
    kit, tenders, policies, delayed, committee, bidders, products
):
    in_flight = kit.announce(preferenceBps=2_500)
    publish(delayed, committee, policies, maxPreferenceBps=1_500)

    with brownie.reverts(error("TenderPreferenceTooHigh", 2_500, 1_500)):
        kit.announce(preferenceBps=2_500)
    afterwards = kit.announce(preferenceBps=1_500)
    assert kit.tender(afterwards)["policyVersion"] == 2
    assert kit.tender(in_flight)["policyVersion"] == 1

    # The tender in flight still grants its 25% preference: a 50% TKDN offer is evaluated at
    # HEA = (1 - 50% x 25%) x price.
    account, supplier_id = bidders[0]
    bid = kit.commit(account, supplier_id, in_flight, PRICE, [("P50", 10_000)])
    kit.to_reveal(in_flight)
    revealed = kit.reveal(in_flight, bid).events["BidRevealed"]
    assert revealed["hea"] == hea(PRICE, 5_000, 2_500) < hea(PRICE, 5_000, 1_500)


def test_a_longer_appeal_window_applies_to_tenders_announced_afterwards_not_to_one_in_flight(
    kit, tenders, policies, delayed, committee, bidders
):
    hps = 20 * RP_MILIAR
    in_flight = kit.announce(category=CONSTRUCTION, hps=hps)
    bids = [
        kit.commit(*bidder, in_flight, price)
        for bidder, price in zip(bidders, (16 * RP_MILIAR, 17 * RP_MILIAR, 18 * RP_MILIAR), strict=True)
    ]
    publish(delayed, committee, policies, appealWindow=7 * DAY)
    afterwards = kit.announce(category=CONSTRUCTION, hps=hps)
    assert kit.tender(afterwards)["appealWindow"] == 7 * DAY

    kit.to_reveal(in_flight)
    for bid in bids:
        kit.reveal(in_flight, bid)
    kit.to_evaluation(in_flight)
    kit.evaluate(in_flight)
    objector = bidders[1][0]
    objection_id = tenders.fileObjection(in_flight, web3.keccak(text="sanggah"), {"from": objector}).events[
        "ObjectionFiled"
    ]["objectionId"]
    answered_at = kit.answer(in_flight, objection_id, O_REJECTED).timestamp
    # The tender in flight keeps the five days it was announced with.
    assert kit.tender(in_flight)["appealDeadline"] == answered_at + 5 * DAY
    kit.sleep_until(answered_at + 6 * DAY)
    with brownie.reverts(error("TenderAppealWindowClosed", in_flight, answered_at + 5 * DAY)):
        tenders.fileAppeal(
            in_flight, objection_id, web3.keccak(text="jaminan sanggah banding"), {"from": objector}
        )


def test_a_longer_addendum_notice_does_not_move_the_deadlines_of_a_tender_in_flight(
    kit, tenders, policies, delayed, committee, officer
):
    in_flight = kit.announce(commit_in=5 * DAY)
    commit_deadline = kit.tender(in_flight)["commitDeadline"]
    publish(delayed, committee, policies, addendumNotice=10 * DAY)
    # Five days left, more than the three days of its version: an addendum moves nothing.
    tx = tenders.amendTender(in_flight, web3.keccak(text="adendum 1"), {"from": officer})
    assert tx.events["TenderAmended"]["commitDeadline"] == commit_deadline
    # A tender announced afterwards gets the ten days.
    afterwards = kit.announce(commit_in=5 * DAY)
    tx = tenders.amendTender(afterwards, web3.keccak(text="adendum 1"), {"from": officer})
    assert tx.events["TenderAmended"]["commitDeadline"] >= tx.timestamp + 10 * DAY


def test_a_narrower_bid_bond_range_applies_to_tenders_announced_afterwards(kit, policies, delayed, committee):
    hps = 20 * RP_MILIAR
    in_flight = kit.announce(category=CONSTRUCTION, hps=hps, bidBond=hps // 100)
    publish(delayed, committee, policies, bidBondMinBps=200)
    with brownie.reverts(error("TenderInvalidBidBond", hps // 100, hps * 2 // 100, hps * 3 // 100)):
        kit.announce(category=CONSTRUCTION, hps=hps, bidBond=hps // 100)
    kit.announce(category=CONSTRUCTION, hps=hps, bidBond=hps * 2 // 100)
    assert kit.tender(in_flight)["bidBond"] == hps // 100


# -- the deploy config's `policy:` block -----------------------------------------------------------
def test_the_deploy_configs_policy_block_overrides_the_defaults(tmp_path):
    path = tmp_path / "deploy.yaml"
    path.write_text('policy:\n  source: "Keputusan Komite 1/2026"\n  maxPreferenceBps: 2000\n')
    config = load_deploy_config(path, [str(a) for a in accounts])
    assert config.policy == {**rules.DEFAULTS, "maxPreferenceBps": 2_000}
    assert config.policy_source == "Keputusan Komite 1/2026"


@pytest.mark.parametrize(
    "block",
    [
        "policy:\n  maxPreferenceBp: 2000\n",
        "policy:\n  maxPreferenceBps: 20%\n",
        "policy:\n  maxPreferenceBps: -1\n",
    ],
    ids=["unknown-field", "not-a-number", "negative"],
)
def test_a_policy_block_with_a_typo_or_a_non_integer_is_refused_before_deployment(tmp_path, block):
    path = tmp_path / "deploy.yaml"
    path.write_text(block)
    with pytest.raises(DeployConfigError, match="policy field"):
        load_deploy_config(path, [str(a) for a in accounts])
