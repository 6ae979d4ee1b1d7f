"""T001: the winning bid within 1% of the HPS."""

from tests.redflags.releases import award, bid, flags, release

HPS = 1_000_000_000


def tender_won_at(amount, ocid="HPS-1", winner="CV-MAJU", hps=HPS):
    return release(
        ocid,
        hps=hps,
        bids=[bid(winner, amount), bid("PT-LAIN", hps * 0.999)],
        awards=[award(winner, amount)],
    )


def test_winning_bid_within_one_percent_of_hps_is_flagged_with_its_ratio():
    result = flags([tender_won_at(995_000_000)], "[T001]")
    assert result["OCID"] == {"HPS-1": {"T001": 0.995}}


def test_winner_is_flagged_with_the_number_of_such_processes_won():
    result = flags([tender_won_at(995_000_000, "HPS-1"), tender_won_at(999_000_000, "HPS-2")], "[T001]")
    assert result["Tenderer"] == {"CV-MAJU": {"T001": 2.0}}


def test_winning_bid_two_percent_below_hps_is_not_flagged():
    assert flags([tender_won_at(980_000_000)], "[T001]") == {}


def test_exactly_one_percent_below_hps_is_still_within():
    assert "OCID" in flags([tender_won_at(990_000_000)], "[T001]")


def test_threshold_is_configurable():
    assert flags([tender_won_at(980_000_000)], "[T001]\nthreshold = 0.025") != {}


def test_award_value_is_used_when_there_are_no_bids():
    process = release("HPS-1", hps=HPS, awards=[award("CV-MAJU", 996_000_000)])
    assert flags([process], "[T001]")["OCID"] == {"HPS-1": {"T001": 0.996}}


def test_process_without_hps_is_not_flagged():
    process = release("HPS-1", bids=[bid("CV-MAJU", 100)], awards=[award("CV-MAJU", 100)])
    assert flags([process], "[T001]") == {}


def test_pending_award_is_not_judged_yet():
    process = tender_won_at(995_000_000)
    process["awards"].append(award("PT-LAIN", status="pending"))
    assert flags([process], "[T001]") == {}


def test_predetermined_price_procedures_are_skipped():
    process = tender_won_at(995_000_000)
    process["tender"]["procurementMethodDetails"] = "E-Purchasing"
    settings = "no_price_comparison_procurement_methods = E-Purchasing\n[T001]"
    assert flags([process], settings) == {}
