"""welfare name checks: a keyed hash of each enrolled NIK with its name, for the public status check.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "welfare_name_checks",
        sa.Column("nik_key", sa.String(66), primary_key=True),
        sa.Column("name_mac", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("welfare_name_checks")
