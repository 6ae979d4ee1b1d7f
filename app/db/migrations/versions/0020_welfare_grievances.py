"""welfare grievances: the tickets (their hashes and resolutions are anchored on chain).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "welfare_grievances",
        sa.Column("reference", sa.String(16), primary_key=True),
        sa.Column("ticket_hash", sa.String(66), nullable=False, unique=True),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("category", sa.String(24), nullable=False),
        sa.Column("programme_id", sa.BigInteger, nullable=False),
        sa.Column("family_key", sa.String(66), nullable=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.String(42), nullable=True),
        sa.Column("appeal", sa.Boolean, nullable=False),
        sa.Column("resolution", sa.Text, nullable=True),
        sa.Column("resolution_hash", sa.String(66), nullable=True),
        sa.Column("upheld", sa.Boolean, nullable=True),
        sa.Column("resolved_by", sa.String(42), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_welfare_grievances_state_due", "welfare_grievances", ["state", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_welfare_grievances_state_due", table_name="welfare_grievances")
    op.drop_table("welfare_grievances")
