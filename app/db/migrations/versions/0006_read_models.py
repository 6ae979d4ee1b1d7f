"""read models: precomputed, incrementally maintained tables the explorer, OCDS and red flags read

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty at first: the indexer's next batch (or the gateway's start) brings them up to its cursor.
    op.create_table(
        "ocds_tenders",
        sa.Column("ocid", sa.String(length=128), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("tender_id", sa.String(length=66), nullable=False),
        sa.Column("last_block", sa.BigInteger(), nullable=False),
        sa.Column("release_count", sa.Integer(), nullable=False),
        sa.Column("releases", sa.JSON(), nullable=False),
        sa.Column("compiled", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("ocid"),
    )
    op.create_index("ix_ocds_tenders_position", "ocds_tenders", ["position"], unique=True)
    op.create_index("ix_ocds_tenders_tender_id", "ocds_tenders", ["tender_id"], unique=True)
    op.create_index("ix_ocds_tenders_last_block", "ocds_tenders", ["last_block"], unique=False)
    op.create_table(
        "ocds_payment_links",
        sa.Column("payment_id", sa.String(length=66), nullable=False),
        sa.Column("ocid", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("payment_id"),
    )
    op.create_index("ix_ocds_payment_links_ocid", "ocds_payment_links", ["ocid"], unique=False)
    op.create_table(
        "explorer_tenders",
        sa.Column("ocid", sa.String(length=128), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("ocid"),
    )
    op.create_index("ix_explorer_tenders_position", "explorer_tenders", ["position"], unique=True)
    op.create_table(
        "explorer_suppliers",
        sa.Column("supplier_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("supplier_id"),
    )
    op.create_index("ix_explorer_suppliers_position", "explorer_suppliers", ["position"], unique=True)
    op.create_table(
        "explorer_supplier_events",
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("supplier_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index(
        "ix_explorer_supplier_events_supplier",
        "explorer_supplier_events",
        ["supplier_id", "block_number", "log_index"],
        unique=False,
    )
    op.create_index(
        "ix_explorer_supplier_events_block", "explorer_supplier_events", ["block_number"], unique=False
    )
    op.create_table(
        "redflag_results",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("results_json", sa.Text(), nullable=False),
        sa.Column("analysed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "read_model_positions",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("read_model_positions")
    op.drop_table("redflag_results")
    op.drop_index("ix_explorer_supplier_events_block", table_name="explorer_supplier_events")
    op.drop_index("ix_explorer_supplier_events_supplier", table_name="explorer_supplier_events")
    op.drop_table("explorer_supplier_events")
    op.drop_index("ix_explorer_suppliers_position", table_name="explorer_suppliers")
    op.drop_table("explorer_suppliers")
    op.drop_index("ix_explorer_tenders_position", table_name="explorer_tenders")
    op.drop_table("explorer_tenders")
    op.drop_index("ix_ocds_payment_links_ocid", table_name="ocds_payment_links")
    op.drop_table("ocds_payment_links")
    op.drop_index("ix_ocds_tenders_last_block", table_name="ocds_tenders")
    op.drop_index("ix_ocds_tenders_tender_id", table_name="ocds_tenders")
    op.drop_index("ix_ocds_tenders_position", table_name="ocds_tenders")
    op.drop_table("ocds_tenders")
