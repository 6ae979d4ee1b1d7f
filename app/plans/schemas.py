"""Request and response models of the plans endpoints (app/plans/routes.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

EXAMPLE_CSV = (
    "kd_rup,kd_satker,nama_paket,pagu,sumber_dana,metode,tahun_anggaran,status_umumkan_rup,status_pdn,"
    "status_ukm\n"
    "52001001,690123,Pengadaan trafo distribusi 20 kV,2500000000,APBN,Tender,2026,true,true,false\n"
)


class PlanImport(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"agencyId": 1001, "file": EXAMPLE_CSV}]})

    agencyId: int = Field(ge=1, lt=2**32, description="The officer's agency: every row must be its own")
    file: str = Field(
        min_length=1,
        max_length=5_000_000,
        description="The SIRUP extract's text: a JSON array of objects or CSV with a header row",
    )


class PlanImported(BaseModel):
    agencyId: int
    imported: int
    rupCodes: list[str]
    importId: int
    archiveId: int = Field(description="The import's id in the Archives contract (kind ProcurementPlan)")
    root: str = Field(description="Merkle root over the rows' canonical form, anchored on chain")
    transaction: str


class CitingTender(BaseModel):
    ocid: str
    hps: int
    qualification: str | None
    planVersionId: int | None = Field(description="The plan version the announcement was checked against")


class CitingOrder(BaseModel):
    ocid: str
    value: int
    planVersionId: int


class PlanVersionRecord(BaseModel):
    versionId: int
    importId: int
    importedBy: str = Field(description="The data officer (token subject) who imported it")
    importedAt: datetime
    fileSha256: str
    archiveId: int
    agencyId: int
    pagu: int
    method: str
    announced: bool


class ProcurementPlanRecord(BaseModel):
    rupCode: str
    satkerCode: str
    agencyId: int
    packageName: str
    pagu: int = Field(description="Budget ceiling in rupiah")
    fundingSource: str
    method: str = Field(description="The method SIRUP names (Tender, Tender Cepat, Seleksi, ...)")
    tenderMethod: str | None = Field(description="The tender method it allows; none: not tendered")
    fiscalYear: int
    announced: bool
    domesticProducts: bool
    smallBusinesses: bool
    versionId: int | None = Field(description="The current version (history: oldest first)")
    tenders: list[CitingTender]
    orders: list[CitingOrder]
    history: list[PlanVersionRecord]
