"""welfare enrolment entries: how each family was enrolled (a registry extract, or by hand, marked).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "welfare_enrolment_entries",
        sa.Column("programme_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("family_key", sa.String(66), primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("enroller", sa.String(42), nullable=False),
        sa.Column("transaction", sa.String(66), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("welfare_enrolment_entries")
