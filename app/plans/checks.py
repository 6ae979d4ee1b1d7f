"""The gateway's check of a tender announcement against the procurement plan (Perpres 16/2018: a
package is tendered only once it is in the announced RUP, within its pagu, by its planned method,
by its own agency). The chain does not hold the plan: this check is the gateway's, run before the
announcement is relayed (docs/decisions/0042-plans-and-supplier-data.md).

Rules, each refused with its stable code:
- rup_unknown: no imported package has the code;
- rup_not_anchored: the package came by no anchored import (fail closed: a row written straight
  into the database, by migration 0024 or by hand, is never checked against);
- rup_not_announced: the package is not announced in SIRUP (status_umumkan_rup);
- rup_other_agency: the package belongs to another agency than the tender's;
- rup_method_mismatch: the tender's method is not the plan's (a plan for E-Purchasing or Pengadaan
  Langsung allows no tender at all);
- hps_above_pagu: the HPS exceeds the pagu. One package is cited by one live tender at a time
  (next rule), so the pagu bounds that tender's HPS alone;
- rup_already_cited: another tender cites the package and is live: announced and not cancelled or
  failed, or accepted by the gateway less than PENDING_SECONDS ago and not seen on chain yet.

The check reads the package's current version (the anchored import's row, app/plans/anchoring.py),
and the reservation keeps that version's id: a pagu raised by a later import never changes the
version an announced tender was checked against.

E-Katalog orders (app/catalogue/routes.py) cite a package too (`checked_order`): the same first four
rules, a plan method of E-Purchasing (rup_not_e_purchasing), the order's value within the pagu
(order_above_pagu) and, with the package's other orders, within what is left of it
(rup_pagu_exhausted). An order package may hold several orders.

The check and the reservation (tender or order -> package) are one transaction on the package's row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.errors import ApiError
from app.db.models import utcnow
from app.plans.errors import register_titles
from app.plans.importing import tender_method
from app.plans.models import OrderPlan, PlanVersion, ProcurementPlan, TenderPlan, citing, ordering

PENDING_SECONDS = 900  # an accepted announcement not seen on chain within this is taken as never sent
ENDED = {"cancelled", "failed"}
MAX_STORED = 2**63 - 1  # a BIGINT column's largest value
register_titles()


def _live(other: TenderPlan, status_of: Callable[[str], str]) -> bool:
    status = status_of(other.ocid)
    if status in ENDED:
        return False
    if status == "none":  # accepted by the gateway, not (yet) on chain
        reserved = (
            other.reserved_at
            if other.reserved_at.tzinfo
            else other.reserved_at.replace(tzinfo=utcnow().tzinfo)
        )
        return utcnow() - reserved < timedelta(seconds=PENDING_SECONDS)
    return True


E_PURCHASING = "e-purchasing"


def current_version(session: Session, kd_rup: str, agency_id: int) -> PlanVersion:
    """The package's current version, its row locked; the rules every citation shares."""
    plan = session.execute(
        select(ProcurementPlan).where(ProcurementPlan.kd_rup == kd_rup).with_for_update()
    ).scalar_one_or_none()
    if plan is None:
        raise ApiError(422, "rup_unknown", detail=f"no procurement plan package (RUP) {kd_rup}")
    version = session.get(PlanVersion, plan.version_id) if plan.version_id is not None else None
    if version is None or version.kd_rup != kd_rup:
        raise ApiError(422, "rup_not_anchored", detail=f"RUP {kd_rup} came by no import anchored on chain")
    if not version.announced:
        raise ApiError(422, "rup_not_announced", detail=f"RUP {kd_rup} is not announced in SIRUP")
    if version.agency_id != agency_id:
        raise ApiError(
            403,
            "rup_other_agency",
            detail=f"RUP {kd_rup} belongs to agency {version.agency_id}, not {agency_id}",
        )
    return version


def checked_order(session: Session, *, ocid: str, kd_rup: str, agency_id: int, value: int) -> PlanVersion:
    """The package an e-Katalog order of `value` rupiah cites, if it fits; else the ApiError."""
    version = current_version(session, kd_rup, agency_id)
    if " ".join(version.metode.lower().split()) != E_PURCHASING:
        raise ApiError(
            422,
            "rup_not_e_purchasing",
            detail=f"RUP {kd_rup} plans {version.metode!r}, not E-Purchasing",
        )
    if value > version.pagu:
        raise ApiError(
            422,
            "order_above_pagu",
            detail=f"order value {value} is above the pagu {version.pagu} of RUP {kd_rup}",
        )
    used = sum(o.value for o in ordering(session, kd_rup) if o.ocid != ocid)
    if used + value > version.pagu:
        raise ApiError(
            409,
            "rup_pagu_exhausted",
            detail=f"RUP {kd_rup}: {used} of its pagu {version.pagu} is ordered; {value} more is too much",
        )
    return version


def reserve_order(session: Session, *, ocid: str, version: PlanVersion, value: int) -> None:
    """Records the order against its package (the same ocid again replaces its own reservation)."""
    row = session.get(OrderPlan, ocid)
    if row is None:
        session.add(
            OrderPlan(
                ocid=ocid,
                kd_rup=version.kd_rup,
                agency_id=version.agency_id,
                plan_version_id=version.id,
                value=value,
            )
        )
        return
    row.kd_rup, row.agency_id, row.plan_version_id, row.value = (
        version.kd_rup,
        version.agency_id,
        version.id,
        value,
    )
    row.reserved_at = utcnow()


def checked_plan(
    session: Session,
    *,
    ocid: str,
    kd_rup: str,
    agency_id: int,
    hps: int,
    method: str,
    status_of: Callable[[str], str],
) -> PlanVersion:
    """The package `kd_rup`'s current version if the announcement fits it, else the ApiError of the
    first rule broken. `status_of(ocid)` is a tender's status word on chain ("none" for a tender the
    chain lacks)."""
    plan = current_version(session, kd_rup, agency_id)
    planned = tender_method(plan.metode)
    if planned != method:
        raise ApiError(
            422,
            "rup_method_mismatch",
            detail=f"RUP {kd_rup} plans {plan.metode!r}"
            + (f" (tender method {planned})" if planned else ", which is not a tender")
            + f", not {method}",
        )
    if hps > plan.pagu:
        raise ApiError(
            422, "hps_above_pagu", detail=f"HPS {hps} is above the pagu {plan.pagu} of RUP {kd_rup}"
        )
    for other in citing(session, kd_rup):
        if other.ocid != ocid and _live(other, status_of):
            raise ApiError(409, "rup_already_cited", detail=f"RUP {kd_rup} is cited by tender {other.ocid}")
    return plan


def reserve(
    session: Session,
    *,
    ocid: str,
    kd_rup: str,
    agency_id: int,
    hps: int,
    qualification: str | None,
    status_of: Callable[[str], str],
    version_id: int | None = None,
) -> None:
    """Records that `ocid` cites `kd_rup`, replacing what an earlier attempt of the same ocid stored
    only while the chain has no such tender: announcing an existing ocid again (refused on chain,
    TenderAlreadyExists) never changes the package or the qualification its tender holds."""
    hps = min(hps, MAX_STORED)  # above a pagu's range only with the check off (local or test)
    row = session.get(TenderPlan, ocid)
    if row is None:
        session.add(
            TenderPlan(
                ocid=ocid,
                kd_rup=kd_rup,
                agency_id=agency_id,
                hps=hps,
                qualification=qualification,
                plan_version_id=version_id,
            )
        )
        return
    if status_of(ocid) != "none":
        return
    row.kd_rup, row.agency_id, row.hps, row.qualification = kd_rup, agency_id, hps, qualification
    row.plan_version_id = version_id
    row.reserved_at = utcnow()
