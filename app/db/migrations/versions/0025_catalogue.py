"""catalogue: each e-Katalog snapshot LKPP published (its on-chain id, Merkle root and file hash) and
its products, from which the gateway builds each order's proof (app/catalogue/models.py).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalogue_snapshots",
        sa.Column("catalogue_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("root", sa.String(66), nullable=False),
        sa.Column("metadata_hash", sa.String(66), nullable=False),
        sa.Column("products", sa.Integer, nullable=False),
        sa.Column("publisher", sa.String(42), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "catalogue_products",
        sa.Column(
            "catalogue_id",
            sa.BigInteger,
            sa.ForeignKey("catalogue_snapshots.catalogue_id"),
            primary_key=True,
        ),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("product_id", sa.String(66), nullable=False),
        sa.Column("supplier_id", sa.BigInteger, nullable=False),
        sa.Column("unit_price", sa.BigInteger, nullable=False),
        sa.Column("tkdn_bps", sa.Integer, nullable=False),
        sa.Column("category", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_index("ix_catalogue_products_supplier_id", "catalogue_products", ["supplier_id"])


def downgrade() -> None:
    op.drop_table("catalogue_products")
    op.drop_table("catalogue_snapshots")
