"""plan history: every SIRUP import (by whom, when, the file's SHA-256, the Merkle root anchored with
Archives.anchorArchive) and every version of every package it brought; the current package points at
its version, a tender at the version it was checked against, and an e-Katalog order cites a package
(app/plans/models.py).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_imports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("agency_id", sa.BigInteger, nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("officer", sa.String(42), nullable=False),
        sa.Column("record_count", sa.Integer, nullable=False),
        sa.Column("root", sa.String(66), nullable=False),
        sa.Column("metadata_json", sa.Text, nullable=False),
        sa.Column("chain_archive_id", sa.BigInteger, nullable=False),
        sa.Column("transaction", sa.String(66), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("plan_imports.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kd_rup", sa.String(32), nullable=False, index=True),
        sa.Column("kd_satker", sa.String(32), nullable=False),
        sa.Column("agency_id", sa.BigInteger, nullable=False),
        sa.Column("nama_paket", sa.String(500), nullable=False),
        sa.Column("pagu", sa.BigInteger, nullable=False),
        sa.Column("sumber_dana", sa.String(64), nullable=False),
        sa.Column("metode", sa.String(64), nullable=False),
        sa.Column("tahun_anggaran", sa.Integer, nullable=False),
        sa.Column("announced", sa.Boolean, nullable=False),
        sa.Column("pdn", sa.Boolean, nullable=False),
        sa.Column("ukm", sa.Boolean, nullable=False),
        sa.Column("leaf", sa.LargeBinary(32), nullable=False),
        sa.UniqueConstraint("import_id", "position"),
    )
    op.add_column("procurement_plans", sa.Column("version_id", sa.Integer, nullable=True))
    op.add_column("tender_plans", sa.Column("plan_version_id", sa.Integer, nullable=True))
    op.create_table(
        "order_plans",
        sa.Column("ocid", sa.String(200), primary_key=True),
        sa.Column("kd_rup", sa.String(32), nullable=False, index=True),
        sa.Column("agency_id", sa.BigInteger, nullable=False),
        sa.Column("plan_version_id", sa.Integer, nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("reserved_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("order_plans")
    with op.batch_alter_table("tender_plans") as batch:
        batch.drop_column("plan_version_id")
    with op.batch_alter_table("procurement_plans") as batch:
        batch.drop_column("version_id")
    op.drop_table("plan_versions")
    op.drop_table("plan_imports")
