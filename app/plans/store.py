"""Writing an imported plan's current packages: every row of the file in one transaction, a package
already known replaced by the newer extract (SIRUP revises a package under the same kd_rup) and
pointing at the version that brought it (its history: app/plans/anchoring.py store)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.db.upsert import upsert
from app.plans.importing import PlanRow
from app.plans.models import ProcurementPlan


def save(session: Session, rows: list[PlanRow], versions: dict[str, int]) -> int:
    columns = [{**row.as_columns(), "version_id": versions[row.kd_rup]} for row in rows]
    for start in range(0, len(columns), 500):
        batch = columns[start : start + 500]
        upsert(session, ProcurementPlan, batch, ["kd_rup"], update=[c for c in batch[0] if c != "kd_rup"])
    return len(rows)
