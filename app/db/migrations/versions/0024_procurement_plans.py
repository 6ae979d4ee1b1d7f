"""procurement plans and supplier data: the RUP packages imported from SIRUP and the tender citing
each (app/plans/models.py); the SIKaP extract's businesses by keyed NIB hash, their KBLI and SBU
qualifications and the national blacklist (app/sikap/models.py).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "procurement_plans",
        sa.Column("kd_rup", sa.String(32), primary_key=True),
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
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_procurement_plans_agency_id", "procurement_plans", ["agency_id"])
    op.create_table(
        "tender_plans",
        sa.Column("ocid", sa.String(200), primary_key=True),
        sa.Column("kd_rup", sa.String(32), nullable=False),
        sa.Column("agency_id", sa.BigInteger, nullable=False),
        sa.Column("hps", sa.BigInteger, nullable=False),
        sa.Column("qualification", sa.String(40), nullable=True),
        sa.Column("reserved_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tender_plans_kd_rup", "tender_plans", ["kd_rup"])
    op.create_table(
        "sikap_businesses",
        sa.Column("nib_hash", sa.String(66), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "sikap_qualifications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nib_hash", sa.String(66), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("valid_until", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_sikap_qualifications_nib_hash", "sikap_qualifications", ["nib_hash"])
    op.create_table(
        "sikap_blacklist",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("nib_hash", sa.String(66), nullable=False),
        sa.Column("start", sa.BigInteger, nullable=False),
        sa.Column("end", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_sikap_blacklist_nib_hash", "sikap_blacklist", ["nib_hash"])
    op.create_table(
        "sikap_suppliers",
        sa.Column("supplier_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("nib_hash", sa.String(66), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sikap_suppliers")
    op.drop_table("sikap_blacklist")
    op.drop_table("sikap_qualifications")
    op.drop_table("sikap_businesses")
    op.drop_table("tender_plans")
    op.drop_table("procurement_plans")
