"""T005 and T006: bids their own bidders did not open (opened by the Pokja quorum from the envelope,
or by nobody), read from Terang's OCDS extension (`bids/details/openedBy`)."""

from app.redflags import default_settings, evaluate
from tests.redflags.releases import award, bid, flags, release


def opened(tenderer, amount, by="tenderer", status="valid"):
    return {**bid(tenderer, amount, status), "openedBy": by}


def unopened(tenderer):
    """A bid nobody could open: no price, out of the evaluation, its bond claimed."""
    return {"status": "withdrawn", "tenderers": [{"id": tenderer}], "openedBy": "nobody"}


# -- T005 -----------------------------------------------------------------------------------------
def test_a_withheld_bid_lower_than_every_bid_opened_by_its_bidder_is_flagged():
    ladder = release(
        "T1",
        bids=[
            opened("CV-A", 950),
            opened("CV-B", 900, by="pokjaQuorum"),  # the lower rung, meant to stay shut
            opened("CV-C", 980),
        ],
        awards=[award("CV-B", 900)],
    )
    assert flags([ladder], "[T005]") == {"OCID": {"T1": {"T005": 1.0}}, "Tenderer": {"CV-B": {"T005": 1.0}}}


def test_a_withheld_bid_above_an_opened_one_is_only_a_late_bidder():
    late = release("T1", bids=[opened("CV-A", 900), opened("CV-B", 950, by="pokjaQuorum")])
    assert flags([late], "[T005]") == {}


def test_a_disqualified_opened_bid_still_counts_as_a_price_to_compare():
    gugur = release(
        "T1",
        bids=[opened("CV-A", 850, status="disqualified"), opened("CV-B", 900, by="pokjaQuorum")],
    )
    assert flags([gugur], "[T005]") == {}


def test_without_a_bid_opened_by_its_bidder_there_is_nothing_to_compare():
    alone = release("T1", bids=[opened("CV-B", 900, by="pokjaQuorum"), unopened("CV-C")])
    assert flags([alone], "[T005]") == {}


def test_each_process_counts_once_per_withholder():
    releases = [
        release("T1", bids=[opened("CV-A", 950), opened("CV-B", 900, by="pokjaQuorum")]),
        release("T2", bids=[opened("CV-A", 950), opened("CV-B", 940, by="pokjaQuorum")]),
    ]
    assert flags(releases, "[T005]")["Tenderer"] == {"CV-B": {"T005": 2.0}}


def test_releases_without_opened_by_flag_nothing():
    other_publisher = release("T1", bids=[bid("CV-A", 950), bid("CV-B", 900)])
    assert flags([other_publisher], "[T005]\n[T006]") == {}


# -- T006 -----------------------------------------------------------------------------------------
def test_a_tenderer_that_keeps_leaving_its_bid_unopened_is_flagged_with_those_processes():
    releases = [
        release("T1", bids=[opened("CV-A", 950), opened("CV-X", 900, by="pokjaQuorum")]),
        release("T2", bids=[opened("CV-A", 950), unopened("CV-X")]),
        release("T3", bids=[opened("CV-A", 950), opened("CV-X", 990)]),
    ]
    assert flags(releases, "[T006]") == {
        "OCID": {"T1": {"T006": 1.0}, "T2": {"T006": 1.0}},
        "Tenderer": {"CV-X": {"T006": 2.0}},
    }


def test_once_is_not_a_habit_and_a_share_below_the_minimum_is_not_either():
    once = [release("T1", bids=[opened("CV-A", 950), unopened("CV-X")])]
    assert flags(once, "[T006]") == {}
    rarely = [release(f"T{i}", bids=[opened("CV-X", 900)]) for i in range(4)] + [
        release("T8", bids=[unopened("CV-X")]),
        release("T9", bids=[unopened("CV-X")]),
    ]
    assert flags(rarely, "[T006]") == {}  # 2 of 6
    assert "Tenderer" in flags(rarely, "[T006]\nminimum_share = 0.3")


def test_several_bids_left_unopened_in_one_process_are_a_group_withholding_together():
    group = release(
        "T1",
        bids=[
            opened("CV-A", 990),
            opened("CV-B", 900, by="pokjaQuorum"),
            unopened("CV-C"),
            unopened("CV-D"),
        ],
    )
    assert flags([group], "[T006]") == {"OCID": {"T1": {"T006": 3.0}}}
    assert flags([group], "[T006]\nminimum_per_process = 4") == {}


def test_both_run_by_default():
    releases = [
        release("T1", bids=[opened("CV-A", 950), opened("CV-X", 900, by="pokjaQuorum")]),
        release("T2", bids=[opened("CV-A", 950), opened("CV-X", 920, by="pokjaQuorum")]),
    ]
    tenderer = evaluate(releases, default_settings()).as_dict()["Tenderer"]["CV-X"]
    assert tenderer["T005"] == 2.0 and tenderer["T006"] == 2.0
