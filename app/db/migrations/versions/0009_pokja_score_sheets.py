"""Pokja score sheets: a member's technical scores and salt (value system), sealed at rest between
the sealing of the sheet on chain and its opening after the reveal deadline; and the envelope hash
of each managed bid's commit (a sealed bid now binds keccak256 of its envelope)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("managed_bid_openings") as batch:
        batch.add_column(sa.Column("envelope_hash", sa.String(length=66), nullable=True))
    op.create_table(
        "pokja_score_sheets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tender_id", sa.String(length=66), nullable=False),
        sa.Column("member", sa.String(length=42), nullable=False),
        sa.Column("sealed_sheet", sa.String(length=66), nullable=False),
        sa.Column("sealed_value", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sealed_sheet"),
    )
    op.create_index(
        "ix_pokja_score_sheets_member", "pokja_score_sheets", ["tender_id", "member"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_pokja_score_sheets_member", table_name="pokja_score_sheets")
    op.drop_table("pokja_score_sheets")
    with op.batch_alter_table("managed_bid_openings") as batch:
        batch.drop_column("envelope_hash")
