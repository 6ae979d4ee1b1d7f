"""A plan import's integrity proof, with the archives' own leaf, tree and anchoring code
(app/protocol/archives.py, app/protocol/merkle.py, app/archives/chain.py): each row's canonical form
(its SIRUP fields as JSON, sorted keys) is a leaf of kind ProcurementPlan at its place in the file,
the Merkle root over them is anchored with Archives.anchorArchive by the data officer's own key before
anything is stored, and `terang plans verify` hashes the stored rows again against the root read back
from the chain, so a row edited in the database afterwards is named."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.archives import chain as archive_chain
from app.archives.importer import ArchiveError
from app.ledger.client import ChainClient
from app.plans.importing import PlanRow
from app.plans.models import PlanImport, PlanVersion, ProcurementPlan
from app.protocol import merkle
from app.protocol.archives import ARCHIVE_KIND, LEAF_FORMAT, canonical, metadata_hash, record_leaf

PLAN_KIND = ARCHIVE_KIND.code("ProcurementPlan")
FIELDS = tuple(PlanRow.__dataclass_fields__)


class PlanAnchorError(ArchiveError):
    """The chain refused or never confirmed the anchoring (one line, Bahasa Indonesia then English)."""


def fields_of(row: PlanRow | PlanVersion | ProcurementPlan) -> dict:
    return {name: getattr(row, name) for name in FIELDS}


def leaf_of(row: PlanRow | PlanVersion | ProcurementPlan, position: int) -> bytes:
    return record_leaf(PLAN_KIND, position, canonical(fields_of(row)))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plan_metadata(agency_id: int, file_sha256: str, count: int) -> dict:
    """What the anchored metadataHash is the hash of (no personal data: codes, counts and hashes)."""
    return {
        "kind": "ProcurementPlan",
        "sourceSystem": "SIRUP",
        "agencyId": agency_id,
        "sourceFileSha256": file_sha256,
        "recordCount": count,
        "leafFormat": LEAF_FORMAT,
    }


@dataclass(frozen=True)
class Prepared:
    rows: list[PlanRow]
    leaves: list[bytes]
    root: bytes
    metadata: dict


def prepare(rows: list[PlanRow], agency_id: int, file_sha256: str) -> Prepared:
    leaves = [leaf_of(row, i) for i, row in enumerate(rows)]
    return Prepared(rows, leaves, merkle.root(leaves), plan_metadata(agency_id, file_sha256, len(rows)))


def anchor(client: ChainClient, officer: LocalAccount, prepared: Prepared) -> archive_chain.Anchored:
    """Archives.anchorArchive(ProcurementPlan, root, count, metadataHash) from the officer's account."""
    try:
        return archive_chain.anchor(
            client,
            officer,
            PLAN_KIND,
            prepared.root,
            len(prepared.rows),
            metadata_hash(prepared.metadata),
        )
    except ArchiveError as exc:
        raise PlanAnchorError(str(exc)) from None


def store(
    session: Session,
    prepared: Prepared,
    anchored: archive_chain.Anchored,
    *,
    agency_id: int,
    file_sha256: str,
    imported_by: str,
    officer: str,
) -> PlanImport:
    """The import, a version of each row and the current packages pointing at them (one transaction:
    the caller's)."""
    from app.plans import store as current

    plan_import = PlanImport(
        agency_id=agency_id,
        file_sha256=file_sha256,
        imported_by=imported_by[:200],
        officer=officer,
        record_count=len(prepared.rows),
        root="0x" + prepared.root.hex(),
        metadata_json=canonical(prepared.metadata).decode("utf-8"),
        chain_archive_id=anchored.archive_id,
        transaction=anchored.transaction,
    )
    session.add(plan_import)
    session.flush()
    versions = [
        PlanVersion(import_id=plan_import.id, position=i, leaf=leaf, **row.as_columns())
        for i, (row, leaf) in enumerate(zip(prepared.rows, prepared.leaves, strict=True))
    ]
    session.add_all(versions)
    session.flush()
    current.save(session, prepared.rows, {v.kd_rup: v.id for v in versions})
    return plan_import


def in_force(session: Session, agency_id: int, file_sha256: str) -> PlanImport | None:
    """The agency's import of this very file if every package it brought is still at that version: a
    repeat of a request whose answer was lost, answered without anchoring again."""
    earlier = session.scalars(
        select(PlanImport)
        .where(PlanImport.agency_id == agency_id, PlanImport.file_sha256 == file_sha256)
        .order_by(PlanImport.id.desc())
        .limit(1)
    ).first()
    if earlier is None:
        return None
    versions = session.scalars(select(PlanVersion).where(PlanVersion.import_id == earlier.id)).all()
    for version in versions:
        current = session.get(ProcurementPlan, version.kd_rup)
        if current is None or current.version_id != version.id:
            return None
    return earlier


# --- verifying ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    import_id: int
    kd_rup: str
    why: str


def verify_import(
    session: Session, plan_import: PlanImport, on_chain: archive_chain.OnChain
) -> list[Finding]:
    """The import's stored rows hashed again and folded into the root the chain holds: each row whose
    fields no longer give its leaf is named; a root that differs though no row is named (the stored
    leaves altered too, rows added or removed) is a finding of its own."""
    versions = list(
        session.scalars(
            select(PlanVersion).where(PlanVersion.import_id == plan_import.id).order_by(PlanVersion.position)
        )
    )
    findings, leaves = [], []
    for expected, version in enumerate(versions):
        leaf = leaf_of(version, version.position)
        leaves.append(leaf)
        if version.position != expected:
            findings.append(Finding(plan_import.id, version.kd_rup, f"row #{expected} is missing"))
        elif leaf != bytes(version.leaf):
            findings.append(Finding(plan_import.id, version.kd_rup, "changed since the import"))
    if on_chain.kind != PLAN_KIND:
        findings.append(Finding(plan_import.id, "-", f"chain archive #{on_chain.archive_id} is no plan"))
    root_ok = on_chain.record_count == len(leaves) and merkle.root(leaves) == on_chain.root
    if not root_ok and not findings:
        findings.append(Finding(plan_import.id, "-", "the rows do not give the anchored root"))
    if metadata_hash_of(plan_import) != on_chain.metadata_hash:
        findings.append(Finding(plan_import.id, "-", "the stored metadata is not the anchored one"))
    return findings


def metadata_hash_of(plan_import: PlanImport) -> bytes:
    from eth_utils import keccak

    return keccak(plan_import.metadata_json.encode("utf-8"))


def verify_current(session: Session) -> list[Finding]:
    """Each current package against the version it points at: the gateway checks announcements and
    orders against the version, and the explorer shows the package, so both must agree."""
    findings = []
    for plan in session.scalars(select(ProcurementPlan).order_by(ProcurementPlan.kd_rup)):
        version = session.get(PlanVersion, plan.version_id) if plan.version_id else None
        if version is None:
            findings.append(Finding(0, plan.kd_rup, "no anchored import brought this package"))
        elif version.kd_rup != plan.kd_rup or fields_of(version) != fields_of(plan):
            findings.append(Finding(version.import_id, plan.kd_rup, "differs from its anchored version"))
    return findings


def verify_all(session: Session, client: ChainClient) -> tuple[int, list[Finding]]:
    """(imports checked, findings) over every import and every current package."""
    findings: list[Finding] = []
    imports = list(session.scalars(select(PlanImport).order_by(PlanImport.id)))
    for plan_import in imports:
        try:
            on_chain = archive_chain.read(client, plan_import.chain_archive_id)
        except ArchiveError:
            findings.append(
                Finding(plan_import.id, "-", f"no archive #{plan_import.chain_archive_id} on chain")
            )
            continue
        findings.extend(verify_import(session, plan_import, on_chain))
    return len(imports), findings + verify_current(session)
