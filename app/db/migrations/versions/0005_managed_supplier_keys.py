"""managed suppliers: signing keys held by the gateway, and the sealed openings of their bids

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "managed_supplier_keys",
        sa.Column("supplier_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("sealed_key", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("supplier_id"),
        sa.UniqueConstraint("address"),
    )
    op.create_table(
        "managed_bid_openings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("supplier_id", sa.BigInteger(), nullable=False),
        sa.Column("tender_id", sa.String(length=66), nullable=False),
        sa.Column("commitment", sa.String(length=66), nullable=False),
        sa.Column("sealed_opening", sa.Text(), nullable=False),
        sa.Column("commit_seq", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("commitment"),
    )
    op.create_index(
        "ix_managed_bid_openings_bid", "managed_bid_openings", ["tender_id", "supplier_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_managed_bid_openings_bid", table_name="managed_bid_openings")
    op.drop_table("managed_bid_openings")
    op.drop_table("managed_supplier_keys")
