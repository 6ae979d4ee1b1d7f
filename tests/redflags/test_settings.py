"""Cardinal's settings format, and one-line errors for settings mistakes."""

from pathlib import Path

import pytest

from app.redflags import SettingsError, read_settings, read_settings_text
from app.redflags.indicators import SCHEMAS

EXAMPLE = Path(__file__).resolve().parents[2] / "app" / "redflags" / "settings.example.ini"


def test_global_keys_exclusions_sections_and_sub_sections():
    settings = read_settings_text(
        "; comment\n"
        "currency = IDR\n"
        "no_price_comparison_procurement_methods = E-Purchasing|Swakelola\n"
        "[exclusions]\n"
        "procurement_method_details = Dikecualikan\n"
        "[R003]\n"
        "threshold = 10 # inline comment\n"
        "[R003.procurement_method_details]\n"
        "Tender Cepat = 5\n"
        "[R024]\n"
    )
    assert settings.currency == "IDR"
    assert settings.no_price_comparison_procurement_methods == "E-Purchasing|Swakelola"
    assert settings.excluded_procurement_method_details == {"Dikecualikan"}
    assert settings.indicators == {
        "R003": {"threshold": 10, "procurement_method_details": {"Tender Cepat": 5}},
        "R024": {},
    }


def test_only_listed_indicators_are_enabled():
    assert set(read_settings_text("[R018]\n[T001]").indicators) == {"R018", "T001"}


def test_sections_of_cardinals_prepare_command_are_accepted_and_ignored():
    assert read_settings_text("[defaults]\ncurrency = IDR\n[R018]").indicators == {"R018": {}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[R003]\nthreshold = fifteen", "<settings>:2: [R003] threshold = 'fifteen': expected an integer"),
        ("[R024]\nthreshold = 5%", "<settings>:2: [R024] threshold = '5%': expected a decimal number"),
        ("[R038]\nminimum_submitted_bids = -1", "expected a natural number"),
        ("[T002]\nminimum_awards = 1", "expected a natural number of at least 2"),
        ("[T004]\nmargin = 1.5", "expected a decimal from 0 up to (not including) 1"),
        ("[R003]\ntreshold = 10", "<settings>:2: unknown key 'treshold' in [R003]"),
        ("[R999]", "<settings>:1: unknown section [R999]"),
        ("[R003.nonsense]\na = 1", "<settings>:1: unknown sub-section [R003.nonsense]"),
        ("[R003\n", "<settings>:1: malformed section header"),
        ("[R003]\njust words", "<settings>:2: expected 'key = value'"),
        ("mystery = 1", "unknown key 'mystery' in the global section"),
    ],
)
def test_mistakes_are_reported_with_their_line(content, message):
    with pytest.raises(SettingsError) as raised:
        read_settings_text(content)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_example_settings_file_enables_every_indicator():
    assert set(read_settings(EXAMPLE).indicators) == set(SCHEMAS)
