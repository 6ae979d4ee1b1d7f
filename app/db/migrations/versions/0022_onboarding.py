"""onboarding: each proposed plan (its text and SHA-256) and each planned agency's kind, region,
parent, phase and onboarding time, which the chain does not hold (app/onboarding/models.py).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "onboarding_plans",
        sa.Column("proposal_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("phase", sa.String(64), nullable=False),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("proposer", sa.String(42), nullable=False),
        sa.Column("transaction", sa.String(66), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_onboarding_plans_sha256", "onboarding_plans", ["sha256"])
    op.create_table(
        "onboarding_agencies",
        sa.Column("agency_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("region", sa.String(8), nullable=True),
        sa.Column("parent", sa.BigInteger, nullable=True),
        sa.Column("phase", sa.String(64), nullable=False),
        sa.Column("proposal_id", sa.BigInteger, nullable=False),
        sa.Column("onboarded_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_onboarding_agencies_proposal_id", "onboarding_agencies", ["proposal_id"])


def downgrade() -> None:
    op.drop_table("onboarding_agencies")
    op.drop_table("onboarding_plans")
