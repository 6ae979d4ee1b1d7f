"""T002: one buyer awards the same supplier repeatedly within 365 days."""

from tests.redflags.releases import award, flags, release


def won(ocid, date, supplier="CV-MAJU", buyer="DINAS-PU"):
    return release(ocid, buyer=buyer, awards=[award(supplier, date=date)])


def test_three_awards_within_a_year_flag_buyer_supplier_and_processes():
    result = flags(
        [
            won("A", "2024-01-10T00:00:00+07:00"),
            won("B", "2024-06-01T00:00:00+07:00"),
            won("C", "2024-12-20T00:00:00+07:00"),
        ],
        "[T002]",
    )
    assert result == {
        "OCID": {"A": {"T002": 1.0}, "B": {"T002": 1.0}, "C": {"T002": 1.0}},
        "Buyer": {"DINAS-PU": {"T002": 3.0}},
        "Tenderer": {"CV-MAJU": {"T002": 3.0}},
    }


def test_three_awards_spread_over_more_than_a_year_are_not_flagged():
    dates = ["2023-01-01T00:00:00Z", "2023-09-01T00:00:00Z", "2024-05-01T00:00:00Z"]
    assert flags([won(str(i), date) for i, date in enumerate(dates)], "[T002]") == {}


def test_only_the_processes_in_the_dense_window_are_flagged():
    dates = ["2020-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"]
    result = flags([won(f"P{i}", date) for i, date in enumerate(dates)], "[T002]")
    assert set(result["OCID"]) == {"P1", "P2", "P3"}


def test_awards_from_different_buyers_do_not_add_up():
    releases = [
        won("A", "2024-01-01T00:00:00Z", buyer="DINAS-PU"),
        won("B", "2024-02-01T00:00:00Z", buyer="DINAS-KESEHATAN"),
        won("C", "2024-03-01T00:00:00Z", buyer="DINAS-PENDIDIKAN"),
    ]
    assert flags(releases, "[T002]") == {}


def test_several_lots_of_one_process_count_once():
    process = release(
        "LOTS",
        awards=[award("CV-MAJU", date="2024-01-01T00:00:00Z"), award("CV-MAJU", date="2024-01-02T00:00:00Z")],
    )
    assert flags([process, won("B", "2024-02-01T00:00:00Z")], "[T002]") == {}


def test_window_and_minimum_are_configurable():
    releases = [won("A", "2024-01-01T00:00:00Z"), won("B", "2024-01-20T00:00:00Z")]
    assert flags(releases, "[T002]\ndays = 30\nminimum_awards = 2")["Tenderer"] == {"CV-MAJU": {"T002": 2.0}}
    assert flags(releases, "[T002]\ndays = 10\nminimum_awards = 2") == {}
