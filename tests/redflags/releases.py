"""Small OCDS compiled releases for readable tests: only the fields the indicators read."""

from __future__ import annotations

from typing import Any

from app.redflags import evaluate, read_settings_text


def release(
    ocid: str,
    *,
    buyer: str | None = "DINAS-PU",
    hps: float | None = None,
    bids: list[dict] | None = None,
    awards: list[dict] | None = None,
    **tender: Any,
) -> dict:
    data: dict[str, Any] = {"ocid": ocid, "tender": dict(tender)}
    if buyer is not None:
        data["buyer"] = {"id": buyer}
    if hps is not None:
        data["tender"]["value"] = {"amount": hps, "currency": "IDR"}
    if bids is not None:
        data["bids"] = {"details": bids}
    if awards is not None:
        data["awards"] = awards
    return data


def bid(tenderer: str, amount: float | None = None, status: str = "valid") -> dict:
    data: dict[str, Any] = {"status": status, "tenderers": [{"id": tenderer}]}
    if amount is not None:
        data["value"] = {"amount": amount, "currency": "IDR"}
    return data


def award(
    supplier: str, amount: float | None = None, date: str | None = None, status: str = "active"
) -> dict:
    data: dict[str, Any] = {"status": status, "suppliers": [{"id": supplier}]}
    if amount is not None:
        data["value"] = {"amount": amount, "currency": "IDR"}
    if date is not None:
        data["date"] = date
    return data


def flags(releases: list[dict], settings: str) -> dict:
    """Results of the indicators enabled in `settings` (INI text)."""
    return evaluate(releases, read_settings_text(settings)).as_dict()
