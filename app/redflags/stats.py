"""Order statistics as Cardinal computes them (statrs 0.16), so that fences match to the last bit."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from fractions import Fraction

NAN = float("nan")


def quantile(values: Iterable[float], tau: float) -> float:
    """Sample quantile, Hyndman & Fan type 8 (approximately median-unbiased), as statrs's
    `Data::quantile`; NaN for no data or tau outside [0, 1]."""
    data = sorted(values)
    n = len(data)
    if not 0.0 <= tau <= 1.0 or n == 0:
        return NAN
    h = (n + 1.0 / 3.0) * tau + 1.0 / 3.0
    index = int(h)
    if index <= 0 or tau == 0.0:
        return data[0]
    if index >= n or abs(tau - 1.0) <= 4 * sys.float_info.epsilon:
        return data[-1]
    low, high = data[index - 1], data[index]
    return low + (h - index) * (high - low)


def percentile(values: Iterable[float], p: int) -> float:
    return quantile(values, p / 100.0)


def fused_multiply_add(a: float, b: float, c: float) -> float:
    """a * b + c with one rounding, like Rust's `mul_add` (math.fma arrives only in Python 3.13)."""
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(c)):
        return a * b + c
    exact = Fraction(a) * Fraction(b) + Fraction(c)
    try:
        return float(exact)
    except OverflowError:  # beyond the largest float: IEEE rounds to infinity
        return math.inf if exact > 0 else -math.inf


def quartiles(values: Iterable[float]) -> tuple[float, float]:
    data = list(values)
    return quantile(data, 0.25), quantile(data, 0.75)


def lower_fence(q1: float, q3: float) -> float:
    """Q1 - 1.5 IQR."""
    return fused_multiply_add(q3 - q1, -1.5, q1)


def upper_fence(q1: float, q3: float) -> float:
    """Q3 + 1.5 IQR."""
    return fused_multiply_add(q3 - q1, 1.5, q3)
