"""TkdnMath: TKDN from cost components, cost-weighted material TKDN, TKDN + BMP with the cap, and
HEA = (1 - KP) * HP with KP = TKDN * preference, with the rounding the NatSpec states (TKDN down,
KP exact, HEA up)."""

import brownie
import pytest
from brownie import TkdnMathHarness, accounts

from tests.contracts.tender_fixtures import error


@pytest.fixture(scope="module")
def math():
    return TkdnMathHarness.deploy({"from": accounts[0]})


def test_hea_worked_example_of_pasal_67(math):
    # HP 1,000,000,000, TKDN 50%, preference 25% -> KP 12.5% -> HEA 875,000,000 (docs/domain.md).
    assert math.kp(5000, 2500) == 12_500_000  # 12.5% in units of 1e-8
    assert math.hea(1_000_000_000, 5000, 2500) == 875_000_000


def test_hea_rounds_up_to_a_whole_rupiah(math):
    # 1,000,001 * (1 - 0.125) = 875,000.875 -> 875,001 (never more preference than the formula).
    assert math.hea(1_000_001, 5000, 2500) == 875_001
    # KP exact to 1e-8: TKDN 33.33% * 25% = 8.3325%; 1,000,000 * 0.916675 = 916,675 exactly.
    assert math.hea(1_000_000, 3333, 2500) == 916_675


def test_hea_without_tkdn_or_preference_is_the_price(math):
    assert math.hea(123_456_789, 0, 2500) == 123_456_789
    assert math.hea(123_456_789, 9000, 0) == 123_456_789


def test_kp_refuses_a_share_above_100_percent(math):
    with brownie.reverts(error("TkdnMathShareTooHigh", 10001)):
        math.kp(10001, 2500)


def test_goods_tkdn_from_cost_components_rounds_down(math):
    # material 600 domestic + 300 foreign, labour 50 + 0, overhead 40 + 10: (690) / 1000 = 69%.
    assert math.goodsTkdnBps((600, 300, 50, 0, 40, 10)) == 6900
    # 2 / 3 = 66.666..% -> 6666 bps (down).
    assert math.goodsTkdnBps((2, 1, 0, 0, 0, 0)) == 6666


def test_goods_tkdn_refuses_zero_cost(math):
    with brownie.reverts(error("TkdnMathZeroCost")):
        math.goodsTkdnBps((0, 0, 0, 0, 0, 0))


def test_material_tkdn_is_cost_weighted(math):
    # 300 at 80% and 700 at 10%: (240 + 70) / 1000 = 31%.
    assert math.materialTkdnBps([300, 700], [8000, 1000]) == 3100
    # 1 at 100% and 2 at 0%: 33.33..% -> 3333 (down).
    assert math.materialTkdnBps([1, 2], [10000, 0]) == 3333


def test_material_tkdn_checks_its_inputs(math):
    with brownie.reverts(error("TkdnMathLengthMismatch", 2, 1)):
        math.materialTkdnBps([1, 2], [100])
    with brownie.reverts(error("TkdnMathShareTooHigh", 10001)):
        math.materialTkdnBps([1], [10001])


def test_bmp_is_capped_and_the_sum_is_at_most_100_percent(math):
    assert math.tkdnPlusBmpBps(3000, 1000, 1500) == 4000
    assert math.tkdnPlusBmpBps(3000, 2500, 1500) == 4500  # BMP counted up to 15%
    assert math.tkdnPlusBmpBps(9500, 1500, 1500) == 10000


@pytest.mark.parametrize(
    "goods, hps, tkdn, expected",
    [
        (True, 1_000_000_001, 2500, True),
        (True, 1_000_000_000, 9000, False),  # HPS must be ABOVE Rp1 miliar
        (True, 5_000_000_000, 2499, False),  # TKDN at least 25%
        (False, 5_000_000_000, 9000, False),  # goods only
    ],
)
def test_preference_applies_only_to_goods_above_threshold_with_min_tkdn(math, goods, hps, tkdn, expected):
    assert math.preferenceApplies(goods, hps, 1_000_000_000, tkdn, 2500) is expected
