"""Quartiles and fences as Cardinal's statistics library computes them."""

import math

from app.redflags.stats import fused_multiply_add, lower_fence, percentile, quantile, upper_fence

DATA = [-1.0, 5.0, 0.0, -3.0, 10.0, -0.5, 4.0, 0.2, 1.0, 6.0]


def test_quantile_is_type_8_with_min_and_max_at_the_ends():
    assert quantile(DATA, 0.0) == -3.0
    assert quantile(DATA, 1.0) == 10.0
    assert quantile(DATA, 0.01) == -3.0
    assert quantile(DATA, 0.99) == 10.0
    assert math.isclose(quantile(DATA, 0.5), 0.6)
    assert quantile(DATA, 0.7) == 137.0 / 30.0


def test_no_data_gives_nan_which_flags_nothing():
    assert math.isnan(quantile([], 0.25))
    assert math.isnan(percentile([1.0], 101))


def test_fences_are_one_and_a_half_interquartile_ranges_beyond_the_quartiles():
    assert lower_fence(1.0, 3.0) == -2.0
    assert upper_fence(1.0, 3.0) == 6.0
    assert upper_fence(0.0, 0.24) == 0.6  # Cardinal's R038 documentation example


def test_fused_multiply_add_rounds_once():
    # 0.1 * 10 - 1 is 0 with two roundings, but 2**-54 exactly.
    assert 0.1 * 10.0 - 1.0 == 0.0
    assert fused_multiply_add(0.1, 10.0, -1.0) == 2.0**-54


def test_fused_multiply_add_overflows_to_infinity_like_ieee():
    assert fused_multiply_add(1e308, 1.5, 1e308) == math.inf
    assert fused_multiply_add(-1e308, 1.5, -1e308) == -math.inf
