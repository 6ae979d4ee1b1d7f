"""Reading OCDS compiled releases the way Cardinal does: every field is optional and of any type,
so each accessor returns None (or nothing) instead of raising on missing or mistyped data."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

SUBMITTED_EXCLUDED = ("invited", "withdrawn")


def field(value: Any, *path: str) -> Any:
    """`field(release, "tender", "value", "amount")`, or None if any step is missing or not an object."""
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def string(value: Any, *path: str) -> str | None:
    found = field(value, *path)
    return found if isinstance(found, str) else None


def array(value: Any, *path: str) -> list:
    found = field(value, *path)
    return found if isinstance(found, list) else []


def amount(value: Any) -> float | None:
    """A JSON number as a float (booleans are not numbers); non-finite values are skipped, as
    serde_json's `as_f64` does."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def tender(release: Mapping) -> Mapping | None:
    found = release.get("tender")
    return found if isinstance(found, Mapping) else None


def is_cancelled(release: Mapping) -> bool:
    return string(release, "tender", "status") == "cancelled"


def bid_details(release: Mapping) -> list | None:
    """`bids/details` if `bids` is an object and `details` an array, else None."""
    details = field(release, "bids", "details")
    return details if isinstance(details, list) else None


def submitted_bids(release: Mapping) -> list[Mapping]:
    """Bids with a status other than invited or withdrawn: pending, valid and disqualified."""
    return [
        bid
        for bid in bid_details(release) or []
        if isinstance(status := field(bid, "status"), str) and status not in SUBMITTED_EXCLUDED
    ]


def tenderer_ids(bid: Any) -> Iterator[str]:
    for tenderer in array(bid, "tenderers"):
        if isinstance(identifier := field(tenderer, "id"), str):
            yield identifier


def supplier_ids(award: Any) -> Iterator[str]:
    for supplier in array(award, "suppliers"):
        if isinstance(identifier := field(supplier, "id"), str):
            yield identifier


def sole_supplier_id(award: Any) -> str | None:
    """The supplier's id if the award has exactly one supplier (Cardinal's simple case)."""
    suppliers = array(award, "suppliers")
    return string(suppliers[0], "id") if len(suppliers) == 1 else None


def complete_awards_and_bids(release: Mapping) -> tuple[list[Mapping], list] | None:
    """Active awards and all bid details, if every award with a status is final (active, cancelled
    or unsuccessful) and both `awards` and `bids/details` are arrays; None otherwise. Results over
    pending awards would change as the process moves on."""
    awards = release.get("awards")
    details = bid_details(release)
    if not isinstance(awards, list) or details is None:
        return None
    complete = []
    for award in awards:
        status = field(award, "status")
        if not isinstance(status, str):
            continue
        if status == "active":
            complete.append(award)
        elif status not in ("cancelled", "unsuccessful"):
            return None
    return complete, details


def valid_bid_values(details: list) -> Iterator[tuple[str, float, str]]:
    """(tenderer id, amount, currency) for each valid bid from exactly one tenderer with a value."""
    for bid in details:
        tenderers = array(bid, "tenderers")
        if (
            field(bid, "status") == "valid"
            and len(tenderers) == 1
            and isinstance(tenderer_id := field(tenderers[0], "id"), str)
            and isinstance(currency := field(bid, "value", "currency"), str)
            and (value := amount(field(bid, "value", "amount"))) is not None
        ):
            yield tenderer_id, value, currency


def matches_procurement_method(tender_: Mapping, methods: frozenset[str]) -> bool:
    """No filter matches everything; with a filter, `procurementMethod` must be set and listed."""
    if not methods:
        return True
    method = tender_.get("procurementMethod")
    return isinstance(method, str) and method in methods


def matches_procurement_method_details(
    release: Mapping, include: frozenset[str], exclude: frozenset[str]
) -> bool:
    """An allow list (if non-empty) needs `procurementMethodDetails` set and listed; a deny list
    drops only listed values."""
    details = string(release, "tender", "procurementMethodDetails")
    if details is None:
        return not include
    if include:
        return details in include
    return details not in exclude


# RFC 3339 date-time, as chrono's `parse_from_rfc3339` accepts it.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)


def instant(value: Any) -> int | None:
    """An RFC 3339 date-time as nanoseconds since 0001-01-01 UTC, or None if not one. Integers keep
    day arithmetic exact (no float rounding, sub-microsecond digits kept)."""
    if not isinstance(value, str) or not (match := _RFC3339.fullmatch(value)):
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    fraction, zulu, sign, offset_hours, offset_minutes = match.group(7, 8, 9, 10, 11)
    if hour > 23 or minute > 59 or second > 60:
        return None
    try:
        ordinal = date(year, month, day).toordinal()
    except ValueError:
        return None
    offset = 0
    if not zulu:
        if int(offset_hours) > 23 or int(offset_minutes) > 59:
            return None
        offset = (int(offset_hours) * 3600 + int(offset_minutes) * 60) * (1 if sign == "+" else -1)
    seconds = ordinal * 86_400 + hour * 3600 + minute * 60 + second - offset
    nanoseconds = int((fraction or "0")[:9].ljust(9, "0"))
    return seconds * 1_000_000_000 + nanoseconds


NANOSECONDS_PER_DAY = 86_400 * 1_000_000_000


def whole_days(start: int, end: int) -> int:
    """Whole days from start to end, truncated toward zero (chrono's `num_days`)."""
    span = end - start
    days = abs(span) // NANOSECONDS_PER_DAY
    return days if span >= 0 else -days
