"""The pilot's procurement plan: before the PPK announces a tender, LKPP's data officer imports the
package from the agency's SIRUP extract (POST /plans/imports, anchored on chain; never the PPK itself)
and the announcement cites it by its RUP code; the gateway refuses a tender outside the plan
(app/plans/checks.py)."""

from __future__ import annotations

import hashlib
import json

from app.plans.importing import sirup_method
from toolchain.pilot.api import Gateway


def rup_code(ocid: str) -> str:
    """An 8-digit kd_rup of the pilot's own for each ocid (SIRUP's codes are numbers)."""
    return str(50_000_000 + int(hashlib.sha256(ocid.encode()).hexdigest(), 16) % 10_000_000)


def announce_planned(api: Gateway, body: dict, auth: dict, pagu: int, satker: str = "690123") -> dict:
    """Imports the package the tender `body` belongs to (pagu `pagu`), then announces it."""
    code = rup_code(body["ocid"])
    row = {
        "kd_rup": code,
        "kd_satker": satker,
        "nama_paket": body["title"],
        "pagu": pagu,
        "sumber_dana": "APBN",
        "metode": sirup_method(int(body.get("method", 0))),
        "tahun_anggaran": 2026,
        "status_umumkan_rup": True,
        "status_pdn": True,
        "status_ukm": bool(body.get("umkmReserved", False)),
    }
    data_officer = api.token("DATA_OFFICER", sub="lkpp-data")
    api.post("/plans/imports", {"agencyId": body["agencyId"], "file": json.dumps([row])}, data_officer)
    return api.post("/tenders", {**body, "rupCode": code}, auth)
