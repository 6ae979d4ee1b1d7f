"""welfare notices to families, and the families' contacts (sealed).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "welfare_contacts",
        sa.Column("family_key", sa.String(66), primary_key=True),
        sa.Column("ciphertext", sa.String(1024), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "welfare_notices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("event_uid", sa.String(160), nullable=False, unique=True),
        sa.Column("family_key", sa.String(66), nullable=False),
        sa.Column("programme_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("provider_id", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_welfare_notices_family_key", "welfare_notices", ["family_key"])
    op.create_index("ix_welfare_notices_state", "welfare_notices", ["state"])
    op.create_table(
        "welfare_notice_positions",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("block_number", sa.BigInteger, nullable=False),
        sa.Column("log_index", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("welfare_notice_positions")
    op.drop_index("ix_welfare_notices_state", table_name="welfare_notices")
    op.drop_index("ix_welfare_notices_family_key", table_name="welfare_notices")
    op.drop_table("welfare_notices")
    op.drop_table("welfare_contacts")
