"""A pause of Tenders moves the deadlines of every tender in flight (the contract keeps them in active
time): the read models follow it on the real chain. The guardian pauses, the committee unpauses
through the hub's delay; the batch holding PauseTimeCredited names no tender, yet the open tender's
stored summary, OCDS periods and timeline show the extended deadlines exactly as getTender gives
them, while a tender already final keeps the deadlines it had."""

from __future__ import annotations

from web3 import Web3

from app.explorer import queries
from app.explorer.models import ExplorerTender
from app.explorer.projection import ReadModels
from app.ocds.packages import stored_record
from app.ocds.releases import iso
from app.protocol import bids as bidlib
from tests.gateway import test_indexer as base
from tests.gateway.test_indexer import make_indexer, run_to_head
from tests.gateway.test_read_models import assert_read_models_match_the_history
from tests.support.committee import committee_act
from tests.support.tender_scenario import DAY, HPS, OFFICER, POKJA, QUORUM

manifest, scenario, sessions, protocol = base.manifest, base.scenario, base.sessions, base.protocol
GUARDIAN = 3  # deploy/local.yaml (the BPK official)
OCID = "ocds-terang-1001-2025-paused"
PAUSE = 2 * 3600


def announce_open_tender(scenario) -> bytes:
    """A lowest-price goods tender with its Pokja, bids closing in a week."""
    start = scenario.now()
    params = (
        OCID,
        "Pengadaan genset IKN (jeda)",
        Web3.keccak(text=OCID),
        1001,
        HPS,
        0,
        0,
        0,
        0,
        False,
        False,
    )
    params += (start + 7 * DAY, start + 9 * DAY, 3 * DAY, 1, 0, 0, 0)
    scenario.send(scenario.tenders.functions.announceTender(params), OFFICER)
    tender_id = bidlib.tender_id(OCID)
    members = [scenario.accounts[i] for i in POKJA]
    keys = [scenario.member_keys[i][1] for i in POKJA]
    scenario.send(scenario.tenders.functions.appointPokja(tender_id, members, keys, QUORUM), OFFICER)
    return tender_id


def pause_and_resume(scenario, seconds: int) -> None:
    """The guardian pauses Tenders; `seconds` later the committee's unpause is scheduled through the
    Committee (two agencies) and executed after the hub's delay."""
    tenders = scenario.tenders
    scenario.send(tenders.functions.pause(), GUARDIAN)
    scenario.sleep_until(scenario.now() + seconds)
    committee_act(scenario.w3, scenario.manifest, [(tenders.address, tenders.encode_abi("unpause", []))])
    assert not tenders.functions.paused().call()


def stored(sessions, ocid: str) -> tuple[dict, dict]:
    with sessions() as session:
        return session.get(ExplorerTender, ocid).summary, stored_record(session, ocid)["compiledRelease"]


def test_a_pause_moves_the_deadlines_of_a_tender_in_flight_and_only_those(
    chain_url, manifest, scenario, protocol, sessions
):
    finished = protocol["withheld"]
    tender_id = announce_open_tender(scenario)
    indexer = make_indexer(chain_url, sessions, manifest, projections=[ReadModels(0)])
    run_to_head(indexer)
    before, _ = stored(sessions, OCID)
    finished_before, finished_ocds_before = stored(sessions, finished.ocid)
    assert before["commit_deadline"] == scenario.tender_data(tender_id)["commitDeadline"]

    resumed_from = scenario.w3.eth.block_number
    pause_and_resume(scenario, PAUSE)
    run_to_head(indexer)
    credited = scenario.tenders.events.PauseTimeCredited().get_logs(from_block=resumed_from)
    (paused_for,) = [log["args"]["pausedSeconds"] for log in credited]
    assert paused_for >= PAUSE

    after, compiled = stored(sessions, OCID)
    chain = scenario.tender_data(tender_id)
    assert after["commit_deadline"] == chain["commitDeadline"] == before["commit_deadline"] + paused_for
    assert after["reveal_deadline"] == chain["revealDeadline"] == before["reveal_deadline"] + paused_for
    assert compiled["tender"]["tenderPeriod"]["endDate"] == iso(chain["commitDeadline"])
    assert compiled["tender"]["awardPeriod"]["startDate"] == iso(chain["revealDeadline"])
    assert compiled["tender"]["amendments"][-1]["id"].startswith("pause-")
    with sessions() as session:
        timeline = [step.key for step in queries.tender(session, OCID).steps]
        assert timeline[-2:] == ["pause", "resume"] and not after["paused"]
        assert "pause" not in [step.key for step in queries.tender(session, finished.ocid).steps]

    # A tender final before the pause keeps the deadlines it ran under.
    finished_after, finished_ocds_after = stored(sessions, finished.ocid)
    assert finished_after == finished_before and finished_ocds_after == finished_ocds_before
    assert_read_models_match_the_history(sessions)
