"""T004: awards just under the direct-purchase threshold (Rp200 million) to one supplier."""

from tests.redflags.releases import award, flags, release

JUST_UNDER = 195_000_000


def awarded(ocid, amount, date, supplier="CV-MAJU", buyer="DINAS-PU"):
    return release(ocid, buyer=buyer, awards=[award(supplier, amount, date)])


def test_two_awards_just_under_the_threshold_within_90_days_are_flagged():
    result = flags(
        [
            awarded("PL-1", JUST_UNDER, "2024-03-01T09:00:00+07:00"),
            awarded("PL-2", 199_000_000, "2024-04-15T09:00:00+07:00"),
        ],
        "[T004]",
    )
    assert result == {
        "OCID": {"PL-1": {"T004": 1.0}, "PL-2": {"T004": 1.0}},
        "Buyer": {"DINAS-PU": {"T004": 2.0}},
        "Tenderer": {"CV-MAJU": {"T004": 2.0}},
    }


def test_awards_at_or_above_the_threshold_do_not_count():
    releases = [
        awarded("A", 200_000_000, "2024-03-01T00:00:00Z"),
        awarded("B", JUST_UNDER, "2024-03-02T00:00:00Z"),
    ]
    assert flags(releases, "[T004]") == {}


def test_awards_well_under_the_threshold_do_not_count():
    releases = [
        awarded("A", 50_000_000, "2024-03-01T00:00:00Z"),
        awarded("B", 60_000_000, "2024-03-02T00:00:00Z"),
    ]
    assert flags(releases, "[T004]") == {}


def test_awards_far_apart_in_time_are_not_splitting():
    releases = [
        awarded("A", JUST_UNDER, "2024-01-01T00:00:00Z"),
        awarded("B", JUST_UNDER, "2024-06-01T00:00:00Z"),
    ]
    assert flags(releases, "[T004]") == {}


def test_awards_to_different_suppliers_are_not_splitting():
    releases = [
        awarded("A", JUST_UNDER, "2024-03-01T00:00:00Z", supplier="CV-MAJU"),
        awarded("B", JUST_UNDER, "2024-03-02T00:00:00Z", supplier="CV-JAYA"),
    ]
    assert flags(releases, "[T004]") == {}


def test_other_currencies_are_ignored():
    releases = [
        awarded("A", JUST_UNDER, "2024-03-01T00:00:00Z"),
        awarded("B", JUST_UNDER, "2024-03-02T00:00:00Z"),
    ]
    for process in releases:
        process["awards"][0]["value"]["currency"] = "USD"
    assert flags(releases, "[T004]") == {}


def test_threshold_currency_margin_and_window_are_configurable():
    releases = [awarded("A", 95_000, "2024-03-01T00:00:00Z"), awarded("B", 96_000, "2024-05-01T00:00:00Z")]
    for process in releases:
        process["awards"][0]["value"]["currency"] = "USD"
    settings = "[T004]\nthreshold = 100000\ncurrency = USD\nmargin = 0.05\ndays = 90"
    assert flags(releases, settings)["Tenderer"] == {"CV-MAJU": {"T004": 2.0}}
    assert flags(releases, settings.replace("days = 90", "days = 30")) == {}
