"""The OCDS `planning` of a tender announced through the gateway: the procurement plan package (RUP)
it cites, joined from the plan tables (app/plans/models.py) when its releases are built, since the
chain holds only the announcement. budget.id is the RUP code, budget.amount the pagu."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.plans import models


def planning_of(session: Session, ocid: str) -> dict[str, Any] | None:
    # a tender's package, or an e-Katalog order's (app/plans/checks.py checked_order)
    cited = models.tender_plan(session, ocid) or session.get(models.OrderPlan, ocid)
    plan = models.plan(session, cited.kd_rup) if cited is not None else None
    if plan is not None and cited is not None and cited.plan_version_id is not None:
        # the version the announcement was checked against, not a later import's
        plan = session.get(models.PlanVersion, cited.plan_version_id) or plan
    if plan is None:
        return None
    return {
        "rationale": (
            f"Paket RUP {plan.kd_rup} dalam Rencana Umum Pengadaan tahun anggaran {plan.tahun_anggaran} "
            f"(metode {plan.metode}, sumber dana {plan.sumber_dana}) / package {plan.kd_rup} of the "
            f"announced {plan.tahun_anggaran} procurement plan (method {plan.metode}, funded by "
            f"{plan.sumber_dana})"
        ),
        "budget": {
            "id": plan.kd_rup,
            "description": f"Pagu paket / package budget ceiling, {plan.sumber_dana} {plan.tahun_anggaran}",
            "amount": {"amount": plan.pagu, "currency": "IDR"},
            "project": plan.nama_paket,
            "projectID": plan.kd_rup,
        },
    }
