"""Procurement plans: a data officer (DATA_OFFICER, LKPP's SIRUP data) imports an agency's SIRUP
extract (POST /plans/imports; the operator's way is `terang plans import`, app/plans/cli.py), never the
agency officer who announces against it. Each import is anchored on chain before it is stored
(app/plans/anchoring.py) and keeps every package's earlier versions. Anyone reads a package with its
history and the tenders and orders citing it (GET /plans/{kd_rup}). The plan is checked at each
announcement and order (app/plans/checks.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from app.api.deps import ChainDep, ReadSessionsDep, SessionsDep, SignersDep, require_roles
from app.api.errors import ApiError
from app.auth.tokens import Principal
from app.ledger.errors import SignerUnavailable
from app.ledger.signers import officer_signer
from app.officials.keys import directory_agency
from app.plans import anchoring, importing, models
from app.plans.errors import register_titles
from app.plans.schemas import PlanImport, PlanImported, ProcurementPlanRecord

register_titles()
router = APIRouter(prefix="/plans", tags=["plans"])
DataOfficer = Annotated[Principal, Depends(require_roles("DATA_OFFICER"))]
RupCode = Annotated[str, Path(pattern=r"^[0-9A-Za-z.\-]{1,32}$", description="kd_rup", examples=["52001001"])]


def data_officer_key(chain, signers, principal: Principal, agency_id: int):
    """The data officer's own key, refused to one who also announces: a token holding AGENCY_OFFICER,
    or an official the directory holds for the agency whose plan it is."""
    if "AGENCY_OFFICER" in principal.roles:
        raise ApiError(
            403,
            "plan_import_by_agency_officer",
            detail="an agency officer announces against the plan and never imports it",
        )
    if principal.officer is None:
        raise ApiError(403, "officer_claim_missing", detail="the token must name the data officer's account")
    if directory_agency(chain, principal.officer) == agency_id:
        raise ApiError(
            403,
            "plan_import_by_agency_officer",
            detail=f"{principal.officer} is an official of agency {agency_id}, whose plan this is",
        )
    try:
        return signers.get(officer_signer(principal.officer))
    except (SignerUnavailable, OSError, ValueError):
        raise ApiError(
            403,
            "officer_key_unavailable",
            detail=f"the gateway holds no key for data officer {principal.officer}",
        ) from None


@router.post(
    "/imports",
    status_code=201,
    response_model=PlanImported,
    summary="Import an agency's procurement plan packages (RUP) from a SIRUP extract (data officer)",
)
def import_procurement_plans(
    body: PlanImport, principal: DataOfficer, chain: ChainDep, signers: SignersDep, sessions: SessionsDep
):
    officer = data_officer_key(chain, signers, principal, body.agencyId)
    try:
        rows = importing.parse(body.file, body.agencyId)
    except importing.ImportError_ as exc:
        raise ApiError(422, "plan_file_invalid", detail=str(exc)) from None
    with sessions() as session:
        for row in rows:
            known = models.plan(session, row.kd_rup)
            # one extract per agency: no row of another, and no package taken over from another
            for agency in {row.agency_id, known.agency_id if known else row.agency_id}:
                if agency != body.agencyId:
                    raise ApiError(
                        403, "rup_other_agency", detail=f"RUP {row.kd_rup} belongs to agency {agency}"
                    )
    sha = anchoring.sha256_text(body.file)
    with sessions() as session:
        earlier = anchoring.in_force(session, body.agencyId, sha)
        if earlier is not None:  # the same file again (a lost answer): nothing anchored twice
            return answer(earlier, [r.kd_rup for r in rows])
    prepared = anchoring.prepare(rows, body.agencyId, sha)
    try:
        anchored = anchoring.anchor(chain, officer, prepared)
    except anchoring.PlanAnchorError as exc:
        if "AccessManagedUnauthorized" in str(exc):
            raise ApiError(403, "not_data_officer", detail=str(exc)) from None
        raise ApiError(503, "plan_anchor_failed", detail=str(exc)) from None
    with sessions.begin() as session:
        plan_import = anchoring.store(
            session,
            prepared,
            anchored,
            agency_id=body.agencyId,
            file_sha256=sha,
            imported_by=principal.subject,
            officer=officer.address,
        )
        return answer(plan_import, [r.kd_rup for r in rows])


def answer(plan_import: models.PlanImport, codes: list[str]) -> dict:
    return {
        "agencyId": plan_import.agency_id,
        "imported": plan_import.record_count,
        "rupCodes": codes,
        "importId": plan_import.id,
        "archiveId": plan_import.chain_archive_id,
        "root": plan_import.root,
        "transaction": plan_import.transaction,
    }


@router.get("/{kd_rup}", response_model=ProcurementPlanRecord, summary="A procurement plan package (RUP)")
def get_procurement_plan(kd_rup: RupCode, sessions: ReadSessionsDep):
    with sessions() as session:
        plan = models.plan(session, kd_rup)
        if plan is None:
            raise ApiError(404, "not_found", detail=f"no procurement plan package {kd_rup}")
        return {
            **record(plan),
            "versionId": plan.version_id,
            "tenders": [
                {
                    "ocid": t.ocid,
                    "hps": t.hps,
                    "qualification": t.qualification,
                    "planVersionId": t.plan_version_id,
                }
                for t in models.citing(session, kd_rup)
            ],
            "orders": [
                {"ocid": o.ocid, "value": o.value, "planVersionId": o.plan_version_id}
                for o in models.ordering(session, kd_rup)
            ],
            "history": [
                {
                    "versionId": v.id,
                    "importId": i.id,
                    "importedBy": i.imported_by,
                    "importedAt": i.imported_at,
                    "fileSha256": i.file_sha256,
                    "archiveId": i.chain_archive_id,
                    "agencyId": v.agency_id,
                    "pagu": v.pagu,
                    "method": v.metode,
                    "announced": v.announced,
                }
                for v, i in models.history(session, kd_rup)
            ],
        }


def record(plan: models.ProcurementPlan) -> dict:
    return {
        "rupCode": plan.kd_rup,
        "satkerCode": plan.kd_satker,
        "agencyId": plan.agency_id,
        "packageName": plan.nama_paket,
        "pagu": plan.pagu,
        "fundingSource": plan.sumber_dana,
        "method": plan.metode,
        "tenderMethod": importing.tender_method(plan.metode),
        "fiscalYear": plan.tahun_anggaran,
        "announced": plan.announced,
        "domesticProducts": plan.pdn,
        "smallBusinesses": plan.ukm,
    }
