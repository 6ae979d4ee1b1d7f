"""Procurement plans for the stories that announce tenders through the gateway: since the gateway
checks every announcement against its RUP package (app/plans/checks.py), a story first imports a
package that fits its announcement, as LKPP's data officer (dev:1, deploy/local.yaml) would from
SIRUP: anchored on chain with the officer's own key, then stored with its history."""

from __future__ import annotations

import hashlib
import json

from app.ledger.signers import officer_signer
from app.plans import anchoring, importing

DATA_OFFICER_INDEX = 1  # deploy/local.yaml: DATA_OFFICER is held by dev:1, LKPP's official


def rup_code(ocid: str) -> str:
    """A kd_rup of its own for each ocid (SIRUP's codes are numbers; any short code will do here)."""
    return "T" + hashlib.sha256(ocid.encode()).hexdigest()[:20]


def plan_row(body: dict, **overrides) -> dict:
    """A SIRUP row that fits the announcement `body`: its agency, its method, a pagu of its HPS."""
    return {
        "kd_rup": body.get("rupCode") or rup_code(body["ocid"]),
        "kd_satker": f"S{body['agencyId']}",
        "agency_id": body["agencyId"],
        "nama_paket": body.get("title", "Paket uji")[:500],
        "pagu": body["hps"],
        "sumber_dana": "APBN",
        "metode": importing.sirup_method(int(body.get("method", 0))),
        "tahun_anggaran": 2026,
        "status_umumkan_rup": True,
        "status_pdn": bool(body.get("domesticOnly", False)),
        "status_ukm": bool(body.get("umkmReserved", False)),
        **overrides,
    }


def import_plan(app, rows: list[dict]) -> int:
    """Imports `rows` (one agency's) into the gateway `app` as the data officer does through POST
    /plans/imports: anchored on the app's chain, then stored. Returns the import's id."""
    text = json.dumps(rows)
    parsed = importing.parse(text)
    chain = app.state.chain
    officer = app.state.signers.get(officer_signer(chain.web3.eth.accounts[DATA_OFFICER_INDEX]))
    sha = anchoring.sha256_text(text)
    prepared = anchoring.prepare(parsed, parsed[0].agency_id, sha)
    anchored = anchoring.anchor(chain, officer, prepared)
    with app.state.sessions.begin() as session:
        done = anchoring.store(
            session,
            prepared,
            anchored,
            agency_id=parsed[0].agency_id,
            file_sha256=sha,
            imported_by="lkpp-data",
            officer=officer.address,
        )
        return done.id


def planned(client, body: dict, **overrides) -> dict:
    """`body` with the rupCode of a package imported for it into the gateway behind `client` (a
    TestClient of the app, or the app itself)."""
    app = getattr(client, "app", client)
    row = plan_row(body, **overrides)
    import_plan(app, [row])
    return {**body, "rupCode": row["kd_rup"]}


def import_request(body: dict, **overrides) -> dict:
    """The POST /plans/imports body of a package for `body` (for a gateway in its own process)."""
    return {"agencyId": body["agencyId"], "file": json.dumps([plan_row(body, **overrides)])}


def with_rup(body: dict) -> dict:
    return {**body, "rupCode": body.get("rupCode") or rup_code(body["ocid"])}
