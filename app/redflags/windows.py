"""Bursts of events in time: how many fall within one window of a given length."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Burst:
    largest: int = 0  # most events within any one window
    keys: list[str] = field(default_factory=list)  # keys of events in a window with >= minimum events


def find_bursts(events: Iterable[tuple[int, str]], span: int, minimum: int) -> Burst:
    """`events` are (instant, key); a window holds events at most `span` apart (same unit)."""
    ordered = sorted(events)
    burst = Burst()
    start = 0
    marked = 0  # events before this index are already in burst.keys
    for end, (instant, _) in enumerate(ordered):
        while instant - ordered[start][0] > span:
            start += 1
        count = end - start + 1
        burst.largest = max(burst.largest, count)
        if count >= minimum:
            burst.keys.extend(key for _, key in ordered[max(start, marked) : end + 1])
            marked = end + 1
    return burst
