"""welfare households: each person's household and each household's family cards (keyed, never in clear).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "welfare_household_members",
        sa.Column("nik_key", sa.String(66), primary_key=True),
        sa.Column("household_key", sa.String(66), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_welfare_household_members_household_key", "welfare_household_members", ["household_key"]
    )
    op.create_table(
        "welfare_family_cards",
        sa.Column("kk_key", sa.String(66), primary_key=True),
        sa.Column("household_key", sa.String(66), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_welfare_family_cards_household_key", "welfare_family_cards", ["household_key"])


def downgrade() -> None:
    op.drop_index("ix_welfare_family_cards_household_key", table_name="welfare_family_cards")
    op.drop_table("welfare_family_cards")
    op.drop_index("ix_welfare_household_members_household_key", table_name="welfare_household_members")
    op.drop_table("welfare_household_members")
